"""类/款/项 trees: the rows of the function and economic views, each summing the leaves below it.

Pure functions of the model and the code registry (names of the levels a budget does not record).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from generator.core.model import Budget, EconomicLine, FunctionLine
from generator.core.money import ZERO
from generator.core.registry import Registry, lineage
from generator.core.totals import economic_leaves


@dataclass
class TreeRow:
    code: str
    name: str
    level: int  # 0 类, 1 款, 2 项 / 7-digit
    values: list[Decimal]
    leaf: bool


def function_tree(
    budget: Budget,
    registry: Registry,
    columns: list[Callable[[FunctionLine], Decimal]],
    keep: Callable[[FunctionLine], bool] | None = None,
) -> list[TreeRow]:
    """类/款/项 rows ordered by code, each with the column sums of the 项 below it.

    Lines whose columns are all zero are left out (a line recorded only for its prior year).
    """
    leaves: dict[str, tuple[str, list[Decimal]]] = {}
    for line in budget.expenditure:
        values = [col(line) for col in columns]
        if keep is not None and not keep(line):
            continue
        if keep is None and not any(values):
            continue
        name, acc = leaves.get(line.code, (line.name, [ZERO] * len(columns)))
        leaves[line.code] = (name, [a + v for a, v in zip(acc, values, strict=True)])
    return _tree(leaves, registry.function_name, len(columns))


def economic_tree(
    lines: list[EconomicLine], registry: Registry, columns: list[Callable[[str, Decimal], Decimal]]
) -> list[TreeRow]:
    """类/款/7-digit rows of an economic view; a 款 that has items is their parent."""
    leaves: dict[str, tuple[str, list[Decimal]]] = {}
    names: dict[str, str] = {}
    for line in lines:
        names[line.code] = line.name
    for code, name, amount in economic_leaves(lines):
        values = [col(code, amount) for col in columns]
        prev = leaves.get(code, (name, [ZERO] * len(columns)))[1]
        leaves[code] = (name, [a + v for a, v in zip(prev, values, strict=True)])
    return _tree(leaves, lambda c: names.get(c) or registry.economic_name(c), len(columns))


def _tree(
    leaves: dict[str, tuple[str, list[Decimal]]], name_of: Callable[[str], str], width: int
) -> list[TreeRow]:
    rows: dict[str, TreeRow] = {}
    for code, (name, values) in leaves.items():
        chain = lineage(code)
        for level, node in enumerate(chain):
            if node not in rows:
                is_leaf = node == code
                rows[node] = TreeRow(node, name if is_leaf else name_of(node), level, [ZERO] * width, is_leaf)
            row = rows[node]
            row.values = [a + v for a, v in zip(row.values, values, strict=True)]
    return [rows[c] for c in sorted(rows)]


