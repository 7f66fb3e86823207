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
from generator.core.money import ZERO, convert, total
from generator.core.registry import lineage
from generator.core.vocabulary import FISCAL_FUNDS, FUNDS, INCOME_FUNDS, SPENDING_SOURCES

PERSONNEL_CLASSES = ("301", "303")  # 工资福利支出、对个人和家庭的补助 are 人员经费; the rest 公用经费


def fund_block(line: FunctionLine, fund: str) -> FundSpending | None:
    block: FundSpending | None = getattr(line, fund)
    return block


# The functions below are the innermost loop of every table and check (thousands of calls per department):
# they read the fund blocks directly rather than through each other, with the same sums in the same order.


def fund_amount(line: FunctionLine, fund: str, kind: str) -> Decimal:
    block = getattr(line, fund)
    return (getattr(block, kind) or ZERO) if block else ZERO


def basic(line: FunctionLine, fund: str) -> Decimal:
    """基本支出 of one source: 人员经费 + 公用经费, or the unsplit ``basic`` where the locality publishes only that."""
    block = getattr(line, fund)
    if not block:
        return ZERO
    return (block.personnel or ZERO) + (block.public or ZERO) + (block.basic or ZERO)


def line_fund_total(line: FunctionLine, fund: str) -> Decimal:
    block = getattr(line, fund)
    if not block:
        return ZERO
    return (block.personnel or ZERO) + (block.public or ZERO) + (block.basic or ZERO) + (block.project or ZERO)


def line_basic(line: FunctionLine) -> Decimal:
    return total([basic(line, f) for f in SPENDING_SOURCES])


def line_project(line: FunctionLine) -> Decimal:
    return total([fund_amount(line, f, "project") for f in SPENDING_SOURCES])


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
    by_income_fund: dict[str, Decimal] = field(default_factory=dict)  # spending of each named income source


def income_amounts(budget: Budget) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for name in type(budget.income).model_fields:
        line = getattr(budget.income, name)
        out[name] = line.amount if line else ZERO
    return out


def totals(budget: Budget) -> Totals:
    lines = budget.expenditure
    personnel = total(fund_amount(x, f, "personnel") for x in lines for f in SPENDING_SOURCES)
    public = total(fund_amount(x, f, "public") for x in lines for f in SPENDING_SOURCES)
    project = total(line_project(x) for x in lines)
    income = income_amounts(budget)
    priors = [p for x in lines if (p := line_prior(x)) is not None]
    prior_by_fund: dict[str, Decimal | None] = {}
    for fund in FUNDS:
        fund_priors = [p for x in lines if (p := line_prior(x, fund)) is not None]
        prior_by_fund[fund] = total(fund_priors) if fund_priors else None
    return Totals(
        spending=total(line_total(x) for x in lines),
        basic=total(line_basic(x) for x in lines),
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
        by_income_fund={f: total(line_fund_total(x, f) for x in lines) for f in INCOME_FUNDS},
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


# The prior-year totals a document states (``prior_totals``), the funds each one covers, and its name in messages.
STATED_PRIORS: dict[str, tuple[tuple[str, ...], str]] = {
    "spending": (SPENDING_SOURCES, "上年支出合计"),
    "fiscal": (FISCAL_FUNDS, "上年财政拨款支出合计"),
    "general_budget": (("general_budget",), "上年一般公共预算支出"),
    "gov_fund": (("gov_fund",), "上年政府性基金预算支出"),
    "state_capital": (("state_capital",), "上年国有资本经营预算支出"),
}


@dataclass(frozen=True)
class PriorGap:
    """A stated prior-year total against the line priors of the funds it covers (all in the file's unit)."""

    key: str
    label: str
    stated: Decimal
    listed: Decimal
    unlisted: Decimal | None
    """The part the editor recorded as not listed by line (``prior_totals.unlisted``); None if not recorded."""
    tolerance: Decimal = ZERO
    """Half the last digit of a total stated in a coarser unit (万元 against a file in 元): rounding, not a gap."""

    @property
    def gap(self) -> Decimal:
        raw = self.stated - self.listed
        return ZERO if abs(raw) <= self.tolerance else raw

    @property
    def mismatch(self) -> Decimal:
        """How far listed + unlisted is from the stated total (0 within rounding; 0 when nothing is recorded)."""
        if self.unlisted is None:
            return ZERO
        raw = self.stated - self.listed - self.unlisted
        return ZERO if abs(raw) <= self.tolerance else raw


def _stated_unit(budget: Budget) -> str:
    pt = budget.prior_totals
    return (pt.unit if pt is not None else None) or budget.unit


def prior_gaps(budget: Budget) -> list[PriorGap]:
    """Every recorded ``prior_totals`` figure that a line view can be held to: not ``income`` (no line priors),
    and none in a file whose lines record no prior at all (a locality that publishes only prior execution)."""
    pt = budget.prior_totals
    if pt is None or all(line_prior(x, f) is None for x in budget.expenditure for f in SPENDING_SOURCES):
        return []
    unit = _stated_unit(budget)
    tolerance = convert(Decimal("0.005"), unit, budget.unit) if unit == "万元" and budget.unit == "元" else ZERO
    out = []
    for key, (funds, label) in STATED_PRIORS.items():
        stated: Decimal | None = getattr(pt, key)
        if stated is None:
            continue
        priors = [p for x in budget.expenditure for f in funds
                  if (block := fund_block(x, f)) is not None and (p := block.prior) is not None]
        unlisted = None if pt.unlisted is None else total(getattr(pt.unlisted, f) for f in funds if f in FUNDS)
        out.append(PriorGap(key, label, convert(stated, unit, budget.unit), total(priors),
                            None if unlisted is None else convert(unlisted, unit, budget.unit), tolerance))
    return out


def stated_prior(budget: Budget, key: str, derived: Decimal | None) -> Decimal | None:
    """The prior a headline sentence compares against: the total the document states (in the file's unit),
    else the sum of line priors."""
    pt = budget.prior_totals
    stated: Decimal | None = getattr(pt, key) if pt is not None else None
    return convert(stated, _stated_unit(budget), budget.unit) if stated is not None else derived
