"""Next-year scaffold: prior-year figures prefilled from last year's file, amounts empty, comments kept.

Expected priors are the 2023 published figures (tests/fixtures/seed-2023-63002.txt).
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from generator.authoring.scaffold import scaffold_text
from generator.check.validate import validate_paths
from generator.cli import main
from generator.core import totals
from generator.load.budget import parse_budget
from generator.load.loader import load, parse

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "budgets" / "2023" / "63002.yaml"


@pytest.fixture(scope="module")
def draft_text() -> str:
    return scaffold_text(SEED, 2024)


@pytest.fixture(scope="module")
def draft(draft_text):
    budget, problems = parse_budget(parse(draft_text, "draft.yaml"))
    assert budget is not None, problems
    return budget


def test_draft_is_a_valid_budget_of_the_new_year(draft):
    assert draft.year == 2024
    assert draft.department.code == "63002"
    assert draft.overview.duties.items  # metadata copied


def test_priors_are_last_years_published_amounts(draft):
    function = {x.code: x.general_budget.prior for x in draft.expenditure}
    # 一般公共预算支出表 2023: 行政运行 170.43, 社会保险经办机构 745.29, 工会事务 1.60.
    assert function["2080101"] == Decimal("170.43")
    assert function["2080109"] == Decimal("745.29")
    assert function["2012906"] == Decimal("1.60")
    basic = {x.code: x.prior for x in draft.basic_by_economic}
    project = {x.code: x.prior for x in draft.project_by_economic}
    assert basic["30102"] == Decimal("81.76")  # 津贴补贴 = 78.75 + 3.01
    assert basic["30208"] == Decimal("16.29")
    assert project["30207"] == Decimal("10.56")  # 邮电费 = 9.21 + 1.35
    assert draft.operating_costs.prior == Decimal("31.32")  # 2023 公用经费
    assert draft.three_public.reception.prior == Decimal("0")
    assert draft.overview.staff.in_service.prior == 13
    assert draft.overview.staff.retired.prior == 1


def test_this_years_amounts_and_reasons_are_empty(draft, draft_text):
    assert totals.totals(draft).spending == 0
    assert all(totals.economic_amount(x) == 0 for x in draft.basic_by_economic)
    assert all(totals.project_total(p) == 0 for p in draft.projects)
    assert all(x.general_budget.reason is None for x in draft.expenditure)
    assert all(x.reason is None for x in draft.basic_by_economic)
    assert draft.explanations.expenditure_reason is None
    assert draft.overview.staff.in_service.current == 0
    assert draft_text.count("# 待填写") >= len(draft.expenditure) + len(draft.projects)


def test_comments_and_anchors_of_last_year_are_kept(draft_text):
    source = SEED.read_text(encoding="utf-8")
    comments = [line.strip() for line in source.splitlines() if line.strip().startswith("#")]
    kept = {line.strip() for line in draft_text.splitlines()}
    missing = [c for c in comments if c not in kept and c.replace("2023", "2024") not in kept]
    assert missing == []
    assert "2024 年部门预算" in draft_text.splitlines()[1]
    assert re.search(r"indicators: &pay\b", draft_text)
    assert "indicators: *pay" in draft_text


def test_draft_passes_the_continuity_check(tmp_path, draft_text):
    (tmp_path / "2023").mkdir()
    (tmp_path / "2024").mkdir()
    shutil.copy(SEED, tmp_path / "2023" / "63002.yaml")
    (tmp_path / "2024" / "63002.yaml").write_text(draft_text, encoding="utf-8")
    report = validate_paths([tmp_path])
    assert report.valid, [p.format() for p in report.errors]
    assert not [p for p in report.problems if p.slug == "prior-year-mismatch"]


def test_cli_new_writes_default_path_and_refuses_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--from", str(SEED), "--year", "2024"]) == 0
    out = tmp_path / "budgets" / "2024" / "63002.yaml"
    assert parse_budget(load(out))[0].year == 2024
    assert main(["new", "--from", str(SEED), "--year", "2024"]) == 1
    assert main(["new", "--from", str(tmp_path / "nope.yaml"), "--year", "2024"]) == 1
    assert main(["new", "--from", str(SEED), "--year", "2023", "--out", str(tmp_path / "x.yaml")]) == 1
    assert "Traceback" not in capsys.readouterr().out
