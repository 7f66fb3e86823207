"""The generated tables as the official tables: HTML with merged headers, from the one layout (derive.layout).

The page's tables are read back from the generated markdown (tests/support.html_tables) and compared
with the published seed document cell for cell, as test_seed_tables compares the built tables.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import markdown
import pytest
import seed_document
from support import ROOT, SEED, HtmlTable, header_paths, html_tables

from generator.check.validate import validate_paths
from generator.core import profiles, registry
from generator.core.model import Budget
from generator.core.money import fmt
from generator.derive import tables
from generator.derive.layout import PORTRAIT_COLUMNS, layout
from generator.load.budget import Loaded, parse_budget
from generator.load.loader import load
from generator.publish.pages import render_department
from generator.publish.xlsx import export_bytes

SEED_TABLES = seed_document.load()
OFFICIAL_WIDTH = {"income_summary": 2 + 17}  # as in test_seed_tables: the source's one extra figure
SCRIPT = "<script>window.__pwned=1</script>"
EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "toc", "generator.publish.table_regions"]


def _loaded(budget: Budget | None = None) -> Loaded:
    doc = load(SEED)
    parsed, problems = parse_budget(doc)
    assert parsed is not None, problems
    return Loaded(SEED, doc, budget or parsed)


@pytest.fixture(scope="module")
def page() -> str:
    return render_department(_loaded(), workbook=False)["2023/63002/index.md"].decode()


@pytest.fixture(scope="module")
def by_title(page: str) -> dict[str, HtmlTable]:
    return {t.label: t for t in html_tables(page)}


def test_every_generic_table_of_the_profile_is_an_html_table(by_title: dict[str, HtmlTable]) -> None:
    specs = profiles.load("harbin-13").tables
    generic = [t.title for t in specs if not t.template]
    assert [label for label in by_title if label in generic] == generic
    # the custom templates' tables (performance targets, indicators, tasks) are HTML tables from the layout too
    custom = {t.title for t in specs if t.template}
    others = [label for label in by_title if label not in generic]
    assert len(others) == 22 + 2 and all(label.split("：")[0] in custom for label in others), others


def _document(page: str) -> str:
    """The published document: the page after the site's own summary block."""
    return page[page.index("</div>", page.index('class="budget-summary"')):]


def test_no_pipe_table_is_left_in_either_locality(page: str) -> None:
    """Every table of the document of both localities (Harbin's 13 tables with the performance tables, Shanghai's
    nine) goes through the one layout: no markdown pipe table is left in a department page."""
    report = validate_paths([ROOT / "budgets"], root=ROOT)
    shanghai = [x for x in report.budgets if x.budget.profile == "shanghai-putuo"]
    assert len(shanghai) == 2
    for text in [page] + [render_department(x, workbook=False)[f"{x.budget.year}/{x.budget.department.code}/index.md"]
                          .decode() for x in shanghai]:
        pipes = [line for line in _document(text).splitlines() if line.lstrip().startswith("|")]
        assert pipes == [], pipes[:3]
        assert len(html_tables(text)) >= 9


def test_project_indicators_read_back_as_recorded(by_title: dict[str, HtmlTable]) -> None:
    """Each project's indicator table holds its indicators, the inferred weights marked “（推算）”."""
    b = _loaded().budget
    for n, target in enumerate(b.performance_targets, 1):
        shown = by_title[f"项目支出绩效表：{n}. {target.name}"]
        assert [text for text, *_ in shown.head[0]] == ["一级指标", "二级指标", "三级指标", "绩效指标性质",
                                                       "本年绩效指标值", "绩效度量单位", "本权重"]
        assert [row[:3] for row in shown.rows] == [[i.level1, i.level2, i.name] for i in target.indicators]
        weights = [f"{i.weight}（推算）" if i.weight_inferred else ("" if i.weight is None else str(i.weight))
                   for i in target.indicators]
        assert [row[-1] for row in shown.rows] == weights


