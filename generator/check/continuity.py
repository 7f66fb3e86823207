"""Multi-year checks between a department's consecutive budget files (the trend itself is generator.derive.trend).

When budgets/Y−1/<code>.yaml and budgets/Y/<code>.yaml both exist, every prior-year figure
recorded in year Y (``prior``) must equal the figure year Y−1 recorded for the same line:
function 项 per fund (personnel + public + project), economic 款 (basic and project views),
each 三公 category, 机关运行经费, and the staff counts. A line whose prior legitimately
differs (科目调整, a mid-year adjustment) says why in ``prior_adjustment``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from generator.core import recorded, totals
from generator.core.errors import Problem, Severity
from generator.core.model import Budget
from generator.core.money import ZERO, convert, rounded
from generator.core.slugs.files import PRIOR_YEAR_MISMATCH
from generator.core.vocabulary import FISCAL_FUNDS, FUNDS, THREE_PUBLIC
from generator.load.budget import Loaded
from generator.load.loader import Document

Loc = tuple[str | int, ...]
# (loc of the line in year Y, label, prior recorded in Y, loc in Y−1, amount in Y−1, prior_adjustment)
Pair = tuple[Loc, str, Decimal | None, Loc | None, Decimal, str | None]


def _by_code(lines: Iterable[Any]) -> dict[str, tuple[int, Any]]:
    return {line.code: (i, line) for i, line in enumerate(lines)}


def _pairs(cur: Budget, last: Budget) -> Iterator[Pair]:
    """Each prior-year figure of ``cur`` with last year's figure for the same line (in ``last``'s unit)."""
    last_lines = _by_code(last.expenditure)
    for i, line in enumerate(cur.expenditure):
        j, before = last_lines.get(line.code, (None, None))
        for fund in FUNDS:
            block = totals.fund_block(line, fund)
            if block is None or block.prior is None:
                continue
            amount = totals.line_fund_total(before, fund) if before is not None else ZERO
            where: Loc | None = None
            if j is not None and before is not None:
                where = ("expenditure", j, fund) if totals.fund_block(before, fund) else ("expenditure", j)
            yield (("expenditure", i, fund, "prior"), f"{line.code} {line.name}", block.prior, where, amount,
                   block.prior_adjustment)
    for view in ("basic_by_economic", "project_by_economic"):
        last_lines = _by_code(getattr(last, view))
        for i, eline in enumerate(getattr(cur, view)):
            if eline.prior is None:
                continue
            j, before = last_lines.get(eline.code, (None, None))
            amount = totals.economic_amount(before) if before is not None else ZERO
            yield ((view, i, "prior"), f"经济分类 {eline.code} {eline.name}", eline.prior,
                   (view, j) if j is not None else None, amount, eline.prior_adjustment)
    for key, label in THREE_PUBLIC.items():
        item = getattr(cur.three_public, key)
        if item.prior is not None:
            yield (("three_public", key, "prior"), f"“三公”经费{label}", item.prior, ("three_public", key),
                   getattr(last.three_public, key).amount, item.prior_adjustment)
    oc = cur.operating_costs
    if oc.prior is not None:
        yield (("operating_costs", "prior"), "机关运行经费", oc.prior, ("operating_costs",),
               last.operating_costs.amount, oc.prior_adjustment)


def _staff(cur: Loaded, last: Loaded) -> Iterator[Problem]:
    if cur.budget.overview.staff is None or last.budget.overview.staff is None:
        return  # a locality that does not publish staff counts
    for group, label in (("in_service", "在职人员"), ("retired", "离退休人员")):
        now = getattr(cur.budget.overview.staff, group)
        before = getattr(last.budget.overview.staff, group)
        if now.prior is not None and now.prior != before.current:
            mark = cur.document.mark(("overview", "staff", group, "prior"))
            then = last.document.mark(("overview", "staff", group, "current"))
            yield Problem(PRIOR_YEAR_MISMATCH.slug, Severity.ERROR,
                          f"{label}上年数 {now.prior} 人，与 {last.document.path} 第 {then.line} 行的 "
                          f"{last.budget.year} 年实有 {before.current} 人不一致",
                          cur.document.path, mark.line, mark.column, str(before.current), str(now.prior))


def compare_years(cur: Loaded, last: Loaded) -> list[Problem]:
    """Year Y's prior-year figures against year Y−1's file (``last``), one problem per line that differs."""
    b, doc, ldoc = cur.budget, cur.document, last.document
    problems: list[Problem] = []
    for loc, label, prior, last_loc, amount, adjustment in _pairs(b, last.budget):
        expected = convert(amount, last.budget.unit, b.unit)
        if prior == expected or (adjustment and adjustment.strip()):
            continue
        mark = doc.mark(loc)
        if last_loc is not None:
            then = f"与 {ldoc.path} 第 {_line(ldoc, last_loc)} 行的 {last.budget.year} 年预算数 {expected}{b.unit} 不一致"
        else:
            then = f"而 {ldoc.path} 中没有这一行（{last.budget.year} 年预算数按 0 计）"
        problems.append(Problem(
            PRIOR_YEAR_MISMATCH.slug, Severity.ERROR,
            f"{label} 的上年数 {prior}{b.unit}，{then}；如因科目调整等原因确实不同，请填写 prior_adjustment",
            doc.path, mark.line, mark.column, str(expected), str(prior)))
    if recorded.present(b, ("line_priors",)):  # without line priors no prior-year total is summed from the lines
        problems += _dropped(cur, last)
    problems += _staff(cur, last)
    problems += _prior_totals(cur, last)
    return problems


def _last_totals(b: Budget) -> dict[str, Decimal]:
    """The totals a later year's document compares with (its ``prior_totals`` keys), in ``b``'s unit."""
    t = totals.totals(b)
    return {"income": t.income_total, "spending": t.spending,
            "fiscal": sum((t.by_fund[f] for f in FISCAL_FUNDS), ZERO),
            **{f: t.by_fund[f] for f in FISCAL_FUNDS}}


def _prior_totals(cur: Loaded, last: Loaded) -> Iterator[Problem]:
    """The prior-year totals the document states (``prior_totals``) against the totals of last year's file."""
    stated = cur.budget.prior_totals
    if stated is None:
        return
    unit = stated.unit or cur.budget.unit
    before = _last_totals(last.budget)
    for key, amount in before.items():
        value = getattr(stated, key)
        if value is None:
            continue
        expected = convert(amount, last.budget.unit, unit)
        if value != expected:
            if unit != last.budget.unit and rounded(expected) == value:
                continue  # stated in 万元 to the cent: equal after rounding is equal
            mark = cur.document.mark(("prior_totals", key))
            yield Problem(PRIOR_YEAR_MISMATCH.slug, Severity.ERROR,
                          f"prior_totals.{key} 为 {value}{unit}，与 {last.document.path} 的 {last.budget.year} 年合计 "
                          f"{expected}{unit} 不一致", cur.document.path, mark.line, mark.column, str(expected), str(value))


