"""Downloadable figures: every table as CSV (UTF-8 with BOM) and XLSX, the whole budget as JSON."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from generator.core.mdtext import md_escape
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.derive.context import PageContext
from generator.derive.layout import Cell, Table
from generator.publish.xlsx import export_bytes

DATA_DIR = "data"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Cell, text: str) -> str:
    """A CSV cell (``text`` is the value as printed); text that spreadsheet programs would run as a formula gets
    a leading apostrophe."""
    return "'" + text if not isinstance(value, Decimal) and text.startswith(_FORMULA_START) else text


def table_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.label for c in table.columns])
    for row, shown in zip(table.rows, table.texts, strict=True):
        writer.writerow([_csv_cell(v, t) for v, t in zip(row.cells, shown, strict=True)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def budget_json(budget: Budget, built: dict[str, Table]) -> bytes:
    data = {
        "budget": budget.model_dump(mode="json"),
        "tables": {
            key: {
                "title": t.title,
                "unit": t.unit,
                "columns": [c.label for c in t.columns],
                "rows": t.texts,
            }
            for key, t in built.items()
        },
    }
    # compact: the C encoder (indentation would fall back to the pure-Python one, 5x slower)
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


WORKBOOK = "budget.xlsx"


def department_files(ctx: PageContext, source_text: str | None = None, workbook: bool = True) -> dict[str, bytes]:
    """Each table as CSV; every table in one workbook in the published layout (the same file
    ``export-xlsx`` writes, which ``import-xlsx`` reads back); the whole budget as JSON."""
    files: dict[str, bytes] = {f"{DATA_DIR}/budget.json": budget_json(ctx.b, ctx.tables)}
    if workbook:
        files[f"{DATA_DIR}/{WORKBOOK}"] = workbook_bytes(ctx, source_text)
    for key, table in ctx.tables.items():
        files[f"{DATA_DIR}/{key}.csv"] = table_csv(table)
    return files


def workbook_bytes(ctx: PageContext, source_text: str | None = None) -> bytes:
    return export_bytes(ctx.b, source_text or None, ctx.profile, ctx.tables)


def links(profile: Profile, built: dict[str, Table]) -> dict[str, str]:
    sheets = profile.sheet_names()
    return {
        key: f"下载：[本表 CSV]({DATA_DIR}/{key}.csv){{ .download-csv }} · "
             f"[全部报表 Excel（本表在“{md_escape(sheets.get(key, key))}”工作表）]({DATA_DIR}/{WORKBOOK}) · "
             f"[全部数据 JSON]({DATA_DIR}/budget.json)"
        for key in built
    }
