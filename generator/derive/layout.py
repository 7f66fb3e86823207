"""A built table: columns (header levels, kind, number format), rows of exact cells, and how it was specified.

Money cells hold exact ``Decimal`` values in the table's unit; formatting and the single rounding
step happen when a table is written out (markdown, CSV, JSON, XLSX), all through :meth:`Column.text`
or :meth:`Column.rounded`, so every output prints a figure the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from generator.core.money import DEFAULT_FORMAT, decimals, format_number, rounded
from generator.core.specs import HeaderCell, TableSpec, header_cells

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

    def column(self, measure: str) -> Column:
        """The first column that shows ``measure`` (custom templates read cells by measure, not position)."""
        return next(c for c in self.columns if c.measure == measure)

    def value(self, row: Row, measure: str) -> Cell:
        return row.cells[next(i for i, c in enumerate(self.columns) if c.measure == measure)]

    def header(self) -> list[list[HeaderCell]]:
        """The header levels as merged cells (equal adjacent prefixes merge; shorter paths span down)."""
        return header_cells([c.path for c in self.columns])


def columns_of(spec: TableSpec) -> list[Column]:
    return [Column(tuple(c.header), spec.kind_of(c), c.measure, c.format or spec.format, c.blank_zero)
            for c in spec.columns]
