"""XLSX workbook in the published layout → canonical budget (leaves only), checked against its own totals.

Reading is tolerant of what budgeting systems and hand edits produce: merged header cells,
blank spacer rows, repeated header rows, 合计 first or last, codes stored as numbers, a
trailing 注 line. Only leaves are taken (7-digit function 项, economic 款 or their 7-digit
items, projects, income sources); every subtotal and total the workbook shows is then
compared with the figure derived from those leaves, and each disagreement becomes a
:class:`Problem` naming the sheet and cell (``支出总表!C5``). Nothing is silently fixed.

A workbook exported by this project also carries ``_canonical`` (the budget file itself):
text comes from there, figures from the standard sheets (:func:`excel_merge.merge_canonical`).
Without it, text the tables cannot carry is written as 待补充.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from generator import excel_leaves, excel_merge, profiles, registry, tables
from generator.errors import GeneratorError, Problem, Severity
from generator.excel_export import CANONICAL_SHEET
from generator.excel_leaves import NotANumber, code_text, money
from generator.loader import parse
from generator.model import Budget
from generator.money import rounded
from generator.tables import Column

E, W = Severity.ERROR, Severity.WARNING
PLACEHOLDER = "待补充"
_PREFIX = re.compile(r"^(表\s*[0-9一二三四五六七八九十]+|[0-9一二三四五六七八九十]+[、.．])\s*")
_TRANS = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "：": ":"})


class ImportFailed(GeneratorError):
    """The workbook cannot become a budget; ``problems`` say where (sheet and cell)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} 个错误")
        self.problems = problems


def norm(text: Any) -> str:
    """Header / title text without spaces, line breaks, numbering prefixes, full-width variants."""
    if text is None:
        return ""
    s = re.sub(r"\s+", "", str(text)).translate(_TRANS)
    return _PREFIX.sub("", s)


@dataclass
class Sheet:
    """One standard table as found in the workbook: expected columns mapped to workbook columns."""

    name: str
    key: str
    columns: list[Column]
    where: dict[int, int]  # expected column index → workbook column index (0-based)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (Excel row number, values)

    def value(self, values: list[Any], col: int) -> Any:
        j = self.where.get(col)
        return values[j] if j is not None and j < len(values) else None

    def ref(self, row: int, col: int) -> str:
        return f"{self.name}!{get_column_letter(self.where.get(col, col) + 1)}{row}"


def _grid(ws: Worksheet) -> list[list[Any]]:
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, rng.max_row):
            for c in range(rng.min_col - 1, rng.max_col):
                if r < len(grid) and c < len(grid[r]):
                    grid[r][c] = top
    return grid


def _paths(grid: list[list[Any]], top: int, depth: int) -> list[tuple[str, ...]]:
    width = max((len(r) for r in grid[top: top + depth]), default=0)
    out = []
    for j in range(width):
        labels: list[str] = []
        for r in range(top, top + depth):
            label = norm(grid[r][j]) if j < len(grid[r]) else ""
            if label and (not labels or labels[-1] != label):
                labels.append(label)
        out.append(tuple(labels))
    return out


def _match(columns: list[Column], found: list[tuple[str, ...]]) -> dict[int, int] | None:
    """Map every expected column to a workbook column: exact header path, else a unique last label."""
    where: dict[int, int] = {}
    for i, column in enumerate(columns):
        want = tuple(norm(p) for p in column.path)
        exact = [j for j, path in enumerate(found) if path == want]
        loose = [j for j, path in enumerate(found) if path and path[-1] == want[-1] and j not in where.values()]
        pick = exact or (loose if len(loose) == 1 else [])
        if not pick:
            return None
        where[i] = pick[0]
    return where


def _is_header_repeat(values: list[Any], labels: set[str]) -> bool:
    texts = [norm(v) for v in values if v not in (None, "")]
    return bool(texts) and all(isinstance(v, str) for v in values if v not in (None, "")) and all(
        t in labels for t in texts)


