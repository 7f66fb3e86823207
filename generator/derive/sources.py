"""Row sources: how a part of the budget becomes the rows of a table (the ``source.rows`` of a table spec).

Each source yields body rows as ``{measure: value}`` with the row's kind, level and identity; the
table builder (:mod:`generator.derive.tables`) orders the values by the spec's columns, converts
money into the table's unit and adds the total row. The measures a source offers, and what they
mean, are declared in :mod:`generator.core.measures`; department-level figures come from the one
fact registry (:mod:`generator.core.facts`). Pure functions of the model and the code registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from generator.core import totals
from generator.core.facts import Facts
from generator.core.measures import MEASURES, Measure
from generator.core.model import Budget, FunctionLine, Indicator, PerformanceTarget, Project
from generator.core.money import convert, total
from generator.core.registry import Registry
from generator.core.specs import (
    ClassItems,
    DepartmentSource,
    EconomicSource,
    FactItem,
    FactsSource,
    FunctionSource,
    PairSource,
    TableSpec,
)
from generator.core.vocabulary import SPENDING_SOURCES, cn_index
from generator.derive import trees
from generator.derive.layout import Cell, RowKind

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


@dataclass(frozen=True)
class Basis:
    """What every row source reads: the budget, its code registry and its facts, and the table's unit."""

    budget: Budget
    registry: Registry
    facts: Facts
    unit: str

    def money(self, value: Decimal) -> Decimal:
        return convert(value, self.budget.unit, self.unit)

    def class_totals(self, funds: tuple[str, ...]) -> list[tuple[str, Decimal]]:
        """(类 name, spending of ``funds``) of every 类 the department spends in, in the recorded unit."""
        return class_totals(self.budget, self.registry, funds)


def class_totals(budget: Budget, registry: Registry, funds: tuple[str, ...]) -> list[tuple[str, Decimal]]:
    tree = trees.function_tree(budget, registry, [lambda x: total(totals.line_fund_total(x, f) for f in funds)])
    return [(r.name, r.values[0]) for r in tree if r.level == 0]


@dataclass
class BodyRow:
    values: dict[str, Cell]
    kind: RowKind = "leaf"
    level: int = 0
    key: str = ""
    label: str = ""
    sides: tuple[str, ...] = ()


Body = tuple[list[BodyRow], bool]  # the rows, and whether the table counts as empty (本表无数据)
RowSource = Callable[[TableSpec, Basis], Body]


def _measures(spec: TableSpec) -> list[Measure]:
    catalogue = MEASURES[spec.source.rows]
    return list(dict.fromkeys(catalogue[c.measure] for c in spec.columns))


def _tree_rows(spec: TableSpec, basis: Basis, tree: list[trees.TreeRow], money: list[Measure]) -> list[BodyRow]:
    text = [m for m in _measures(spec) if m.kind != "money"]
    out = []
    for r in tree:
        values: dict[str, Cell] = {m.name: basis.money(v) for m, v in zip(money, r.values, strict=True)}
        values.update({m.name: fn(r) for m in text if (fn := m.value) is not None})
        out.append(BodyRow(values, "leaf" if r.leaf else "group", r.level, r.code, f"{r.code} {r.name}".strip()))
    return out


def function_rows(spec: TableSpec, basis: Basis) -> Body:
    source = spec.source
    assert isinstance(source, FunctionSource)
    money = [m for m in _measures(spec) if m.kind == "money" and m.value is not None]
    fns: list[Callable[[FunctionLine], Decimal]] = [fn for m in money if (fn := m.value) is not None]
    funds = tuple(source.funds or ())

    def keep(line: FunctionLine) -> bool:
        return any(fn(line) for fn in fns) and (not funds or any(totals.line_fund_total(line, f) for f in funds))

    tree = trees.function_tree(basis.budget, basis.registry, fns, keep)
    return _tree_rows(spec, basis, tree, money), not tree


def economic_rows(spec: TableSpec, basis: Basis) -> Body:
    source = spec.source
    assert isinstance(source, EconomicSource)
    lines = basis.budget.basic_by_economic if source.view == "basic" else basis.budget.project_by_economic
    money = [m for m in _measures(spec) if m.kind == "money" and m.value is not None]
    fns: list[Callable[[str, Decimal], Decimal]] = [partial(_on_leaf, m.value) for m in money if m.value is not None]
    tree = trees.economic_tree(lines, basis.registry, fns)
    return _tree_rows(spec, basis, tree, money), not tree


def _on_leaf(fn: Callable[[tuple[str, Decimal]], Decimal], code: str, amount: Decimal) -> Decimal:
    return fn((code, amount))


Item = tuple[str, Decimal, dict[str, Decimal]]


def _items(items: list[FactItem | ClassItems], basis: Basis) -> list[Item]:
    """(label as shown, amount, amounts by spending source) of a list of items in the table's unit, numbered
    within the list."""
    out: list[Item] = []
    n = 0

    def numbered(style: str | None, label: str) -> str:
        nonlocal n
        if style is None:
            return label
        n += 1
        return style.replace("{n}", cn_index(n)) + label

    for item in items:
        if isinstance(item, FactItem):
            value = basis.facts.amount(item.fact)
            if item.optional and not value:
                continue
            split: dict[str, Decimal] = {src: basis.money(basis.facts.amount(fact)) for src, fact in item.split.items()}
            out.append((numbered(item.number, item.label), basis.money(value), split))
        else:
            by_source = {src: dict(basis.class_totals((src,))) for src in item.classes}
            for name, value in basis.class_totals(tuple(item.classes)):
                split = {str(src): basis.money(by_source[src].get(name, Decimal(0))) for src in item.classes}
                out.append((numbered(item.number, name), basis.money(value), split))
    return out


