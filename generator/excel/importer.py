"""XLSX workbook in the published layout → canonical budget (leaves only), checked against its own totals.

Reading is tolerant of what budgeting systems and hand edits produce: merged header cells,
blank spacer rows, repeated header rows, 合计 first or last, codes stored as numbers, a
trailing 注 line. Only leaves are taken (7-digit function 项, economic 款 or their 7-digit
items, projects, income sources); every subtotal and total the workbook shows is then
compared with the figure derived from those leaves, and each disagreement becomes a
:class:`Problem` naming the sheet and cell (``支出总表!C5``). Nothing is silently fixed.

A workbook exported by this project also carries ``_canonical`` (the budget file itself):
text comes from there, figures from the standard sheets (:func:`generator.excel.merge.merge_canonical`).
Without it, text the tables cannot carry is written as 待补充.

Before anything is loaded, :mod:`generator.excel.package` checks the file type, its sizes and where every
sheet's cells and merged ranges reach (``xlsx-too-large``), and finds formulas saved without a
result (``xlsx-formula-no-value``); values are then read with openpyxl in read-only mode, bounded
to the area found. Visible sheets are preferred over hidden ones (``xlsx-hidden-sheet``).
"""

from __future__ import annotations

import re
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from generator.core import profiles, registry
from generator.core.errors import InputError, Problem, Severity
from generator.core.model import Budget
from generator.derive import tables
from generator.derive.layout import columns_of
from generator.excel import leaves, merge
from generator.excel.cells import NotANumber, code_text, money, name_key
from generator.excel.package import ImportFailed, Package, inspect
from generator.excel.scan import SheetInfo
from generator.excel.sheets import Grid, Sheet, Workbook, code_of, norm, read_sheet, sheet_grid
from generator.load.budget import parse_budget, schema_problem
from generator.load.loader import Document, parse
from generator.publish.xlsx import CANONICAL_SHEET

__all__ = ["ImportFailed", "import_workbook", "open_workbook"]

E, W = Severity.ERROR, Severity.WARNING
PLACEHOLDER = "待补充"
DEFAULT_YEAR = 2000  # only to check the year's range when the year is not known yet
PROFILE_KEY = re.compile(r"^[a-z0-9-]+$")  # a profile is a file name under generator/core/profiles/, nothing else
def _blank(year: int, profile: str) -> Budget:
    return Budget.model_validate({
        "schema_version": 1, "year": year, "profile": profile, "unit": "万元",
        "department": {"code": "00", "name": "-", "supervisor": {"code": "00", "name": "-"}, "affiliation": "-"},
        "overview": {"duties": {"items": ["-"]}, "staff": {"establishment": {}, "in_service": {"current": 0},
                                                             "retired": {"current": 0}}},
        "income": {}, "expenditure": []})


def _find_worksheet(book: Workbook, package: Package, grids: dict[str, Grid], title: str) -> SheetInfo | None:
    """The sheet holding ``title``: by its name, else by a title in its first three rows; visible
    sheets first. A hidden sheet that is used, or passed over, is reported (``xlsx-hidden-sheet``)."""
    want = norm(title)

    def found(hidden: bool) -> list[SheetInfo]:
        sheets = [s for s in package.sheets if s.hidden == hidden and s.name != CANONICAL_SHEET]
        by_name = [s for s in sheets if norm(s.name) == want]
        by_rows = [s for s in sheets if s not in by_name and any(norm(v) == want for row in grids[s.name][:3] for v in row)]
        return by_name + by_rows

    visible, hidden = found(False), found(True)
    if visible:
        for h in hidden:
            book.problem("xlsx-hidden-sheet", W,
                         f"隐藏的工作表“{h.name}”也是“{title}”，已忽略；导入的是可见的“{visible[0].name}”")
        return visible[0]
    if hidden:
        book.problem("xlsx-hidden-sheet", W, f"“{title}”取自隐藏的工作表“{hidden[0].name}”，请确认这是要导入的数据")
        return hidden[0]
    return None


