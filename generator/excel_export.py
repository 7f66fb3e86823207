"""Budget → XLSX workbook in the published layout, plus a sheet with everything else.

One sheet per standard table (title, 单位名称, 单位, multi-level merged headers, 合计 rows,
money as numbers rounded once and shown with two decimals), in the profile's order. The
last sheet, ``_canonical``, holds the budget file itself (one YAML line per row) so that
text the standard tables cannot carry (职责, reasons, prior-year figures, covers, …)
survives export → import. The file's bytes depend only on the budget.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator import profiles, registry, tables
from generator.model import Budget
from generator.money import rounded
from generator.tables import Column, Table
from generator.yaml_writer import dumps_model

CANONICAL_SHEET = "_canonical"
CANONICAL_NOTE = "# 本页由程序生成，供导入时还原报表无法承载的文字（职责、原因、上年数、绩效目标等）；数字以各报表页为准。"
MONEY_FORMAT = "0.00"
FIRST_HEADER_ROW = 3

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def fixed_time(year: int) -> datetime:
    """The workbook's created/modified stamp: 1 January of the budget year, so output is reproducible."""
    return datetime(year, 1, 1)


def header_depth(columns: list[Column]) -> int:
    return max(len(c.path) for c in columns)


def _write_header(ws: Worksheet, columns: list[Column], top: int) -> int:
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
            ws.cell(row, col + 1, path[level])
            if end > col or bottom > row:
                ws.merge_cells(start_row=row, start_column=col + 1, end_row=bottom, end_column=end + 1)
            for r in range(row, bottom + 1):
                for c in range(col, end + 1):
                    cell = ws.cell(r, c + 1)
                    cell.alignment, cell.font, cell.border = _CENTER, _BOLD, _BOX
            col = end + 1
    return top + depth


def _write_rows(ws: Worksheet, table: Table, first: int) -> int:
    row = first
    for r in table.rows:
        for i, (value, column) in enumerate(zip(r.cells, table.columns, strict=True)):
            cell = ws.cell(row, i + 1)
            cell.border = _BOX
            if isinstance(value, Decimal):
                cell.value = rounded(value) if column.kind == "money" else value
                if column.kind == "money":
                    cell.number_format = MONEY_FORMAT
            elif value != "":
                cell.value = value
            if r.kind != "leaf":
                cell.font = _BOLD
        row += 1
    return row


def _widths(ws: Worksheet, columns: list[Column]) -> None:
    for i, column in enumerate(columns, 1):
        label = column.path[-1]
        width = 14 if column.kind != "text" else (36 if "名称" in label or label in ("项目", "绩效目标") else 14)
        ws.column_dimensions[get_column_letter(i)].width = width


def write_table(ws: Worksheet, budget: Budget, table: Table, title: str, notes: list[str]) -> None:
    width = len(table.columns)
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(2, 1, f"单位名称：{budget.department.name}")
    ws.cell(2, width if width > 1 else 2, f"单位：{budget.display_unit}")
    after = _write_rows(ws, table, _write_header(ws, table.columns, FIRST_HEADER_ROW))
    for note in notes:
        ws.cell(after, 1, note)
        after += 1
    _widths(ws, table.columns)
    ws.freeze_panes = ws.cell(FIRST_HEADER_ROW + header_depth(table.columns), 1)


def canonical_lines(budget: Budget) -> list[str]:
    return [CANONICAL_NOTE, *dumps_model(budget, header="").splitlines()]


def build_workbook(budget: Budget) -> Workbook:
    profile = profiles.load(budget.profile)
    built = tables.build(budget, registry.for_year(budget.year), [t.key for t in profile.tables])
    wb = Workbook()
    wb.remove(wb.active)
    for i, spec in enumerate(profile.tables):
        table = built[spec.key]
        notes = [spec.empty_note] if table.empty else []
        if i == 0 and profile.summary_note:
            notes.append(profile.summary_note)
        write_table(wb.create_sheet(spec.title), budget, table, spec.title, notes)
    ws = wb.create_sheet(CANONICAL_SHEET)
    for row, line in enumerate(canonical_lines(budget), 1):
        if line:
            ws.cell(row, 1, line)
    ws.column_dimensions["A"].width = 120
    stamp = fixed_time(budget.year)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "budget-disclosure"
    wb.properties.lastModifiedBy = "budget-disclosure"
    wb.properties.title = f"{budget.department.name}{budget.year}年部门预算"
    return wb


def _stable_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite the archive with a fixed timestamp on every member (zip stores the write time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here, whatever we set
                when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when, content)
            dst.writestr(fixed, content)
    return out.getvalue()


def export_bytes(budget: Budget) -> bytes:
    buffer = io.BytesIO()
    build_workbook(budget).save(buffer)
    return _stable_zip(buffer.getvalue(), fixed_time(budget.year))
