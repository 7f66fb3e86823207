"""Tables 1–13 as plain rows: the published layout, derived from the model.

Money cells hold exact ``Decimal`` values in the display unit; formatting and the single
rounding step happen when a table is written out (markdown, CSV, XLSX).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from generator.core import totals
from generator.core.model import Budget, FunctionLine
from generator.core.money import ZERO, convert, total
from generator.core.registry import Registry
from generator.core.totals import basic, fund_amount, line_fund_total, line_project
from generator.core.vocabulary import FISCAL_FUNDS, FISCAL_LABELS, FUNDS, INCOME_LABELS
from generator.derive import trees
from generator.derive.trees import TreeRow

CellKind = Literal["text", "money", "number"]
Cell = str | Decimal


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # multi-level header, outermost first
    kind: CellKind = "money"

    @property
    def label(self) -> str:
        return " · ".join(self.path)


@dataclass
class Row:
    cells: list[Cell]
    kind: Literal["total", "group", "leaf"] = "leaf"
    level: int = 0


@dataclass
class Table:
    key: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    empty: bool = False  # the standard "本表无数据" case


def _code_name_columns(prefix: tuple[str, ...] = ()) -> list[Column]:
    return [Column((*prefix, "科目编码"), "text"), Column((*prefix, "科目名称"), "text")]


class _Ctx:
    def __init__(self, budget: Budget, registry: Registry) -> None:
        self.budget = budget
        self.registry = registry
        self.totals = totals.totals(budget)

    def money(self, value: Decimal) -> Decimal:
        return convert(value, self.budget.unit, self.budget.display_unit)

    def tree_rows(self, tree: list[TreeRow]) -> list[Row]:
        return [
            Row([r.code, r.name, *[self.money(v) for v in r.values]], "leaf" if r.leaf else "group", r.level)
            for r in tree
        ]

    def total_row(self, tree: list[TreeRow], width: int, label: str = "合计") -> Row:
        sums = [total(r.values[i] for r in tree if r.level == 0) for i in range(width)]
        return Row(["", label, *[self.money(v) for v in sums]], "total")

    def function_table(
        self, key: str, columns: list[Column], fns: list[Callable[[FunctionLine], Decimal]], **kw: object
    ) -> Table:
        tree = trees.function_tree(self.budget, self.registry, fns, **kw)  # type: ignore[arg-type]
        rows = [self.total_row(tree, len(fns)), *self.tree_rows(tree)]
        return Table(key, columns, rows, empty=not tree)

    def class_totals(self, funds: tuple[str, ...]) -> list[tuple[str, Decimal]]:
        tree = trees.function_tree(
            self.budget, self.registry, [lambda x: total(line_fund_total(x, f) for f in funds)]
        )
        return [(r.name, r.values[0]) for r in tree if r.level == 0]


CN_NUMERALS = "一二三四五六七八九十"


def cn_index(i: int) -> str:
    """1 → 一, 11 → 十一 (enough for list numbering in the standard document)."""
    if i <= 10:
        return CN_NUMERALS[i - 1]
    if i < 20:
        return "十" + CN_NUMERALS[i - 11]
    tens, ones = divmod(i, 10)
    return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[ones - 1] if ones else "")


PAIR_COLUMNS = [
    Column(("收入", "项目"), "text"),
    Column(("收入", "预算数")),
    Column(("支出", "项目"), "text"),
    Column(("支出", "预算数")),
]


def _pair(left: list[tuple[str, Decimal]], right: list[tuple[str, Decimal]], kind: str = "leaf") -> list[Row]:
    rows = []
    for i in range(max(len(left), len(right))):
        cells: list[Cell] = []
        for side in (left, right):
            cells.extend(side[i] if i < len(side) else ("", ""))
        rows.append(Row(cells, kind))  # type: ignore[arg-type]
    return rows


def income_expenditure_summary(c: _Ctx) -> Table:
    t, m = c.totals, c.money
    labels = list(INCOME_LABELS)
    if t.income.get("other"):
        labels.append(("other", "其他收入"))
    left = [(f"{cn_index(i)}、{label}", m(t.income[key])) for i, (key, label) in enumerate(labels, 1)]
    right = [(f"{cn_index(i)}、{name}", m(v)) for i, (name, v) in enumerate(c.class_totals(FUNDS), 1)]
    rows = _pair(left, right)
    rows += _pair([("本年收入合计", m(t.income_total))], [("本年支出合计", m(t.spending))], "total")
    rows += _pair([("上年结转结余", m(t.carryover_total))], [("年终结转结余", m(t.year_end_total))])
    rows += _pair(
        [("收入总计", m(t.income_total + t.carryover_total))],
        [("支出总计", m(t.spending + t.year_end_total))],
        "total",
    )
    return Table("income_expenditure_summary", PAIR_COLUMNS, rows)


def income_summary(c: _Ctx) -> Table:
    b, t, m = c.budget, c.totals, c.money
    this_year = ["general_budget", "gov_fund", "state_capital", "special_account", "business", "operating",
                 "superior_grant", "subsidiary", "other"]
    names = ["一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "事业收入",
             "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入"]
    carry_names = ["一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金"]
    columns = [
        Column(("部门(单位)代码",), "text"),
        Column(("部门(单位)名称",), "text"),
        Column(("合计",)),
        Column(("本年收入", "小计")),
        *[Column(("本年收入", n)) for n in names],
        Column(("上年结转结余", "小计")),
        *[Column(("上年结转结余", n)) for n in carry_names],
    ]
    values = [
        m(t.income_total + t.carryover_total),
        m(t.income_total),
        *[m(t.income[k]) for k in this_year],
        m(t.carryover_total),
        *[m(getattr(b.carryover, f)) for f in FUNDS],
    ]
    sup = b.department.supervisor
    rows = [
        Row(["", "合计", *values], "total"),
        Row([sup.code if sup else "", sup.name if sup else "", *values], "group"),
        Row([b.department.code, b.department.name, *values], "leaf", 1),
    ]
    return Table("income_summary", columns, rows)


def expenditure_summary(c: _Ctx) -> Table:
    columns = [*_code_name_columns(), *[Column((n,)) for n in
               ("合计", "基本支出", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出")]]
    fns: list[Callable[[FunctionLine], Decimal]] = [
        totals.line_total, totals.line_basic, line_project,
        lambda x: x.operating, lambda x: x.to_superior, lambda x: x.to_subsidiary,
    ]
    return c.function_table("expenditure_summary", columns, fns)


def fiscal_summary(c: _Ctx) -> Table:
    b, t, m = c.budget, c.totals, c.money
    income = [("一、本年收入", m(total(t.income[f] for f in FISCAL_FUNDS)))]
    income += [(f"（{cn_index(i)}）{label}", m(t.income[k])) for i, (k, label) in enumerate(FISCAL_LABELS, 1)]
    spending = [("一、本年支出", m(total(t.by_fund[f] for f in FISCAL_FUNDS)))]
    spending += [(f"（{cn_index(i)}）{n}", m(v)) for i, (n, v) in enumerate(c.class_totals(FISCAL_FUNDS), 1)]
    carry = total(getattr(b.carryover, f) for f in FISCAL_FUNDS)
    carry_rows = [("二、上年结转", m(carry))]
    carry_rows += [(f"（{cn_index(i)}）{label}", m(getattr(b.carryover, k)))
                   for i, (k, label) in enumerate(FISCAL_LABELS, 1)]
    year_end = total(getattr(b.year_end_balance, f) for f in FISCAL_FUNDS)
    rows = _pair(income, spending)
    rows += _pair(carry_rows, [("二、年终结转结余", m(year_end))])
    rows += _pair([("收入总计", m(income[0][1] + carry))], [("支出总计", m(spending[0][1] + year_end))], "total")
    return Table("fiscal_summary", PAIR_COLUMNS, rows)


def general_budget_expenditure(c: _Ctx) -> Table:
    columns = [*_code_name_columns(), Column(("合计",)), Column(("基本支出", "小计")),
               Column(("基本支出", "人员经费")), Column(("基本支出", "公用经费")), Column(("项目支出",))]
    g = "general_budget"
    fns: list[Callable[[FunctionLine], Decimal]] = [
        lambda x: line_fund_total(x, g), lambda x: basic(x, g),
        lambda x: fund_amount(x, g, "personnel"), lambda x: fund_amount(x, g, "public"),
        lambda x: fund_amount(x, g, "project"),
    ]
    return c.function_table("general_budget_expenditure", columns, fns)


def _economic_table(c: _Ctx, key: str, lines: list, columns: list[Column], fns: list) -> Table:  # type: ignore[type-arg]
    tree = trees.economic_tree(lines, c.registry, fns)
    return Table(key, columns, [c.total_row(tree, len(fns)), *c.tree_rows(tree)], empty=not tree)


def general_budget_basic(c: _Ctx) -> Table:
    columns = [*_code_name_columns(("部门预算支出经济分类科目",)),
               *[Column(("一般公共预算基本支出", n)) for n in ("合计", "人员经费", "公用经费")]]
    fns = [
        lambda code, amount: amount,
        lambda code, amount: amount if totals.is_personnel(code) else ZERO,
        lambda code, amount: ZERO if totals.is_personnel(code) else amount,
    ]
    return _economic_table(c, "general_budget_basic", c.budget.basic_by_economic, columns, fns)


def general_budget_project(c: _Ctx) -> Table:
    columns = [*_code_name_columns(("部门预算支出经济分类科目",)), Column(("项目经费",))]
    return _economic_table(c, "general_budget_project", c.budget.project_by_economic, columns,
                           [lambda code, amount: amount])


def three_public(c: _Ctx) -> Table:
    tp, m = c.budget.three_public, c.money
    car = tp.vehicle_purchase.amount + tp.vehicle_operation.amount
    values = [m(v) for v in (tp.outbound.amount + car + tp.reception.amount, tp.outbound.amount, car,
                             tp.vehicle_purchase.amount, tp.vehicle_operation.amount, tp.reception.amount)]
    columns = [Column(("部门(单位)代码",), "text"), Column(("部门(单位)名称",), "text"),
               Column(("“三公”经费合计",)), Column(("因公出国(境)费",)),
               Column(("公务用车购置及运行费", "小计")), Column(("公务用车购置及运行费", "公务用车购置费")),
               Column(("公务用车购置及运行费", "公务用车运行维护费")), Column(("公务接待费",))]
    rows = [Row(["", "合计", *values], "total")]
    empty = not any(values)
    if not empty:
        d = c.budget.department
        rows += [Row([d.supervisor.code if d.supervisor else "", d.supervisor.name if d.supervisor else "", *values],
                     "group"),
                 Row([d.code, d.name, *values], "leaf", 1)]
    return Table("three_public", columns, rows, empty=empty)


def _fund_function_table(c: _Ctx, key: str, fund: str, title: str) -> Table:
    columns = [*_code_name_columns(), *[Column((title, n)) for n in ("合计", "基本支出", "项目支出")]]
    fns: list[Callable[[FunctionLine], Decimal]] = [
        lambda x: line_fund_total(x, fund), lambda x: basic(x, fund), lambda x: fund_amount(x, fund, "project")]
    return c.function_table(key, columns, fns)


def gov_fund(c: _Ctx) -> Table:
    return _fund_function_table(c, "gov_fund", "gov_fund", "本年政府性基金预算支出")


def state_capital(c: _Ctx) -> Table:
    return _fund_function_table(c, "state_capital", "state_capital", "本年国有资本经营预算支出")


def projects(c: _Ctx) -> Table:
    m = c.money
    fields = totals.PROJECT_FUND_FIELDS
    columns = [Column(("类型",), "text"), Column(("项目名称",), "text"), Column(("项目单位",), "text"),
               Column(("合计",)),
               *[Column(("本年拨款", n)) for n in ("一般公共预算", "政府性基金预算", "国有资本经营预算")],
               *[Column(("财政拨款结转结余", n)) for n in ("一般公共预算", "政府性基金预算", "国有资本经营预算")],
               Column(("财政专户管理资金",)), Column(("单位资金",))]
    body = [Row([p.type, p.name, p.unit or c.budget.department.name, m(totals.project_total(p)),
                 *[m(getattr(p, f)) for f in fields]]) for p in c.budget.projects]
    sums = [total(r.cells[3 + i] for r in body) for i in range(len(fields) + 1)]  # type: ignore[misc]
    return Table("projects", columns, [Row(["", "", "合计", *sums], "total"), *body], empty=not body)


def project_performance(c: _Ctx) -> Table:
    columns = [Column((n,), "text") for n in ("单位名称", "项目名称")] + [
        Column(("预算执行率权重(%)",), "number"), Column(("项目类别",), "text"), Column(("预算数",)),
        *[Column((n,), "text") for n in ("绩效目标", "一级指标", "二级指标", "三级指标", "绩效指标性质",
                                          "本年绩效指标值", "绩效度量单位")],
        Column(("本权重",), "number")]
    projects_by_name = {p.name: p for p in c.budget.projects}
    rows = []
    for i, target in enumerate(c.budget.performance_targets):
        category = target.category
        if category is None and target.covers.project in projects_by_name:
            category = projects_by_name[target.covers.project].type
        head: list[Cell] = [c.budget.department.name, target.name, target.execution_weight, category or "",
                            c.money(totals.performance_budget(c.budget, i)), target.goal]
        for ind in target.indicators:
            rows.append(Row([*head, ind.level1, ind.level2, ind.name, ind.operator, ind.value, ind.unit,
                             ind.weight if ind.weight is not None else ""], "leaf", i))
    return Table("project_performance", columns, rows, empty=not rows)


def department_performance(c: _Ctx) -> Table:
    columns = [Column((n,), "text") for n in
               ("一级指标", "二级指标", "三级指标", "指标性质", "指标方向性", "目标值", "计量单位", "备注")]
    dp = c.budget.department_performance
    rows = [Row([i.level1, i.level2, i.name, i.operator, i.direction or "", i.value, i.unit, i.note])
            for i in (dp.indicators if dp else [])]
    return Table("department_performance", columns, rows, empty=dp is None)


def procurement(c: _Ctx) -> Table:
    """政府采购预算表: goods / works / services (some localities publish it as a table)."""
    p, m = c.budget.procurement, c.money
    parts = [("货物类", p.goods), ("工程类", p.works), ("服务类", p.services)]
    columns = [Column(("采购类别",), "text"), Column(("预算数",))]
    rows = [Row(["合计", m(p.goods + p.works + p.services)], "total"), *[Row([name, m(v)]) for name, v in parts]]
    return Table("procurement", columns, rows, empty=not any(v for _, v in parts))


BUILDERS: dict[str, Callable[[_Ctx], Table]] = {
    "income_expenditure_summary": income_expenditure_summary,
    "income_summary": income_summary,
    "expenditure_summary": expenditure_summary,
    "fiscal_summary": fiscal_summary,
    "general_budget_expenditure": general_budget_expenditure,
    "general_budget_basic": general_budget_basic,
    "general_budget_project": general_budget_project,
    "three_public": three_public,
    "gov_fund": gov_fund,
    "state_capital": state_capital,
    "projects": projects,
    "project_performance": project_performance,
    "department_performance": department_performance,
    "procurement": procurement,
}


def build(budget: Budget, registry: Registry, keys: list[str] | None = None) -> dict[str, Table]:
    ctx = _Ctx(budget, registry)
    return {key: BUILDERS[key](ctx) for key in (keys or list(BUILDERS))}