@pytest.mark.parametrize("seed_table", SEED_TABLES, ids=[t.key for t in SEED_TABLES])
def test_page_table_reproduces_published_rows(seed_table: seed_document.SeedTable,
                                              by_title: dict[str, HtmlTable]) -> None:
    spec = profiles.load("harbin-13").table(seed_table.key)
    assert spec is not None
    shown = by_title[spec.title]
    width = OFFICIAL_WIDTH.get(seed_table.key)
    published = [row[:width] if width else row for row in seed_table.rows]
    assert len(shown.rows) == len(published), f"{spec.title}: {len(shown.rows)} rows on the page"
    for got, want, line in zip(shown.rows, published, seed_table.line_numbers, strict=True):
        assert got == want, f"{spec.title}, seed document line {line}"
    # The header reads back to the spec's header paths, level by level.
    assert header_paths(shown.head) == [tuple(c.header) for c in spec.columns]


def test_income_summary_header_merges_as_published(by_title: dict[str, HtmlTable]) -> None:
    head = by_title["收入总表"].head
    assert head[0] == [("部门(单位)代码", 1, 2, "col"), ("部门(单位)名称", 1, 2, "col"), ("合计", 1, 2, "col"),
                       ("本年收入", 10, 1, "colgroup"), ("上年结转结余", 6, 1, "colgroup")]
    assert len(head) == 2 and len(head[1]) == 16 and all(c[1:] == (1, 1, "col") for c in head[1])
    assert head[1][0][0] == "小计" and head[1][10][0] == "小计"


def test_expenditure_tables_header_rows(by_title: dict[str, HtmlTable]) -> None:
    assert [[c[:3] for c in row] for row in by_title["支出总表"].head] == [[
        ("科目编码", 1, 1), ("科目名称", 1, 1), ("合计", 1, 1), ("基本支出", 1, 1), ("项目支出", 1, 1),
        ("事业单位经营支出", 1, 1), ("上缴上级支出", 1, 1), ("对附属单位补助支出", 1, 1)]]
    head = by_title["一般公共预算支出表"].head
    assert [c[:3] for c in head[0]] == [("科目编码", 1, 2), ("科目名称", 1, 2), ("合计", 1, 2), ("基本支出", 3, 1),
                                        ("项目支出", 1, 2)]
    assert [c[0] for c in head[1]] == ["小计", "人员经费", "公用经费"]
    basic = by_title["一般公共预算基本支出表"].head
    assert basic[0][0] == ("部门预算支出经济分类科目", 2, 1, "colgroup")


def test_total_row_hierarchy_and_figures_are_marked(by_title: dict[str, HtmlTable]) -> None:
    t = by_title["支出总表"]
    assert t.row_classes[0] == "total" and t.rows[0][:2] == ["", "合计"]
    assert t.cell_classes[0][0] == "stick"  # the 合计 label spans code and name, and stays when scrolled
    levels = {len(row[0]): classes[1] for row, classes in zip(t.rows[1:], t.cell_classes[1:], strict=True)}
    assert levels[3] == "stick2" and levels[5] == "stick2 l1" and levels[7] == "stick2 l2"  # 类, 款, 项
    groups = [cls for row, cls in zip(t.rows, t.row_classes, strict=True) if len(row[0]) < 7 and row[0]]
    assert set(groups) == {"group"}
    assert all(c.startswith("num") for classes in t.cell_classes for c in classes[2:])


def test_regions_are_our_own_and_wide_sections_print_landscape(page: str) -> None:
    html = markdown.markdown(page, extensions=EXTENSIONS)
    shown = html_tables(html)
    assert len(shown) == len(html_tables(page))
    for t in shown:
        assert t.region["role"] == "region" and t.region["tabindex"] == "0"
        assert t.region["aria-label"] == f"表格：{t.label}"
    assert html.count('class="table-scroll') == html.count("<table")  # no region inside a region
    wide = {t.label for t in shown if len(header_paths(t.head)) > PORTRAIT_COLUMNS}
    assert wide == {"收入总表", "项目支出表"}
    assert '<h3 class="print-wide" id="table-income-summary">' in html
    assert '<h3 class="print-wide" id="table-projects">' in html
    assert '<h3 id="table-expenditure-summary">' in html


