"""Every recorded leaf of a budget, keyed stably: what ``diff`` and ``validate``'s changed lines compare.

A leaf is one recorded value. Its key is a path in which list items are named by their
identity, not their position: ``("expenditure", "2080101", "general_budget", "personnel")``,
``("basic_by_economic", "30102", "items", "3010202", "amount")``, ``("projects", "水费",
"general_budget")``, ``("three_public", "outbound", "reason")``, ``("performance_targets",
"工资支出", "indicators", "足额保障率", "weight")``. Items are named by ``code`` if they have
one, else ``name``; text list items (duties, units) by their text; a repeated identity gets
``#2``, ``#3``. So a reformat or a reordered list changes no key. Each leaf also carries its
label (for people) and the tables it appears in. :func:`compare_leaves` pairs two versions of a
file leaf by leaf.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel

from generator.core.model import Budget
from generator.core.money import ZERO, percent
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
SECTION_TABLES = {
    "income": ("income_expenditure_summary", "income_summary"),
    "carryover": ("income_expenditure_summary", "income_summary"),
    "year_end_balance": ("income_expenditure_summary",),
    "basic_by_economic": ("general_budget_basic",),
    "project_by_economic": ("general_budget_project",),
    "three_public": ("three_public",),
    "projects": ("projects",),
    "performance_targets": ("project_performance",),
    "department_performance": ("department_performance",),
}
FUND_TABLES = {
    "general_budget": "general_budget_expenditure",
    "gov_fund": "gov_fund",
    "state_capital": "state_capital",
}


@dataclass(frozen=True)
class Leaf:
    key: Key
    value: Value
    loc: tuple[str | int, ...]  # model path, for the YAML line
    code: str
    name: str
    label: str
    tables: tuple[str, ...]


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


def leaf_tables(key: Key) -> tuple[str, ...]:
    top, last = key[0], key[-1]
    if last in ("prior", "reason") or top in (
        "errata",
        "overview",
        "explanations",
        "prior_totals",  # the stated prior-year totals move the 情况说明 comparisons
        "operating_costs",
        "procurement",
        "assets",
    ):
        return (NARRATIVE,)
    if top == "expenditure":
        fund = key[2] if len(key) > 3 else ""
        return ("expenditure_summary", *((FUND_TABLES[fund],) if fund in FUND_TABLES else ()))
    if top == "department_performance" and key[1] != "indicators":
        return (NARRATIVE,)
    return SECTION_TABLES.get(top, ())


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
    out[leaf.key] = Leaf(
        leaf.key, leaf.value, leaf.loc, leaf.code, leaf.name, leaf.label, leaf_tables(leaf.key)
    )


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
        mark = (new.document if y else old.document).mark(leaf.loc)  # type: ignore[union-attr]
        out.append(LeafChange(x.value if x else None, y.value if y else None, leaf, mark.line,  # type: ignore[arg-type]
                              mark.column))
    return out
