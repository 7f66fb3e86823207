"""The review workflow's diff job, run for real: the comment is written and posted when HEAD has errors.

``diff`` exits 1 when the merged budgets do not validate. The workflow must still write the report,
hand it to the comment job, and only then fail. The step's shell script is taken from
.github/workflows/review.yml and run in a temporary repository, as the runner would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.review.format import MARKER

ROOT = Path(__file__).resolve().parents[1]
SEED = "budgets/2023/63002.yaml"


def workflow() -> dict[str, Any]:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "review.yml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def step(job: str, step_id: str | None = None, name: str | None = None) -> dict[str, Any]:
    steps = workflow()["jobs"][job]["steps"]
    return next(s for s in steps if (step_id and s.get("id") == step_id) or (name and s.get("name") == name))


def run_step(script: str, repo: Path, env: dict[str, str]) -> tuple[int, dict[str, str]]:
    output = repo.parent / "github_output"
    output.write_text("", encoding="utf-8")
    full = {**os.environ, "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1", "GITHUB_WORKSPACE": str(repo),
            "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(repo.parent / "summary.md"), **env}
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=full, capture_output=True, text=True)
    values = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return done.returncode, values


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A repository with the seed committed (its sha returned) and the .venv of this checkout."""
    path = tmp_path / "repo"
    (path / "budgets" / "2023").mkdir(parents=True)
    (path / SEED).write_text((ROOT / SEED).read_text(encoding="utf-8"), encoding="utf-8")
    (path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    env = {**os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    for args in (["init", "-q"], ["add", SEED], ["commit", "-q", "-m", "seed"]):
        subprocess.run(["git", *args], cwd=path, env=env, check=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    text = (path / SEED).read_text(encoding="utf-8").replace("personnel: 140.71", "personnel: 150.71")
    (path / SEED).write_text(text, encoding="utf-8")
    for args in (["add", SEED], ["commit", "-q", "-m", "breaks reconciliation"]):
        subprocess.run(["git", *args], cwd=path, env=env, check=True)
    return path, sha


def test_the_report_is_written_and_handed_on_when_head_has_errors(repo: tuple[Path, str]) -> None:
    path, base = repo
    code, outputs = run_step(step("diff", step_id="diff")["run"], path, {"BASE_SHA": base})
    assert code == 0, outputs  # the step itself succeeds, so the upload runs
    assert outputs == {"written": "true", "status": "1"}
    report = (path / "budget-diff.md").read_text(encoding="utf-8").splitlines()
    assert report[0] == MARKER and report[1].startswith("**❌"), report[:2]
    assert (path.parent / "summary.md").read_text(encoding="utf-8").startswith(MARKER)


def test_the_job_fails_after_the_upload_and_the_comment_is_still_posted() -> None:
    wf = workflow()
    steps = wf["jobs"]["diff"]["steps"]
    names = [s.get("name") for s in steps]
    fail = next(s for s in steps if s.get("if") == "steps.diff.outputs.status != '0'")
    assert names.index(fail["name"]) > names.index("上传比较结果")  # after the report is uploaded
    assert wf["jobs"]["diff"]["outputs"]["written"] == "${{ steps.diff.outputs.written }}"
    condition = wf["jobs"]["comment"]["if"]
    assert "!cancelled()" in condition and "needs.diff.outputs.written == 'true'" in condition
    for status, expected in (("1", 1), ("2", 2)):
        done = subprocess.run(["bash", "-e", "-c", fail["run"]], env={**os.environ, "STATUS": status},
                              capture_output=True, text=True)
        assert done.returncode == expected, done.stdout + done.stderr


def test_a_diff_that_writes_nothing_fails_the_step(repo: tuple[Path, str]) -> None:
    path, _ = repo
    code, outputs = run_step(step("diff", step_id="diff")["run"], path, {"BASE_SHA": "no-such-revision"})
    assert code == 1 and "written" not in outputs
