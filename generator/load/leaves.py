"""Every recorded leaf of a budget, keyed stably: what ``diff`` and ``validate``'s changed lines compare.

A leaf is one recorded value. Its key is a path in which list items are named by their
identity, not their position: ``("expenditure", "2080101", "general_budget", "personnel")``,
``("basic_by_economic", "30102", "items", "3010202", "amount")``, ``("projects", "水费",
"general_budget")``, ``("three_public", "outbound", "reason")``, ``("performance_targets",
"工资支出", "indicators", "足额保障率", "weight")``. Items are named by ``code`` if they have
one, else ``name``; text list items (duties, units) by their text; a repeated identity gets
``#2``, ``#3``. So a reformat or a reordered list changes no key. Each leaf also carries its
label (for people); :func:`compare_leaves` pairs two versions of a file leaf by leaf and names the
tables each changed leaf appears in, read from the profile's table specs (:func:`leaf_tables`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal

from pydantic import BaseModel

from generator.core import profiles
from generator.core.errors import GeneratorError
from generator.core.facts import FACTS
from generator.core.measures import MEASURES
from generator.core.model import Budget
from generator.core.money import ZERO, percent
from generator.core.specs import ClassItems, DepartmentSource, FactsSource, FunctionSource, PairSource, TableSpec
from generator.core.vocabulary import SECTION_LABELS
from generator.load.budget import Parsed

Key = tuple[str, ...]
Value = Decimal | int | str
NARRATIVE = "情况说明"

FIELD_LABELS = {
    "name": "名称",
    "code": "编码",
    "amount": "金额",
    "items": "细化科目",
    "indicators": "绩效指标",
    "content": "内容",
}
# Parts of a budget only the 情况说明 shows (and the prior-year figures and reasons of every line).
# prior_totals: the stated prior-year totals move the 情况说明 comparisons
NARRATIVE_PARTS = ("errata", "overview", "explanations", "prior_totals", "operating_costs", "procurement", "assets")
# Lists whose items are the rows of a row source (``source.rows``), with the economic view they are.
ITEM_LISTS = {"expenditure": ("function", None), "basic_by_economic": ("economic", "basic"),
              "project_by_economic": ("economic", "project"), "projects": ("projects", None),
              "performance_targets": ("performance_targets", None)}


@dataclass(frozen=True)
class Leaf:
    key: Key
    value: Value
    loc: tuple[str | int, ...]  # model path, for the YAML line
    code: str
    name: str
    label: str
    tables: tuple[str, ...] = ()  # the tables showing it (set by compare_leaves, from the profile's specs)


def _label(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    text = info.description or FIELD_LABELS.get(name, name)
    return re.split(r"[，；（]", text)[0] if not text.startswith("（") else text


def _identity(item: object) -> tuple[str, str]:
    """(attribute, value) naming a list item: its code, else its name, else its first text field."""
    for attr in ("code", "name"):
        value = getattr(item, attr, None)
        if isinstance(value, str):
            return attr, value
    if isinstance(item, BaseModel):
        for attr in type(item).model_fields:
            value = getattr(item, attr)
            if isinstance(value, str):
                return attr, value
    return "", str(item)


def leaf_tables(key: Key, budget: Budget) -> tuple[str, ...]:
    """The tables (keys, in the profile's order) whose cells show the leaf ``key`` of ``budget``, and
    ``情况说明`` when the narrative is where it shows: read from the table specs, not from table names."""
    if key[-1] in ("prior", "reason"):
        return (NARRATIVE,)
    try:
        specs = profiles.load(budget.profile).for_year(budget.year).tables
    except (KeyError, GeneratorError):
        specs = []
    shown = tuple(spec.key for spec in specs if _shows(spec, key, budget))
    narrative = key[0] in NARRATIVE_PARTS or (key[0] == "department_performance" and key[1:2] != ("indicators",))
    return shown + ((NARRATIVE,) if narrative else ())


def _starts(path: Key, prefix: tuple[str, ...]) -> bool:
    return path[: len(prefix)] == prefix


def _shows(spec: TableSpec, key: Key, budget: Budget) -> bool:
    source = spec.source
    measures = [MEASURES[source.rows][c.measure] for c in spec.columns]
    if key[0] in ITEM_LISTS:  # a field of one line, project or target: the tables that list it and show the field
        rows, view = ITEM_LISTS[key[0]]
        if source.rows != rows or getattr(source, "view", None) != view:
            return False
        if isinstance(source, FunctionSource) and not _lists_line(spec, key[1], budget):
            return False
        return any(_starts(key[2:], r) for m in measures for r in m.reads)
    if key[:2] == ("department_performance", "indicators"):
        return source.rows == "department_indicators" and any(_starts(key[3:], r) for m in measures for r in m.reads)
    if key[0] == "department":
        return isinstance(source, DepartmentSource) and any(c.measure == key[-1] for c in spec.columns)
    return any(_starts(key, r) for fact in _facts(spec) for r in FACTS[fact].reads)


def _facts(spec: TableSpec) -> list[str]:
    """The department-level facts a table shows: its columns' (department rows) or its items'."""
    source = spec.source
    if isinstance(source, DepartmentSource):
        return [c.measure for c in spec.columns if c.measure in FACTS]
    if isinstance(source, FactsSource):
        return [item.fact for item in source.items]
    if isinstance(source, PairSource):
        return [i.fact for block in source.blocks for i in (*block.left, *block.right) if not isinstance(i, ClassItems)]
    return []


def _lists_line(spec: TableSpec, code: str, budget: Budget) -> bool:
    """Whether a function table has a row for the 项 ``code``: some money column of it is not zero there."""
    money = [m.value for c in spec.columns if (m := MEASURES["function"][c.measure]).kind == "money" and m.value]
    return any(fn(line) for line in budget.expenditure if line.code == code for fn in money)


def leaves(budget: Budget) -> dict[Key, Leaf]:
    out: dict[Key, Leaf] = {}
    _walk(budget, (), (), ("", ""), [], "", out)
    return out


def _walk(
    model: BaseModel,
    key: Key,
    loc: tuple[str | int, ...],
    ctx: tuple[str, str],
    labels: list[str],
    identity: str,
    out: dict[Key, Leaf],
) -> None:
    """Record every leaf below ``model``; ``ctx`` is the (code, name) of the nearest list item."""
    for fname in type(model).model_fields:
        value = getattr(model, fname)
        if value is None or fname == identity:
            continue  # the item's identity is already in its key
        label = SECTION_LABELS.get(fname) if not key else None
        k, at, parts = (*key, fname), (*loc, fname), [*labels, label or _label(type(model), fname)]
        if isinstance(value, BaseModel):
            _walk(value, k, at, ctx, parts, "", out)
        elif isinstance(value, list):
            seen: Counter[str] = Counter()
            for i, item in enumerate(value):
                attr, ident = _identity(item)
                seen[ident] += 1
                ident += f"#{seen[ident]}" if seen[ident] > 1 else ""
                if isinstance(item, BaseModel):
                    _walk(item, (*k, ident), (*at, i), _item_context(item, ctx), [parts[0]], attr, out)
                else:
                    _add(out, Leaf((*k, ident), item, (*at, i), *ctx, " › ".join(parts), ()))
        else:
            _add(out, Leaf(k, value, at, *ctx, " › ".join(parts), ()))


def _item_context(item: BaseModel, ctx: tuple[str, str]) -> tuple[str, str]:
    code, name = getattr(item, "code", None), getattr(item, "name", "")
    if isinstance(code, str):
        return code, name
    return ctx[0], f"{ctx[1]} / {name}" if ctx[1] and name else name or ctx[1]


def _add(out: dict[Key, Leaf], leaf: Leaf) -> None:
    out[leaf.key] = leaf


# ---------------------------------------------------------------- comparing two versions of a file


def is_number(value: object) -> bool:
    return isinstance(value, (Decimal, int)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Delta:
    old: Value | None
    new: Value | None

    @property
    def numeric(self) -> bool:
        return is_number(self.old) or is_number(self.new)

    @property
    def delta(self) -> Decimal | None:
        if not self.numeric:
            return None
        return Decimal(self.new or 0) - Decimal(self.old or 0)  # type: ignore[arg-type]

    @property
    def pct(self) -> Decimal | None:
        if not self.numeric or not self.old:
            return None
        return percent(self.delta or ZERO, Decimal(self.old))  # type: ignore[arg-type]


@dataclass(frozen=True)
class LeafChange(Delta):
    leaf: Leaf
    line: int
    column: int = 1


def same_value(old: Value | None, new: Value | None) -> bool:
    if is_number(old) or is_number(new):
        return Decimal(old or 0) == Decimal(new or 0)  # type: ignore[arg-type]
    return old == new


def compare_leaves(old: Parsed, new: Parsed) -> list[LeafChange]:
    a, b = leaves(old.budget), leaves(new.budget)
    out = []
    for key in [*b, *(k for k in a if k not in b)]:
        x, y = a.get(key), b.get(key)
        if same_value(x.value if x else None, y.value if y else None):
            continue
        leaf = y or x
        assert leaf is not None
        mark = (new.document if y else old.document).mark(leaf.loc)
        leaf = replace(leaf, tables=leaf_tables(leaf.key, (new if y else old).budget))
        out.append(LeafChange(x.value if x else None, y.value if y else None, leaf, mark.line, mark.column))
    return out
