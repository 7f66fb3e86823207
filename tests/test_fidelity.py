"""Fidelity to the published seed (issue 13): published totals are facts, no published sentence contradicts
itself, the sentence forms a reviewer accepts, and the 勘误 page lists every slip of the published text.

tests/fixtures/seed-slips.yaml lists every H- and M-confidence slip of the published seed (quote and correction).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from support import FIXTURES, SEED, SEED_REL, line_of, page_rows, run_cli

from generator.check.validate import Report
from generator.core import profiles, registry, totals
from generator.core.facts import Facts
from generator.core.model import Budget
from generator.derive.context import page_context
from generator.load.budget import Loaded, parse_budget
from generator.load.loader import load, parse
from generator.publish import indexes
from generator.publish.environment import ENV
from generator.publish.errata import errata_page
from generator.publish.pages import render_department

SLIPS = yaml.safe_load((FIXTURES / "seed-slips.yaml").read_text(encoding="utf-8"))
# The function lines whose prior is not 0: a one-cent typo in any of them used to move the headline unnoticed.
PRIOR_LINES = ["2012906", "2080101", "2080109", "2080505", "2100799", "2101101", "2101103", "2210201"]


def _loaded() -> Loaded:
    doc = load(SEED)
    budget, problems = parse_budget(doc)
    assert budget is not None, problems
    return Loaded(SEED, doc, budget)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {k: v.decode() for k, v in render_department(_loaded()).items() if k.endswith(".md")}


def _plain(md: str) -> str:
    return re.sub(r"\\(.)", r"\1", md)


def _part3(page: str) -> str:
    return page[page.index("## 第三部分"): page.index("## 第四部分")]


def _found(report: Report, slug: str) -> list[tuple[str, str, int]]:
    return [(p.slug, p.file, p.line) for p in report.problems if p.slug == slug]


# ---------------------------------------------------------------- published totals are facts

def test_headline_comparison_is_the_published_one(pages: dict[str, str]) -> None:
    """977.40 − 877.82 = 99.58 as published; only the precision of “11%” is a slip (11.34%)."""
    part3 = _part3(pages["2023/63002/index.md"])
    assert "收入总预算977.40万元，比上年预算增加99.58万元，增长11.34%" in part3
    assert "支出总预算977.40万元，比上年预算增加99.58万元，增长11.34%" in part3
    assert "财政拨款支出预算977.40万元，比上年预算增加99.58万元，增长11.34%" in part3
    assert "115.94" not in part3 and "13.46%" not in part3


def test_year_index_uses_the_published_prior_total() -> None:
    index = indexes.index_pages([indexes.entry(_loaded())], ENV)["2023/index.md"].decode()
    assert "99.58" in index and "115.94" not in index, index


def test_stated_prior_totals_of_funds_keep_their_comparison(pages: dict[str, str]) -> None:
    part3 = _part3(pages["2023/63002/index.md"])
    assert "政府性基金预算支出0.00万元，与上年预算持平，原因是本部门没有使用政府性基金预算拨款安排的支出。" in part3
    assert "国有资本经营预算支出0.00万元，与上年预算持平，原因是本部门没有使用国有资本经营预算拨款安排的支出。" in part3


def test_seed_records_the_known_gap_and_is_clean(validate_text: Callable[..., Report], seed_text: str) -> None:
    gaps = {g.key: (g.stated, g.listed, g.unlisted) for g in totals.prior_gaps(_loaded().budget)}
    assert gaps["spending"] == (Decimal("877.82"), Decimal("861.46"), Decimal("16.36")), gaps
    assert gaps["gov_fund"] == gaps["state_capital"] == (0, 0, 0), gaps
    report = validate_text(seed_text)
    assert not report.errors, [p.message for p in report.errors]
    assert not _found(report, "prior-total-mismatch") and not _found(report, "prior-total-unlisted")


def test_unacknowledged_gap_is_a_warning_naming_it(validate_text: Callable[..., Report], seed_text: str) -> None:
    text = seed_text.replace("  unlisted: {general_budget: 16.36}\n", "")
    report = validate_text(text)
    line = line_of(text, r"^  spending: 877\.82")
    assert ("prior-total-unlisted", SEED_REL, line) in _found(report, "prior-total-unlisted")
    hit = next(p for p in report.warnings if p.slug == "prior-total-unlisted" and p.line == line)
    assert "上年有 16.36万元 未按科目列出" in hit.message
    assert not report.errors, [p.message for p in report.errors]


@pytest.mark.parametrize("delta", ["0.01", "-0.01"])
@pytest.mark.parametrize("code", PRIOR_LINES)
def test_a_one_cent_prior_typo_is_caught(validate_text: Callable[..., Report], seed_text: str,
                                         code: str, delta: str) -> None:
    lines = seed_text.split("\n")
    i = line_of(seed_text, rf'^  - code: "{code}"') + 1  # the general_budget line follows code and name
    while "prior:" not in lines[i]:
        i += 1
    prior = Decimal(re.search(r"prior: ([0-9.]+)", lines[i]).group(1))  # type: ignore[union-attr]
    lines[i] = lines[i].replace(f"prior: {re.search(r'prior: ([0-9.]+)', lines[i]).group(1)}",  # type: ignore[union-attr]
                                f"prior: {prior + Decimal(delta):.2f}")
    text = "\n".join(lines)
    report = validate_text(text)
    spending = line_of(text, r"^  spending: 877\.82")
    assert ("prior-total-mismatch", SEED_REL, spending) in _found(report, "prior-total-mismatch"), \
        [p.message for p in report.problems]


def test_line_priors_above_the_stated_total_are_an_error(validate_text: Callable[..., Report], seed_text: str) -> None:
    text = seed_text.replace("  spending: 877.82", "  spending: 800.00")
    report = validate_text(text)
    assert ("prior-total-mismatch", SEED_REL, line_of(text, r"^  spending: 800\.00")) in _found(
        report, "prior-total-mismatch")


# ---------------------------------------------------------------- no sentence contradicts itself

SAYS_UP = re.compile(r"增加|增长|上升|提高|新增|扩大")
SAYS_DOWN = re.compile(r"减少|下降|压减|降低|缩减|核减")


def test_no_published_sentence_contradicts_its_direction(pages: dict[str, str]) -> None:
    for sentence in re.split(r"[。；]", _part3(pages["2023/63002/index.md"])):
        m = re.search(r"比上年预算(增加|减少)[^，]*，.*主要原因是(.+)$", sentence)
        if not m:
            continue
        reason = m.group(2)
        if m.group(1) == "减少":
            assert not (SAYS_UP.search(reason) and not SAYS_DOWN.search(reason)), sentence
        else:
            assert not (SAYS_DOWN.search(reason) and not SAYS_UP.search(reason)), sentence


def test_reason_against_direction_is_an_error(validate_text: Callable[..., Report], seed_text: str) -> None:
    text = seed_text.replace("public: 29.72, prior: 189.92}", "public: 29.72, prior: 189.92, reason: 人员相关经费增加}")
    report = validate_text(text)
    assert ("reason-direction-mismatch", SEED_REL, line_of(text, r"personnel: 140\.71")) in [
        (p.slug, p.file, p.line) for p in report.errors]


def test_site_refuses_a_reason_against_direction(tmp_path: Path, seed_text: str) -> None:
    path = tmp_path / SEED_REL
    path.parent.mkdir(parents=True)
    path.write_text(seed_text.replace("public: 29.72, prior: 189.92}",
                                      "public: 29.72, prior: 189.92, reason: 人员相关经费增加}"), encoding="utf-8")
    result = run_cli("render", "--budgets", tmp_path / "budgets", "--out", tmp_path / "out")
    assert result.code == 1, result.output
    assert "[reason-direction-mismatch]" in result.output and not (tmp_path / "out").exists(), result.output


# ---------------------------------------------------------------- sentence forms

def test_comparison_comes_before_the_breakdown(pages: dict[str, str]) -> None:
    part3 = _part3(pages["2023/63002/index.md"])
    assert "住房保障支出20.48万元，比上年" not in part3
    assert "公务接待费0.00万元，与上年" not in part3 and "公务接待费0.00万元，上年" not in part3
    assert "“三公”经费支出0.00万元，与上年预算持平，主要原因是未安排此项预算支出。其中：" in part3


def test_new_items_keep_their_amount(pages: dict[str, str]) -> None:
    part3 = _part3(pages["2023/63002/index.md"])
    assert "行政单位离退休（项）2.43万元，比上年预算增加2.43万元（上年未安排此项预算）" in part3
    assert "电费（款）12.00万元，比上年预算增加12.00万元（上年该项支出列在基本支出）" in part3
    assert "为本年新增" not in part3 and "增长100%" not in part3


def test_zero_sections_are_not_circular(pages: dict[str, str]) -> None:
    part3 = _part3(pages["2023/63002/index.md"])
    assert "未安排，主要原因是未安排" not in part3
    assert not re.search(r"支出0\.00万元，本部门没有使用", part3)


def test_typos_are_fixed_not_repeated(pages: dict[str, str]) -> None:
    page = _plain(pages["2023/63002/index.md"])
    assert "截至2022年末" in page and "截止" not in page
    for typo in ("主要原因是是", "没人每天", "业务规范,承担", "业务指导。等三项"):
        assert typo not in page, typo


def test_inferred_weights_are_marked(pages: dict[str, str]) -> None:
    page = pages["2023/63002/index.md"]
    cells = [c for row in page_rows(page) for c in row]  # the indicator tables are HTML tables
    assert cells.count("22.50（推算）") == 6 and cells.count("20.00（推算）") == 1
    assert "标“推算”的权重在公开表中为空" in page


# ---------------------------------------------------------------- the 勘误 page lists every slip

def _entries(errata: str) -> list[tuple[str, str]]:
    """(published text, corrected or computed text) of every entry of the 勘误 page."""
    out = []
    for block in _plain(errata).split("\n#### ")[1:]:
        published = block.split("**原文**：", 1)[1].split("\n", 1)[0]
        right = re.search(r"\*\*(?:更正|计算结果)\*\*：(.*)", block)
        out.append((published, right.group(1) if right else ""))
    return out


@pytest.mark.parametrize("slip", SLIPS, ids=[s["id"] for s in SLIPS])
def test_every_slip_is_on_the_errata_page(pages: dict[str, str], slip: dict[str, str]) -> None:
    entries = _entries(pages["2023/63002/errata.md"])
    assert any(slip["quote"] in published and slip["correction"] in right for published, right in entries), slip


def test_errata_page_notes_the_unlisted_prior(pages: dict[str, str]) -> None:
    errata = pages["2023/63002/errata.md"]
    assert "上年有 16.36万元 未按科目列出" in errata and "877.82万元" in errata
    assert errata.index("## 第一部分") < errata.index("## 第二部分") < errata.index("## 第三部分")


def test_itemised_figures_are_checked(validate_text: Callable[..., Report], seed_text: str) -> None:
    line = line_of(seed_text, r"^    goal: 五星系统")
    assert ("itemised-figures-mismatch", SEED_REL, line) in _found(validate_text(seed_text), "itemised-figures-mismatch")
    fixed = seed_text.replace("系统维护3.2万元", "系统维护2.2万元", 1)
    assert not _found(validate_text(fixed), "itemised-figures-mismatch")


@pytest.mark.parametrize(("entry", "slug"), [
    ("  - {table: no_such_table, published: 原文, correct: 更正}\n", "errata-unknown-section"),
    ("  - {part: overview, section: assets, published: 原文}\n", "errata-unknown-section"),
    ("  - {part: sections, table: projects, published: 原文, correct: 更正}\n", "errata-unknown-section"),
    ("  - {table: projects, code: \"30201\", published: 原文, correct: 更正}\n", "errata-unknown-code"),
    ("  - {table: projects, published: 原文}\n", "erratum-unresolved"),  # nothing to regenerate it from
])
def test_errata_places_are_checked(validate_text: Callable[..., Report], seed_text: str, entry: str, slug: str) -> None:
    text = seed_text.replace("errata:\n", "errata:\n" + entry, 1)
    report = validate_text(text)
    assert slug in [p.slug for p in report.errors], [p.message for p in report.problems]


# ---------------------------------------------------------------- one errata model for every locality

SHANGHAI_2024 = SEED.parents[1] / "2024" / "putuo-wanli.yaml"


def _shanghai_2024() -> Loaded:
    doc = load(SHANGHAI_2024)
    budget, problems = parse_budget(doc)
    assert budget is not None, problems
    return Loaded(SHANGHAI_2024, doc, budget)


def _errata(budget: Budget) -> str:
    return errata_page(page_context(budget, registry.for_year(budget.year), profiles.load(budget.profile)), ENV)


def test_a_total_stated_in_wan_is_compared_in_the_files_unit() -> None:
    """Shanghai 2024 records its stated prior totals in 万元 (unit: 万元) against a file in 元, and publishes no
    line priors (only prior execution): the prior facts are converted, and no line view is held to them."""
    b = _shanghai_2024().budget
    assert b.unit == "元" and b.prior_totals is not None and b.prior_totals.unit == "万元"
    assert Facts(b)["spending.fiscal.prior"] == Decimal("164978600"), Facts(b)["spending.fiscal.prior"]
    assert totals.prior_gaps(b) == []


def test_a_recomputed_cell_erratum_serves_the_seed_too(validate_text: Callable[..., Report], seed_text: str) -> None:
    """Shanghai's recomputed kinds work on a Harbin file: a misprinted table cell is a published-slip warning and an
    entry of the grouped 勘误 page (under its table, with what was printed, what is right and the arithmetic)."""
    entry = '  - {kind: cell, table: expenditure_summary, row: "208", column: 合计, printed: "900.00"}\n'
    text = seed_text.replace("errata:\n", "errata:\n" + entry, 1)
    line = line_of(text, r'^  - \{kind: cell')
    report = validate_text(text)
    assert ("published-slip", SEED_REL, line) in _found(report, "published-slip"), [p.message for p in report.problems]
    doc = parse(text, str(SEED))
    budget, _ = parse_budget(doc)
    assert budget is not None
    page = _plain(_errata(budget)).replace("**", "")
    tables = page[page.index("## 第二部分"): page.index("## 第三部分")]
    block = tables[tables.index("支出总表"):]
    assert "原文所印：900.00万元" in block and "应为：938.32万元" in block and "（计算错误）" in block, block[:600]


def test_a_reason_against_the_direction_in_shanghai_is_kept_as_an_erratum() -> None:
    """Shanghai 2024 item 4 (110.60 below an execution of 114.00, reason “经费增加”): the reason left the YAML
    (it would be an error), the published sentence is on the 勘误 page as a contradiction."""
    loaded = _shanghai_2024()
    line = next(x for x in loaded.budget.expenditure if x.code == "2013302")
    assert line.general_budget is not None and line.general_budget.reason is None
    page = _plain(_errata(loaded.budget))
    assert "宣传事务一般行政管理事务经费增加" in page and "2013302 一般行政管理事务（自相矛盾）" in page
    assert page.count("\n#### ") == len(loaded.budget.errata)
