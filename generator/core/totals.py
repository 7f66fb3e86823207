"""Totals: every subtotal and total of a budget, computed from the recorded leaves.

Pure functions of the model; nothing here reads files or formats text. They live in ``core``
because both the rules that reconcile a budget (``check``) and everything derived from it
(``derive``, ``publish``) sum the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from generator.core.model import Budget, EconomicLine, FunctionLine, FundSpending
from generator.core.money import ZERO, total
from generator.core.registry import lineage
from generator.core.vocabulary import FUNDS

PERSONNEL_CLASSES = ("301", "303")  # 工资福利支出、对个人和家庭的补助 are 人员经费; the rest 公用经费


def fund_block(line: FunctionLine, fund: str) -> FundSpending | None:
    block: FundSpending | None = getattr(line, fund)
    return block


# The functions below are the innermost loop of every table and check (thousands of calls per department):
# they read the fund blocks directly rather than through each other, with the same sums in the same order.


def fund_amount(line: FunctionLine, fund: str, kind: str) -> Decimal:
    block = getattr(line, fund)
    return getattr(block, kind) if block else ZERO


def basic(line: FunctionLine, fund: str) -> Decimal:
    block = getattr(line, fund)
    return block.personnel + block.public if block else ZERO + ZERO


def line_fund_total(line: FunctionLine, fund: str) -> Decimal:
    block = getattr(line, fund)
    return block.personnel + block.public + block.project if block else ZERO + ZERO + ZERO


def line_basic(line: FunctionLine) -> Decimal:
    return total([basic(line, f) for f in FUNDS])


def line_project(line: FunctionLine) -> Decimal:
    return total([fund_amount(line, f, "project") for f in FUNDS])


def line_total(line: FunctionLine) -> Decimal:
    return line_basic(line) + line_project(line) + line.operating + line.to_superior + line.to_subsidiary


def line_prior(line: FunctionLine, fund: str | None = None) -> Decimal | None:
    """Prior-year amount of the line (one fund, or all funds); None if none recorded."""
    funds = (fund,) if fund else FUNDS
    priors = [b.prior for f in funds if (b := fund_block(line, f)) and b.prior is not None]
    return total(priors) if priors else None


def economic_amount(line: EconomicLine) -> Decimal:
    return total(i.amount for i in line.items) if line.items else (line.amount or ZERO)


def economic_leaves(lines: Iterable[EconomicLine]) -> Iterator[tuple[str, str, Decimal]]:
    """(code, name, amount) of every recorded economic leaf: 7-digit items, or the 款 itself."""
    for line in lines:
        if line.items:
            for item in line.items:
                yield item.code, item.name, item.amount
        else:
            yield line.code, line.name, line.amount or ZERO


def is_personnel(code: str) -> bool:
    return code[:3] in PERSONNEL_CLASSES


@dataclass
class Totals:
    """The department-year's headline figures, all derived."""

    spending: Decimal
    basic: Decimal
    personnel: Decimal
    public: Decimal
    project: Decimal
    by_fund: dict[str, Decimal] = field(default_factory=dict)
    income: dict[str, Decimal] = field(default_factory=dict)
    income_total: Decimal = ZERO
    carryover_total: Decimal = ZERO
    year_end_total: Decimal = ZERO
    prior_spending: Decimal | None = None
    prior_by_fund: dict[str, Decimal | None] = field(default_factory=dict)


def income_amounts(budget: Budget) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for name in type(budget.income).model_fields:
        line = getattr(budget.income, name)
        out[name] = line.amount if line else ZERO
    return out


def totals(budget: Budget) -> Totals:
    lines = budget.expenditure
    personnel = total(fund_amount(x, f, "personnel") for x in lines for f in FUNDS)
    public = total(fund_amount(x, f, "public") for x in lines for f in FUNDS)
    project = total(line_project(x) for x in lines)
    income = income_amounts(budget)
    priors = [p for x in lines if (p := line_prior(x)) is not None]
    prior_by_fund: dict[str, Decimal | None] = {}
    for fund in FUNDS:
        fund_priors = [p for x in lines if (p := line_prior(x, fund)) is not None]
        prior_by_fund[fund] = total(fund_priors) if fund_priors else None
    return Totals(
        spending=total(line_total(x) for x in lines),
        basic=personnel + public,
        personnel=personnel,
        public=public,
        project=project,
        by_fund={f: total(line_fund_total(x, f) for x in lines) for f in FUNDS},
        income=income,
        income_total=total(income.values()),
        carryover_total=total(getattr(budget.carryover, f) for f in FUNDS),
        year_end_total=total(getattr(budget.year_end_balance, f) for f in FUNDS),
        prior_spending=total(priors) if priors else None,
        prior_by_fund=prior_by_fund,
    )


def economic_by_code(lines: Iterable[EconomicLine]) -> dict[str, Decimal]:
    """Amount of every economic code at every level (类, 款, 7-digit)."""
    out: dict[str, Decimal] = {}
    for code, _name, amount in economic_leaves(lines):
        for node in lineage(code):
            out[node] = out.get(node, ZERO) + amount
    return out


def performance_budget(budget: Budget, target_index: int) -> Decimal:
    """预算数 of a performance target: the sum of what it covers."""
    target = budget.performance_targets[target_index]
    basic_codes = economic_by_code(budget.basic_by_economic)
    amount = total(basic_codes.get(code, ZERO) for code in target.covers.economic)
    if target.covers.project:
        amount += total(project_total(p) for p in budget.projects if p.name == target.covers.project)
    return amount


PROJECT_FUND_FIELDS = (
    "general_budget",
    "gov_fund",
    "state_capital",
    "carryover_general_budget",
    "carryover_gov_fund",
    "carryover_state_capital",
    "special_account",
    "unit_funds",
)


def project_total(project: object) -> Decimal:
    return total(getattr(project, f) for f in PROJECT_FUND_FIELDS)
