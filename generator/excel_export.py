"""Budget → XLSX workbook in the published layout, plus a sheet with everything else.

One sheet per standard table (title, 单位名称, 单位, multi-level merged headers, 合计 rows,
money as numbers rounded once and shown with two decimals), in the profile's order. The
last sheet, ``_canonical``, holds the budget file itself (one YAML line per row) so that
text the standard tables cannot carry (职责, reasons, prior-year figures, covers, …)
survives export → import. The file's bytes depend only on the budget.

Written with XlsxWriter (the site writes one per department-year); excel_import reads it with openpyxl.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from generator import profiles, registry, tables
from generator.model import Budget
from generator.money import rounded
from generator.tables import Column, Table
from generator.yaml_writer import dumps_model

CANONICAL_SHEET = "_canonical"
CANONICAL_NOTE = "# 本页由程序生成，供导入时还原报表无法承载的文字（职责、原因、上年数、绩效目标等）；数字以各报表页为准。"
MONEY_FORMAT = "0.00"
FIRST_HEADER_ROW = 3  # 1-based, as the sheets are read: title, 单位名称/单位, then the header


def fixed_time(year: int) -> datetime:
    """The workbook's created/modified stamp: 1 January of the budget year, so output is reproducible."""
    return datetime(year, 1, 1)


@dataclass(frozen=True)
class _Formats:
    title: Format
    header: Format
    cell: Format  # every body cell has a thin box
    bold: Format  # 合计 and group rows
    money: Format
    bold_money: Format

    @classmethod
    def of(cls, wb: Workbook) -> _Formats:
        box = {"border": 1}
        return cls(
            title=wb.add_format({"bold": True, "font_size": 14, "align": "center"}),
            header=wb.add_format({**box, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}),
            cell=wb.add_format(box),
            bold=wb.add_format({**box, "bold": True}),
            money=wb.add_format({**box, "num_format": MONEY_FORMAT}),
            bold_money=wb.add_format({**box, "bold": True, "num_format": MONEY_FORMAT}),
        )


def header_depth(columns: list[Column]) -> int:
    return max(len(c.path) for c in columns)


def _write_header(ws: Worksheet, fmt: _Formats, columns: list[Column], top: int) -> int:
    """Write the header from 0-based row ``top``; returns the first row below it."""
    depth = header_depth(columns)
    for level in range(depth):
        row = top + level
        col = 0
        while col < len(columns):
            path = columns[col].path
            if level >= len(path):
                col += 1
                continue
            # Columns sharing this header cell: same labels down to this level.
            end = col
            while (end + 1 < len(columns) and len(columns[end + 1].path) > level
                   and columns[end + 1].path[: level + 1] == path[: level + 1]):
                end += 1
            bottom = row if level < len(path) - 1 else top + depth - 1
            if end > col or bottom > row:
                ws.merge_range(row, col, bottom, end, path[level], fmt.header)
            else:
                ws.write_string(row, col, path[level], fmt.header)
            col = end + 1
    return top + depth


def _write_rows(ws: Worksheet, fmt: _Formats, table: Table, first: int) -> int:
    row = first
    for r in table.rows:
        bold = r.kind != "leaf"
        plain = fmt.bold if bold else fmt.cell
        for i, (value, column) in enumerate(zip(r.cells, table.columns, strict=True)):
            if isinstance(value, Decimal):
                if column.kind == "money":
                    ws.write_number(row, i, float(rounded(value)), fmt.bold_money if bold else fmt.money)
                else:
                    ws.write_number(row, i, float(value), plain)
            elif value != "":
                ws.write_string(row, i, value, plain)  # never a formula or a link, whatever the text
            else:
                ws.write_blank(row, i, None, plain)
        row += 1
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


def write_table(ws: Worksheet, fmt: _Formats, budget: Budget, table: Table, title: str, notes: list[str]) -> None:
    width = len(table.columns)
    if width > 1:
        ws.merge_range(0, 0, 0, width - 1, title, fmt.title)
    else:
        ws.write_string(0, 0, title, fmt.title)
    ws.write_string(1, 0, f"单位名称：{budget.department.name}")
    ws.write_string(1, width - 1 if width > 1 else 1, f"单位：{budget.display_unit}")
    after = _write_rows(ws, fmt, table, _write_header(ws, fmt, table.columns, FIRST_HEADER_ROW - 1))
    for note in notes:
        ws.write_string(after, 0, note)
        after += 1
    _widths(ws, table.columns)
    ws.freeze_panes(FIRST_HEADER_ROW - 1 + header_depth(table.columns), 0)


def canonical_lines(budget: Budget, source_text: str | None = None) -> list[str]:
    text = source_text if source_text is not None else dumps_model(budget, header="")
    return [CANONICAL_NOTE, *text.splitlines()]


def write_workbook(budget: Budget, wb: Workbook, source_text: str | None = None,
                   built: dict[str, Table] | None = None) -> None:
    profile = profiles.load(budget.profile)
    if built is None:
        built = tables.build(budget, registry.for_year(budget.year), [t.key for t in profile.tables])
    fmt = _Formats.of(wb)
    sheets = profile.sheet_names()  # a title as written may be too long or hold []:*?/\ for Excel
    for i, spec in enumerate(profile.tables):
        table = built[spec.key]
        notes = [spec.empty_note] if table.empty else []
        if i == 0 and profile.summary_note:
            notes.append(profile.summary_note)
        write_table(wb.add_worksheet(sheets[spec.key]), fmt, budget, table, spec.title, notes)
    ws = wb.add_worksheet(CANONICAL_SHEET)
    for row, line in enumerate(canonical_lines(budget, source_text)):
        if line:  # a blank YAML line stays an empty row
            ws.write_string(row, 0, line)
    _set_width(ws, 0, 120)
    wb.set_properties({
        "title": f"{budget.department.name}{budget.year}年部门预算",
        "author": "budget-disclosure",  # XlsxWriter writes it as creator and lastModifiedBy
        "created": fixed_time(budget.year),  # and as modified: no clock in docProps/core.xml
    })


def export_bytes(budget: Budget, source_text: str | None = None, built: dict[str, Table] | None = None) -> bytes:
    """The workbook's bytes; the same budget (and source text) always gives the same bytes.

    ``source_text`` is the budget file as the editor wrote it (comments included); when given it
    fills the ``_canonical`` sheet instead of a re-serialisation of the model.
    """
    buffer = io.BytesIO()
    wb = Workbook(buffer, {"in_memory": True})  # XlsxWriter dates every zip member 1980-01-01
    write_workbook(budget, wb, source_text, built)
    wb.close()
    return buffer.getvalue()
