"""Budget → XLSX workbook in the published layout, plus a sheet with everything else.

One sheet per table of the profile, laid out from its spec (title, 单位名称, the table's 单位, the
spec's header levels as merged cells, 合计 rows, money as numbers rounded once and shown in the
column's number format, the columns a performance target repeats merged down), in the profile's order, set up to
print: A4, landscape when wider than eight columns, fitted to the page width, header rows
repeated on every page, page numbers in the footer. The last sheet, ``_canonical``, holds the
budget file itself (one YAML line per row; a line longer than a cell can hold continues in the
next cells of its row) so that text the standard tables cannot carry (职责, reasons, prior-year
figures, covers, …) survives export → import. The file's bytes depend only on the budget.

A cell holds at most 32,767 characters and XlsxWriter silently cuts longer text; a longer text in
a table cell is refused (``xlsx-string-too-long``), never cut.

Written with XlsxWriter (the site writes one per department-year); generator.excel.importer reads it with openpyxl.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell as xl_rowcol
from xlsxwriter.worksheet import Worksheet

from generator.core import profiles, registry
from generator.core.errors import InputError
from generator.core.model import Budget
from generator.core.money import SHORTEST
from generator.core.profiles import Profile
from generator.derive import tables
from generator.derive.layout import Column, Layout, Table, layout, merged_runs
from generator.load.yaml_writer import dumps_model

CANONICAL_SHEET = "_canonical"
CANONICAL_NOTE = "# 本页由程序生成，供导入时还原报表无法承载的文字（职责、原因、上年数、绩效目标等）；数字以各报表页为准。"
FIRST_HEADER_ROW = 3  # 1-based, as the sheets are read: title, 单位名称/单位, then the header
MAX_CELL_CHARS = 32_767  # Excel's limit, counted in UTF-16 code units
FONT = "宋体"  # SimSun: the usual typeface of printed budget tables, with every CJK character
A4 = 9  # XlsxWriter's paper code


def fixed_time(year: int) -> datetime:
    """The workbook's created/modified stamp: 1 January of the budget year, so output is reproducible."""
    return datetime(year, 1, 1)


class _Formats:
    """The workbook's cell formats; one per number format a column asks for (``shortest`` is Excel's General)."""

    def __init__(self, wb: Workbook) -> None:
        box = {"border": 1}
        self._wb, self._run = wb, {**box, "valign": "vcenter", "text_wrap": True}
        self.title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.header = wb.add_format({**box, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True})
        self.cell = wb.add_format(box)  # every body cell has a thin box
        self.bold = wb.add_format({**box, "bold": True})  # 合计 and group rows
        self.merged = wb.add_format(self._run)  # a merged run of the same text down a column
        self._money: dict[tuple[str, bool, bool], Format] = {}

    def money(self, pattern: str, bold: bool = False, merged: bool = False) -> Format:
        key = (pattern, bold, merged)
        if key not in self._money:
            base = self._run if merged else {"border": 1, **({"bold": True} if bold else {})}
            self._money[key] = self._wb.add_format({**base, "num_format": "General" if pattern == SHORTEST else pattern})
        return self._money[key]