def _year_of(wb: Any, package: Package, grids: dict[str, Grid]) -> int | None:
    texts = [wb.properties.title or ""]
    for info in package.sheets:
        if not info.hidden:
            texts += [str(v) for row in grids[info.name][:2] for v in row if v]
    for text in texts:
        if m := re.search(r"(20\d\d)\s*年", text):
            return int(m.group(1))
    return None


def _canonical_doc(shown: str, text: str) -> Document:
    """The ``_canonical`` sheet as a YAML document; a syntax error is located by its row."""
    try:
        doc = parse(text, f"{shown}!{CANONICAL_SHEET}")
    except InputError as exc:
        p = exc.problem
        raise ImportFailed([Problem("xlsx-canonical", E, f"{CANONICAL_SHEET}!A{p.line or 1}：{p.message}", shown)]) from None
    if not isinstance(doc.data, dict):
        raise ImportFailed([Problem("xlsx-canonical", E, f"{CANONICAL_SHEET}!A1：这一页不是预算文件", shown)])
    return doc


def _canonical_profile(shown: str, doc: Document) -> str | None:
    key = doc.data.get("profile")
    if key is None:
        return None
    if not (isinstance(key, str) and PROFILE_KEY.fullmatch(key)):
        line = doc.mark(("profile",)).line
        raise ImportFailed([Problem("xlsx-canonical", E, f"{CANONICAL_SHEET}!A{line}：地区模板“{key}”不合法"
                                                         "（只能是小写字母、数字和连字符，如 harbin-13）", shown)])
    return key


def _profile(shown: str, key: str) -> profiles.Profile:
    if not PROFILE_KEY.fullmatch(key):
        raise ImportFailed([Problem("unknown-profile", E, f"未知的地区模板“{key}”", shown)])
    try:
        return profiles.load(key)
    except (KeyError, ValueError, OSError):  # ValueError: a profile file the model rejects
        raise ImportFailed([Problem("unknown-profile", E, f"未知的地区模板“{key}”", shown)]) from None


def _uncached(shown: str, infos: list[SheetInfo]) -> list[Problem]:
    out = []
    message = "单元格是公式但没有计算结果，请在 Excel 中打开并保存后再导入"
    for info in infos:
        out += [Problem("xlsx-formula-no-value", E, f"{info.name}!{ref}：{message}", shown) for ref in info.uncached]
        if (more := info.uncached_count - len(info.uncached)) > 0:
            out.append(Problem("xlsx-formula-no-value", E, f"{info.name}：另有 {more} 个公式单元格没有计算结果", shown))
    return out


