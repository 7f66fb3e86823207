"""validate points a reconciliation problem at the line the editor changed since git HEAD.

Changing 基本工资 54.06 → 54.60 (its 3010101 item) breaks 人员经费: function view 200.79 against
economic view 201.33. Without git the problem sits at 行政运行 (the first function line of the
sum) with 19 related lines; in a repository where that item is the changed line, the problem is
at the item and says so first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import SEED, SEED_REL, CliResult, edit_line, line_of, run_cli

from generator.check.rules.changes import ChangedLine, point_at_changes
from generator.core.errors import Problem, Severity

GIT_ENV = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "test@example.invalid", "GIT_COMMITTER_NAME": "测试",
           "GIT_COMMITTER_EMAIL": "test@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo.parent)}
    subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def place(root: Path, text: str) -> Path:
    path = root / SEED_REL
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def wage_edit(text: str) -> tuple[str, int]:
    line = line_of(text, r'\{code: "3010101", name: 基本工资, amount: 54\.06\}')
    return edit_line(text, line, "54.06", "54.60"), line


def personnel_problem(result: CliResult) -> dict:
    assert result.code == 1, result.explain()
    (p,) = [p for p in result.json()["problems"] if p["slug"] == "function-economic-mismatch"]
    return p  # type: ignore[no-any-return]


def test_the_changed_line_is_named_first(tmp_path: Path, seed_text: str) -> None:
    repo = tmp_path / "repo"
    place(repo, seed_text)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "seed")
    text, line = wage_edit(seed_text)
    place(repo, text)
    p = personnel_problem(run_cli("validate", "--format", "json", "budgets", cwd=repo))
    first_function_line = line_of(seed_text, r"personnel: 140\.71")
    assert (p["file"], p["line"]) == (SEED_REL, line)
    assert p["message"].startswith(f"你改动的第{line}行（3010101 基本工资：54.06 → 54.60）可能是原因。"), p["message"]
    assert first_function_line in p["related_lines"] and line not in p["related_lines"]
    assert f"其他相关行：{first_function_line}、" in p["message"]

    text_out = run_cli("validate", "budgets", cwd=repo)
    assert f"{SEED_REL}:{line}:" in text_out.stdout and "你改动的第" in text_out.stdout, text_out.explain()


def test_without_git_nothing_changes(tmp_path: Path, seed_text: str) -> None:
    text, line = wage_edit(seed_text)
    place(tmp_path, text)
    p = personnel_problem(run_cli("validate", "--format", "json", "budgets", cwd=tmp_path))
    assert p["line"] == line_of(seed_text, r"personnel: 140\.71") and line in p["related_lines"]
    assert "你改动" not in p["message"]
    assert p["fix"]  # how to fix it, with or without git


def test_a_committed_change_is_not_the_working_trees(tmp_path: Path, seed_text: str) -> None:
    repo = tmp_path / "repo"
    text, line = wage_edit(seed_text)
    place(repo, text)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "already committed")
    p = personnel_problem(run_cli("validate", "--format", "json", "budgets", cwd=repo))
    assert p["line"] != line and "你改动" not in p["message"] and p["fix"]


def test_a_reformatted_file_points_nowhere_new(tmp_path: Path, seed_text: str) -> None:
    """Changed lines are changed leaves, not changed text: moving lines around is not a change."""
    repo = tmp_path / "repo"
    text, _ = wage_edit(seed_text)
    place(repo, text)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken already")
    place(repo, "# 一行新注释\n" + text)  # every line moves down by one
    p = personnel_problem(run_cli("validate", "--format", "json", "budgets", cwd=repo))
    assert "你改动" not in p["message"] and p["fix"]


def test_point_at_changes_keeps_problems_without_a_changed_candidate() -> None:
    p = Problem("function-economic-mismatch", Severity.ERROR, "不一致（相关行：58、82）", "a.yaml", 52, 5,
                related_lines=(58, 82))
    unrelated = [ChangedLine(40, 3, "别的行：1 → 2")]
    assert point_at_changes([p], {"a.yaml": unrelated}) == [p]
    (moved,) = point_at_changes([p], {"a.yaml": [ChangedLine(82, 39, "3010101 基本工资：54.06 → 54.60")]})
    assert (moved.line, moved.column, moved.related_lines) == (82, 39, (52, 58))
    assert moved.message == "你改动的第82行（3010101 基本工资：54.06 → 54.60）可能是原因。不一致（其他相关行：52、58）"


def test_git_missing_is_skipped_silently(tmp_path: Path, seed_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.check import worktree

    text, _ = wage_edit(seed_text)
    path = place(tmp_path, text)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # no git anywhere
    assert shutil.which("git") is None
    assert worktree.changed_lines([str(path)]) == {}
