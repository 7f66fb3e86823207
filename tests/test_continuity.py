"""Multi-year checks: year Y's prior-year figures against year Y−1's file, and the trend series."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from support import run_cli

from generator.authoring.scaffold import scaffold_text
from generator.check.validate import validate_paths
from generator.derive.trend import trend
from generator.load.budget import parse_budget
from generator.load.loader import load

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "budgets" / "2023" / "63002.yaml"


def _seed_and_scaffold(root: Path, year: int) -> Path:
    """budgets/2023 (the seed) and budgets/<year> (its scaffold) under ``root``; returns the scaffold."""
    (root / "2023").mkdir()
    (root / str(year)).mkdir()
    shutil.copy(SEED, root / "2023" / "63002.yaml")
    path = root / str(year) / "63002.yaml"
    path.write_text(scaffold_text(SEED, year), encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path):
    return tmp_path, _seed_and_scaffold(tmp_path, 2024)


def _edit(path: Path, old: str, new: str, nth: int = 1) -> int:
    """Replace the nth occurrence of ``old``; return its 1-based line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    seen = 0
    for i, line in enumerate(lines):
        if old in line:
            seen += 1
            if seen == nth:
                lines[i] = line.replace(old, new)
                path.write_text("".join(lines), encoding="utf-8")
                return i + 1
    raise AssertionError(old)


def _mismatches(root: Path) -> list[tuple[str, str, int | None]]:
    report = validate_paths([root], root=root)
    return [(p.slug, p.file, p.line) for p in report.problems if p.slug == "prior-year-mismatch"]


def test_consecutive_years_agree(tree):
    root, _ = tree
    assert _mismatches(root) == []


def test_function_prior_that_differs_points_at_year_y_and_names_year_y_minus_1(tree):
    root, path = tree
    line = _edit(path, "prior: 170.43", "prior: 170.00")
    report = validate_paths([root], root=root)
    found = [p for p in report.problems if p.slug == "prior-year-mismatch"]
    assert [(p.file, p.line, p.severity.value) for p in found] == [(str(Path("2024") / "63002.yaml"), line, "error")]
    assert str(Path("2023") / "63002.yaml") in found[0].message and "170.43" in found[0].message
    assert (found[0].expected, found[0].actual) == ("170.43", "170.00")


def test_prior_adjustment_explains_the_difference(tree):
    root, path = tree
    _edit(path, "prior: 170.43", "prior: 170.00\n      prior_adjustment: 2023 年中追加预算后调整")
    assert _mismatches(root) == []


def test_economic_three_public_operating_and_staff_priors_are_checked(tree):
    root, path = tree
    lines = {
        _edit(path, "prior: 81.76", "prior: 81.00"),  # basic 30102
        _edit(path, "prior: 10.56", "prior: 10.00"),  # project 30207
        _edit(path, "prior: 31.32", "prior: 30.00"),  # operating costs
        _edit(path, "prior: 13", "prior: 12"),  # in-service staff
    }
    assert {line for _, _, line in _mismatches(root)} == lines


def test_line_absent_last_year_counts_as_zero(tree):
    root, path = tree
    line = _edit(path, "  - code: \"30309\"", "  - code: \"30399\"\n    name: 其他对个人和家庭的补助\n    amount: 0\n"
                 "    prior: 1.00\n  - code: \"30309\"")
    assert [line_no for _, _, line_no in _mismatches(root)] == [line + 3]  # the new line's prior
    report = validate_paths([root], root=root)
    assert "没有这一行" in next(p.message for p in report.problems if p.slug == "prior-year-mismatch")


def test_non_consecutive_years_are_not_compared(tmp_path):
    path = _seed_and_scaffold(tmp_path, 2025)
    _edit(path, "prior: 170.43", "prior: 1.00")
    assert _mismatches(tmp_path) == []


def test_trend_of_the_seed_uses_published_totals():
    seed, _ = parse_budget(load(SEED))
    draft, _ = parse_budget(load(SEED))
    draft = draft.model_copy(update={"year": 2022})
    rows = trend([seed, draft])
    assert [r["year"] for r in rows] == [2022, 2023]
    # 支出总表 / 一般公共预算支出表 2023: 977.40 = 232.11 basic (200.79 personnel + 31.32 public) + 745.29 project.
    assert {k: rows[1][k] for k in ("total", "basic", "project", "personnel", "public")} == {
        "total": Decimal("977.40"), "basic": Decimal("232.11"), "project": Decimal("745.29"),
        "personnel": Decimal("200.79"), "public": Decimal("31.32")}


def test_line_dropped_from_the_new_year_is_reported(tree):
    """Deleting last year's 2012906 工会事务 (1.60) from year Y would lose it from the prior-year total."""
    root, path = tree
    text = path.read_text(encoding="utf-8")
    start = text.index('  - code: "2012906"')
    end = text.index("  - code:", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    report = validate_paths([root], root=root)
    found = [p for p in report.problems if p.slug == "prior-year-mismatch"]
    assert len(found) == 1 and "2012906" in found[0].message and found[0].expected == "1.60"
    assert found[0].file == str(Path("2024") / "63002.yaml")


@pytest.mark.parametrize("year", ["99999", "2101", "1999", "２０２４"])
def test_new_refuses_a_year_the_model_rejects_and_writes_nothing(year, tmp_path):
    # A draft for 99999 used to be written, and then failed `validate` (year is 2000–2100).
    out = tmp_path / "draft.yaml"
    result = run_cli("new", "--from", SEED, "--year", year, "--out", out)
    assert result.code == 2 and "Traceback" not in result.output, result.explain()
    assert "--year: 年度应" in result.stderr, result.explain()
    assert not out.exists()
    if year == "2101":  # the bound itself is a year the model accepts
        out = tmp_path / "2100" / "63002.yaml"
        result = run_cli("new", "--from", SEED, "--year", "2100", "--out", out)
        assert result.code == 0, result.explain()
        assert not validate_paths([out], root=tmp_path).errors
