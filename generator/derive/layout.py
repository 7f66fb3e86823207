"""A built table: columns (header levels, kind, number format), rows of exact cells, and how it was specified.

Money cells hold exact ``Decimal`` values in the table's unit; formatting and the single rounding
step happen when a table is written out (markdown, CSV, JSON, XLSX), all through :meth:`Column.text`
or :meth:`Column.rounded`, so every output prints a figure the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Literal, NamedTuple

from generator.core.money import DEFAULT_FORMAT, decimals, format_number, rounded
from generator.core.specs import HeaderCell, TableSpec, fill, header_cells

CellKind = Literal["text", "code", "money", "number"]
Cell = str | Decimal
RowKind = Literal["total", "group", "leaf"]


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # multi-level header, outermost first
    kind: CellKind = "money"
    measure: str = ""
    format: str = DEFAULT_FORMAT
    blank_zero: bool = False

    @property
    def label(self) -> str:
        """The header flattened into one line (" · " between levels), as a pipe table and CSV show it."""
        return " · ".join(self.path)

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "number")

    def blank(self, value: Cell) -> bool:
        return self.blank_zero and isinstance(value, Decimal) and value == 0

    def text(self, value: Cell) -> str:
        """The cell as printed: money rounded once (half up) in the column's format, other values as they are."""
        if isinstance(value, Decimal):
            if self.blank(value):
                return ""
            return format_number(value, self.format) if self.kind == "money" else str(value)
        return str(value)

    def rounded(self, value: Decimal) -> Decimal:
        """A money cell rounded to the decimals its format shows (what a workbook stores)."""
        return rounded(value, decimals(self.format))


@dataclass
class Row:
    cells: list[Cell]
    kind: RowKind = "leaf"
    level: int = 0
    key: str = ""  # what identifies the row: its code, a project's or target's name, an item's label
    label: str = ""  # how a person names it (code and name): the figure diff's row label
    sides: tuple[str, ...] = ()  # a two-sided table: each side's label without its numbering


@dataclass
class Table:
    key: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    empty: bool = False  # the standard "本表无数据" case
    spec: TableSpec | None = None
    unit: str = "万元"
    merged: tuple[int, ...] = ()  # columns that repeat on consecutive rows of one item (merged in a workbook)

    @property
    def title(self) -> str:
        return self.spec.title if self.spec else self.key

    def caption(self, dept: str, year: int) -> str:
        """The line above the table (编制部门 / 单位名称, unit), as the spec words it."""
        return fill(self.spec.caption, year, dept, self.unit) if self.spec else f"单位：{self.unit}"

    def note(self, year: int) -> str:
        """The empty-table note, its year filled in."""
        return fill(self.spec.empty_note, year) if self.spec else ""

    def column(self, measure: str) -> Column:
        """The first column that shows ``measure`` (custom templates read cells by measure, not position)."""
        return next(c for c in self.columns if c.measure == measure)

    def value(self, row: Row, measure: str) -> Cell:
        return row.cells[next(i for i, c in enumerate(self.columns) if c.measure == measure)]

    @cached_property
    def texts(self) -> list[list[str]]:
        """Every body cell as printed (:meth:`Column.text`), row by row: computed once for the page, the CSV and
        the JSON."""
        columns = self.columns
        return [[c.text(v) for v, c in zip(r.cells, columns, strict=True)] for r in self.rows]

    def header(self) -> list[list[HeaderCell]]:
        """The header levels as merged cells (equal adjacent prefixes merge; shorter paths span down)."""
        return header_cells([c.path for c in self.columns])


def columns_of(spec: TableSpec) -> list[Column]:
    return [Column(tuple(c.header), spec.kind_of(c), c.measure, c.format or spec.format, c.blank_zero)
            for c in spec.columns]


def part(table: Table, rows: Sequence[Row], prefix: str, marks: Sequence[tuple[int, str, str]] = ()) -> Table:
    """``rows`` of ``table`` (one item's: a performance target's indicators) with the columns whose measure starts
    with ``prefix``: the smaller table a custom template prints per item, laid out like any other. ``marks``
    appends a note to a cell, (row of the part, measure, text): “（推算）” after an inferred weight."""
    picked = [i for i, c in enumerate(table.columns) if c.measure.startswith(prefix)]
    columns = [table.columns[i] for i in picked]
    cells = [[row.cells[i] for i in picked] for row in rows]
    for n, measure, note in marks:
        i = next(j for j, c in enumerate(columns) if c.measure == measure)
        cells[n][i] = columns[i].text(cells[n][i]) + note
    return Table(table.key, columns, [Row(c) for c in cells], not cells, table.spec, table.unit)


