"""The lines a 情况说明 section explains one by one (“（一）…（二）…”): each code path, amount and change.

Pure: model and code registry in, plain data out. A section spec names the list it explains
(``lines``: ``function.<fund>`` or ``economic.basic|project``); the page shows these lines, and an
erratum's ``code`` must be one of them, so validation and publishing read the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.core.model import Budget
from generator.core.registry import Registry, lineage
from generator.core.totals import economic_amount, fund_block, line_fund_total


@dataclass(frozen=True)
class ExplainedLine:
    """One numbered line of a 情况说明 section: a code path, its amount and its change."""

    code: str
    path: list[tuple[str, str]]  # [(name, level label 类/款/项), ...]
    current: Decimal
    prior: Decimal | None
    reason: str | None


def _path(code: str, names: dict[str, str], labels: tuple[str, ...]) -> list[tuple[str, str]]:
    chain = lineage(code)
    if len(chain) > len(labels):  # a 7-digit economic extension is explained under its 款
        chain = chain[: len(labels)]
    return [(names.get(c, ""), labels[i]) for i, c in enumerate(chain)]


def function_lines(b: Budget, reg: Registry, fund: str) -> list[ExplainedLine]:
    names = {c: e.name for c, e in reg.function.items()}
    out = []
    for x in sorted(b.expenditure, key=lambda x: x.code):
        block = fund_block(x, fund)
        if block is None:
            continue
        current = line_fund_total(x, fund)
        if not current and not block.prior:
            continue
        out.append(ExplainedLine(x.code, _path(x.code, {**names, x.code: x.name}, ("类", "款", "项")),
                                 current, block.prior, block.reason))
    return out


def economic_lines(lines: list[Any], reg: Registry) -> list[ExplainedLine]:
    names = {c: e.name for c, e in reg.economic.items()}
    out = []
    for line in sorted(lines, key=lambda x: x.code):
        current = economic_amount(line)
        if not current and not line.prior:
            continue
        out.append(ExplainedLine(line.code, _path(line.code, {**names, line.code: line.name}, ("类", "款")),
                                 current, line.prior, line.reason))
    return out


def lines_for(ref: str, b: Budget, reg: Registry) -> list[ExplainedLine]:
    """The lines a section explains: ``function.<fund>`` (功能分类 by fund) or ``economic.basic|project``."""
    family, _, which = ref.partition(".")
    if family == "function":
        return function_lines(b, reg, which)
    return economic_lines(b.basic_by_economic if which == "basic" else b.project_by_economic, reg)