def test_hostile_names_are_text_in_the_html_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = _loaded().budget
    b = seed.model_copy(update={
        "department": seed.department.model_copy(update={"name": "局" + SCRIPT}),
        "expenditure": [x.model_copy(update={"name": x.name + SCRIPT + '"&amp;'}) for x in seed.expenditure],
    })
    base = profiles.load("harbin-13")
    hostile = base.model_copy(update={"tables": [
        t.model_copy(update={"title": t.title + SCRIPT, "columns": [
            c.model_copy(update={"header": [h + "<b>" for h in c.header]}) for c in t.columns]})
        for t in base.tables]})
    md = render_department(_loaded(b), profile=hostile, workbook=False)["2023/63002/index.md"].decode()
    html = markdown.markdown(md, extensions=EXTENSIONS)
    assert "<script>" not in html and "<b>" not in html
    shown = html_tables(html)
    assert shown and all(SCRIPT in t.label for t in shown)  # the performance tables add "：1. <project>" after it
    expenditure = next(t for t in shown if t.label.startswith("支出总表"))
    # A 项's name (from the YAML; 类 and 款 names come from the registry) reads back as the very text of the YAML.
    assert any(row[1].endswith(SCRIPT + '"&amp;') for row in expenditure.rows)
    assert all(text.endswith("<b>") for row in expenditure.head for text, *_ in row)


def test_workbook_header_and_orientation_follow_the_page_layout() -> None:
    import openpyxl

    item = _loaded()
    built = tables.build(item.budget, registry.for_year(item.budget.year))
    wb = openpyxl.load_workbook(io.BytesIO(export_bytes(item.budget, item.document.text)))
    for spec in profiles.load("harbin-13").tables:
        laid = layout(built[spec.key])
        ws = wb[next(n for n in wb.sheetnames if n.startswith(spec.title[:20]))]
        merged = {str(r) for r in ws.merged_cells.ranges if r.min_row >= 3 and r.max_row < 3 + len(laid.header)}
        expected = {f"{_col(c.column)}{3 + c.row}:{_col(c.column + c.colspan - 1)}{3 + c.row + c.rowspan - 1}"
                    for cells in laid.header for c in cells if c.colspan > 1 or c.rowspan > 1}
        assert merged == expected, spec.title
        assert (ws.page_setup.orientation == "landscape") == laid.wide, spec.title


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def test_repeated_item_columns_span_their_rows() -> None:
    """A performance target's own columns (Table.merged) are one cell over its indicator rows, as in the workbook."""
    item = _loaded()
    spec = profiles.load("harbin-13").table("project_performance")
    assert spec is not None
    table = tables.build(item.budget, registry.for_year(item.budget.year), [spec])[spec.key]
    laid = layout(table)
    assert table.merged
    first = laid.body[0].cells
    target_rows = sum(1 for r in table.rows if r.level == table.rows[0].level)
    assert target_rows > 1 and {first[i].rowspan for i in table.merged} == {target_rows}
    assert len(laid.body[1].cells) == len(table.columns) - len(table.merged)


def test_figures_on_the_page_are_the_tables_figures(by_title: dict[str, HtmlTable]) -> None:
    item = _loaded()
    built = tables.build(item.budget, registry.for_year(item.budget.year))
    for spec in profiles.load("harbin-13").tables:
        if spec.template:
            continue
        money = [fmt(c) for r in built[spec.key].rows for c in r.cells if isinstance(c, Decimal)]
        shown = [c for r in by_title[spec.title].rows for c in r]
        assert all(m in shown for m in money), spec.title


def test_generated_tables_reach_the_html_unparsed(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """table_regions stashes each generated table block before any HTML parser (md_in_html's, MkDocs' anchor
    scan) reads the page — parsing every cell of every table was the largest cost of a site build."""
    from markdown.htmlparser import htmlparser  # Python-Markdown's own copy of html.parser, MkDocs' scan too
    from mkdocs.structure.pages import _RawHTMLPreprocessor

    parsed = [0]
    original = htmlparser.HTMLParser.parse_starttag

    def counting(self: Any, i: int) -> int:
        parsed[0] += 1
        return original(self, i)

    monkeypatch.setattr(htmlparser.HTMLParser, "parse_starttag", counting)
    md = markdown.Markdown(extensions=EXTENSIONS)
    _RawHTMLPreprocessor()._register(md)  # as MkDocs converts a page
    out = md.convert(page.split("---", 2)[2])
    cells = page.count("<td") + page.count("<th")
    assert cells > 800 and parsed[0] < 50, (cells, parsed[0])
    blocks = re.findall(r'^<div class="table-scroll budget".*?^</div>$', page, re.M | re.S)
    assert len(blocks) == len(html_tables(page)) and all(block in out for block in blocks)
