"""Export → import for a locality with its own layout (the Shanghai 普陀区 profile): each sheet is read back by its
table spec, in the unit the spec declares (表1–8 元, 表9 万元), and the budget re-imported equals the original;
a tampered cell is a located error; what the workbook cannot tell is refused, never guessed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support import ROOT, run_cli

from generator.core.model import Budget
from generator.excel.importer import ImportFailed, import_workbook
from generator.load.loader import load
from generator.publish.xlsx import CANONICAL_SHEET

FILES = {2024: "budgets/2024/putuo-wanli.yaml", 2025: "budgets/2025/putuo-wanli.yaml"}


def budget(path: Path) -> Budget:
    return Budget.model_validate(load(path).data)


def exported(tmp_path: Path, year: int) -> Path:
    out = tmp_path / f"putuo-{year}.xlsx"
    result = run_cli("export-xlsx", ROOT / FILES[year], out)
    assert result.code == 0, result.output
    return out


def tampered(path: Path, sheet: str, cell: str, value: object) -> Path:
    wb = load_workbook(path)
    wb[sheet][cell] = value
    out = path.with_name("tampered.xlsx")
    wb.save(out)
    return out


def errors_of(path: Path, profile: str = "harbin-13", year: int | None = None) -> set[tuple[str, str]]:
    """(slug, sheet!cell) of every error the import reports (the cell is where the message starts)."""
    with pytest.raises(ImportFailed) as failed:
        import_workbook(path, profile, year)
    return {(p.slug, m.group(0) if (m := re.match(r"^[^：（]+![A-Z]+\d+", p.message)) else p.message)
            for p in failed.value.problems if p.severity.value == "error"}


@pytest.mark.parametrize("year", sorted(FILES))
def test_export_then_import_gives_back_the_same_budget(tmp_path: Path, year: int) -> None:
    """Every figure read back from the sheets (表9's 万元 converted to the file's 元 exactly), the text from
    _canonical: the re-imported budget equals the original, field for field. 2024 reads its dated 表9 header."""
    out = tmp_path / "back.yaml"
    result = run_cli("import-xlsx", exported(tmp_path, year), "--out", out)
    assert result.code == 0, result.output
    assert budget(out) == budget(ROOT / FILES[year])
    assert "215600" in out.read_text(encoding="utf-8")  # 公务用车运行费 21.56 万元, recorded in whole 元


def test_figures_come_from_the_sheets_not_from_canonical(tmp_path: Path) -> None:
    """A 项 changed consistently in every sheet that shows it (and its subtotals) is imported as changed."""
    path = exported(tmp_path, 2025)
    wb = load_workbook(path)
    changed = 0
    for ws in wb.worksheets:
        if ws.title == CANONICAL_SHEET:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == 438300:  # 2010507 专项普查活动 and its 款 20105 (every sheet; no other cell)
                    cell.value = 438400
                    changed += 1
                elif cell.value in (3296600, 189767551, 88425805):  # 类 201 and the totals
                    cell.value += 100
                    changed += 1
    wb.save(path)
    assert changed > 10
    b, _ = import_workbook(path)
    line = next(x for x in b.expenditure if x.code == "2010507")
    assert line.general_budget is not None and line.general_budget.project == 438400
    assert b.income.general_budget is not None and b.income.general_budget.amount == 189767651


@pytest.mark.parametrize(("sheet", "cell", "value"), [
    ("部门支出预算总表", "E6", 3296601),                            # 类 201 合计 (a subtotal)
    ("部门财务收支预算总表", "B5", 189767552),                      # 一、财政拨款收入 (a total of the left side)
    ("部门“三公”经费和机关运行经费预算表", "A6", 37.92),            # “三公”经费合计 in 万元
    ("部门一般公共预算基本支出部门预算经济分类预算表", "D6", 90238585),  # 类 301
])
def test_a_tampered_cell_is_a_located_error(tmp_path: Path, sheet: str, cell: str, value: object) -> None:
    path = tampered(exported(tmp_path, 2025), sheet, cell, value)
    assert errors_of(path) == {("xlsx-total-mismatch", f"{sheet}!{cell}")}
    out = tmp_path / "back.yaml"
    result = run_cli("import-xlsx", path, "--out", out)
    assert result.code == 1, result.output
    assert f"{sheet}!{cell}" in result.output and not out.exists()


def test_a_workbook_without_canonical_is_refused_not_guessed(tmp_path: Path) -> None:
    """The Shanghai tables print no department code: without the _canonical sheet the import cannot know the
    department and refuses (docs/excel.md), writing nothing."""
    path = exported(tmp_path, 2025)
    wb = load_workbook(path)
    del wb[CANONICAL_SHEET]
    wb.save(path)
    with pytest.raises(ImportFailed) as failed:
        import_workbook(path, "shanghai-putuo", 2025)
    missing = [p for p in failed.value.problems if p.slug == "xlsx-missing-department"]
    # No sheet of this profile has a code row (a 三公 table is not where one is missing): the way out is _canonical.
    assert len(missing) == 1 and CANONICAL_SHEET in missing[0].message and "三公" not in missing[0].message
    out = tmp_path / "back.yaml"
    result = run_cli("import-xlsx", path, "--out", out, "--profile", "shanghai-putuo", "--year", "2025")
    assert result.code == 1, result.output
    assert "xlsx-missing-department" in result.output and not out.exists()


def test_spending_of_several_income_sources_cannot_be_split_from_the_sheets(tmp_path: Path) -> None:
    """A line financed by 事业收入 and 其他收入: 表2 prints each source's total, 表3 only the sum of 基本/项目 — the
    split is recovered from _canonical (and checked cell by cell), and without it refused at the sheet and code."""
    text = (ROOT / FILES[2025]).read_text(encoding="utf-8")
    text = text.replace("income:\n  general_budget: {amount: 189767551}\n",
                        "income:\n  general_budget: {amount: 189767551}\n  business: {amount: 300}\n"
                        "  other: {amount: 500}\n")
    text = text.replace("    general_budget: {project: 438300}\n",
                        "    general_budget: {project: 438300}\n    business_income: {basic: 100, project: 200}\n"
                        "    other_income: {basic: 400, project: 100}\n", 1)
    source = tmp_path / "budgets" / "2025" / "putuo-wanli.yaml"
    source.parent.mkdir(parents=True)
    source.write_text(text, encoding="utf-8")
    path = tmp_path / "two.xlsx"
    result = run_cli("export-xlsx", source, path)
    assert result.code == 0, result.output
    b, _ = import_workbook(path)
    assert b == budget(source)
    wb = load_workbook(path)
    del wb[CANONICAL_SHEET]
    wb.save(path)
    found = {(slug, m.split("：")[0]) for slug, m in errors_of(path, "shanghai-putuo", 2025)}
    assert ("xlsx-not-recoverable", "部门收入预算总表") in found, found
