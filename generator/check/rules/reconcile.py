"""勾稽关系: every view of the same money must agree exactly (in the recorded unit)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from generator.check.rules.catalogue import Context, Finding, Loc, rule
from generator.core import recorded, totals
from generator.core.model import EconomicLine
from generator.core.money import ZERO, total
from generator.core.slugs.reconcile import (
    DUPLICATE_LINE,
    ECONOMIC_LINE_SHAPE,
    FUNCTION_ECONOMIC_MISMATCH,
    FUND_BALANCE_MISMATCH,
    INCOME_EXPENDITURE_MISMATCH,
    OPERATING_COST_MISMATCH,
    PERFORMANCE_COVERAGE,
    PERFORMANCE_MISSING_TARGET,
    PERFORMANCE_WEIGHTS,
    PROCUREMENT_EXCEEDS_SPENDING,
    PROJECT_LIST_MISMATCH,
    THREE_PUBLIC_ECONOMIC_MISMATCH,
)
from generator.core.totals import fund_amount
from generator.core.vocabulary import (
    FUND_NAMES,
    FUNDS,
    INCOME_FUND_NAMES,
    INCOME_FUND_SOURCE,
    INCOME_FUNDS,
    SPENDING_SOURCES,
    THREE_PUBLIC,
    THREE_PUBLIC_ECONOMIC,
)

UNIT_FUND_INCOME = ("business", "operating", "superior_grant", "subsidiary", "other")
KINDS = ("personnel", "public", "basic", "project")  # the amounts of a fund block


def _amt(ctx: Context, value: Decimal) -> str:
    return ctx.amt(value)


def _in(ctx: Context, key: str, cell: str) -> str:
    """Where a figure is published: “（表5 合计行“项目支出”）”, or nothing if the profile omits the table."""
    number = ctx.table(key)
    return f"（{number} {cell}）" if number else ""


FUND_PROJECT_TABLES = {
    "general_budget": ("general_budget_expenditure", "合计行“项目支出”"),
    "gov_fund": ("gov_fund", "合计行“项目支出”"),
    "state_capital": ("state_capital", "合计行“项目支出”"),
}


def _function_locs(ctx: Context, funds: tuple[str, ...], kinds: tuple[str, ...]) -> list[Loc]:
    return [
        ("expenditure", i, fund, kind)
        for i, line in enumerate(ctx.budget.expenditure)
        for fund in funds
        for kind in kinds
        if fund_amount(line, fund, kind)
    ]


def _extra_locs(ctx: Context) -> list[Loc]:
    """Unit-fund spending recorded outside the fund blocks (经营支出, 上缴上级, 对附属单位补助)."""
    return [("expenditure", i, k) for i, x in enumerate(ctx.budget.expenditure)
            for k in ("operating", "to_superior", "to_subsidiary") if getattr(x, k)]


def _balance_locs(ctx: Context, funds: tuple[str, ...]) -> list[Loc]:
    b = ctx.budget
    return [(view, f) for view in ("carryover", "year_end_balance") for f in funds if getattr(getattr(b, view), f)]


def _economic_locs(view: str, lines: list[EconomicLine], personnel: bool | None = None) -> list[Loc]:
    locs: list[Loc] = []
    for i, line in enumerate(lines):
        if personnel is not None and totals.is_personnel(line.code) != personnel:
            continue
        if line.items:
            locs += [(view, i, "items", j, "amount") for j in range(len(line.items))]
        else:
            locs.append((view, i, "amount"))
    return locs


def _mismatch(ctx: Context, what: str, left_name: str, left: Decimal, right_name: str, right: Decimal,
              locs: list[Loc], fallback: Loc, where: tuple[str, str] = ("", "")) -> Finding:
    """Two views of the same money disagree; ``where`` names the published cells (“（表5 …）”)."""
    return Finding(
        locs[0] if locs else fallback,
        f"{what}：{left_name} {_amt(ctx, left)}{where[0]}，{right_name} {_amt(ctx, right)}{where[1]}，"
        f"相差 {_amt(ctx, abs(left - right))}",
        expected=str(right),
        actual=str(left),
        related=tuple(locs[1:]),
        gap=abs(left - right),
    )


@rule(INCOME_EXPENDITURE_MISMATCH)
def income_expenditure(ctx: Context) -> Iterator[Finding]:
    t = ctx.totals
    income = t.income_total + t.carryover_total
    spending = t.spending + t.year_end_total
    if income != spending:
        locs: list[Loc] = [("income", k, "amount") for k, v in t.income.items() if v]
        locs += _function_locs(ctx, SPENDING_SOURCES, KINDS) + _extra_locs(ctx)
        locs += _balance_locs(ctx, FUNDS)
        yield _mismatch(ctx, "收支不平衡", "收入总计", income, "支出总计", spending, locs, ("income",),
                        (_in(ctx, "income_expenditure_summary", "收入总计"),
                         _in(ctx, "income_expenditure_summary", "支出总计")))


@rule(FUND_BALANCE_MISMATCH)
def fund_balance(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    t = ctx.totals
    for fund in FUNDS:
        if fund == "unit_funds":
            income = total(t.income[k] for k in UNIT_FUND_INCOME)
            extra = total(x.operating + x.to_superior + x.to_subsidiary for x in b.expenditure)
            extra += total(t.by_income_fund.values())
            income_locs: list[Loc] = [("income", k, "amount") for k in UNIT_FUND_INCOME if t.income[k]]
        else:
            income, extra = t.income[fund], ZERO
            income_locs = [("income", fund, "amount")] if income else []
        income += getattr(b.carryover, fund)
        spending = t.by_fund[fund] + extra + getattr(b.year_end_balance, fund)
        if income != spending:
            locs = income_locs + _function_locs(ctx, (fund,), KINDS)
            if fund == "unit_funds":
                locs += _function_locs(ctx, INCOME_FUNDS, KINDS) + _extra_locs(ctx)
            locs += _balance_locs(ctx, (fund,))
            yield _mismatch(ctx, f"{FUND_NAMES[fund]}收支不平衡", "收入", income, "支出", spending, locs,
                            ("income",))
    if any(totals.fund_block(x, f) is not None for x in b.expenditure for f in INCOME_FUNDS):
        for fund in INCOME_FUNDS:  # income classified by source: each source is spent on its own lines
            source = INCOME_FUND_SOURCE[fund]
            income, spending = t.income[source], t.by_income_fund[fund]
            if income != spending:
                locs = ([("income", source, "amount")] if income else []) + _function_locs(ctx, (fund,), KINDS)
                yield _mismatch(ctx, f"{INCOME_FUND_NAMES[fund]}收支不平衡", "收入", income, "所安排的支出",
                                spending, locs, ("income",))


@rule(FUNCTION_ECONOMIC_MISMATCH)
def function_vs_economic(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    g = "general_budget"
    basic_codes = list(totals.economic_leaves(b.basic_by_economic))
    checks = []
    if recorded.present(b, ("basic_by_economic", "personnel_split")):
        checks += [
            ("人员经费", "personnel", total(a for c, _, a in basic_codes if totals.is_personnel(c)),
             _economic_locs("basic_by_economic", b.basic_by_economic, True)),
            ("公用经费", "public", total(a for c, _, a in basic_codes if not totals.is_personnel(c)),
             _economic_locs("basic_by_economic", b.basic_by_economic, False)),
        ]
    elif recorded.present(b, ("basic_by_economic",)):
        checks.append(("基本支出", "basic", total(a for _, _, a in basic_codes),
                       _economic_locs("basic_by_economic", b.basic_by_economic)))
    if recorded.present(b, ("project_by_economic",)):
        checks.append(("项目支出", "project", total(totals.economic_amount(x) for x in b.project_by_economic),
                       _economic_locs("project_by_economic", b.project_by_economic)))
    where = {
        "personnel": (("general_budget_expenditure", "合计行“基本支出·人员经费”"),
                      ("general_budget_basic", "合计行“人员经费”")),
        "public": (("general_budget_expenditure", "合计行“基本支出·公用经费”"),
                   ("general_budget_basic", "合计行“公用经费”")),
        "project": (("general_budget_expenditure", "合计行“项目支出”"), ("general_budget_project", "合计行")),
        "basic": (("general_budget_expenditure", "合计行“基本支出”"), ("general_budget_basic", "合计行")),
    }
    for label, kind, economic, econ_locs in checks:
        if kind == "basic":
            function = total(totals.basic(x, g) for x in b.expenditure)
            kinds: tuple[str, ...] = ("personnel", "public", "basic")
        else:
            function, kinds = total(fund_amount(x, g, kind) for x in b.expenditure), (kind,)
        if function != economic:
            locs = _function_locs(ctx, (g,), kinds) + econ_locs
            (f_table, f_cell), (e_table, e_cell) = where[kind]
            yield _mismatch(ctx, f"一般公共预算{label}不一致", "功能分类合计", function, "经济分类合计", economic,
                            locs, ("expenditure",), (_in(ctx, f_table, f_cell), _in(ctx, e_table, e_cell)))


@rule(PROJECT_LIST_MISMATCH, needs=("projects",))
def project_list(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    columns = {
        "general_budget": ("general_budget", "carryover_general_budget"),
        "gov_fund": ("gov_fund", "carryover_gov_fund"),
        "state_capital": ("state_capital", "carryover_state_capital"),
        "special_account": ("special_account",),
        "unit_funds": ("unit_funds",),
    }
    for fund, fields in columns.items():
        listed = total(getattr(p, f) for p in b.projects for f in fields)
        function = total(fund_amount(x, fund, "project") for x in b.expenditure)
        if listed != function:
            locs: list[Loc] = [("projects", i, f) for i, p in enumerate(b.projects) for f in fields if getattr(p, f)]
            locs += _function_locs(ctx, (fund,), ("project",))
            table, cell = FUND_PROJECT_TABLES.get(fund, ("expenditure_summary", "合计行“项目支出”"))
            yield _mismatch(ctx, f"{FUND_NAMES[fund]}项目支出不一致", "项目支出表合计", listed, "功能分类项目支出",
                            function, locs, ("projects",), (_in(ctx, "projects", "合计行"), _in(ctx, table, cell)))


@rule(THREE_PUBLIC_ECONOMIC_MISMATCH, needs=("basic_by_economic",))
def three_public(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    whole = recorded.present(b, ("project_by_economic",))  # without it only the 基本支出 part is known: a lower bound
    codes = totals.economic_by_code([*b.basic_by_economic, *(b.project_by_economic if whole else [])])
    for key, code in THREE_PUBLIC_ECONOMIC.items():
        declared = getattr(b.three_public, key).amount
        economic = codes.get(code, ZERO)
        if declared != economic if whole else declared < economic:
            yield _mismatch(ctx, f"“三公”经费{THREE_PUBLIC[key]}不一致", "“三公”表", declared, f"经济分类 {code}", economic,
                            [("three_public", key, "amount")], ("three_public",),
                            (_in(ctx, "three_public", "合计行"), ""))


@rule(OPERATING_COST_MISMATCH)
def operating_costs(ctx: Context) -> Iterator[Finding]:
    if ctx.profile.rules.operating_costs_basis != "basic_public":
        return
    b = ctx.budget
    public = total(fund_amount(x, "general_budget", "public") for x in b.expenditure)
    if b.operating_costs.amount != public:
        yield _mismatch(ctx, "机关运行经费不一致", "机关运行经费", b.operating_costs.amount,
                        "基本支出公用经费", public, [("operating_costs", "amount")], ("operating_costs",),
                        ("", _in(ctx, "general_budget_expenditure", "合计行“基本支出·公用经费”")))


@rule(PROCUREMENT_EXCEEDS_SPENDING)
def procurement(ctx: Context) -> Iterator[Finding]:
    p = ctx.budget.procurement
    bought = p.goods + p.works + p.services
    spending = ctx.totals.spending
    if bought > spending:
        yield Finding(("procurement",), f"政府采购预算 {_amt(ctx, bought)} 超过支出合计 {_amt(ctx, spending)}",
                      expected=f"<= {spending}", actual=str(bought))


@rule(PERFORMANCE_WEIGHTS)
def performance_weights(ctx: Context) -> Iterator[Finding]:
    for i, t in enumerate(ctx.budget.performance_targets):
        weights = [ind.weight for ind in t.indicators if ind.weight is not None]
        got = total(weights) + t.execution_weight
        if got != 100:
            yield Finding(("performance_targets", i, "indicators"),
                          f"“{t.name}”的指标权重 {total(weights)}% + 预算执行率权重 {t.execution_weight}% = {got}%，应为 100%",
                          expected="100", actual=str(got))


@rule(PERFORMANCE_COVERAGE)
def performance_coverage(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    basic = {x.code for x in b.basic_by_economic}
    names = {p.name for p in b.projects}
    seen: Counter[str] = Counter()
    for i, t in enumerate(b.performance_targets):
        for j, code in enumerate(t.covers.economic):
            seen[f"款 {code}"] += 1
            if code not in basic:
                yield Finding(("performance_targets", i, "covers", "economic", j),
                              f"“{t.name}”所列经济分类 {code} 不在一般公共预算基本支出中", actual=code)
            elif seen[f"款 {code}"] == 2:
                yield Finding(("performance_targets", i, "covers", "economic", j),
                              f"经济分类 {code} 被多个绩效目标重复计入", actual=code)
        if t.covers.project is not None:
            seen[f"项目 {t.covers.project}"] += 1
            if t.covers.project not in names:
                yield Finding(("performance_targets", i, "covers", "project"),
                              f"“{t.name}”所指项目“{t.covers.project}”不在项目支出表中", actual=t.covers.project)
            elif seen[f"项目 {t.covers.project}"] == 2:
                yield Finding(("performance_targets", i, "covers", "project"),
                              f"项目“{t.covers.project}”被多个绩效目标重复计入", actual=t.covers.project)
        if not t.covers.economic and t.covers.project is None:
            yield Finding(("performance_targets", i, "covers"), f"“{t.name}”没有指明预算来源（economic 或 project）")


@rule(PERFORMANCE_MISSING_TARGET, needs=("projects", "performance_targets"))
def performance_missing(ctx: Context) -> Iterator[Finding]:
    covered = {t.covers.project for t in ctx.budget.performance_targets}
    for i, p in enumerate(ctx.budget.projects):
        if p.name not in covered:
            yield Finding(("projects", i, "name"), f"项目“{p.name}”没有绩效目标")


@rule(DUPLICATE_LINE)
def duplicates(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    views: list[tuple[str, list[str]]] = [
        ("expenditure", [x.code for x in b.expenditure]),
        ("basic_by_economic", [x.code for x in b.basic_by_economic]),
        ("project_by_economic", [x.code for x in b.project_by_economic]),
        ("projects", [p.name for p in b.projects]),
    ]
    for view, keys in views:
        first: dict[str, int] = {}
        for i, key in enumerate(keys):
            if key in first:
                yield Finding((view, i), f"“{key}”重复出现，第一次出现在同一清单第 {first[key] + 1} 条",
                              related=((view, first[key]),))
            first.setdefault(key, i)


@rule(ECONOMIC_LINE_SHAPE)
def economic_shape(ctx: Context) -> Iterator[Finding]:
    for view in ("basic_by_economic", "project_by_economic"):
        for i, line in enumerate(getattr(ctx.budget, view)):
            if line.items and line.amount is not None:
                yield Finding((view, i, "amount"), f"款 {line.code} 同时填了 amount 和 items；合计由 items 汇总，请删去 amount")
            if not line.items and line.amount is None:
                yield Finding((view, i), f"款 {line.code} 没有金额：请填 amount 或 items")
