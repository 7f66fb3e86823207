"""The published tables, built from their specs: rows from the row source, a total row, cells in the table's unit.

``build`` lays out every table a profile lists (or any specs given) for one budget; ``figures``
names each money cell the way the figure diff reports it. The table types live in
:mod:`generator.derive.layout`, the row sources in :mod:`generator.derive.sources`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from generator.core import profiles
from generator.core.facts import Facts
from generator.core.model import Budget
from generator.core.money import total
from generator.core.registry import Registry
from generator.core.specs import TableSpec
from generator.core.vocabulary import cn_index
from generator.derive.layout import Cell, Column, Row, Table, columns_of
from generator.derive.sources import ROW_SOURCES, Basis, BodyRow, merged_columns

__all__ = ["Column", "Row", "Table", "TableSpec", "build", "build_table", "cn_index", "figures"]


def build(budget: Budget, registry: Registry, specs: Iterable[TableSpec | str] | None = None,
          facts: Facts | None = None) -> dict[str, Table]:
    """Every table of ``specs`` (table specs, or keys of the table library; default: the budget's profile)."""
    if specs is None:
        specs = profiles.load(budget.profile).for_year(budget.year).tables
    facts = facts if facts is not None else Facts(budget)
    out: dict[str, Table] = {}
    for spec in specs:
        resolved = profiles.library()[spec] if isinstance(spec, str) else spec
        out[resolved.key] = build_table(resolved, budget, registry, facts)
    return out


def build_table(spec: TableSpec, budget: Budget, registry: Registry, facts: Facts) -> Table:
    unit = spec.unit or budget.display_unit
    columns = columns_of(spec)
    body, empty = ROW_SOURCES[spec.source.rows](spec, Basis(budget, registry, facts, unit))
    rows = [_row(r, columns) for r in body]
    if spec.total.position != "none":
        total_row = _total_row(spec, columns, rows, empty and spec.total.blank_when_empty)
        rows = [total_row, *rows] if spec.total.position == "top" else [*rows, total_row]
    return Table(spec.key, columns, rows, empty, spec, unit, merged_columns(spec))


def _row(r: BodyRow, columns: list[Column]) -> Row:
    return Row([r.values.get(c.measure, "") for c in columns], r.kind, r.level, r.key, r.label, r.sides)


def _total_row(spec: TableSpec, columns: list[Column], body: list[Row], blank: bool = False) -> Row:
    """The sums of the top-level rows; the label in the last of the columns it spans (the others blank)."""
    span = spec.label_span()
    cells: list[Cell] = []
    for i, column in enumerate(columns):
        if i < span:
            cells.append(spec.total.label if i == span - 1 else "")
        elif column.kind == "money" and not blank:
            cells.append(total(c for r in body if r.level == 0 and isinstance(c := r.cells[i], Decimal)))
        else:
            cells.append("")
    return Row(cells, "total", 0, spec.total.label, spec.total.label)


def figures(table: Table) -> Iterator[tuple[str, str, Decimal]]:
    """(row label, column label, value) of every money cell: a two-sided table names each side's cell
    by its side (the top header) and item label, every other table by the row's code and name."""
    for row in table.rows:
        for column, cell in zip(table.columns, row.cells, strict=True):
            if column.kind != "money" or not isinstance(cell, Decimal):
                continue
            if row.sides:
                side = row.sides[0 if column.measure.startswith("left.") else 1]
                yield f"{column.path[0]}：{side}", column.path[-1], cell
            else:
                yield row.label, column.label, cell
