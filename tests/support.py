"""Helpers the tests share: where the seed is, textual edits of it, running the command line.

A plain module (pytest fixtures are in conftest.py): tests import what they use from here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
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

    行政运行 is 170.43 against a prior of 189.92 while its reason says 增加; and the function-view
    priors (861.46) disagree with the economic-view priors (568.64), reported at ``basic_by_economic:``.
    """
    text = SEED.read_text(encoding="utf-8")
    return {("reason-direction-mismatch", line_of(text, r"personnel: 140\.71")),
            ("prior-views-disagree", line_of(text, r"^basic_by_economic:"))}


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
