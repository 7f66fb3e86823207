"""A table is one spec (generator/core/specs.py): a table added to a profile as data is rendered, exported and
diffed by every stage without touching another module; a spec that does not validate is a located Chinese
problem from ``validate``, never a traceback.
"""

from __future__ import annotations

import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from support import SEED, page_rows, run_cli

from generator.check.validate import validate_paths
from generator.core import profiles, registry
from generator.derive.context import page_context
from generator.load.budget import Loaded, parse_budget
from generator.load.loader import load, parse
from generator.publish.pages import render_department
from generator.publish.xlsx import export_bytes
from generator.review import diff

# The owner's example of a second locality's table: split 类|款|项 code columns under a two-level header, the
# 合计 row at the bottom with its label over the code and name columns, whole 元 with thousands separators,
# empty cells for a zero 项目支出.
TOY = {
    "key": "toy_split", "title": "玩具表：一般公共预算支出", "code": "玩具01",
    "source": {"rows": "function", "funds": ["general_budget"]},
    "columns": [
        {"header": ["项目", "功能分类科目编码", "类"], "measure": "code.class"},
        {"header": ["项目", "功能分类科目编码", "款"], "measure": "code.section"},
        {"header": ["项目", "功能分类科目编码", "项"], "measure": "code.item"},
        {"header": ["项目", "功能分类科目名称"], "measure": "name"},
        {"header": ["支出预算", "合计"], "measure": "general_budget.total"},
        {"header": ["支出预算", "基本支出"], "measure": "general_budget.basic"},
        {"header": ["支出预算", "项目支出"], "measure": "general_budget.project", "blank_zero": True},
    ],
    "total": {"position": "bottom", "label": "合计", "span": 4},
    "unit": "元", "format": "#,##0",
}


def _toy_profile() -> profiles.Profile:
    return profiles.build({"name": "玩具地区", "tables": [{"key": "income_summary"}, TOY],
                           "sections": [{"key": "procurement", "title": "政府采购安排情况说明"}]})


def _loaded(text: str | None = None) -> Loaded:
    doc = load(SEED) if text is None else parse(text, str(SEED))
    budget, problems = parse_budget(doc)
    assert budget is not None, problems
    return Loaded(SEED, doc, budget)


def _md_rows(md: str) -> list[list[str]]:
    return page_rows(md)  # the table's header levels joined with " · ", then its rows


def test_a_toy_table_in_a_toy_profile_is_rendered_exported_and_diffed() -> None:
    toy = _toy_profile()
    item = _loaded()

    # rendered: the page (an HTML table, its header levels read back and joined) and the CSV
    files = render_department(item, profile=toy)
    md = files["2023/63002/index.md"].decode()
    assert "### 二、玩具表：一般公共预算支出" in md
    rows = _md_rows(md[md.index("玩具表：一般公共预算支出"):].split("下载：")[0])
    assert rows[0][:3] == ["项目 · 功能分类科目编码 · 类", "项目 · 功能分类科目编码 · 款", "项目 · 功能分类科目编码 · 项"]
    assert ["208", "01", "09", "社会保险经办机构", "7,452,900", "0", "7,452,900"] in rows
    assert ["208", "01", "01", "行政运行", "1,704,300", "1,704,300", ""] in rows  # blank_zero
    assert rows[-1] == ["", "", "", "合计", "9,774,000", "2,321,100", "7,452,900"]  # total at the bottom
    csv = files["2023/63002/data/toy_split.csv"].decode("utf-8-sig").splitlines()
    assert csv[-1] == ',,,合计,"9,774,000","2,321,100","7,452,900"'

    # exported: its own worksheet, the header levels merged as the spec's paths say
    wb = openpyxl.load_workbook(io.BytesIO(files["2023/63002/data/budget.xlsx"]))
    ws = wb[toy.sheet_names()["toy_split"]]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:D3", "E3:G3", "A4:C4", "D4:D5", "E4:E5"} <= merged, merged
    assert [ws.cell(5, c).value for c in (1, 2, 3)] == ["类", "款", "项"]
    assert [ws.cell(6, c).value for c in range(1, 6)] == ["201", None, None, "一般公共服务支出", 16000]
    assert export_bytes(item.budget, item.document.text, toy) == files["2023/63002/data/budget.xlsx"]

    # diffed: a changed leaf shows up under the toy table, its row labelled by the function row's code and name
    text = SEED.read_text(encoding="utf-8").replace("project: 745.29", "project: 745.39", 1)
    changed = _loaded(text).budget
    before, after = diff.figures(item.budget, toy), diff.figures(changed, toy)
    moved = {k for k in after if k[0] == "toy_split" and before[k].value != after[k].value}
    assert ("toy_split", "2080109 社会保险经办机构", "支出预算 · 项目支出") in moved, moved
    assert after[("toy_split", "2080109 社会保险经办机构", "支出预算 · 项目支出")].value == Decimal("7453900")


