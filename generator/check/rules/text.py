"""Narrative hygiene: placeholders, reasons for changes, and figures that cannot both be right."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from generator.check.rules.catalogue import Context, Finding, Loc, rule
from generator.check.rules.markers import unfilled_lines
from generator.core import totals
from generator.core.money import total, year_change
from generator.core.slugs.text import (
    MISSING_REASON,
    PLACEHOLDER_TEXT,
    PRIOR_VIEWS_DISAGREE,
    REASON_DIRECTION_MISMATCH,
    STAFF_OVER_ESTABLISHMENT,
)
from generator.core.vocabulary import FUNDS, THREE_PUBLIC

PLACEHOLDER = re.compile(r"(XX|xx|××|＊＊|待补充|待填写|TODO|TBD|FIXME)")
SAYS_UP = re.compile(r"增加|增长|上升|提高|新增|扩大")
SAYS_DOWN = re.compile(r"减少|下降|压减|降低|缩减|核减")


def _strings(value: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, (*loc, i))


@rule(PLACEHOLDER_TEXT)
def placeholder(ctx: Context) -> Iterator[Finding]:
    for loc, text in _strings(ctx.document.data, ()):
        if m := PLACEHOLDER.search(text):
            yield Finding(loc, f"文字中有占位符“{m.group(0)}”：{text[:40]}")


def unfilled(ctx: Context, current: Decimal, prior: Decimal | None) -> bool:
    """A draft line whose amount is still the scaffold's 0 while last year had one."""
    return current == 0 and bool(prior) and bool(unfilled_lines(ctx.document.text))


def change_words(ctx: Context, current: Decimal, prior: Decimal) -> str:
    """“比上年增加 1.50万元” / “比上年减少 19.49万元” / “上年没有、本年新增 2.00万元” / “本年取消（上年 3.00万元）”."""
    change = year_change(current, prior)
    if change.direction == "new":
        return f"上年没有、本年新增 {ctx.amt(current)}"
    if change.direction == "gone":
        return f"本年取消（上年 {ctx.amt(prior)}）"
    if change.delta >= 0:
        return f"比上年增加 {ctx.amt(change.delta)}"
    return f"比上年减少 {ctx.amt(-change.delta)}"


def changed_lines(ctx: Context) -> Iterator[tuple[Loc, str, Decimal, Decimal | None, str | None]]:
    """(loc, label, current, prior, reason) of every line whose change the narrative explains."""
    b = ctx.budget
    for i, x in enumerate(b.expenditure):
        for fund in FUNDS:
            block = totals.fund_block(x, fund)
            if block is not None:
                yield ("expenditure", i, fund), f"{x.code} {x.name}", totals.line_fund_total(x, fund), block.prior, block.reason
    for view in ("basic_by_economic", "project_by_economic"):
        for i, line in enumerate(getattr(b, view)):
            yield (view, i), f"{line.code} {line.name}", totals.economic_amount(line), line.prior, line.reason
    for key, name in THREE_PUBLIC.items():
        item = getattr(b.three_public, key)
        yield ("three_public", key), f"“三公”经费{name}", item.amount, item.prior, item.reason
    oc = b.operating_costs
    yield ("operating_costs",), "机关运行经费", oc.amount, oc.prior, oc.reason


@rule(MISSING_REASON)
def missing_reason(ctx: Context) -> Iterator[Finding]:
    for loc, label, current, prior, reason in changed_lines(ctx):
        if prior is None or (reason and reason.strip()) or unfilled(ctx, current, prior):
            continue
        change = year_change(current, prior)
        big = change.direction in ("new", "gone") or (change.pct is not None and change.pct > ctx.threshold)
        if big and change.direction not in ("same", "none"):
            yield Finding(loc, f"{label} {change_words(ctx, current, prior)}，请说明原因")


@rule(REASON_DIRECTION_MISMATCH)
def reason_direction(ctx: Context) -> Iterator[Finding]:
    for loc, label, current, prior, reason in changed_lines(ctx):
        if prior is None or not reason:
            continue
        change = year_change(current, prior)
        if change.direction in ("down", "gone") and SAYS_UP.search(reason) and not SAYS_DOWN.search(reason):
            yield Finding((*loc, "reason"), f"{label} {change_words(ctx, current, prior)}，原因却是“{reason}”")
        if change.direction in ("up", "new") and SAYS_DOWN.search(reason) and not SAYS_UP.search(reason):
            yield Finding((*loc, "reason"), f"{label} {change_words(ctx, current, prior)}，原因却是“{reason}”")


@rule(PRIOR_VIEWS_DISAGREE)
def prior_views(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    function = [x.general_budget.prior for x in b.expenditure if x.general_budget and x.general_budget.prior is not None]
    economic = [x.prior for x in (*b.basic_by_economic, *b.project_by_economic) if x.prior is not None]
    if function and economic and total(function) != total(economic):
        yield Finding(("basic_by_economic",),
                      f"一般公共预算上年数：功能分类合计 {ctx.amt(total(function))}，"
                      f"经济分类合计 {ctx.amt(total(economic))}，相差 {ctx.amt(abs(total(function) - total(economic)))}",
                      expected=str(total(function)), actual=str(total(economic)))


@rule(STAFF_OVER_ESTABLISHMENT)
def staff(ctx: Context) -> Iterator[Finding]:
    s = ctx.budget.overview.staff
    quota = s.establishment.administrative + s.establishment.institutional + s.establishment.worker
    if s.in_service.current > quota:
        yield Finding(("overview", "staff", "in_service", "current"),
                      f"在职 {s.in_service.current} 人，编制 {quota} 个", expected=f"<= {quota}",
                      actual=str(s.in_service.current))
