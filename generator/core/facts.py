"""Department-level figures ("facts") by name: one registry that the tables, the page context and the 情况说明 read.

A fact is one figure of a department-year — ``income.general_budget``, ``spending.total``,
``three_public.total``, ``carryover.total`` — computed from the recorded leaves (in the file's unit,
exact). A profile names facts in its table specs (a column of the department row, an item of a
two-sided summary table) and the templates read the same facts, so a figure is defined once.
Prior-year facts (``….prior``) are the totals the published document states (``prior_totals``) when
the editor recorded them, else the sum of the line priors, and ``None`` when no line records a prior amount.

Each fact says which leaves it sums (``reads``: key prefixes of :mod:`generator.load.leaves`, so a
change can be traced to the tables that show it) and, when it *is* one recorded leaf, that leaf
(``leaf``: what an Excel import reads back into).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from generator.core import totals
from generator.core.model import Budget
from generator.core.money import ZERO, total
from generator.core.vocabulary import FISCAL_FUNDS, FUND_NAMES, FUNDS, INCOME_LABELS, THREE_PUBLIC

LeafKey = tuple[str, ...]
Value = Decimal | None


@dataclass(frozen=True)
class Fact:
    name: str
    doc: str  # what it means, in the words of the tables (docs/profiles.md lists every fact)
    compute: Callable[[Facts], Value]
    reads: tuple[LeafKey, ...]
    leaf: LeafKey | None = None


class Facts(Mapping[str, Value]):
    """The facts of one budget, each computed on first use and kept (one budget, one set of totals)."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.totals = totals.totals(budget)
        self._values: dict[str, Value] = {}

    def __getitem__(self, name: str) -> Value:
        if name not in self._values:
            self._values[name] = FACTS[name].compute(self)
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(FACTS)

    def __len__(self) -> int:
        return len(FACTS)

    def amount(self, name: str) -> Decimal:
        """The fact as an amount (a prior-year fact with nothing recorded counts as 0)."""
        return self[name] or ZERO

    def sum(self, names: list[str]) -> Decimal:
        return total(self.amount(n) for n in names)


FACTS: dict[str, Fact] = {}


def _fact(name: str, doc: str, reads: tuple[LeafKey, ...], leaf: LeafKey | None = None
          ) -> Callable[[Callable[[Facts], Value]], Callable[[Facts], Value]]:
    def register(fn: Callable[[Facts], Value]) -> Callable[[Facts], Value]:
        if name in FACTS:
            raise ValueError(f"duplicate fact {name}")
        FACTS[name] = Fact(name, doc, fn, reads, leaf)
        return fn

    return register