def text_table(key: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A small table of text written from data rather than from a spec (a department's 年度主要任务)."""
    return Table(key, [Column((h,), "text", h) for h in headers], [Row(list(r)) for r in rows], not rows)


# ---------------------------------------------------------------- the table as laid out on a page, a sheet, a print page

# Columns that fit across a portrait A4 page at the print font size (186 mm of text width); wider tables print
# landscape — in the PDF (their page section is put on ``@page wide``) and in the workbook's page setup alike.
PORTRAIT_COLUMNS = 8
# Row sources whose rows form the 类/款/项 (or 主管部门/单位) hierarchy; a row's level there is its depth.
HIERARCHICAL = frozenset({"function", "economic", "department"})


class LaidCell(NamedTuple):
    """One cell as drawn: its text (as printed, not escaped), header or data, its span and what it is.

    A named tuple, not a dataclass: a district lays out millions of cells, and a tuple is made several times faster."""

    text: str
    header: bool = False  # a <th>: a header cell, or the row's label
    scope: str = ""  # "col", "colgroup" (a header over several columns), "row" (a row's label)
    colspan: int = 1
    rowspan: int = 1
    numeric: bool = False  # right-aligned, tabular figures
    sticky: int = 0  # 1: stays at the left edge when the table scrolls; 2: stays next to the first column
    indent: int = 0  # 类/款/项 depth of the row's name


@dataclass(frozen=True)
class LaidRow:
    cells: tuple[LaidCell, ...]
    kind: RowKind  # "total" (bold, the 合计 row), "group" (a 类 or 款 with items under it), "leaf"
    level: int


@dataclass(frozen=True)
class Layout:
    """A built table laid out as the official table: merged header cells, then the rows with their spans.

    ``header`` holds the merged header cells with their positions (:class:`HeaderCell`), as the workbook writes
    them; ``head`` the same cells as drawn, ``body`` the rows (laid out on first use). ``sticky`` is how many
    leading columns stay when the table scrolls sideways (the row labels: the code and its name, or the first
    column); ``wide`` says the table prints landscape (on the PDF's wide pages, in the workbook's page setup).
    """

    table: Table
    header: list[list[HeaderCell]]
    head: tuple[tuple[LaidCell, ...], ...]
    sticky: int

    @property
    def width(self) -> int:
        return len(self.table.columns)

    @property
    def wide(self) -> bool:
        return self.width > PORTRAIT_COLUMNS

    @cached_property
    def body(self) -> tuple[LaidRow, ...]:
        return _body(self.table, self.sticky)


def _sticky_columns(columns: list[Column]) -> int:
    if not columns or columns[0].numeric:
        return 0
    # a code column and its name stay together; codes split over 类|款|项 columns (Shanghai) keep only the first
    return 2 if columns[0].kind == "code" and len(columns) > 1 and columns[1].kind == "text" else 1


def _sticky(first: int, last: int, sticky: int) -> int:
    """1 or 2 when the cell covering columns first..last lies within the sticky columns, from its left edge."""
    return first + 1 if last < sticky else 0


def merged_runs(table: Table) -> list[tuple[int, int]]:
    """(first, last) row indices of consecutive rows of one item (``Row.level``), two or more: the rows whose
    ``Table.merged`` columns are drawn as one cell (a performance target's own columns)."""
    if not table.merged:
        return []
    runs, start = [], 0
    for i in range(1, len(table.rows) + 1):
        if i == len(table.rows) or table.rows[i].level != table.rows[start].level:
            if i - start > 1:
                runs.append((start, i - 1))
            start = i
    return runs


def layout(table: Table) -> Layout:
    """Lay ``table`` out from its spec: the one layout the page's HTML, the workbook's header and print share.

    Header: equal adjacent header prefixes merge across (``scope="colgroup"``), a column whose header path is
    shorter than the deepest spans down. Rows: the total row's label spans the columns the spec gives it
    (``total.span``); in a 类/款/项 table the name is indented by level; a repeated item's merged columns
    span its rows; figures are printed in their column's format, rounded once.
    """
    columns = table.columns
    sticky = _sticky_columns(columns)
    header = table.header()
    head = tuple(
        tuple(LaidCell(c.label, True, "colgroup" if c.colspan > 1 else "col", c.colspan, c.rowspan,
                       c.colspan == 1 and columns[c.column].numeric, _sticky(c.column, c.column + c.colspan - 1, sticky))
              for c in cells)
        for cells in header)
    return Layout(table, header, head, sticky)


def _body(table: Table, sticky: int) -> tuple[LaidRow, ...]:
    columns = table.columns
    hierarchical = table.spec is not None and table.spec.source.rows in HIERARCHICAL
    span = table.spec.label_span() if table.spec is not None else 1
    runs = merged_runs(table)
    covered = {(r, i) for a, b in runs for r in range(a + 1, b + 1) for i in table.merged}
    run_length = {a: b - a + 1 for a, b in runs}
    body: list[LaidRow] = []
    texts = table.texts
    for n, row in enumerate(table.rows):
        cells: list[LaidCell] = []
        if row.kind == "total" and span > 1:
            label = next((c for c in row.cells[:span] if isinstance(c, str) and c), "")
            cells.append(LaidCell(label, True, "row", span, sticky=_sticky(0, span - 1, sticky)))
            start = span
        else:
            start = 0
        indent = row.level if hierarchical and row.kind != "total" else 0
        for i in range(start, len(columns)):
            if (n, i) in covered:
                continue
            column, value = columns[i], row.cells[i]
            is_label = i == 0 and not column.numeric and value != ""
            cells.append(LaidCell(texts[n][i], is_label, "row" if is_label else "",
                                  rowspan=run_length.get(n, 1) if i in table.merged else 1,
                                  numeric=column.numeric, sticky=_sticky(i, i, sticky),
                                  indent=indent if column.measure == "name" else 0))
        body.append(LaidRow(tuple(cells), row.kind, row.level))
    return tuple(body)
