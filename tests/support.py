"""Helpers the tests share: where the seed is, textual edits of it, running the command line.

A plain module (pytest fixtures are in conftest.py): tests import what they use from here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.check.validate import Report
from generator.core.errors import Problem

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "budgets" / "2023" / "63002.yaml"
SEED_REL = "budgets/2023/63002.yaml"
FIXTURES = ROOT / "tests" / "fixtures"


def seed_warnings() -> set[tuple[str, int]]:
    """(slug, line) of the warnings the published seed is known to raise, found by content not number.

    行政运行 fell by 10.26% and its published reason (“增加”) contradicted that, so the seed records no reason;
    the function-view priors (861.46) disagree with the economic-view priors (568.64), reported at
    ``basic_by_economic:``; the 五星评价系统 goal itemises 3.2 + 1.8 = 5.0 against a 4.00 budget.
    """
    text = SEED.read_text(encoding="utf-8")
    return {("missing-reason", line_of(text, r"personnel: 140\.71")),
            ("prior-views-disagree", line_of(text, r"^basic_by_economic:")),
            ("itemised-figures-mismatch", line_of(text, r"^    goal: 五星系统"))}


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def explain(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]


def run_cli(*args: str | Path, cwd: Path = ROOT, timeout: float = 60) -> CliResult:
    """``python -m generator ARGS`` in a subprocess, as an editor or CI would run it."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def edit_line(text: str, line: int, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` on one (1-based) line, failing loudly if ``old`` is not there once."""
    lines = text.split("\n")
    assert lines[line - 1].count(old) == 1, f"line {line} does not contain {old!r} once: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines)


def line_of(text: str, pattern: str) -> int:
    """1-based number of the only line matching the regex ``pattern``."""
    hits = [i for i, line in enumerate(text.split("\n"), 1) if re.search(pattern, line)]
    assert len(hits) == 1, f"{pattern!r} matches lines {hits}"
    return hits[0]


def locations(report: Report) -> set[tuple[str, str, int | None]]:
    return {(p.slug, p.file, p.line) for p in report.problems}


def describe(problems: list[Problem]) -> str:
    return "\n".join(p.format() for p in problems) or "(no problems)"


@dataclass
class HtmlTable:
    """A generated table read back from HTML: its label, header cells and body rows, spans expanded."""

    label: str  # the table's aria-label
    region: dict[str, str]  # the attributes of the scroll region around it
    head: list[list[tuple[str, int, int, str]]]  # per header row: (text, colspan, rowspan, scope)
    rows: list[list[str]]  # body rows; a cell spanning n columns reads as n-1 blanks then its text
    row_classes: list[str]
    cell_classes: list[list[str]]


def html_tables(markup: str) -> list[HtmlTable]:
    """Every ``table.budget-table`` of a page (markdown or HTML), in order, with its region's attributes."""
    from html.parser import HTMLParser

    found: list[HtmlTable] = []

    class _Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.region: dict[str, str] = {}
            self.table: HtmlTable | None = None
            self.section = ""
            self.cell: list[str] | None = None
            self.attrs: dict[str, str] = {}

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "div" and "table-scroll" in a.get("class", "").split():
                self.region = a
            elif tag == "table" and "budget-table" in a.get("class", "").split():
                self.table = HtmlTable(a.get("aria-label", ""), self.region, [], [], [], [])
            elif self.table is None:
                return
            elif tag in ("thead", "tbody"):
                self.section = tag
            elif tag == "tr":
                if self.section == "thead":
                    self.table.head.append([])
                else:
                    self.table.rows.append([])
                    self.table.row_classes.append(a.get("class", ""))
                    self.table.cell_classes.append([])
            elif tag in ("td", "th"):
                self.cell, self.attrs = [], a

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

        def handle_endtag(self, tag: str) -> None:
            if self.table is None:
                return
            if tag in ("td", "th") and self.cell is not None:
                text, a = "".join(self.cell).strip(), self.attrs
                colspan, rowspan = int(a.get("colspan", "1")), int(a.get("rowspan", "1"))
                if self.section == "thead":
                    self.table.head[-1].append((text, colspan, rowspan, a.get("scope", "")))
                else:
                    self.table.rows[-1].extend([""] * (colspan - 1) + [text])
                    self.table.cell_classes[-1].append(a.get("class", ""))
                self.cell = None
            elif tag == "table":
                found.append(self.table)
                self.table = None

    reader = _Reader()
    reader.feed(markup)
    reader.close()
    return found


