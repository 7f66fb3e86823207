"""The rendered disclosure: complete, in order, figure for figure, and safe with hostile text.

Golden files: tests/golden/ holds the rendered seed pages. After an intended change to the
output, regenerate them with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render.py`
and review the diff like any other change. Their content is checked against the published seed
by the other tests in this file (rows of tables 1–11, sections in order, every sentence's
arithmetic), so the golden test only guards against unintended change.
"""

from __future__ import annotations

import os
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import markdown
import pytest
import seed_document
from support import page_rows

from generator.core import profiles, registry, totals
from generator.core.model import Budget
from generator.load.budget import Loaded, parse_budget
from generator.load.loader import load, parse
from generator.publish.pages import render_all, render_department

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "budgets" / "2023" / "63002.yaml"
GOLDEN = ROOT / "tests" / "golden"


def _loaded(path: Path = SEED, text: str | None = None) -> Loaded:
    doc = parse(text, str(path)) if text is not None else load(path)
    budget, problems = parse_budget(doc)
    assert budget is not None, problems
    return Loaded(path, doc, budget)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    files = render_department(_loaded())
    return {k: v.decode() for k, v in files.items() if k.endswith(".md")}


@pytest.fixture(scope="module")
def page(pages: dict[str, str]) -> str:
    return pages["2023/63002/index.md"]


def _md_rows(md: str) -> list[list[str]]:
    return page_rows(md)  # the HTML tables' header and body rows, and the pipe tables of custom templates


def test_seed_sections_and_tables_in_published_order(page: str) -> None:
    seed = seed_document.SEED_DOCUMENT.read_text(encoding="utf-8")
    toc = seed[: seed.index("第一部分 哈尔滨市道里区社会保险经办服务中心部门概况\n\n一")]
    titles = [m.group(1) for m in re.finditer(r"^- [一二三四五六七八九十]+、(.+)$", toc, re.M)]
    assert len(titles) == 4 + 13 + 15
    parts = ["第一部分", "第二部分", "第三部分", "第四部分 名词解释"]
    headings = [h for h in re.findall(r"^#{2,3} (.+?)(?: \{.*\})?$", page, re.M)]
    flat = "\n".join(headings)
    pos = 0
    for title in parts[:1] + titles[:4] + parts[1:2] + titles[4:17] + parts[2:3] + titles[17:] + parts[3:]:
        found = flat.find(title, pos)
        assert found >= 0, f"{title} missing or out of order in headings:\n{flat}"
        pos = found + len(title)


def test_every_row_of_seed_tables_1_to_11_is_rendered(page: str) -> None:
    rendered = _md_rows(page)
    count = 0
    for table in seed_document.load():
        for row in table.rows:
            cells = row
            if table.key == "income_summary":
                cells = row[:19]  # the PDF text carries one zero more than the 17 numeric header columns
            if table.key in ("income_expenditure_summary", "fiscal_summary"):
                cells = cells + [""] * (4 - len(cells))
            assert cells in rendered, f"{table.title}: row not rendered: {cells}"
            count += 1
    assert count == 127


_AMOUNT = r"(\d+\.\d{2})万元"
_LINE = re.compile(r"^（[一二三四五六七八九十]+）(.+?)" + _AMOUNT + r"(，.*)?。$")


