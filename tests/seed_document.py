"""Read the published tables 1–11 out of the seed document (tests/fixtures/seed-2023-63002.txt).

The text was extracted from the official PDF: table cells are tab-separated, a table that runs
over a page break repeats its header rows, and PDF line wrapping left spaces inside some CJK
cells ("哈尔滨市道里区社会保险经办 服务中心"). Header rows carry no money figure; data rows do.
This parser is deliberately independent of the generator: it only knows the document's layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SEED_DOCUMENT = Path(__file__).resolve().parent / "fixtures" / "seed-2023-63002.txt"

# Table titles of Part 2 in publication order, with the generator's table key.
TITLES: dict[str, str] = {
    "收支总表": "income_expenditure_summary",
    "收入总表": "income_summary",
    "支出总表": "expenditure_summary",
    "财政拨款收支总表": "fiscal_summary",
    "一般公共预算支出表": "general_budget_expenditure",
    "一般公共预算基本支出表": "general_budget_basic",
    "一般公共预算项目支出表": "general_budget_project",
    "一般公共预算“三公”经费支出表": "three_public",
    "政府性基金预算支出表": "gov_fund",
    "国有资本经营预算支出表": "state_capital",
    "项目支出表": "projects",
}
START, STOP = "表1", "表12"  # Part 2 tables begin after "表1"; table 12 is out of scope here

MONEY = re.compile(r"^\d+\.\d{2}$")
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”（）]"
_SPACE_IN_CJK = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


@dataclass
class SeedTable:
    title: str
    key: str
    rows: list[list[str]] = field(default_factory=list)  # data rows only, cells normalised
    line_numbers: list[int] = field(default_factory=list)  # 1-based source line of each row


def normalise(cell: str) -> str:
    """Trim a cell and remove PDF-wrapping whitespace between CJK characters."""
    return _SPACE_IN_CJK.sub("", cell.strip())


def is_data_row(cells: list[str]) -> bool:
    return any(MONEY.match(c) for c in cells)


def parse(text: str) -> list[SeedTable]:
    lines = text.split("\n")
    try:
        start = lines.index(START)
        stop = lines.index(STOP, start)
    except ValueError as exc:
        raise AssertionError(f"seed document layout changed: {exc}") from None
    tables: list[SeedTable] = []
    for number, raw in enumerate(lines[start:stop], start + 1):
        stripped = raw.strip()
        if "\t" not in raw and stripped in TITLES:
            tables.append(SeedTable(stripped, TITLES[stripped]))
            continue
        if "\t" not in raw:
            continue  # titles, "单位名称：…", "单位：万元", notes, blank lines
        cells = [normalise(c) for c in raw.split("\t")]
        if not tables:
            raise AssertionError(f"table row before any title at line {number}")
        if is_data_row(cells):  # repeated headers after a page break have no money figure
            tables[-1].rows.append(cells)
            tables[-1].line_numbers.append(number)
    return tables


def load() -> list[SeedTable]:
    return parse(SEED_DOCUMENT.read_text(encoding="utf-8"))