def _dropped(cur: Loaded, last: Loaded) -> Iterator[Problem]:
    """Last year's function lines that this year's file does not mention at all: the prior-year total
    would silently lose them. A line cancelled this year stays in the file with only its prior."""
    present = {line.code for line in cur.budget.expenditure}
    for j, before in enumerate(last.budget.expenditure):
        amount = totals.line_total(before)
        if before.code in present or not amount:
            continue
        then = last.document.mark(("expenditure", j, "code"))
        mark = cur.document.mark(("expenditure",))
        shown = convert(amount, last.budget.unit, cur.budget.unit)
        yield Problem(PRIOR_YEAR_MISMATCH.slug, Severity.ERROR,
                      f"{last.document.path} 第 {then.line} 行的 {before.code} {before.name}"
                      f"（{last.budget.year} 年 {shown}{cur.budget.unit}）在本年文件中没有对应行，上年合计会漏掉它；"
                      "若本年取消，请保留该行，本年数为 0，只填上年数",
                      cur.document.path, mark.line, mark.column, str(shown), "0")


def _line(doc: Document, loc: Loc) -> int:
    return doc.mark(loc).line


def check_continuity(budgets: list[Loaded]) -> list[Problem]:
    by_year: dict[tuple[str, int], Loaded] = {}
    for item in budgets:
        by_year.setdefault((item.budget.department.code, item.budget.year), item)
    problems: list[Problem] = []
    for (code, year), item in sorted(by_year.items()):
        last = by_year.get((code, year - 1))
        if last is not None:
            problems += compare_years(item, last)
    return problems
