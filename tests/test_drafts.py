"""Unfilled drafts and zero budgets: validated and previewed, never published.

``new --from FILE --year Y`` marks every figure still to be filled in with ``# 待填写``; the
markers are the contract: ``validate`` warns (once per file, with the count and the first line),
``render`` and ``site`` refuse the file, and a 0 against last year's amount in a draft reads
“本年数未填写” rather than asking for a reason.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support import ROOT, SEED, SEED_REL, describe, edit_line, line_of, run_cli

from generator.authoring.scaffold import scaffold_text
from generator.check.rules.markers import unfilled_lines
from generator.check.validate import Report, validate_paths
from generator.publish.pages import Renderer

DRAFT_REL = "budgets/2024/63002.yaml"


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """budgets/2023 (the seed) and budgets/2024 (its unfilled draft) under tmp_path."""
    (tmp_path / "budgets" / "2023").mkdir(parents=True)
    (tmp_path / "budgets" / "2024").mkdir()
    shutil.copy(SEED, tmp_path / SEED_REL)
    (tmp_path / DRAFT_REL).write_text(scaffold_text(SEED, 2024), encoding="utf-8")
    return tmp_path


def draft_text(district: Path) -> str:
    return (district / DRAFT_REL).read_text(encoding="utf-8")


def validate(district: Path) -> Report:
    return validate_paths([district / "budgets"], root=district)


def of(report: Report, slug: str, file: str = DRAFT_REL) -> list:
    return [p for p in report.problems if p.slug == slug and p.file == file]


def test_validate_warns_once_per_draft_with_the_count_and_the_first_line(district: Path) -> None:
    text = draft_text(district)
    marked = [i for i, line in enumerate(text.split("\n"), 1) if line.rstrip().endswith("# 待填写")]
    assert len(marked) >= 70  # every figure of the draft, and the two explanations
    report = validate(district)
    (p,) = of(report, "unfilled-draft")
    assert (p.line, p.severity.value, p.actual) == (marked[0], "warning", str(len(marked)))
    assert f"{len(marked)} 行未填写" in p.message and f"第 {marked[0]} 行" in p.message
    assert report.valid, describe(report.errors)  # a draft validates: the editor fills it in step by step
    assert not of(report, "unfilled-draft", SEED_REL)


def test_zero_against_last_years_amount_in_a_draft_is_unfilled_not_a_missing_reason(district: Path) -> None:
    text = draft_text(district)
    report = validate(district)
    assert not of(report, "missing-reason"), describe(of(report, "missing-reason"))
    unfilled = {p.line: p.message for p in of(report, "unfilled-amount")}
    line = line_of(text, r"^    name: 行政运行$") + 1  # its general_budget block
    assert "本年数未填写" in unfilled[line] and "170.43万元" in unfilled[line], unfilled


def test_marker_comments_only(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    line = line_of(text, r'^  - \{code: "30214"')
    quoted = edit_line(text, line, "reason: 压减经费", 'reason: "压减经费 # 待填写"')
    assert unfilled_lines(quoted) == ()  # inside a quoted text: a placeholder, not a draft marker
    commented = edit_line(text, line, "压减经费}", "压减经费}  # 待填写")
    assert unfilled_lines(commented) == (line,)
    assert unfilled_lines(text) == ()


@pytest.mark.parametrize("command", ["render", "site"])
def test_publishing_refuses_an_unfilled_draft(district: Path, command: str) -> None:
    out = district / "out"
    result = run_cli(command, "--budgets", district / "budgets", "--out", out, cwd=ROOT)
    assert result.code == 1, result.explain()
    count = len(unfilled_lines(draft_text(district)))
    (line,) = [x for x in result.stdout.splitlines() if "[unfilled-draft]" in x]
    assert re.match(rf"budgets/2024/63002\.yaml:\d+:\d+: error \[unfilled-draft\] .*{count} 行未填写", line), line
    assert "[empty-budget]" in result.stdout  # and its totals are 0
    assert "Traceback" not in result.output and not out.exists()


def test_a_zero_budget_cannot_be_published_even_without_markers(district: Path) -> None:
    path = district / DRAFT_REL
    path.write_text(draft_text(district).replace("# 待填写", ""), encoding="utf-8")
    report = validate(district)
    assert not of(report, "unfilled-draft") and report.valid, describe(report.problems)
    (p,) = of(report, "empty-budget")
    assert p.severity.value == "warning"
    result = run_cli("render", "--budgets", district / "budgets", "--out", district / "out", cwd=ROOT)
    assert result.code == 1, result.explain()
    assert f"{DRAFT_REL}:{p.line}:{p.column}: error [empty-budget]" in result.stdout, result.explain()


def test_validate_exits_0_on_a_draft(district: Path) -> None:
    result = run_cli("validate", district / "budgets", cwd=district)
    assert result.code == 0, result.explain()
    assert "warning [unfilled-draft]" in result.stdout


def test_the_preview_still_renders_a_draft(district: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    files = Renderer(district / "budgets", publishing=False).render()
    assert "2024/63002/index.md" in files and "2023/63002/index.md" in files
