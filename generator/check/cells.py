"""A published table cell, computed from the leaves: what an erratum about a printed cell is checked against.

A cell is named the way a reader finds it in the published table: the table's key in the profile, the row
(a classification code at any level, or 合计) and the column header. The value is summed from the leaves
exactly as the published table sums them (类 and 款 rows are sums of their 项; 合计 is the sum of all).

Interim: until the table spec (columns with their measures) lands, which money a table shows is listed
here by table key (:data:`SCOPES`) and each column header names a measure (:data:`MEASURES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from generator.core import totals
from generator.core.model import Budget, FunctionLine
from generator.core.money import ZERO, convert, total
from generator.core.registry import Registry, lineage
from generator.core.vocabulary import FISCAL_FUNDS, SPENDING_SOURCES


@dataclass(frozen=True)
class Scope:
    """What a table shows: its rows' classification and the sources its money comes from."""

    rows: str  # "function" (类/款/项), "basic_economic" (类/款 of 基本支出), "three_public" (one row)
    sources: tuple[str, ...] = ()
    unit: str | None = None  # the table's own unit when it differs from the file's display_unit


ALL = SPENDING_SOURCES
SCOPES: dict[str, Scope] = {
    "income_summary": Scope("function", ALL),
    "expenditure_summary": Scope("function", ALL),
    "general_budget_function": Scope("function", ("general_budget",)),
    "general_budget_expenditure": Scope("function", ("general_budget",)),
    "gov_fund_function": Scope("function", ("gov_fund",)),
    "gov_fund": Scope("function", ("gov_fund",)),
    "state_capital_function": Scope("function", ("state_capital",)),
    "state_capital": Scope("function", ("state_capital",)),
    "general_budget_basic_economic": Scope("basic_economic"),
    "general_budget_basic": Scope("basic_economic"),
    "three_public_operating": Scope("three_public", unit="万元"),
}

LineMeasure = Callable[[FunctionLine, tuple[str, ...]], Decimal]


def _sources(line: FunctionLine, sources: tuple[str, ...], kind: str) -> Decimal:
    if kind == "total":
        own = total(totals.line_fund_total(line, s) for s in sources)
        extras = line.operating + line.to_superior + line.to_subsidiary if sources == ALL else ZERO
        return own + extras
    if kind == "basic":
        return total(totals.basic(line, s) for s in sources)
    return total(totals.fund_amount(line, s, kind) for s in sources)


def _only(sources: tuple[str, ...], wanted: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s for s in sources if s in wanted)


# Column header → the money it shows for one function line, within the table's sources.
MEASURES: dict[str, LineMeasure] = {
    "合计": lambda x, s: _sources(x, s, "total"),
    "基本支出": lambda x, s: _sources(x, s, "basic"),
    "项目支出": lambda x, s: _sources(x, s, "project"),
    "人员经费": lambda x, s: _sources(x, s, "personnel"),
    "公用经费": lambda x, s: _sources(x, s, "public"),
    "财政拨款收入": lambda x, s: _sources(x, _only(s, FISCAL_FUNDS), "total"),
    "财政拨款": lambda x, s: _sources(x, _only(s, FISCAL_FUNDS), "total"),
    "一般公共预算": lambda x, s: _sources(x, _only(s, ("general_budget",)), "total"),
    "政府性基金预算": lambda x, s: _sources(x, _only(s, ("gov_fund",)), "total"),
    "国有资本经营预算": lambda x, s: _sources(x, _only(s, ("state_capital",)), "total"),
    "事业收入": lambda x, s: _sources(x, _only(s, ("business_income",)), "total"),
    "事业单位经营收入": lambda x, s: _sources(x, _only(s, ("operating_income",)), "total"),
    "其他收入": lambda x, s: _sources(x, _only(s, ("other_income",)), "total"),
}
CODE_PARTS = {"类": (0, 3), "款": (3, 5), "项": (5, 7)}
NAME_COLUMNS = ("功能分类科目名称", "经济分类科目名称", "科目名称")
TOTAL_ROW = "合计"

# Table “三公”经费和机关运行经费: column header → the recorded figure.
THREE_PUBLIC_COLUMNS: dict[str, Callable[[Budget], Decimal]] = {
    "因公出国(境)费": lambda b: b.three_public.outbound.amount,
    "公务接待费": lambda b: b.three_public.reception.amount,
    "购置费": lambda b: b.three_public.vehicle_purchase.amount,
    "运行费": lambda b: b.three_public.vehicle_operation.amount,
    "小计": lambda b: b.three_public.vehicle_purchase.amount + b.three_public.vehicle_operation.amount,
    "机关运行经费预算数": lambda b: b.operating_costs.amount,
}
THREE_PUBLIC_COLUMNS["合计"] = lambda b: total(
    THREE_PUBLIC_COLUMNS[k](b) for k in ("因公出国(境)费", "公务接待费", "小计"))


class CellError(LookupError):
    """The cell cannot be found: the table, row or column is not one this table has (message in Chinese)."""


@dataclass(frozen=True)
class Cell:
    value: Decimal | str  # money in the table's unit, or text (a code part, a name)
    unit: str  # the table's unit (empty for text)
    working: str  # how it is summed, for the 勘误 page


def _header(text: str) -> str:
    """A header as written in the file: parentheses either width, “三公”经费·合计 → 合计."""
    return text.replace("（", "(").replace("）", ")").split("·")[-1].strip()


