"""The publishing workflow files and the pre-commit hook: linted, pinned, least privilege, and runnable."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.review.format import MARKER

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
SEED = "budgets/2023/63002.yaml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data  # type: ignore[no-any-return]


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def runs(workflow: dict[str, Any]) -> str:
    return "\n".join(s.get("run", "") for s in steps(workflow))


def uses(workflow: dict[str, Any]) -> list[str]:
    return [s["uses"] for s in steps(workflow) if "uses" in s]


def test_actionlint_reports_nothing() -> None:
    binary, shellcheck = BIN / "actionlint", BIN / "shellcheck"
    assert binary.is_file() and shellcheck.is_file(), "actionlint/shellcheck 未安装：pip install -e '.[test]'"
    files = sorted(str(p) for p in WORKFLOWS.glob("*.y*ml"))
    assert len(files) >= 2
    command = [str(binary), "-no-color", "-shellcheck", str(shellcheck), *files]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    for path in WORKFLOWS.glob("*.y*ml"):
        for ref in uses(load(path.name)):
            assert PINNED.match(ref), f"{path.name}: {ref}"
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


@pytest.mark.parametrize("name", ["review.yml", "pages.yml"])
def test_least_privilege_and_concurrency(name: str) -> None:
    wf = load(name)
    assert wf["permissions"] == {"contents": "read"}
    assert wf["concurrency"]["group"]
    granted = {job_id: job.get("permissions", {}) for job_id, job in wf["jobs"].items()}
    writes = {(j, scope) for j, perms in granted.items() for scope, level in perms.items() if level == "write"}
    expected = {"review.yml": {("comment", "pull-requests")},
                "pages.yml": {("deploy", "pages"), ("deploy", "id-token")}}[name]
    assert writes == expected


def test_review_workflow_tests_validates_builds_and_comments() -> None:
    wf = load("review.yml")
    assert list(wf["on"]) == ["pull_request"]
    commands = runs(wf)
    for needed in ("make setup", "make test", "-m generator validate --format github budgets/",
                   "-m generator site", '-m generator diff "$BASE_SHA" HEAD --format markdown'):
        assert needed in commands, needed
    actions = [u.split("@")[0] for u in uses(wf)]
    assert "actions/upload-artifact" in actions and "actions/github-script" in actions
    script = next(s["with"]["script"] for s in steps(wf) if s.get("uses", "").startswith("actions/github-script"))
    assert MARKER in script and "updateComment" in script and "createComment" in script
    assert next(s for s in steps(wf) if s.get("uses", "").startswith("actions/checkout")
                and s.get("with", {}).get("fetch-depth") == 0)


def test_pages_workflow_deploys_with_the_official_actions() -> None:
    wf = load("pages.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    actions = [u.split("@")[0] for u in uses(wf)]
    for needed in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert needed in actions
    assert "-m generator site" in runs(wf)
    assert wf["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    assert wf["jobs"]["deploy"]["needs"] == "build"


@pytest.mark.parametrize("name", ["review.yml", "pages.yml"])
def test_jobs_that_build_the_site_install_chromium_first(name: str) -> None:
    """`site` prints every department-year to PDF with Debian's Chromium: make system-deps installs it."""
    building = 0
    for job in load(name)["jobs"].values():
        commands = [s.get("run", "") for s in job.get("steps", [])]
        for i, command in enumerate(commands):
            if "-m generator site" in command:
                building += 1
                before = "\n".join(commands[:i])
                assert re.search(r"make [\w -]*\b(system-deps|site)\b", before), (name, before)
    assert building == 1


# ---------------------------------------------------------------- pre-commit


def hook() -> dict[str, Any]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    (entry,) = repo["hooks"]
    assert repo["repo"] == "local"
    return entry  # type: ignore[no-any-return]


def test_pre_commit_config_is_valid() -> None:
    done = subprocess.run([str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    files = re.compile(hook()["files"])
    assert files.search(SEED) and files.search("budgets/2024/63002.yaml")
    assert not files.search("docs/reference.yaml") and not files.search("budgets/README.md")


def test_hook_entry_validates_the_seed_and_rejects_a_broken_copy(tmp_path: Path) -> None:
    entry = shlex.split(hook()["entry"])
    assert entry[-3:] == ["-m", "generator", "validate"]
    python = ROOT / entry[0]
    command = [str(python if python.exists() else sys.executable), *entry[1:]]
    ok = subprocess.run([*command, SEED], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    broken = tmp_path / "63002.yaml"
    broken.write_text((ROOT / SEED).read_text(encoding="utf-8").replace("amount: 977.40", "amount: 977.50"),
                      encoding="utf-8")
    bad = subprocess.run([*command, str(broken)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "[income-expenditure-mismatch]" in bad.stdout


def test_pre_commit_runs_the_hook_in_a_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "budgets" / "2023").mkdir(parents=True)
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    shutil.copy(ROOT / SEED, repo / SEED)
    (repo / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path),
           "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", ".pre-commit-config.yaml", SEED], cwd=repo, check=True, env=env)
    pre_commit = [str(BIN / "pre-commit"), "run", "--files", SEED]
    done = subprocess.run(pre_commit, cwd=repo, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr

    text = (repo / SEED).read_text(encoding="utf-8").replace('code: "2080101"', 'code: "2089999"')  # known code, other name
    (repo / SEED).write_text(text, encoding="utf-8")
    done = subprocess.run(pre_commit, cwd=repo, capture_output=True, text=True, env=env)
    line = next(i for i, x in enumerate(text.splitlines(), 1) if 'code: "2089999"' in x)
    assert done.returncode == 1, done.stdout
    assert f"{SEED}:{line + 1}:5: error [code-name-mismatch]" in done.stdout, done.stdout
