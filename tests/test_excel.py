"""Excel export / import: published layout, deterministic bytes, round trip, totals checked by cell.

Expected figures are the published ones (tests/fixtures/seed-2023-63002.txt), not the exporter's output.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from generator.check.validate import validate_paths
from generator.cli import main
from generator.excel.importer import ImportFailed, import_workbook
from generator.load.budget import parse_budget
from generator.load.loader import load
from generator.load.yaml_writer import dumps_model
from generator.publish.xlsx import CANONICAL_SHEET, export_bytes

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "budgets" / "2023" / "63002.yaml"


def _without_canonical(path: Path, out: Path) -> Path:
    wb = openpyxl.load_workbook(path)
    del wb[CANONICAL_SHEET]
    wb.save(out)
    return out


# ---------------------------------------------------------------- export


def test_export_is_byte_identical_and_timeless(seed):
    first, second = export_bytes(seed), export_bytes(seed)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}  # no clock in the archive
        core = z.read("docProps/core.xml").decode()
    assert "2023-01-01T00:00:00Z" in core


def test_export_layout_matches_published_tables(exported):
    wb = openpyxl.load_workbook(exported)
    assert wb.sheetnames[:5] == ["收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表"]
    assert wb.sheetnames[-1] == CANONICAL_SHEET
    ws = wb["一般公共预算支出表"]
    assert ws["A1"].value == "一般公共预算支出表"
    assert ws["A2"].value == "单位名称：哈尔滨市道里区社会保险经办服务中心"
    assert "单位：万元" in [c.value for c in ws[2]]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"D3:F3", "A3:A4", "G3:G4"} <= merged
    assert [ws.cell(4, c).value for c in (4, 5, 6)] == ["小计", "人员经费", "公用经费"]
    # Published: 合计 977.40 232.11 200.79 31.32 745.29; 行政运行 170.43 140.71 29.72.
    assert ws["B5"].value == "合计"
    assert [Decimal(str(ws.cell(5, c).value)) for c in range(3, 8)] == [
        Decimal("977.40"), Decimal("232.11"), Decimal("200.79"), Decimal("31.32"), Decimal("745.29")]
    assert ws["C5"].number_format == "0.00"
    row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "2080101")
    assert [Decimal(str(c.value)) for c in row[2:6]] == [Decimal("170.43"), Decimal("170.43"),
                                                         Decimal("140.71"), Decimal("29.72")]
    three = wb["一般公共预算“三公”经费支出表"]
    assert any(str(c.value).startswith("注：本部门没有一般公共预算“三公”经费支出") for c in three["A"])


# ---------------------------------------------------------------- round trip


def test_seed_survives_export_import_unchanged(seed, exported):
    budget, problems = import_workbook(exported)
    assert budget.model_dump() == seed.model_dump()
    assert not [p for p in problems if p.severity.value == "error"]


def test_cli_round_trip_writes_the_seed(exported, tmp_path):
    out = tmp_path / "2023" / "63002.yaml"
    out.parent.mkdir()
    assert main(["import-xlsx", str(exported), "--out", str(out)]) == 0
    again, _ = parse_budget(load(out))
    original, _ = parse_budget(load(SEED))
    assert again.model_dump() == original.model_dump()
    assert main(["import-xlsx", str(exported), "--out", str(out)]) == 1  # no silent overwrite


def test_export_cli(tmp_path):
    out = tmp_path / "a.xlsx"
    assert main(["export-xlsx", str(SEED), str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert main(["export-xlsx", str(tmp_path / "missing.yaml"), str(out)]) == 1


# ---------------------------------------------------------------- workbook without the _canonical sheet


def test_system_workbook_imports_figures_and_marks_text(seed, exported, tmp_path):
    path = _without_canonical(exported, tmp_path / "system.xlsx")
    budget, problems = import_workbook(path)
    assert budget.year == 2023 and budget.department.code == "63002"
    assert budget.income.general_budget.amount == Decimal("977.40")
    # Every leaf figure of the seed comes back.
    assert [(x.code, x.general_budget.personnel, x.general_budget.public, x.general_budget.project)
            for x in budget.expenditure] == [
        (x.code, x.general_budget.personnel, x.general_budget.public, x.general_budget.project)
        for x in seed.expenditure]
    leaves = lambda lines: [(x.code, x.amount, [(i.code, i.amount) for i in x.items]) for x in lines]  # noqa: E731
    assert leaves(budget.basic_by_economic) == leaves(seed.basic_by_economic)
    assert leaves(budget.project_by_economic) == leaves(seed.project_by_economic)
    assert [(p.name, p.general_budget) for p in budget.projects] == [(p.name, p.general_budget) for p in seed.projects]
    assert budget.operating_costs.amount == Decimal("31.32")
    # Text the tables cannot carry is marked, never invented.
    assert budget.overview.duties.items == ["待补充"]
    assert budget.department_performance.annual_goal == "待补充"
    # Covers: inferred from 款 sums when unambiguous (工资支出 135.82 = 30101 + 30102), else marked.
    covers = {t.name: t.covers for t in budget.performance_targets}
    assert covers["工资支出"].economic == ["30101", "30102"]
    assert covers["综合窗口服务人员委托业务费"].project == "综合窗口服务人员委托业务费"
    unresolved = [p for p in problems if p.slug == "xlsx-covers-unresolved"]
    assert all(covers[name].project.startswith("待补充") for name in covers if name in str(unresolved))
    # validate reports the markers as warnings.
    out = tmp_path / "2023" / "63002.yaml"
    out.parent.mkdir()
    out.write_text(dumps_model(budget), encoding="utf-8")
    report = validate_paths([out])
    placeholders = [p for p in report.problems if p.slug == "placeholder-text"]
    assert placeholders and all(p.severity.value == "warning" for p in placeholders)


def test_wrong_total_is_reported_with_its_cell(exported, tmp_path):
    wb = openpyxl.load_workbook(exported)
    ws = wb["支出总表"]  # one header row: 合计 is row 4
    assert ws["B4"].value == "合计"
    ws["C4"] = 977.41
    path = tmp_path / "wrong.xlsx"
    wb.save(path)
    with pytest.raises(ImportFailed) as caught:
        import_workbook(path)
    found = [(p.slug, p.file) for p in caught.value.problems if "支出总表!C4" in p.message]
    assert found == [("xlsx-total-mismatch", str(path))]


def test_wrong_subtotal_cli_exit_1_one_line_each(exported, tmp_path, capsys):
    wb = openpyxl.load_workbook(exported)
    ws = wb["一般公共预算基本支出表"]
    row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "30102")  # 津贴补贴 81.76
    row[2].value = 80.00
    path = tmp_path / "wrong.xlsx"
    wb.save(path)
    out = tmp_path / "x.yaml"
    assert main(["import-xlsx", str(path), "--out", str(out)]) == 1
    text = capsys.readouterr().out
    assert not out.exists()
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if "xlsx-total-mismatch" in line]
    assert len(lines) == 1 and f"一般公共预算基本支出表!C{row[2].row}" in lines[0]


# ---------------------------------------------------------------- hand-made workbook


def _sheet(wb, title, headers, merges, rows, note=True):
    ws = wb.create_sheet(title)
    ws.append([title])
    ws.append(["单位名称：测试单位", None, "单位：万元"])
    for h in headers:
        ws.append(h)
    for rng in merges:
        ws.merge_cells(rng)
    for r in rows:
        ws.append(r)
    if note:
        ws.append([])
        ws.append(["注：本套报表金额转换时可能存在尾数误差。"])
    return ws


def test_hand_made_workbook_with_merged_headers_and_numeric_codes(tmp_path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.properties.title = "测试单位2024年部门预算"
    income_cols = ["一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "事业收入",
                   "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入"]
    carry_cols = ["一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"]
    figures = [17.5, 17.5, 17.5] + [0] * 8 + [0] * 6
    _sheet(wb, "收入总表",
           [["部门（单位）代码", "部门（单位）名称", "合计", "本年收入", *[None] * 9, "上年结转结余", *[None] * 5],
            [None, None, None, "小计", *income_cols, "小计", *carry_cols]],
           ["A3:A4", "B3:B4", "C3:C4", "D3:M3", "N3:S3"],
           [[99, "测试部门", *figures], [99001, "测试单位", *figures], [None, "合计", *figures]])
    _sheet(wb, "支出总表",
           [["科目编码", "科目名称", "合计", "基本支出", "项目支出", "事业单位经营支出", "上缴上级支出",
             "对附属单位补助支出"]], [],
           [[208, "社会保障和就业支出", 17.5, 12.5, 5, 0, 0, 0], [],
            [20801, "人力资源和社会保障管理事务", 17.5, 12.5, 5, 0, 0, 0],
            [2080101, "行政运行", 12.5, 12.5, 0, 0, 0, 0], [2080109, "社会保险经办机构", 5, 0, 5, 0, 0, 0],
            [None, "合计", 17.5, 12.5, 5, 0, 0, 0]])
    _sheet(wb, "一般公共预算支出表",
           [["科目编码", "科目名称", "合计", "基本支出", None, None, "项目支出"],
            [None, None, None, "小计", "人员经费", "公用经费", None]],
           ["A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:G4"],
           [[None, "合计", 17.5, 12.5, 10, 2.5, 5], [208.0, "社会保障和就业支出", 17.5, 12.5, 10, 2.5, 5],
            ["20801", "人力资源和社会保障管理事务", 17.5, 12.5, 10, 2.5, 5],
            [2080101.0, "行政运行", 12.5, 12.5, 10, 2.5, 0], [2080109.0, "社会保险经办机构", 5, 0, 0, 0, 5]])
    _sheet(wb, "一般公共预算基本支出表",
           [["部门预算支出经济分类科目", None, "一般公共预算基本支出", None, None],
            ["科目编码", "科目名称", "合计", "人员经费", "公用经费"]],
           ["A3:B3", "C3:E3"],
           [[301, "工资福利支出", 10, 10, 0], [30101, "基本工资", 10, 10, 0], [3010101, "基本工资", 6, 6, 0],
            [3010102, "岗位工资", 4, 4, 0], [302, "商品和服务支出", 2.5, 0, 2.5], [30201, "办公费", 2.5, 0, 2.5],
            [None, "合计", 12.5, 10, 2.5]])
    _sheet(wb, "一般公共预算项目支出表",
           [["部门预算支出经济分类科目", None, "项目经费"], ["科目编码", "科目名称", None]],
           ["A3:B3", "C3:C4"],
           [[None, "合计", 5], [302, "商品和服务支出", 5], [30227, "委托业务费", 5]])
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    budget, problems = import_workbook(path)
    assert budget.year == 2024
    assert (budget.department.code, budget.department.name) == ("99001", "测试单位")
    assert budget.department.supervisor.code == "99"
    assert budget.income.general_budget.amount == Decimal("17.50")
    lines = {x.code: x.general_budget for x in budget.expenditure}
    assert set(lines) == {"2080101", "2080109"}
    assert (lines["2080101"].personnel, lines["2080101"].public) == (Decimal("10"), Decimal("2.5"))
    assert lines["2080109"].project == Decimal("5")
    wages = budget.basic_by_economic[0]
    assert wages.code == "30101" and [(i.code, i.amount) for i in wages.items] == [
        ("3010101", Decimal("6")), ("3010102", Decimal("4"))]
    assert [(x.code, x.amount) for x in budget.project_by_economic] == [("30227", Decimal("5"))]
    assert "xlsx-missing-sheet" in {p.slug for p in problems}  # 项目支出表 etc. are absent: warnings only
    assert not [p for p in problems if p.severity.value == "error"]