def _prior(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return total(present) if present else None


def _fund_prior(f: Facts, funds: tuple[str, ...]) -> Decimal | None:
    return _prior([totals.line_prior(x, fund) for x in f.budget.expenditure for fund in funds])


# ---------------------------------------------------------------- income, balances

INCOME_NAMES = {**dict(INCOME_LABELS), "other": "其他收入"}
EXPENDITURE: LeafKey = ("expenditure",)
# A prior-year total the document states (prior_totals) is the prior a headline compares against; line sums otherwise.
_STATED: LeafKey = ("prior_totals",)



def _read(path: tuple[str, ...], f: Facts) -> Value:
    """A recorded value of the budget (``("carryover", "gov_fund")``, ``("three_public", "outbound", "amount")``)."""
    node: object = f.budget
    for part in path:
        node = getattr(node, part)
    assert node is None or isinstance(node, Decimal)
    return node


def _income(key: str, f: Facts) -> Value:
    return f.totals.income[key]


def _by_fund(fund: str, f: Facts) -> Value:
    return f.totals.by_fund[fund]


def _fund_kind(fund: str, kind: str, f: Facts) -> Value:
    if kind == "basic":
        return total(totals.basic(x, fund) for x in f.budget.expenditure)
    return total(totals.fund_amount(x, fund, kind) for x in f.budget.expenditure)


def _one_fund_prior(fund: str, f: Facts) -> Value:
    return totals.stated_prior(f.budget, fund, _fund_prior(f, (fund,)))


for _key, _label in INCOME_NAMES.items():
    _fact(f"income.{_key}", _label, (("income", _key),), ("income", _key, "amount"))(partial(_income, _key))
for _fund in FUNDS:
    _name = FUND_NAMES[_fund]
    _fact(f"carryover.{_fund}", f"上年结转结余：{_name}", (("carryover", _fund),), ("carryover", _fund))(
        partial(_read, ("carryover", _fund)))
    _fact(f"year_end.{_fund}", f"年终结转结余：{_name}", (("year_end_balance", _fund),), ("year_end_balance", _fund))(
        partial(_read, ("year_end_balance", _fund)))

_FISCAL_INCOME = tuple(("income", k) for k in FISCAL_FUNDS)
_fact("income.total", "本年收入合计", (("income",),))(lambda f: f.totals.income_total)
_fact("income.fiscal", "财政拨款收入（一般公共预算、政府性基金预算、国有资本经营预算拨款之和）", _FISCAL_INCOME)(
    lambda f: total(f.totals.income[k] for k in FISCAL_FUNDS))
_fact("carryover.total", "上年结转结余合计", (("carryover",),))(lambda f: f.totals.carryover_total)
_fact("carryover.fiscal", "财政拨款上年结转", tuple(("carryover", k) for k in FISCAL_FUNDS))(
    lambda f: total(getattr(f.budget.carryover, k) for k in FISCAL_FUNDS))
_fact("year_end.total", "年终结转结余合计", (("year_end_balance",),))(lambda f: f.totals.year_end_total)
_fact("year_end.fiscal", "财政拨款年终结转结余", tuple(("year_end_balance", k) for k in FISCAL_FUNDS))(
    lambda f: total(getattr(f.budget.year_end_balance, k) for k in FISCAL_FUNDS))
_fact("income.grand_total", "收入总计（本年收入合计 + 上年结转结余）", (("income",), ("carryover",)))(
    lambda f: f.totals.income_total + f.totals.carryover_total)
_fact("income.fiscal_grand_total", "财政拨款收入总计（财政拨款收入 + 上年结转）",
      (*_FISCAL_INCOME, *(("carryover", k) for k in FISCAL_FUNDS)))(
    lambda f: f.amount("income.fiscal") + f.amount("carryover.fiscal"))

# ---------------------------------------------------------------- spending

_fact("spending.total", "本年支出合计", (EXPENDITURE,))(lambda f: f.totals.spending)
_fact("spending.basic", "基本支出", (EXPENDITURE,))(lambda f: f.totals.basic)
_fact("spending.personnel", "基本支出中的人员经费", (EXPENDITURE,))(lambda f: f.totals.personnel)
_fact("spending.public", "基本支出中的公用经费", (EXPENDITURE,))(lambda f: f.totals.public)
_fact("spending.project", "项目支出", (EXPENDITURE,))(lambda f: f.totals.project)
_fact("spending.other", "事业单位经营支出、上缴上级支出和对附属单位补助支出之和", (EXPENDITURE,))(
    lambda f: f.totals.spending - f.totals.basic - f.totals.project)
_fact("spending.prior", "上年支出合计：公开文本所述的（`prior_totals.spending`），未填时为各行上年数之和（没有记录上年数时为空）",
      (EXPENDITURE, _STATED))(lambda f: totals.stated_prior(f.budget, "spending", f.totals.prior_spending))
_fact("income.prior", "上年收入合计：公开文本所述的（`prior_totals.income`），未填时同上年支出合计",
      (EXPENDITURE, _STATED))(lambda f: totals.stated_prior(f.budget, "income", f["spending.prior"]))
_fact("spending.grand_total", "支出总计（本年支出合计 + 年终结转结余）", (EXPENDITURE, ("year_end_balance",)))(
    lambda f: f.totals.spending + f.totals.year_end_total)
for _fund in FUNDS:
    _name = FUND_NAMES[_fund]
    _fact(f"spending.{_fund}", f"{_name}支出", (EXPENDITURE,))(partial(_by_fund, _fund))
    _fact(f"spending.{_fund}.prior", f"{_name}支出的上年数：公开文本所述的（`prior_totals.{_fund}`），未填时为各行上年数之和",
          (EXPENDITURE, _STATED))(partial(_one_fund_prior, _fund))
    for _kind, _word in (("basic", "基本支出"), ("personnel", "人员经费"), ("public", "公用经费"), ("project", "项目支出")):
        _fact(f"spending.{_fund}.{_kind}", f"{_name}{_word}", (EXPENDITURE,))(partial(_fund_kind, _fund, _kind))
_fact("spending.fiscal", "财政拨款支出", (EXPENDITURE,))(lambda f: total(f.totals.by_fund[k] for k in FISCAL_FUNDS))
_fact("spending.fiscal.prior", "财政拨款支出的上年数：公开文本所述的（`prior_totals.fiscal`），未填时为各行上年数之和",
      (EXPENDITURE, _STATED))(lambda f: totals.stated_prior(f.budget, "fiscal", _fund_prior(f, FISCAL_FUNDS)))
_fact("spending.fiscal_grand_total", "财政拨款支出总计（财政拨款支出 + 年终结转结余）",
      (EXPENDITURE, *(("year_end_balance", k) for k in FISCAL_FUNDS)))(
    lambda f: f.amount("spending.fiscal") + f.amount("year_end.fiscal"))

# ---------------------------------------------------------------- 三公, 机关运行经费, 采购, 绩效

for _key, _label in THREE_PUBLIC.items():
    _fact(f"three_public.{_key}", f"“三公”经费：{_label}", (("three_public", _key),), ("three_public", _key, "amount"))(
        partial(_read, ("three_public", _key, "amount")))
    _fact(f"three_public.{_key}.prior", f"“三公”经费：{_label}的上年数", (("three_public", _key),))(
        partial(_read, ("three_public", _key, "prior")))
_VEHICLE = ("vehicle_purchase", "vehicle_operation")
_fact("three_public.total", "“三公”经费合计", (("three_public",),))(
    lambda f: f.sum([f"three_public.{k}" for k in THREE_PUBLIC]))
_fact("three_public.total.prior", "“三公”经费合计的上年数", (("three_public",),))(
    lambda f: _prior([f[f"three_public.{k}.prior"] for k in THREE_PUBLIC]))
_fact("three_public.vehicle", "公务用车购置及运行维护费", tuple(("three_public", k) for k in _VEHICLE))(
    lambda f: f.sum([f"three_public.{k}" for k in _VEHICLE]))
_fact("three_public.vehicle.prior", "公务用车购置及运行维护费的上年数", tuple(("three_public", k) for k in _VEHICLE))(
    lambda f: _prior([f[f"three_public.{k}.prior"] for k in _VEHICLE]))
_fact("operating_costs.amount", "机关运行经费", (("operating_costs",),), ("operating_costs", "amount"))(
    lambda f: f.budget.operating_costs.amount)
_fact("operating_costs.prior", "机关运行经费的上年数", (("operating_costs",),))(lambda f: f.budget.operating_costs.prior)
for _key, _label in (("goods", "货物类"), ("works", "工程类"), ("services", "服务类")):
    _fact(f"procurement.{_key}", f"政府采购预算：{_label}", (("procurement", _key),), ("procurement", _key))(
        partial(_read, ("procurement", _key)))
_fact("procurement.total", "政府采购预算总额", (("procurement",),))(
    lambda f: f.sum(["procurement.goods", "procurement.works", "procurement.services"]))
_fact("performance.total", "实行绩效目标管理的项目涉及的预算金额（各绩效目标预算数之和）",
      (("performance_targets",), ("basic_by_economic",), ("projects",)))(
    lambda f: total(totals.performance_budget(f.budget, i) for i in range(len(f.budget.performance_targets))))
