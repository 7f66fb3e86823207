"""The figures a year page compares across departments, and the district's totals (pure: models in, data out).

Everything is in 万元 whatever unit each file records. A district total is compared with last year only over
the departments that recorded last year's figure, and says how many those are: a department without a prior
must not read as a rise of its whole budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from generator.core.facts import Facts
from generator.core.model import Budget, Department
from generator.core.money import YearChange, convert, total, year_change

WAN = "万元"
THREE_PUBLIC = "“三公”经费"
# The group of departments whose locality does not publish a 主管部门 (``department.supervisor`` left out).
NO_SUPERVISOR = ("", "未公开主管部门")


def supervisor(d: Department) -> tuple[str, str]:
    """(code, name) of the department's 主管部门, or :data:`NO_SUPERVISOR`."""
    return (d.supervisor.code, d.supervisor.name) if d.supervisor is not None else NO_SUPERVISOR


def three_public(b: Budget) -> tuple[Decimal, Decimal | None]:
    """The “三公” funds (出国, 公务用车购置, 公务用车运行维护, 公务接待) this year, and last year's when recorded."""
    tp = b.three_public
    items = (tp.outbound, tp.vehicle_purchase, tp.vehicle_operation, tp.reception)
    priors = [x.prior for x in items if x.prior is not None]
    return total(x.amount for x in items), (total(priors) if priors else None)


@dataclass(frozen=True)
class Amount:
    current: Decimal
    prior: Decimal | None

    @property
    def change(self) -> YearChange | None:
        return year_change(self.current, self.prior) if self.prior is not None else None


@dataclass(frozen=True)
class Headline:
    """One department-year's figures for the year page, in 万元."""

    code: str
    name: str
    supervisor_code: str
    supervisor: str
    spending: Amount
    three_public: Amount
    operating_costs: Amount


def headline(b: Budget, facts: Facts | None = None) -> Headline:
    """The priors are the headline's own facts (``….prior``): the total the document states (``prior_totals``)
    when recorded, else the sum of the line priors — so the year page compares as the 情况说明 does.
    ``facts``: the budget's facts when the caller has them already (its page's)."""
    f = facts if facts is not None else Facts(b)

    def amount(current: str, prior: str) -> Amount:
        last = f[prior]
        return Amount(convert(f.amount(current), b.unit, WAN), None if last is None else convert(last, b.unit, WAN))

    d = b.department
    return Headline(d.code, d.name, *supervisor(d),
                    amount("spending.total", "spending.prior"),
                    amount("three_public.total", "three_public.total.prior"),
                    amount("operating_costs.amount", "operating_costs.prior"))


@dataclass(frozen=True)
class DistrictTotal:
    label: str
    current: Decimal
    compared: int  # departments with last year's figure recorded
    departments: int
    change: YearChange | None  # over the compared departments only


FIGURES: tuple[tuple[str, Callable[[Headline], Amount]], ...] = (
    ("支出预算合计", lambda h: h.spending),
    (THREE_PUBLIC, lambda h: h.three_public),
    ("机关运行经费", lambda h: h.operating_costs),
)


def district_totals(rows: Sequence[Headline]) -> list[DistrictTotal]:
    out = []
    for label, pick in FIGURES:
        amounts = [pick(h) for h in rows]
        compared = [a for a in amounts if a.prior is not None]
        change = (year_change(total(a.current for a in compared), total(a.prior or Decimal(0) for a in compared))
                  if compared else None)
        out.append(DistrictTotal(label, total(a.current for a in amounts), len(compared), len(amounts), change))
    return out


@dataclass(frozen=True)
class Group:
    """The departments of one 主管部门 in a year, with their totals."""

    code: str
    name: str
    departments: list[Headline]
    totals: list[DistrictTotal]


def by_supervisor(rows: Sequence[Headline]) -> list[Group]:
    groups: dict[tuple[str, str], list[Headline]] = {}
    for h in rows:
        groups.setdefault((h.supervisor_code, h.supervisor), []).append(h)
    return [Group(code, name, sorted(members, key=lambda h: h.code), district_totals(members))
            for (code, name), members in sorted(groups.items())]