def read_sheet(ws: Worksheet, key: str, columns: list[Column]) -> Sheet | None:
    """Find the header block (1–4 rows starting with the first column's label) and the data rows below it."""
    grid = _grid(ws)
    first = norm(columns[0].path[0])
    for top, row in enumerate(grid):
        if not any(norm(v) == first for v in row[:3]):
            continue
        for depth in range(1, 5):
            where = _match(columns, _paths(grid, top, depth))
            if where is None:
                continue
            sheet = Sheet(ws.title, key, columns, where)
            labels = {label for path in _paths(grid, top, depth) for label in path}
            for r in range(top + depth, len(grid)):
                values = grid[r]
                if all(v in (None, "") for v in values):
                    continue
                head = next(str(v).strip() for v in values if v not in (None, ""))
                if head.startswith("注") or _is_header_repeat(values, labels):
                    continue
                sheet.rows.append((r + 1, values))
            return sheet
    return None


def _blank(year: int, profile: str) -> Budget:
    return Budget.model_validate({
        "schema_version": 1, "year": year, "profile": profile, "unit": "万元",
        "department": {"code": "00", "name": "-", "supervisor": {"code": "00", "name": "-"}, "affiliation": "-"},
        "overview": {"duties": {"items": ["-"]}, "staff": {"establishment": {}, "in_service": {"current": 0},
                                                             "retired": {"current": 0}}},
        "income": {}, "expenditure": []})


@dataclass
class Workbook:
    path: str
    sheets: dict[str, Sheet]
    unit: str
    department_name: str | None
    year: int | None
    canonical: str | None
    profile: str = "harbin-13"
    problems: list[Problem] = field(default_factory=list)

    def problem(self, slug: str, severity: Severity, message: str) -> None:
        self.problems.append(Problem(slug, severity, message, self.path))


def _find_worksheet(wb: Any, title: str) -> Worksheet | None:
    want = norm(title)
    for ws in wb.worksheets:
        if norm(ws.title) == want:
            return ws  # type: ignore[no-any-return]
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=3, values_only=True):
            if any(norm(v) == want for v in row):
                return ws  # type: ignore[no-any-return]
    return None


def _year_of(wb: Any) -> int | None:
    texts = [wb.properties.title or ""]
    for ws in wb.worksheets:
        texts += [str(v) for row in ws.iter_rows(min_row=1, max_row=2, values_only=True) for v in row if v]
    for text in texts:
        if m := re.search(r"(20\d\d)\s*年", text):
            return int(m.group(1))
    return None


def open_workbook(path: Path, profile_key: str = "harbin-13", year: int | None = None) -> Workbook:
    shown = str(path)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFailed([Problem("xlsx-unreadable", E, f"无法读取工作簿：{type(exc).__name__}", shown)]) from None
    canonical = None
    if CANONICAL_SHEET in wb.sheetnames:
        lines = [row[0] if row and row[0] is not None else "" for row in
                 wb[CANONICAL_SHEET].iter_rows(values_only=True)]
        canonical = "\n".join(str(x) for x in lines) + "\n"
        if m := re.search(r"^profile:\s*(\S+)", canonical, re.M):
            profile_key = m.group(1)
        if year is None and (m := re.search(r"^year:\s*(\d{4})", canonical, re.M)):
            year = int(m.group(1))
    year = year or _year_of(wb)
    try:
        profile = profiles.load(profile_key)
    except KeyError:
        raise ImportFailed([Problem("unknown-profile", E, f"未知的地区模板“{profile_key}”", shown)]) from None
    layout = tables.build(_blank(year or 2000, profile_key), registry.for_year(year or 2000))
    book = Workbook(shown, {}, "万元", None, year, canonical, profile_key)
    for spec in profile.tables:
        ws = _find_worksheet(wb, spec.title)
        if ws is None:
            book.problem("xlsx-missing-sheet", W, f"工作簿中没有“{spec.title}”，按无数据处理")
            continue
        sheet = read_sheet(ws, spec.key, layout[spec.key].columns)
        if sheet is None:
            book.problem("xlsx-missing-column", E,
                         f"{ws.title}：找不到表头（应有 " + "、".join(c.label for c in layout[spec.key].columns) + "）")
            continue
        book.sheets[spec.key] = sheet
        for row in ws.iter_rows(min_row=1, max_row=3, values_only=True):
            for v in row:
                text = norm(v)
                if text.startswith("单位名称:") and len(text) > 5:
                    book.department_name = book.department_name or text[5:]
                if text in ("单位:万元", "单位:元"):
                    book.unit = text[3:]
    return book