def _read_grids(path: Path, package: Package) -> tuple[Any, dict[str, Grid]]:
    shown = str(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions are not the editor's business
        try:
            wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise ImportFailed([Problem("xlsx-unreadable", E, f"无法读取工作簿：{type(exc).__name__}", shown)]) from None
        try:
            return wb, {info.name: sheet_grid(wb, info) for info in package.sheets}
        except Exception as exc:
            raise ImportFailed([Problem("xlsx-unreadable", E, f"无法读取工作簿：{type(exc).__name__}", shown)]) from None
        finally:
            wb.close()


def open_workbook(path: Path, profile_key: str = "harbin-13", year: int | None = None) -> Workbook:
    shown = str(path)
    package = inspect(path, CANONICAL_SHEET)  # type, size and extent limits, before anything is loaded
    problems: list[Problem] = []
    canonical, doc = package.canonical_text, None
    if canonical is not None:
        info = package.sheet(CANONICAL_SHEET)
        assert info is not None
        if formulas := _uncached(shown, [info]):
            raise ImportFailed(formulas)
        if info.hidden:
            problems.append(Problem("xlsx-hidden-sheet", W, f"“{CANONICAL_SHEET}”是隐藏的工作表，其中的文字仍会导入，"
                                                            "请确认工作簿是本项目导出的", shown))
        doc = _canonical_doc(shown, canonical)
        profile_key = _canonical_profile(shown, doc) or profile_key
        if year is None and isinstance(doc.data.get("year"), int) and not isinstance(doc.data["year"], bool):
            year = doc.data["year"]
    profile = _profile(shown, profile_key)
    wb, grids = _read_grids(path, package)
    year = year or _year_of(wb, package, grids)
    try:
        _blank(year or DEFAULT_YEAR, profile_key)
    except ValidationError:  # the model's range for ``year``
        raise ImportFailed([Problem("xlsx-bad-year", E, f"预算年度 {year} 不在允许的范围内", shown)]) from None
    if year is not None:
        profile = profile.for_year(year)  # that year's layout (a variant may retitle a header)
    book = Workbook(shown, {}, "万元", None, year, canonical, profile_key, problems, doc)
    used: list[SheetInfo] = []
    stated: list[str] = []  # the units stated by the sheets whose spec leaves the unit to the file
    for spec in profile.tables:
        info = _find_worksheet(book, package, grids, spec.title)
        if info is None:
            book.problem("xlsx-missing-sheet", W, f"工作簿中没有“{spec.title}”，按无数据处理")
            continue
        used.append(info)
        grid = grids[info.name]
        columns = columns_of(spec)
        sheet = read_sheet(grid, info.name, spec, columns)
        if sheet is None:
            book.problem("xlsx-missing-column", E, f"{info.name}：找不到表头（应有 " + "、".join(c.label for c in columns) + "）")
            continue
        book.sheets[spec.key] = sheet
        unit = None
        for row in grid[:3]:
            for v in row:
                text = norm(v)
                if text.startswith("单位名称:") and len(text) > 5:
                    book.department_name = book.department_name or text[5:]
                if text in ("单位:万元", "单位:元"):
                    unit = text[3:]
        sheet.unit = spec.unit or unit or sheet.unit
        if spec.unit is None and unit is not None:
            stated.append(unit)
    # The file's unit: what the sheets without a unit of their own state, else (every table declares its unit,
    # as a locality printing in 元 does) the first table's.
    book.unit = stated[-1] if stated else next((x.unit for x in book.sheets.values()), book.unit)
    if formulas := _uncached(shown, list(dict.fromkeys(used))):
        raise ImportFailed(formulas)
    return book


def import_workbook(path: Path, profile_key: str = "harbin-13", year: int | None = None) -> tuple[Budget, list[Problem]]:
    """Read, rebuild the leaves, merge the canonical text, check every total; raise :class:`ImportFailed` on errors."""
    book = open_workbook(path, profile_key, year)
    data, unresolved = leaves.leaves(book)
    budget = None
    if not any(p.severity is E for p in book.problems):
        if book.canonical is not None:
            data = merge.merge_canonical(book, data, _canonical(book))
        budget = _validated(book, data)
    if budget is not None:
        compare(book, budget, unresolved)
    errors = [p for p in book.problems if p.severity is E]
    if errors or budget is None:
        raise ImportFailed(book.problems)
    return budget, book.problems


def _validated(book: Workbook, data: dict[str, Any]) -> Budget | None:
    """The imported data as a budget; whatever the model rejects becomes a problem, never a traceback."""
    try:
        return Budget.model_validate(data)
    except ValidationError as exc:
        doc = Document(book.path, data)
        for err in exc.errors():
            where = ".".join(str(x) for x in err["loc"])
            book.problem("xlsx-invalid", E, f"导入结果不合法：{where}：{schema_problem(doc, err).message}")
    except (ValueError, TypeError, KeyError) as exc:  # a validator that raised something pydantic did not wrap
        book.problem("xlsx-invalid", E, f"导入结果不合法：{exc}")
    return None


def _canonical(book: Workbook) -> Budget:
    assert book.canonical_doc is not None
    budget, problems = parse_budget(book.canonical_doc)
    if budget is None:
        raise ImportFailed([Problem("xlsx-canonical", E, f"{CANONICAL_SHEET}!A{p.line or 1}：{p.message}", book.path)
                            for p in problems])
    return budget


# ---------------------------------------------------------------- totals check

def _keys(sheet: Sheet, cells: list[Any]) -> tuple[str, str]:
    """What identifies a workbook row, as the row source names its rows (a derived row's ``key``): its
    code, else the project or target name, else its label; exactly as shown and as a loose key
    (:func:`generator.excel.cells.name_key`: Excel's escapes, whitespace and control characters aside)."""
    rows = sheet.spec.source.rows
    if rows in ("projects", "performance_targets"):
        cell = sheet.get(cells, "name")
        if rows == "projects" and cell in (None, ""):
            cell = cells[sheet.spec.label_span() - 1]  # the total row's label
    elif code := code_of(sheet, cells, code_text):
        return code, code
    else:
        cell = sheet.get(cells, "name") if sheet.index("name") is not None else sheet.get(cells, "label")
        if cell in (None, ""):
            cell = cells[sheet.spec.label_span() - 1]
    text = "" if cell is None else str(cell)
    return text, name_key(text)


def _pairs(table: tables.Table, sides: list[tuple[int, int]]) -> dict[tuple[int, str, int], Any]:
    """(side, label, occurrence) → figure: the same label may appear twice (本年收入 and 上年结转)."""
    out: dict[tuple[int, str, int], Any] = {}
    for row in table.rows:
        for col, amount in sides:
            label = norm(row.cells[col])
            if label:
                n = sum(1 for k in out if k[:2] == (col, label))
                out[(col, label, n)] = row.cells[amount]
    return out


def compare(book: Workbook, budget: Budget, skip: set[str]) -> None:
    """Every money cell of every sheet must equal the figure derived from the leaves."""
    built = tables.build(budget, registry.for_year(budget.year), [s.spec for s in book.sheets.values()])
    for key, sheet in book.sheets.items():
        table = built[key]
        if sheet.spec.source.rows == "pairs":
            sides = [(i, j) for side in ("left", "right")
                     if (i := sheet.index(f"{side}.label")) is not None and (j := sheet.index(f"{side}.amount")) is not None]
            derived = _pairs(table, sides)
            seen_labels: dict[tuple[int, str], int] = {}
            for rownum, values in sheet.rows:
                cells = [sheet.value(values, i) for i in range(len(sheet.columns))]
                for label_col, amount_col in sides:
                    label = norm(cells[label_col])
                    if label and cells[amount_col] not in (None, ""):
                        n = seen_labels.get((label_col, label), 0)
                        seen_labels[(label_col, label)] = n + 1
                        _check(book, sheet, rownum, amount_col, cells[amount_col],
                               derived.get((label_col, label, n), Decimal(0)), label)
            continue
        exact: dict[str, list[Any]] = {}
        loose: dict[str, list[Any]] = {}
        for r in table.rows:
            exact.setdefault(r.key, r.cells)
            loose.setdefault(name_key(r.key), r.cells)
        skipped = {name_key(name) for name in skip}
        repeats = sheet.spec.source.rows == "performance_targets"  # a target's rows repeat its figures
        seen: set[str] = set()
        if not sheet.identified:  # rows that do not say what they are (a 三公 table's one row): in order
            for (rownum, values), row in zip(sheet.rows, table.rows, strict=False):
                for i, column in enumerate(sheet.columns):
                    if column.kind == "money":
                        _check(book, sheet, rownum, i, sheet.value(values, i), row.cells[i], column.label)
            continue
        for rownum, values in sheet.rows:
            cells = [sheet.value(values, i) for i in range(len(sheet.columns))]
            text, k = _keys(sheet, cells)
            if not k or k in skipped or (repeats and text in seen):
                continue
            seen.add(text)
            want = exact.get(text) or loose.get(k)
            for i, column in enumerate(sheet.columns):
                if column.kind == "money":
                    _check(book, sheet, rownum, i, cells[i], want[i] if want else Decimal(0), text.strip() or k)


def _check(book: Workbook, sheet: Sheet, rownum: int, col: int, value: Any, derived: Any, label: str) -> None:
    try:
        got = money(value)
    except NotANumber:
        book.problem("xlsx-not-a-number", E, f"{sheet.ref(rownum, col)}：“{value}”不是数字")
        return
    column = sheet.columns[col]
    expected = column.rounded(derived if isinstance(derived, Decimal) else Decimal(0))
    if column.rounded(got) != expected:
        book.problem("xlsx-total-mismatch", E,
                     f"{sheet.ref(rownum, col)}（{label}·{column.label}）：工作簿为 {column.rounded(got)}，"
                     f"按明细汇总应为 {expected}")
