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
from generator.core.vocabulary import FISCAL_FUNDS


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
    purpose: str | None = None  # “主要用于…” (the line's recorded purpose)
    actual: Decimal | None = None  # the prior year's 执行数, where the document compares with it


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


def fiscal_lines(b: Budget, reg: Registry) -> list[ExplainedLine]:
    """Each 项 with 财政拨款 spending (the three fiscal funds together), with its purpose and prior 执行数."""
    names = {c: e.name for c, e in reg.function.items()}
    out = []
    for x in sorted(b.expenditure, key=lambda x: x.code):
        blocks = [blk for f in FISCAL_FUNDS if (blk := fund_block(x, f)) is not None]
        current = sum((line_fund_total(x, f) for f in FISCAL_FUNDS), Decimal(0))
        if not blocks or not current:
            continue
        priors = [blk.prior for blk in blocks if blk.prior is not None]
        actuals = [blk.prior_actual for blk in blocks if blk.prior_actual is not None]
        reason = next((blk.reason for blk in blocks if blk.reason), None)
        out.append(ExplainedLine(x.code, _path(x.code, {**names, x.code: x.name}, ("类", "款", "项")), current,
                                 sum(priors, Decimal(0)) if priors else None, reason, purpose=x.purpose,
                                 actual=sum(actuals, Decimal(0)) if actuals else None))
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


def lines_for(ref: str, b: Budget, reg: Registry) -> list[ExplainedLine]:
    """The lines a section explains: ``function.<fund>`` (功能分类 by fund) or ``economic.basic|project``."""
    family, _, which = ref.partition(".")
    if family == "function":
        return fiscal_lines(b, reg) if which == "fiscal" else function_lines(b, reg, which)
    return economic_lines(b.basic_by_economic if which == "basic" else b.project_by_economic, reg)