def import_workbook(path: Path, profile_key: str = "harbin-13", year: int | None = None) -> tuple[Budget, list[Problem]]:
    """Read, rebuild the leaves, merge the canonical text, check every total; raise :class:`ImportFailed` on errors."""
    book = open_workbook(path, profile_key, year)
    data, unresolved = excel_leaves.leaves(book)
    budget = None
    if not any(p.severity is E for p in book.problems):
        if book.canonical is not None:
            data = excel_merge.merge_canonical(book, data, _canonical(book))
        try:
            budget = Budget.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(x) for x in err["loc"])
                book.problem("xlsx-invalid", E, f"导入结果不合法：{where}：{err['msg']}")
    if budget is not None:
        compare(book, budget, unresolved)
    errors = [p for p in book.problems if p.severity is E]
    if errors or budget is None:
        raise ImportFailed(book.problems)
    return budget, book.problems


def _canonical(book: Workbook) -> Budget:
    assert book.canonical is not None
    doc = parse(book.canonical, f"{book.path}!{CANONICAL_SHEET}")
    try:
        return Budget.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        mark = doc.mark(tuple(err["loc"]))
        raise ImportFailed([Problem("xlsx-canonical", E, f"{CANONICAL_SHEET}!A{mark.line}：{err['msg']}",
                                    book.path)]) from None


# ---------------------------------------------------------------- totals check

def _key(key: str, cells: list[Any]) -> str:
    if key == "projects":
        return norm(cells[1]) or norm(cells[2])
    if key == "project_performance":
        return norm(cells[1])
    return code_text(cells[0]) or norm(cells[1])


def _pairs(rows: list[list[Any]]) -> dict[tuple[int, str, int], Any]:
    """(side, label, occurrence) → figure: the same label may appear twice (本年收入 and 上年结转)."""
    out: dict[tuple[int, str, int], Any] = {}
    for cells in rows:
        for col in (0, 2):
            label = norm(cells[col])
            if label:
                n = sum(1 for k in out if k[:2] == (col, label))
                out[(col, label, n)] = cells[col + 1]
    return out


def compare(book: Workbook, budget: Budget, skip: set[str]) -> None:
    """Every money cell of every sheet must equal the figure derived from the leaves."""
    built = tables.build(budget, registry.for_year(budget.year), list(book.sheets))
    for key, sheet in book.sheets.items():
        table = built[key]
        if key in ("income_expenditure_summary", "fiscal_summary"):
            derived = _pairs([r.cells for r in table.rows])
            seen_labels: dict[tuple[int, str], int] = {}
            for rownum, values in sheet.rows:
                cells = [sheet.value(values, i) for i in range(4)]
                for label_col in (0, 2):
                    label = norm(cells[label_col])
                    if label and cells[label_col + 1] not in (None, ""):
                        n = seen_labels.get((label_col, label), 0)
                        seen_labels[(label_col, label)] = n + 1
                        _check(book, sheet, rownum, label_col + 1, cells[label_col + 1],
                               derived.get((label_col, label, n), Decimal(0)), label)
            continue
        derived_rows: dict[str, list[Any]] = {}
        for r in table.rows:
            derived_rows.setdefault(_key(key, r.cells), r.cells)
        seen: set[str] = set()
        for rownum, values in sheet.rows:
            cells = [sheet.value(values, i) for i in range(len(sheet.columns))]
            k = _key(key, cells)
            if not k or k in skip or (key == "project_performance" and k in seen):
                continue
            seen.add(k)
            want = derived_rows.get(k)
            for i, column in enumerate(sheet.columns):
                if column.kind == "money":
                    _check(book, sheet, rownum, i, cells[i], want[i] if want else Decimal(0), k)


def _check(book: Workbook, sheet: Sheet, rownum: int, col: int, value: Any, derived: Any, label: str) -> None:
    try:
        got = money(value)
    except NotANumber:
        book.problem("xlsx-not-a-number", E, f"{sheet.ref(rownum, col)}：“{value}”不是数字")
        return
    expected = rounded(derived if isinstance(derived, Decimal) else Decimal(0))
    if rounded(got) != expected:
        book.problem("xlsx-total-mismatch", E,
                     f"{sheet.ref(rownum, col)}（{label}·{sheet.columns[col].label}）：工作簿为 {rounded(got)}，"
                     f"按明细汇总应为 {expected}")