def table_unit(key: str, budget: Budget) -> str:
    scope = SCOPES.get(key)
    return (scope.unit if scope and scope.unit else None) or budget.display_unit


def cell(budget: Budget, reg: Registry, table: str, row: str, column: str) -> Cell:
    scope = SCOPES.get(table)
    if scope is None:
        raise CellError(f"暂不能核对表格 {table} 的单元格（可核对：{'、'.join(SCOPES)}）")
    unit = table_unit(table, budget)
    col = _header(column)
    if scope.rows == "three_public":
        if col not in THREE_PUBLIC_COLUMNS:
            raise CellError(f"表中没有“{column}”列（有：{'、'.join(THREE_PUBLIC_COLUMNS)}）")
        return Cell(convert(THREE_PUBLIC_COLUMNS[col](budget), budget.unit, unit), unit, "按“三公”经费、机关运行经费各项")
    if scope.rows == "basic_economic":
        return _economic(budget, reg, row, col, unit)
    return _function(budget, reg, scope, row, col, unit)


def _rows_of(codes: list[str], row: str) -> list[str]:
    if row == TOTAL_ROW:
        return codes
    return [c for c in codes if c.startswith(row)]


def _text_cell(row: str, col: str, name: Callable[[str], str]) -> Cell | None:
    if col in CODE_PARTS:
        start, end = CODE_PARTS[col]
        return Cell(row[start:end] if row != TOTAL_ROW else "", "", f"编码 {row} 的{col}级部分")
    if col in NAME_COLUMNS:
        return Cell(name(row), "", f"编码 {row} 的名称")
    return None


def _function(budget: Budget, reg: Registry, scope: Scope, row: str, col: str, unit: str) -> Cell:
    lines = [x for x in budget.expenditure if x.code in _rows_of([x.code for x in budget.expenditure], row)]
    if not lines:
        raise CellError(f"本文件没有属于 {row} 的支出功能分类（项）")
    names = {x.code: x.name for x in budget.expenditure}
    text = _text_cell(row, col, lambda c: names.get(c) or reg.function_name(c))
    if text is not None:
        return text
    if col not in MEASURES:
        raise CellError(f"不能核对“{col}”列（可核对：{'、'.join([*MEASURES, *CODE_PARTS, *NAME_COLUMNS])}）")
    parts = [(x.code, MEASURES[col](x, scope.sources)) for x in sorted(lines, key=lambda x: x.code)]
    return _summed(parts, budget.unit, unit)


def _economic(budget: Budget, reg: Registry, row: str, col: str, unit: str) -> Cell:
    leaves = list(totals.economic_leaves(budget.basic_by_economic))
    codes = [code for code, _, _ in leaves]
    picked = [(code, amount) for code, _, amount in leaves if code in _rows_of(codes, row)]
    if not picked:
        raise CellError(f"基本支出经济分类中没有属于 {row} 的科目")
    names = {x.code: x.name for x in budget.basic_by_economic}
    text = _text_cell(row, col, lambda c: names.get(c) or reg.economic_name(c))
    if text is not None:
        return text
    keep: dict[str, Callable[[str], bool]] = {
        "合计": lambda c: True, "人员经费": totals.is_personnel, "公用经费": lambda c: not totals.is_personnel(c)}
    if col not in keep:
        raise CellError(f"不能核对“{col}”列（可核对：{'、'.join([*keep, '类', '款', *NAME_COLUMNS])}）")
    return _summed([(code, amount) for code, amount in picked if keep[col](code)], budget.unit, unit)


def _summed(parts: list[tuple[str, Decimal]], recorded: str, unit: str) -> Cell:
    """The sum of ``parts`` (code, amount in the file's unit) in ``unit``, with its working: “a ＋ b ＝ c”."""
    value = convert(total(a for _, a in parts), recorded, unit)
    shown = [f"{code} {convert(a, recorded, unit):,}{unit}" for code, a in parts] or [f"0{unit}"]
    return Cell(value, unit, f"{' ＋ '.join(shown)} ＝ {value:,}{unit}" if len(parts) > 1 else shown[0])


def table_total(budget: Budget, reg: Registry, table: str) -> Cell:
    """The table's grand total (its emptiness: an empty table's total is 0)."""
    scope = SCOPES.get(table)
    if scope is None:
        raise CellError(f"暂不能核对表格 {table}（可核对：{'、'.join(SCOPES)}）")
    if scope.rows == "three_public":
        unit = table_unit(table, budget)
        value = convert(THREE_PUBLIC_COLUMNS["合计"](budget) + budget.operating_costs.amount, budget.unit, unit)
        return Cell(value, unit, f"“三公”经费合计与机关运行经费之和 {value:,}{unit}")
    lines = budget.expenditure if scope.rows == "function" else budget.basic_by_economic
    if not lines:
        unit = table_unit(table, budget)
        return Cell(ZERO, unit, f"表中没有任何科目，合计 0{unit}")
    return cell(budget, reg, table, TOTAL_ROW, "合计")


def code_path(code: str, reg: Registry, own_name: str) -> str:
    """“卫生健康支出（类）计划生育事务（款）计划生育服务（项）”: the classification path of a function 项."""
    chain = lineage(code)
    return "".join(f"{own_name if c == code else reg.function_name(c)}（{level}）"
                   for c, level in zip(chain, ("类", "款", "项"), strict=False))
