"""The summary above a department's document, and the district figures of the year and home pages."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from generator.core import profiles, totals
from generator.core.model import AmountChange, Budget, ThreePublic
from generator.core.money import fmt, year_change
from generator.derive import district
from generator.derive.summary import summary
from generator.load.budget import Loaded, parse_budget
from generator.load.loader import load
from generator.publish.indexes import delta_text, entry, rate_text, year_rows
from generator.publish.pages import render_department

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "budgets" / "2023" / "63002.yaml"
YUAN = ROOT / "tests" / "fixtures" / "minimal-yuan.yaml"


def loaded(path: Path = SEED) -> Loaded:
    doc = load(path)
    budget, problems = parse_budget(doc)
    assert budget is not None, problems
    return Loaded(path, doc, budget)


def rows(b: Budget, profile: profiles.Profile | None = None) -> list[tuple[str, str, str | None, str]]:
    s = summary(b, profile or profiles.load(b.profile))
    return [(f.label, str(f.amount), None if f.change is None else str(f.change), str(f.share)) for f in s.figures]


def test_seed_summary_has_the_figures_citizens_ask_for() -> None:
    """The totals compare with the prior totals the document states (prior_totals: 877.82), as its 说明一 does,
    not with the sum of the line priors (861.46)."""
    b = loaded().budget
    assert rows(b) == [
        ("支出预算合计", "977.40万元", "比上年预算增加99.58万元，增长11.34%", ""),
        ("基本支出", "232.11万元", None, "占23.75%"),
        ("项目支出", "745.29万元", None, "占76.25%"),
        ("财政拨款支出", "977.40万元", "比上年预算增加99.58万元，增长11.34%", ""),
        ("“三公”经费", "0.00万元", "与上年预算持平", ""),
        ("因公出国（境）费", "0.00万元", "与上年预算持平", ""),
        ("公务用车购置及运行维护费", "0.00万元", "与上年预算持平", ""),
        ("公务接待费", "0.00万元", "与上年预算持平", ""),
        ("机关运行经费", "31.32万元", "比上年预算增加13.62万元，增长76.95%", ""),
    ]


def test_three_public_items_and_their_changes() -> None:
    b = loaded().budget
    tp = ThreePublic(outbound=AmountChange(amount=Decimal("2.00"), prior=Decimal("4.00")),
                     vehicle_purchase=AmountChange(amount=Decimal("10.00"), prior=Decimal("0")),
                     vehicle_operation=AmountChange(amount=Decimal("3.00"), prior=Decimal("3.00")),
                     reception=AmountChange(amount=Decimal("1.50")))
    got = {label: change for label, _, change, _ in rows(b.model_copy(update={"three_public": tp}))}
    assert got["“三公”经费"] == "比上年预算增加9.50万元，增长135.71%"  # 16.50 against 7.00 (reception: no prior)
    assert got["因公出国（境）费"] == "比上年预算减少2.00万元，下降50.00%"
    assert got["公务用车购置及运行维护费"] == "比上年预算增加10.00万元，增长333.33%"
    assert got["公务接待费"] == ""  # no prior recorded: no comparison made up


def test_amounts_are_shown_in_the_display_unit() -> None:
    b = loaded(YUAN).budget
    assert b.unit == "元" and b.display_unit == "万元"
    label, amount, _, _ = rows(b)[0]
    spending = totals.totals(b).spending
    assert label == "支出预算合计" and amount == f"{fmt(spending / 10000)}万元" and spending == Decimal("999.99")


def test_links_point_at_the_tables_and_sections_the_profile_publishes() -> None:
    b = loaded().budget
    profile = profiles.load(b.profile)
    s = summary(b, profile)
    total = s.figures[0]
    assert [(link.anchor, link.text) for link in total.links] == [
        ("table-expenditure-summary", "表3 支出总表"), ("section-expenditure-summary", "说明")]
    fewer = profile.model_copy(update={"tables": [t for t in profile.tables if t.key != "three_public"]})
    three = next(f for f in summary(b, fewer).figures if f.label == "“三公”经费")
    assert [link.anchor for link in three.links] == ["section-three-public"]


def test_every_summary_link_lands_on_a_heading_of_the_page() -> None:
    page = render_department(loaded())["2023/63002/index.md"].decode()
    block = page[page.index('<div class="budget-summary"'):page.index("</div>")]
    targets = re.findall(r"\]\(#([\w-]+)\)", block)
    assert len(targets) >= 10
    ids = set(re.findall(r"\{ #([\w-]+) \}", page))
    assert set(targets) <= ids, set(targets) - ids
    assert '<a class="download-pdf" href="data/63002-2023.pdf">' in block


def test_a_build_without_pdfs_does_not_link_one() -> None:
    page = render_department(loaded(), extra={"pdf": False})["2023/63002/index.md"].decode()
    assert "download-pdf" not in page and ".pdf" not in page


# ---------------------------------------------------------------- district figures


def headline(code: str, supervisor: str, spending: tuple[str, str | None]) -> district.Headline:
    zero = district.Amount(Decimal(0), Decimal(0))
    current, prior = spending
    return district.Headline(code, f"部门{code}", supervisor[:2], supervisor,
                             district.Amount(Decimal(current), None if prior is None else Decimal(prior)), zero, zero)


def test_district_change_counts_only_departments_with_a_prior() -> None:
    rows = [headline("1", "甲部门", ("100", "80")), headline("2", "甲部门", ("50", None)),
            headline("3", "乙部门", ("30", "30"))]
    spending, three, _ = district.district_totals(rows)
    assert (spending.current, spending.compared, spending.departments) == (Decimal(180), 2, 3)
    assert spending.change is not None and spending.change.delta == Decimal(20)  # 130 against 110, not 180 against 110
    assert three.change is not None and three.change.direction == "none"
    groups = district.by_supervisor(rows)
    assert [(g.name, [h.code for h in g.departments], g.totals[0].current) for g in groups] == [
        ("乙部门", ["3"], Decimal(30)), ("甲部门", ["1", "2"], Decimal(150))]


def test_headline_is_in_wan_yuan_whatever_the_file_records() -> None:
    b = loaded(YUAN).budget
    h = district.headline(b)
    assert h.spending.current * 10000 == sum((x.general_budget.personnel + x.general_budget.public + x.general_budget.project
                                              for x in b.expenditure if x.general_budget), Decimal(0))
    assert (h.supervisor_code, h.supervisor) == ("99", "测试主管部门")


def test_year_page_compares_with_the_stated_prior_total() -> None:
    """The year page's change is the 情况说明's: against prior_totals.spending (877.82), not the line priors' sum."""
    b = loaded().budget
    assert b.prior_totals is not None and b.prior_totals.spending == Decimal("877.82")
    assert totals.totals(b).prior_spending == Decimal("861.46")
    h = district.headline(b)
    assert h.spending.prior == Decimal("877.82")
    assert (delta_text(h.spending.change), rate_text(h.spending.change)) == ("+99.58", "+11.34%")
    [row] = year_rows([entry(loaded())])
    assert (row["delta"], row["rate"]) == ("+99.58", "+11.34%")


