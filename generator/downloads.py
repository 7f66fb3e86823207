"""Downloadable figures: every table as CSV (UTF-8 with BOM) and XLSX, the whole budget as JSON."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from generator.model import Budget
from generator.money import fmt, rounded
from generator.profiles import Profile
from generator.registry import Registry
from generator.tables import Table

DATA_DIR = "data"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def _text(value: object, kind: str) -> str:
    if isinstance(value, Decimal):
        return fmt(value) if kind == "money" else str(value)
    return str(value)


def table_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([_text(v, c.kind) for v, c in zip(row.cells, table.columns, strict=True)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip (xlsx) with fixed entry times so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()


def workbook_bytes(wb: Workbook, year: int) -> bytes:
    stamp = datetime(year, 1, 1)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "budget-disclosure"
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_zip(buf.getvalue())


def table_xlsx(table: Table, title: str, budget: Budget) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws.append([f"单位名称：{budget.department.name}", "", f"单位：{budget.display_unit}"])
    ws.append([c.label for c in table.columns])
    for row in table.rows:
        values: list[Any] = []
        for v, c in zip(row.cells, table.columns, strict=True):
            values.append(float(rounded(v)) if isinstance(v, Decimal) and c.kind == "money" else
                          (str(v) if isinstance(v, Decimal) else v))
        ws.append(values)
        for cellobj, c in zip(ws[ws.max_row], table.columns, strict=True):
            if c.kind == "money":
                cellobj.number_format = "0.00"
    return workbook_bytes(wb, budget.year)


def budget_json(budget: Budget, profile: Profile, built: dict[str, Table]) -> bytes:
    titles = {s.key: s.title for s in profile.tables}
    data = {
        "budget": budget.model_dump(mode="json"),
        "tables": {
            key: {
                "title": titles.get(key, key),
                "unit": budget.display_unit,
                "columns": [c.label for c in t.columns],
                "rows": [[_text(v, c.kind) for v, c in zip(r.cells, t.columns, strict=True)] for r in t.rows],
            }
            for key, t in built.items()
        },
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def department_files(budget: Budget, reg: Registry, profile: Profile, built: dict[str, Table]) -> dict[str, bytes]:
    titles = {s.key: s.title for s in profile.tables}
    files: dict[str, bytes] = {f"{DATA_DIR}/budget.json": budget_json(budget, profile, built)}
    for key, table in built.items():
        files[f"{DATA_DIR}/{key}.csv"] = table_csv(table)
        files[f"{DATA_DIR}/{key}.xlsx"] = table_xlsx(table, titles.get(key, key), budget)
    return files


def links(profile: Profile, built: dict[str, Table]) -> dict[str, str]:
    return {
        key: f"下载本表：[CSV]({DATA_DIR}/{key}.csv){{ .download-csv }} · [Excel]({DATA_DIR}/{key}.xlsx) · "
             f"[全部数据 JSON]({DATA_DIR}/budget.json)"
        for key in built
    }