def pair_rows(spec: TableSpec, basis: Basis) -> Body:
    source = spec.source
    assert isinstance(source, PairSource)
    rows = []
    for block in source.blocks:
        left, right = _items(block.left, basis), _items(block.right, basis)
        for i in range(max(len(left), len(right))):
            values: dict[str, Cell] = {}
            sides = []
            for side, items in (("left", left), ("right", right)):
                label, amount, split = items[i] if i < len(items) else ("", "", {})
                values[f"{side}.label"], values[f"{side}.amount"] = label, amount
                values.update({f"{side}.{src}": split.get(src, "") for src in SPENDING_SOURCES})
                sides.append(_NUMBERING.sub("", label))
            rows.append(BodyRow(values, block.kind, 0, " | ".join(sides), " | ".join(sides), tuple(sides)))
    return rows, False


def department_rows(spec: TableSpec, basis: Basis) -> Body:
    source = spec.source
    assert isinstance(source, DepartmentSource)
    facts = [m.name for m in _measures(spec) if m.kind == "money"]
    values: dict[str, Cell] = {}
    for name in facts:
        value = basis.facts[name]
        values[name] = "" if value is None else basis.money(value)
    if source.empty_when_zero and not any(values.values()):
        return [], True
    d = basis.budget.department
    # A supervisor row above the department's own when the file records one (absent: the department alone).
    units = (((d.supervisor.code, d.supervisor.name, "group", 0), (d.code, d.name, "leaf", 1)) if d.supervisor
             else ((d.code, d.name, "leaf", 0),))
    return [BodyRow({**values, "code": code, "name": name}, kind, level, code, f"{code} {name}")  # type: ignore[arg-type]
            for code, name, kind, level in units], False


@dataclass(frozen=True)
class ProjectItem:
    project: Project
    department: str


def project_rows(spec: TableSpec, basis: Basis) -> Body:
    measures = _measures(spec)
    rows = []
    for p in basis.budget.projects:
        item = ProjectItem(p, basis.budget.department.name)
        values = {m.name: _money(m, item, basis) for m in measures}
        rows.append(BodyRow(values, key=p.name, label=p.name))
    return rows, not rows


@dataclass(frozen=True)
class TargetItem:
    department: str
    target: PerformanceTarget
    category: str
    budget: Decimal
    indicator: Indicator


def target_rows(spec: TableSpec, basis: Basis) -> Body:
    b = basis.budget
    measures = _measures(spec)
    types = {p.name: p.type for p in b.projects}
    rows = []
    for i, target in enumerate(b.performance_targets):
        category = target.category
        if category is None and target.covers.project in types:
            category = types[target.covers.project]
        amount = totals.performance_budget(b, i)
        for ind in target.indicators:
            item = TargetItem(b.department.name, target, category or "", amount, ind)
            values = {m.name: (basis.money(m.value(item)) if m.kind == "money" else m.value(item))
                      for m in measures if m.value is not None}
            rows.append(BodyRow(values, "leaf", i, target.name, target.name))
    return rows, not rows


def indicator_rows(spec: TableSpec, basis: Basis) -> Body:
    dp = basis.budget.department_performance
    measures = _measures(spec)
    rows = [BodyRow({m.name: m.value(i) for m in measures if m.value is not None}, key=i.name,
                    label=f"{i.level1} {i.level2}") for i in (dp.indicators if dp else [])]
    return rows, dp is None


def fact_rows(spec: TableSpec, basis: Basis) -> Body:
    source = spec.source
    assert isinstance(source, FactsSource)
    rows = [BodyRow({"label": item.label, "amount": basis.money(basis.facts.amount(item.fact))},
                    key=item.label, label=item.label) for item in source.items]
    return rows, not any(basis.facts.amount(item.fact) for item in source.items)


def _money(m: Measure, item: Any, basis: Basis) -> Cell:
    assert m.value is not None
    value = m.value(item)
    return basis.money(value) if m.kind == "money" else ("" if value is None else value)


ROW_SOURCES: dict[str, RowSource] = {
    "function": function_rows,
    "economic": economic_rows,
    "pairs": pair_rows,
    "department": department_rows,
    "projects": project_rows,
    "performance_targets": target_rows,
    "department_indicators": indicator_rows,
    "facts": fact_rows,
}
assert set(ROW_SOURCES) == set(MEASURES), "every row source declares its measures in generator.core.measures"


def merged_columns(spec: TableSpec) -> tuple[int, ...]:
    """Columns that repeat on every row of one item: a performance target's own columns (not its indicators')."""
    if spec.source.rows != "performance_targets":
        return ()
    return tuple(i for i, c in enumerate(spec.columns) if not c.measure.startswith("indicator."))