@pytest.mark.parametrize(("current", "prior", "expected"), [
    ("100", "80", ("+20.00", "+25.00%")), ("80", "100", ("-20.00", "-20.00%")), ("5", "0", ("+5.00", "新增")),
    ("5", "5", ("0.00", "0.00%")), ("0", "0", ("0.00", "—"))])
def test_year_page_change_columns_sort_as_numbers(current: str, prior: str, expected: tuple[str, str]) -> None:
    change = year_change(Decimal(current), Decimal(prior))
    assert (delta_text(change), rate_text(change)) == expected
    assert (delta_text(None), rate_text(None)) == ("—", "—")


def test_a_locality_recording_yuan_is_summarised_in_wan_yuan() -> None:
    """Shanghai prints its tables in 元; the summary stays in 万元 (189,767,551 元 → 18976.76万元), as the year page."""
    b = loaded(ROOT / "budgets" / "2025" / "putuo-wanli.yaml").budget
    assert (b.unit, b.display_unit) == ("元", "元")
    label, amount, change, _ = rows(b)[0]
    assert (label, amount) == ("支出预算合计", "18976.76万元")
    assert change == "比上年预算增加3355.64万元，增长21.48%"


def test_links_find_the_table_that_shows_the_figure() -> None:
    """Shanghai prints “三公” and 机关运行经费 in a table of its own (three_public_operating): the summary links it,
    found by the column's measure, and the link lands on a heading of the page."""
    item = loaded(ROOT / "budgets" / "2025" / "putuo-wanli.yaml")
    s = summary(item.budget, profiles.load(item.budget.profile))
    anchors = {f.label: [link.anchor for link in f.links] for f in s.figures}
    assert anchors["“三公”经费"] == anchors["公务接待费"] == ["table-three-public-operating", "other-notes"]
    assert anchors["机关运行经费"] == ["table-three-public-operating", "other-notes"]
    # the totals are explained in the 编制说明 (its section says so: ``explains`` in the profile)
    assert anchors["支出预算合计"] == ["table-expenditure-summary", "budget-explanation"]
    assert anchors["财政拨款支出"] == ["table-fiscal-summary", "budget-explanation"]
    page = render_department(item, workbook=False)["2025/putuo-wanli/index.md"].decode()
    for anchor in {a for links in anchors.values() for a in links}:
        assert f"{{ #{anchor} }}" in page, anchor