def test_the_page_context_is_derived_once_and_read_by_the_diff() -> None:
    toy = _toy_profile()
    b = _loaded().budget
    ctx = page_context(b, registry.for_year(b.year), toy)
    assert list(ctx.tables) == ["income_summary", "toy_split"]
    assert diff.figures(b, toy) == diff.figures(b, built=ctx.tables)


def test_procurement_is_a_spec_only_table() -> None:
    """政府采购预算表 has no builder, template or key anywhere in the package: only its spec in the library."""
    spec = profiles.library()["procurement"]
    assert spec.template is None and spec.source.rows == "facts"
    package = Path(profiles.__file__).resolve().parents[1]
    mentions = [p.relative_to(package).as_posix() for p in sorted(package.rglob("*"))
                if p.suffix in (".py", ".j2") and "政府采购预算表" in p.read_text(encoding="utf-8")]
    assert mentions == []


@pytest.mark.parametrize("edit, at, words", [
    ({"columns": [{"header": ["科目编码"], "measure": "codes"}]}, r"measure: codes", "是不是“code”"),
    ({"colums": []}, r"colums:", "未知字段“colums”"),
    ({"source": {"rows": "function_tree"}}, r"function_tree", "未知的行来源"),
    ({"columns": [{"header": ["A"], "measure": "code"}, {"header": ["A", "B"], "measure": "name"}]},
     r"header: \[A, B\]", "表头冲突"),
], ids=["unknown-measure", "unknown-key", "unknown-source", "bad-header"])
def test_a_bad_table_spec_is_a_located_problem_from_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             edit: dict[str, object], at: str, words: str) -> None:
    spec = {**TOY, **edit}
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(profiles.LIBRARY, folder / "_tables.yaml")
    text = yaml.safe_dump({"name": "玩具地区", "tables": [{"key": "income_summary"}, spec], "sections": []},
                          allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    (folder / "toy.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(profiles, "PROFILE_DIR", folder)
    monkeypatch.setattr(profiles, "LIBRARY", folder / "_tables.yaml")
    profiles.load.cache_clear()
    profiles.library.cache_clear()
    budget = tmp_path / "budgets" / "2023" / "63002.yaml"
    budget.parent.mkdir(parents=True)
    budget.write_text(SEED.read_text(encoding="utf-8").replace("profile: harbin-13", "profile: toy"), encoding="utf-8")
    try:
        report = validate_paths([budget], root=tmp_path)
    finally:
        profiles.load.cache_clear()
        profiles.library.cache_clear()
    found = [p for p in report.problems if p.slug == "invalid-profile"]
    assert len(found) == 1, [p.format() for p in report.problems]
    problem = found[0]
    line = next(i for i, x in enumerate(text.splitlines(), 1) if re.search(at, x))
    assert (Path(problem.file or "").name, problem.line) == ("toy.yaml", line), (problem.format(), text)
    assert words in problem.message and "\n" not in problem.message, problem.format()


def test_a_bad_shipped_profile_fails_validate_with_exit_1_not_a_traceback(tmp_path: Path) -> None:
    """The CLI path: a profile error is reported like any input problem (exit 1, one Chinese line)."""
    root = tmp_path / "project"
    shutil.copytree(Path(profiles.__file__).resolve().parents[2] / "generator", root / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    library = root / "generator" / "core" / "profiles" / "_tables.yaml"
    library.write_text(library.read_text(encoding="utf-8").replace("measure: left.label", "measure: left.lable", 1),
                       encoding="utf-8")
    budget = root / "budgets" / "2023" / "63002.yaml"
    budget.parent.mkdir(parents=True)
    shutil.copy(SEED, budget)
    result = run_cli("validate", budget, cwd=root)
    assert result.code == 1, result.explain()
    assert "[invalid-profile]" in result.output and "Traceback" not in result.output, result.explain()
    line = next(i for i, x in enumerate(library.read_text(encoding="utf-8").splitlines(), 1) if "left.lable" in x)
    assert f"_tables.yaml:{line}" in result.output, result.explain()


def test_the_profiles_page_is_generated_from_the_spec_model() -> None:
    from generator.authoring.guide import profiles_page
    from generator.core.facts import FACTS
    from generator.core.measures import MEASURES
    from generator.core.specs import ColumnSpec, SectionSpec, TableSpec, TotalRow

    page = profiles_page()
    assert page == (Path(profiles.__file__).resolve().parents[2] / "docs" / "profiles.md").read_text(encoding="utf-8")
    for prefix, model in (("", TableSpec), ("columns[].", ColumnSpec), ("total.", TotalRow), ("", SectionSpec)):
        for name, info in model.model_fields.items():
            assert f"| `{prefix}{name}` |" in page and (info.description or "").replace("\n", " ") in page, name
    for rows, measures in MEASURES.items():
        assert f"### `{rows}`" in page
        assert [m for m in measures if rows != "department" and f"| `{m}` |" not in page] == []
    assert [f for f in FACTS if f"| `{f}` |" not in page] == []
    assert [k for k in profiles.library() if f"| `{k}` |" not in page] == []
