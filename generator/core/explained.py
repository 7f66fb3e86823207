"""The lines a 情况说明 section explains one by one (“（一）…（二）…”): each code path, amount and change.

Pure: model and code registry in, plain data out. The page shows these lines, and an erratum's
``code`` must be one of them, so validation and publishing read the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.core.model import Budget
from generator.core.registry import Registry, lineage
from generator.core.totals import economic_amount, fund_block, line_fund_total

# Each section that explains line by line, and the list of lines it explains (its key in the page context).
SECTION_LINES = {
    "general_budget_expenditure": "general_lines",
    "general_budget_basic": "basic_lines",
    "general_budget_project": "project_lines",
    "gov_fund": "gov_fund_lines",
    "state_capital": "state_capital_lines",
}


@dataclass(frozen=True)
class ExplainedLine:
    """One numbered line of a 情况说明 section: a code path, its amount and its change."""

    code: str
    path: list[tuple[str, str]]  # [(name, level label 类/款/项), ...]
    current: Decimal
    prior: Decimal | None
    reason: str | None
    prior_note: str | None = None
    """``prior_adjustment``: why last year's figure is not what this view shows (printed for a new line)."""


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
                                 current, block.prior, block.reason, block.prior_adjustment))
    return out


def economic_lines(lines: list[Any], reg: Registry) -> list[ExplainedLine]:
    names = {c: e.name for c, e in reg.economic.items()}
    out = []
    for line in sorted(lines, key=lambda x: x.code):
        current = economic_amount(line)
        if not current and not line.prior:
            continue
        out.append(ExplainedLine(line.code, _path(line.code, {**names, line.code: line.name}, ("类", "款")),
                                 current, line.prior, line.reason, line.prior_adjustment))
    return out


def explained_lines(b: Budget, reg: Registry) -> dict[str, list[ExplainedLine]]:
    """Every line-by-line list, by its key in the page context (see :data:`SECTION_LINES`)."""
    return {
        "general_lines": function_lines(b, reg, "general_budget"),
        "gov_fund_lines": function_lines(b, reg, "gov_fund"),
        "state_capital_lines": function_lines(b, reg, "state_capital"),
        "basic_lines": economic_lines(b.basic_by_economic, reg),
        "project_lines": economic_lines(b.project_by_economic, reg),
    }