def _half_up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_every_change_sentence_recomputes_from_the_yaml(page: str) -> None:
    """Re-derive each numbered line's amount, Δ and % from the YAML (not from the generator)."""
    raw = load(SEED).data
    priors: dict[str, tuple[Decimal, Decimal | None]] = {}
    for x in raw["expenditure"]:
        block = x["general_budget"]
        cur = sum((Decimal(block.get(k, 0)) for k in ("personnel", "public", "project")), Decimal(0))
        priors[x["name"] + "（项）"] = (cur, block.get("prior"))
    for view in ("basic_by_economic", "project_by_economic"):
        for x in raw[view]:
            cur = sum((Decimal(i["amount"]) for i in x.get("items", [])), Decimal(0)) or Decimal(x.get("amount", 0))
            priors[(view, x["name"] + "（款）")] = (cur, x.get("prior"))  # type: ignore[index]
    part3 = page[page.index("## 第三部分") : page.index("## 第四部分")]
    section = None
    checked = 0
    for para in part3.split("\n\n"):
        if para.startswith("### "):
            section = para
            continue
        m = _LINE.match(para.strip())
        if not m:
            continue
        path, amount, rest = m.group(1), Decimal(m.group(2)), m.group(3) or ""
        if not path.endswith(("（项）", "（款）")):
            continue  # “三公” paragraphs are checked by the percentage test below
        last = path.split("（款）")[-1] if path.endswith("（项）") else path.split("（类）")[-1]
        key = last if "一般公共预算支出表" in (section or "") else (
            "basic_by_economic" if "基本支出表" in (section or "") else "project_by_economic", last)
        current, prior = priors[key]  # type: ignore[index]
        assert amount == current, para
        if prior is None:
            continue
        prior = Decimal(prior)
        delta = current - prior
        if prior == 0:  # a new line keeps its amount and has no rate (never "增长100%")
            assert re.match(rf"，比上年预算增加{current:.2f}万元（[^）]+）", rest) and "100%" not in rest, para
        elif delta == 0:
            assert "与上年预算持平" in rest, para
        else:
            word = "增加" if delta > 0 else "减少"
            pct = _half_up(abs(delta) * 100 / prior)
            assert f"比上年预算{word}{abs(delta):.2f}万元" in rest, para
            assert f"{'增长' if delta > 0 else '下降'}{pct}%" in rest, para
        checked += 1
    assert checked == 9 + 16 + 10


def test_summary_sentences_match_tables(page: str) -> None:
    text = page[page.index("## 第三部分") :]
    assert "支出预算977.40万元，其中：基本支出232.11万元，占23.75%；项目支出745.29万元，占76.25%。" in text
    assert "一般公共预算基本支出232.11万元，其中：人员经费200.79万元，公用经费31.32万元。" in text
    assert "实行绩效目标管理的项目22个，涉及预算金额977.40万元。" in text
    assert "采购预算总额409.75万元，其中：货物类预算0.00万元、工程类预算0.00万元、服务类预算409.75万元。" in text
    # prior-year total = the total the document states (prior_totals: 877.82), not the line priors (861.46)
    assert "支出总预算977.40万元，比上年预算增加99.58万元，增长11.34%" in text and "115.94" not in text
    assert "增长100%" not in page


def test_every_percentage_printed_is_recomputable(page: str) -> None:
    """Every 'Y%' in Part 3 is either a share of a printed whole or a change over a printed prior."""
    part3 = page[page.index("## 第三部分") : page.index("## 第四部分")]
    for para in part3.split("\n\n"):
        if "包括：" in para or "其中，" in para:
            continue  # whole-budget change clauses follow a list of parts; test_summary_sentences checks them
        for m in re.finditer(r"(\d+\.\d{2})万元，占(\d+\.\d{2})%", para):
            amount, share = Decimal(m.group(1)), Decimal(m.group(2))
            whole = Decimal(re.search(r"预算(\d+\.\d{2})万元，其中", para).group(1))  # type: ignore[union-attr]
            assert _half_up(amount * 100 / whole) == share, para
        for m in re.finditer(_AMOUNT + r"，比上年预算(增加|减少)(\d+\.\d{2})万元，(增长|下降)(\d+\.\d{2})%", para):
            current, delta, pct = Decimal(m.group(1)), Decimal(m.group(3)), Decimal(m.group(5))
            prior = current - delta if m.group(2) == "增加" else current + delta
            assert _half_up(delta * 100 / prior) == pct, para


def test_glossary_from_profile_and_registry(page: str) -> None:
    part4 = page[page.index("## 第四部分") :]
    seed = seed_document.SEED_DOCUMENT.read_text(encoding="utf-8")
    published = seed[seed.index("第四部分 名词解释\n\n一、") :]
    for item in re.findall(r"^[一二三四五六七八九十]+、(.+)$", published, re.M)[:12]:
        assert item.split("：")[0][:8] in part4
    assert "二十、住房保障支出（类）住房改革支出（款）住房公积金（项）：反映行政事业单位" in part4


def test_errata_page_linked_and_complete(pages: dict[str, str], page: str) -> None:
    errata = pages["2023/63002/errata.md"]
    assert "(errata.md)" in page
    assert errata.count("**原文**") == 61 and errata.count("**计算结果**") == 40
    assert "增长2789.05%" in errata and "增长3013%" in errata
    assert "78.93 ÷ 2.83 × 100 = 2789.05%" in errata