def header_paths(head: list[list[tuple[str, int, int, str]]]) -> list[tuple[str, ...]]:
    """The header rows of merged cells back to one path per column (outermost level first)."""
    depth = len(head)
    grid: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(head):
        col = 0
        for text, colspan, rowspan, _ in cells:
            while (r, col) in grid:
                col += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, col + dc)] = text if dr == 0 else "\0"  # a cell spanning down: one level
            col += colspan
    width = max((c for _, c in grid), default=-1) + 1
    return [tuple(grid[(r, c)] for r in range(depth) if grid.get((r, c), "\0") != "\0") for c in range(width)]


def page_rows(markup: str) -> list[list[str]]:
    """The rows of every table on a generated page, as text: each HTML table's header levels joined with " · "
    (one row, as CSV writes it) then its body rows, and the rows of markdown pipe tables (custom templates)."""
    rows: list[list[str]] = []
    for table in html_tables(markup):
        rows.append([" · ".join(path) for path in header_paths(table.head)])
        rows.extend(table.rows)
    for line in markup.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-:|]+\|$", line):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([re.sub(r"\\(.)", r"\1", c.strip()).replace("&lt;", "<").replace("&gt;", ">")
                         .replace("&amp;", "&") for c in cells])
    return rows

# ---------------------------------------------------------------- published tables, recomputed from the leaves
#
# The arithmetic core of a rendering test: every cell of a transcribed table (tests/fixtures/shanghai/data-*.yaml)
# recomputed from the budget file's leaves the way the published table sums them, independently of the package's
# own derivation. ``cell_mismatches`` lists the cells where the transcription and the leaves disagree.

ALL_SOURCES = ("general_budget", "gov_fund", "state_capital", "special_account", "unit_funds",
               "business_income", "operating_income", "other_income")
FISCAL = ("general_budget", "gov_fund", "state_capital")
# Function tables: table key → the sources its money comes from.
FUNCTION_TABLES = {"income_summary": ALL_SOURCES, "expenditure_summary": ALL_SOURCES,
                   "general_budget_function": ("general_budget",), "gov_fund_function": ("gov_fund",),
                   "state_capital_function": ("state_capital",)}
# Column header → which sources and which part (total / basic / project) of a line it shows.
FUNCTION_COLUMNS = {"合计": (ALL_SOURCES, "total"), "基本支出": (ALL_SOURCES, "basic"),
                    "项目支出": (ALL_SOURCES, "project"), "财政拨款收入": (FISCAL, "total"),
                    "事业收入": (("business_income",), "total"), "事业单位经营收入": (("operating_income",), "total"),
                    "其他收入": (("other_income",), "total")}
WAN = Decimal(10000)


@dataclass(frozen=True)
class Mismatch:
    table: str
    row: str  # the row's code (类/款/项 or economic), or its label
    column: str
    printed: str
    expected: str


def number(text: str) -> Decimal:
    """A printed figure: thousands separators dropped; an empty cell is 0."""
    return Decimal(text.replace(",", "")) if text.strip() else Decimal(0)


def _part(block: Any, part: str) -> Decimal:
    if block is None:
        return Decimal(0)
    basic = block.personnel + block.public + (block.basic or 0)
    return {"basic": basic, "project": block.project, "total": basic + block.project}[part]


def line_amount(line: Any, sources: tuple[str, ...], part: str) -> Decimal:
    return sum((_part(getattr(line, s), part) for s in sources), Decimal(0))


def _function_value(budget: Any, prefix: str, sources: tuple[str, ...], column: str) -> Decimal:
    wanted, part = FUNCTION_COLUMNS[column]
    use = tuple(s for s in sources if s in wanted)
    return sum((line_amount(x, use, part) for x in budget.expenditure if x.code.startswith(prefix)), Decimal(0))


def _classes(budget: Any) -> list[str]:
    return sorted({x.code[:3] for x in budget.expenditure})


def _summary_value(budget: Any, key: str, label: str, column: str) -> Decimal | None:
    """Tables 1 and 4: the left side by label, the right side by 类 ordinal (一、… in the order of the 类 present)."""
    income = {k: (getattr(budget.income, k).amount if getattr(budget.income, k) else Decimal(0))
              for k in type(budget.income).model_fields}
    fiscal = income["general_budget"] + income["gov_fund"] + income["state_capital"]
    left = {"一、财政拨款收入": fiscal, "1. 一般公共预算资金": income["general_budget"], "2. 政府性基金": income["gov_fund"],
            "3. 国有资本经营预算": income["state_capital"], "二、事业收入": income["business"],
            "三、事业单位经营收入": income["operating"], "四、其他收入": income["other"],
            "一、一般公共预算资金": income["general_budget"], "二、政府性基金": income["gov_fund"],
            "三、国有资本经营预算": income["state_capital"],
            "收入总计": sum(income.values(), Decimal(0)) if key == "income_expenditure_summary" else fiscal}
    if column.startswith("收入"):
        return left.get(label)
    sources = {"支出·预算数": ALL_SOURCES, "支出·合计": FISCAL, "支出·一般公共预算": ("general_budget",),
               "支出·政府性基金预算": ("gov_fund",), "支出·国有资本经营预算": ("state_capital",)}[column]
    if label == "支出总计":
        return sum((line_amount(x, sources, "total") for x in budget.expenditure), Decimal(0))
    ordinals = "一二三四五六七八九十"
    index = ordinals.index(label.split("、")[0]) if "、" in label else None
    if index is None or index >= len(_classes(budget)):
        return None
    code = _classes(budget)[index]
    return sum((line_amount(x, sources, "total") for x in budget.expenditure if x.code.startswith(code)), Decimal(0))