def cell_length(text: str) -> int:
    """Length as Excel counts it: UTF-16 code units (a character outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _checked(ws: Worksheet, row: int, col: int, text: str, budget: Budget) -> str:
    if cell_length(text) > MAX_CELL_CHARS:
        raise InputError("xlsx-string-too-long",
                         f"{budget.department.code}（{budget.year} 年）{ws.get_name()}!{xl_rowcol(row, col)}：文字有 "
                         f"{cell_length(text)} 个字符，超过 Excel 单元格上限 {MAX_CELL_CHARS}，无法导出；请缩短")
    return text


def _text(ws: Worksheet, row: int, col: int, text: str, fmt: Format | None, budget: Budget) -> None:
    ws.write_string(row, col, _checked(ws, row, col, text, budget), fmt)  # never a formula or a link


def _merge(ws: Worksheet, first: tuple[int, int], last: tuple[int, int], value: str | float, fmt: Format,
           budget: Budget) -> None:
    if isinstance(value, str):
        _checked(ws, *first, value, budget)
    ws.merge_range(*first, *last, value, fmt)


def _write_header(ws: Worksheet, fmt: _Formats, laid: Layout, top: int) -> int:
    """Write the header's merged cells (the page's, from the one layout) from 0-based row ``top``; returns
    the first row below it."""
    for cells in laid.header:
        for c in cells:
            row, col = top + c.row, c.column
            if c.colspan > 1 or c.rowspan > 1:
                ws.merge_range(row, col, row + c.rowspan - 1, col + c.colspan - 1, c.label, fmt.header)
            else:
                ws.write_string(row, col, c.label, fmt.header)
    return top + len(laid.header)


def _write_rows(ws: Worksheet, fmt: _Formats, table: Table, first: int, budget: Budget) -> int:
    runs = merged_runs(table)
    inside = {i for a, b in runs for i in range(a + 1, b + 1)}  # rows whose repeated cells a merge covers
    row = first
    for n, r in enumerate(table.rows):
        bold = r.kind != "leaf"
        plain = fmt.bold if bold else fmt.cell
        for i, (value, column) in enumerate(zip(r.cells, table.columns, strict=True)):
            if i in table.merged and n in inside:
                continue
            if isinstance(value, Decimal) and not column.blank(value):
                if column.kind == "money":
                    ws.write_number(row, i, float(column.rounded(value)), fmt.money(column.format, bold))
                else:
                    ws.write_number(row, i, float(value), plain)
            elif isinstance(value, str) and value != "":
                _text(ws, row, i, value, plain, budget)  # never a formula or a link, whatever the text
            else:
                ws.write_blank(row, i, None, plain)
        row += 1
    for a, b in runs:
        for i in table.merged:
            value, column = table.rows[a].cells[i], table.columns[i]
            money = column.kind == "money"
            shown: str | float = value if isinstance(value, str) else float(column.rounded(value) if money else value)
            _merge(ws, (first + a, i), (first + b, i), shown, fmt.money(column.format, merged=True) if money else fmt.merged,
                   budget)
    return row


def _set_width(ws: Worksheet, col: int, width: float) -> None:
    """Store ``width`` as the file's column width, as before: XlsxWriter adds Excel's 5-pixel
    cell padding (7 pixels a character) to what it is given, so hand it that much less."""
    ws.set_column(col, col, width - 5 / 7)


def _widths(ws: Worksheet, columns: list[Column]) -> None:
    for i, column in enumerate(columns):
        label = column.path[-1]
        width = 14 if column.kind != "text" else (36 if "名称" in label or label in ("项目", "绩效目标") else 14)
        _set_width(ws, i, width)


def _print_setup(ws: Worksheet, wide: bool, header_rows: tuple[int, int]) -> None:
    ws.set_paper(A4)
    if wide:  # as the page's PDF prints it
        ws.set_landscape()
    ws.fit_to_pages(1, 0)  # every column on the page; as many pages down as needed
    ws.repeat_rows(*header_rows)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def write_table(ws: Worksheet, fmt: _Formats, budget: Budget, table: Table, title: str, notes: list[str]) -> None:
    width = len(table.columns)
    if width > 1:
        _merge(ws, (0, 0), (0, width - 1), title, fmt.title, budget)
    else:
        _text(ws, 0, 0, title, fmt.title, budget)
    _text(ws, 1, 0, f"单位名称：{budget.department.name}", None, budget)
    _text(ws, 1, width - 1 if width > 1 else 1, f"单位：{table.unit}", None, budget)
    laid = layout(table)
    header_end = _write_header(ws, fmt, laid, FIRST_HEADER_ROW - 1)
    after = _write_rows(ws, fmt, table, header_end, budget)
    for note in notes:
        _text(ws, after, 0, note, None, budget)
        after += 1
    _widths(ws, table.columns)
    ws.freeze_panes(header_end, 0)
    _print_setup(ws, laid.wide, (FIRST_HEADER_ROW - 1, header_end - 1))


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # YAML's own line breaks; a lone CR would be escaped in a cell


def canonical_lines(budget: Budget, source_text: str | None = None) -> list[str]:
    text = source_text if source_text is not None else dumps_model(budget, header="")
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return [CANONICAL_NOTE, *lines]


def cell_pieces(line: str) -> list[str]:
    """``line`` cut into pieces a cell can hold, never inside a surrogate pair; joined they give ``line``."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for ch in line:
        units = 2 if ord(ch) > 0xFFFF else 1
        if size + units > MAX_CELL_CHARS:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += units
    pieces.append("".join(current))
    return pieces


def write_workbook(budget: Budget, wb: Workbook, source_text: str | None = None, profile: Profile | None = None,
                   built: dict[str, Table] | None = None) -> None:
    profile = profile or profiles.load(budget.profile).for_year(budget.year)
    if built is None:
        built = tables.build(budget, registry.for_year(budget.year), profile.tables)
    fmt = _Formats(wb)
    sheets = profile.sheet_names()  # a title as written may be too long or hold []:*?/\ for Excel
    for i, spec in enumerate(profile.tables):
        table = built[spec.key]
        notes = [table.note(budget.year)] if table.empty else []  # its {year} filled in, as on the page
        if i == 0 and profile.summary_note:
            notes.append(profile.summary_note)
        write_table(wb.add_worksheet(sheets[spec.key]), fmt, budget, table, spec.title, notes)
    ws = wb.add_worksheet(CANONICAL_SHEET)
    for row, line in enumerate(canonical_lines(budget, source_text)):
        if line:  # a blank YAML line stays an empty row; a long one continues in the next cells
            for col, piece in enumerate(cell_pieces(line)):
                ws.write_string(row, col, piece)
    _set_width(ws, 0, 120)
    wb.set_properties({
        "title": f"{budget.department.name}{budget.year}年部门预算",
        "author": "budget-disclosure",  # XlsxWriter writes it as creator and lastModifiedBy
        "created": fixed_time(budget.year),  # and as modified: no clock in docProps/core.xml
    })


def export_bytes(budget: Budget, source_text: str | None = None, profile: Profile | None = None,
                 built: dict[str, Table] | None = None) -> bytes:
    """The workbook's bytes; the same budget (and source text) always gives the same bytes.

    ``source_text`` is the budget file as the editor wrote it (comments included); when given it
    fills the ``_canonical`` sheet instead of a re-serialisation of the model.
    """
    buffer = io.BytesIO()
    # XlsxWriter dates every zip member 1980-01-01
    wb = Workbook(buffer, {"in_memory": True, "default_format_properties": {"font_name": FONT}})
    write_workbook(budget, wb, source_text, profile, built)
    wb.close()
    return buffer.getvalue()