def test_rendering_is_deterministic() -> None:
    a = render_department(_loaded())
    b = render_department(_loaded())
    assert a == b


@pytest.mark.parametrize("name", ["index.md", "errata.md"])
def test_golden(pages: dict[str, str], name: str) -> None:
    golden = GOLDEN / "2023-63002" / name
    actual = pages[f"2023/63002/{name}"]
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), "run with UPDATE_GOLDEN=1 once to create the golden file"
    assert actual == golden.read_text(encoding="utf-8")


def test_hostile_text_renders_literally() -> None:
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("  - {type: 其他运转类, name: 水费, general_budget: 8.64}",
                        '  - {type: "其他|运转<script>alert(1)</script>", name: "水*费 第二行 | [x](y)", general_budget: 8.64}')
    text = text.replace("covers: {project: 水费}", 'covers: {project: "水*费 第二行 | [x](y)"}')
    text = text.replace("internal_units: [综合科,", "internal_units: [\"<b>综合科</b> **粗** `码`\",")
    files = render_department(_loaded(SEED, text))
    md = files["2023/63002/index.md"].decode()
    html = markdown.markdown(md, extensions=["tables", "attr_list", "md_in_html", "admonition"])
    assert "<script>" not in html and "<b>综合科" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "**粗**" in html and "`码`" in html
    row = next(r for r in _md_rows(md) if r and r[0].startswith("其他|运转"))
    assert len(row) == 12 and row[1] == "水*费 第二行 | [x](y)"  # names are one line (invalid-text)


def test_profile_decides_tables_and_order(tmp_path: Path) -> None:
    base = profiles.load("harbin-13")
    core = base.model_copy(update={"key": "core-8", "tables": base.tables[:8][::-1]})
    md = render_department(_loaded(), profile=core)["2023/63002/index.md"].decode()
    part2 = md.split("## 第三部分")[0]  # part 3's section headings carry anchors too
    titles = re.findall(r"^### [一二三四五六七八九十]+、(.+?) \{", part2, re.M)
    assert titles == [t.title for t in core.tables]


def test_yuan_file_published_in_wan(tmp_path: Path) -> None:
    budget: Budget = _loaded(ROOT / "tests" / "fixtures" / "minimal-yuan.yaml").budget
    t = totals.totals(budget)
    md = render_department(_loaded(ROOT / "tests" / "fixtures" / "minimal-yuan.yaml"))
    page = md[f"{budget.year}/{budget.department.code}/index.md"].decode()
    shown = _half_up(t.spending / 10000)
    assert f"支出预算{shown}万元" in page


def test_render_all_writes_year_and_home_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    files = render_all(ROOT / "budgets")
    assert {"index.md", "2023/index.md", "datasets.json", "2023/63002/index.md"} <= set(files)
    assert "[哈尔滨市道里区社会保险经办服务中心](63002/index.md)" in files["2023/index.md"].decode()


def test_a_profile_can_add_a_table_without_template_changes() -> None:
    """政府采购预算表 is not in the seed's profile; a locality adds it by listing its key (a spec-only table)."""
    extended = profiles.build({"name": "采购", "tables": [{"key": "income_summary"}, {"key": "procurement"}],
                               "sections": [{"key": "procurement", "title": "政府采购安排情况说明"}]})
    files = render_department(_loaded(), profile=extended)
    md = files["2023/63002/index.md"].decode()
    assert "### 二、政府采购预算表" in md
    rows = _md_rows(md[md.index("政府采购预算表") :])
    assert rows[:4] == [["采购类别", "预算数"], ["合计", "409.75"], ["货物类", "0.00"], ["工程类", "0.00"]]
    assert files["2023/63002/data/procurement.csv"].decode("utf-8-sig").splitlines()[1] == "合计,409.75"


def test_editors_guide_lists_every_table_key() -> None:
    guide = (ROOT / "docs" / "editing.md").read_text(encoding="utf-8")
    assert [k for k in profiles.library() if f"`{k}`" not in guide] == []