def _three_public_value(budget: Any, column: str) -> Decimal:
    tp = budget.three_public
    vehicles = tp.vehicle_purchase.amount + tp.vehicle_operation.amount
    values = {"“三公”经费·合计": tp.outbound.amount + tp.reception.amount + vehicles,
              "因公出国(境)费": tp.outbound.amount, "公务接待费": tp.reception.amount,
              "公务用车购置及运行费·小计": vehicles, "公务用车购置及运行费·购置费": tp.vehicle_purchase.amount,
              "公务用车购置及运行费·运行费": tp.vehicle_operation.amount, "机关运行经费预算数": budget.operating_costs.amount}
    return values[column] / WAN if budget.unit == "元" else values[column]


def cell_mismatches(budget: Any, table: dict[str, Any], names: Any = None) -> list[Mismatch]:
    """Every cell of a transcribed table that the leaves do not reproduce (figures, and code and name cells).

    ``names(code)`` gives the registry name of a 类/款 (function or economic) for the name cells; without it names
    are not compared. Rows are matched by their code cells (or label); blank ruled rows are not transcribed.
    """
    key, columns = table["key"], table["columns"]
    out: list[Mismatch] = []

    def check(row: str, column: str, printed: str, expected: Decimal | str | None) -> None:
        if expected is None:
            return
        if isinstance(expected, str):
            if printed.translate(_WIDE) != expected.translate(_WIDE):  # 维修(护)费 is 维修（护）费
                out.append(Mismatch(key, row, column, printed, expected))
        elif number(printed) != expected:
            out.append(Mismatch(key, row, column, printed, f"{expected:,}"))

    for r in table["rows"]:
        cells = r["cells"]
        if key in FUNCTION_TABLES:
            code = "".join(cells[:3]) if r["level"] != "total" else ""
            label = code or "合计"
            first = 4 if code else 1
            for column, printed in zip(columns[4:], cells[first:], strict=True):
                check(label, column, printed, _function_value(budget, code, FUNCTION_TABLES[key], column))
            if code and names is not None:
                check(label, "功能分类科目名称", cells[3], names("function", code))
        elif key == "general_budget_basic_economic":
            leaves = {x.code: x.amount for x in budget.basic_by_economic}
            if r["level"] == "total":
                code, values = "", cells[1:]
            else:
                code = cells[0] + (cells[1].zfill(2) if cells[1] else "")
                values = cells[3:]
                check(code, "款", cells[1], code[3:5])
                if names is not None:
                    check(code, "经济分类科目名称", cells[2], names("economic", code))
            picked = {c: a for c, a in leaves.items() if c.startswith(code)}
            personnel = sum((a for c, a in picked.items() if c[:3] in ("301", "303")), Decimal(0))
            public = sum((a for c, a in picked.items() if c[:3] not in ("301", "303")), Decimal(0))
            for column, printed, expected in zip(columns[3:], values, (personnel + public, personnel, public),
                                                 strict=True):
                check(code or "合计", column, printed, expected)
        elif key in ("income_expenditure_summary", "fiscal_summary"):
            for column, printed in zip(columns, cells, strict=True):
                if "项目" in column:
                    continue
                label = cells[columns.index("收入·项目" if column.startswith("收入") else "支出·项目")]
                if label:
                    check(label, column, printed, _summary_value(budget, key, label, column))
        elif key == "three_public_operating":
            for column, printed in zip(columns, cells, strict=True):
                check("", column, printed, _three_public_value(budget, column))
    return out


_WIDE = str.maketrans("()", "（）")


def seed_and_second(budgets: Path) -> None:
    """budgets/2023 with the seed (63002) and a second department: the seed's figures as 63003 道里区测试中心."""
    (budgets / "2023").mkdir(parents=True)
    shutil.copy(SEED, budgets / "2023" / "63002.yaml")
    text = SEED.read_text(encoding="utf-8")
    other = text.replace('code: "63002"', 'code: "63003"').replace(
        "  name: 哈尔滨市道里区社会保险经办服务中心\n", "  name: 道里区测试中心\n", 1)
    (budgets / "2023" / "63003.yaml").write_text(other, encoding="utf-8")