def test_every_amount_in_the_narrative_is_a_table_figure_or_a_change(page: str) -> None:
    """Each “X万元” of Part 3 is a cell of the derived tables, or |本年 − 上年| of a line recorded in the YAML."""
    from generator.core.money import fmt
    from generator.derive import tables as tables_module

    budget = _loaded().budget
    built = tables_module.build(budget, registry.for_year(2023), list(profiles.library()))  # 政府采购预算表 too
    allowed = {fmt(c) for t in built.values() for r in t.rows for c in r.cells if isinstance(c, Decimal)}
    raw = load(SEED).data
    pairs: list[tuple[Decimal, Decimal]] = []
    for x in raw["expenditure"]:
        b = x["general_budget"]
        pairs.append((sum((Decimal(b.get(k, 0)) for k in ("personnel", "public", "project")), Decimal(0)),
                      Decimal(b.get("prior", 0))))
    for view in ("basic_by_economic", "project_by_economic"):
        for x in raw[view]:
            cur = sum((Decimal(i["amount"]) for i in x.get("items", [])), Decimal(0)) or Decimal(x.get("amount", 0))
            pairs.append((cur, Decimal(x.get("prior", 0))))
    oc = raw["operating_costs"]
    pairs.append((Decimal(oc["amount"]), Decimal(oc["prior"])))
    current_total = sum((c for c, _ in pairs[: len(raw["expenditure"])]), Decimal(0))
    pairs.append((current_total, Decimal(raw["prior_totals"]["spending"])))  # the prior total the document states
    allowed |= {fmt(abs(c - p)) for c, p in pairs} | {fmt(Decimal(oc["amount"]))}
    part3 = page[page.index("## 第三部分") : page.index("## 第四部分")]
    printed = re.findall(_AMOUNT, part3)
    assert len(printed) > 80
    assert [a for a in printed if a not in allowed] == []


HOSTILE = "<script>alert(1)</script>|*x*"


def _hostile_everywhere(text: str) -> str:
    """Put markup into every kind of free text the pages print."""
    import yaml as pyyaml

    data = pyyaml.safe_load(text)
    evil = HOSTILE
    data["department"]["name"] = "部门" + evil
    data["department"]["affiliation"] = "政府" + evil
    data["department"]["supervisor"]["name"] = "主管" + evil
    data["overview"]["duties"]["items"][0] = "职责" + evil
    data["overview"]["duties"]["other"] = ["其他" + evil]
    data["overview"]["subordinate_units"] = ["所属" + evil]
    data["overview"]["budget_units"] = ["预算单位" + evil]
    data["expenditure"][0]["general_budget"]["reason"] = "原因" + evil
    data["basic_by_economic"][0]["reason"] = "原因" + evil
    data["three_public"]["reason"] = "原因" + evil
    data["operating_costs"]["reason"] = "原因" + evil
    data["explanations"]["expenditure_reason"] = "原因" + evil
    data["performance_targets"][0]["goal"] = "目标" + evil
    data["performance_targets"][0]["indicators"][0]["name"] = "指标" + evil
    dp = data["department_performance"]
    dp["annual_goal"], dp["summary"] = "年度" + evil, "概述" + evil
    dp["tasks"][0]["content"] = "任务" + evil
    dp["indicators"][0]["note"] = "备注" + evil
    data["errata"][0]["published"] = "原文" + evil
    data["errata"][0]["note"] = "说明" + evil
    return pyyaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_no_free_text_field_can_inject_markup() -> None:
    files = render_department(_loaded(SEED, _hostile_everywhere(SEED.read_text(encoding="utf-8"))))
    import yaml as pyyaml

    for name in ("index.md", "errata.md"):
        md = files[f"2023/63002/{name}"].decode()
        _, front, md = md.split("---\n", 2)  # MkDocs strips the front matter; the theme escapes its title
        # the theme prints front matter into the HTML as is, so it arrives HTML-escaped
        assert pyyaml.safe_load(front)["title"].endswith("部门&lt;script&gt;alert(1)&lt;/script&gt;|*x*2023年部门预算"), front
        html = markdown.markdown(md, extensions=["tables", "attr_list", "md_in_html", "admonition"])
        assert "<script>" not in html, name
        assert "<em>x</em>" not in html, name  # *x* stayed literal
        assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= (15 if name == "index.md" else 2), name
