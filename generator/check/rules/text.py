"""Narrative hygiene: placeholders, reasons for changes, and figures that cannot both be right."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from generator.check.rules.catalogue import Context, Finding, Loc, rule
from generator.check.rules.markers import unfilled_lines
from generator.core import totals
from generator.core.money import convert, fmt, total, year_change
from generator.core.slugs.text import (
    ITEMISED_FIGURES_MISMATCH,
    MISSING_REASON,
    NAMES_ANOTHER_LINE,
    PLACEHOLDER_TEXT,
    PRIOR_TOTAL_MISMATCH,
    PRIOR_TOTAL_UNLISTED,
    PRIOR_VIEWS_DISAGREE,
    REASON_DIRECTION_MISMATCH,
    STAFF_OVER_ESTABLISHMENT,
)
from generator.core.vocabulary import SPENDING_SOURCES, THREE_PUBLIC

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


def change_words(ctx: Context, current: Decimal, prior: Decimal, basis: str = "上年") -> str:
    """“比上年增加 1.50万元” / “比上年减少 19.49万元” / “上年没有、本年新增 2.00万元” / “本年取消（上年 3.00万元）”;
    ``basis`` “上年执行数” for a comparison with last year's execution."""
    change = year_change(current, prior)
    if change.direction == "new":
        return f"{basis}没有、本年新增 {ctx.amt(current)}"
    if change.direction == "gone":
        return f"本年取消（{basis} {ctx.amt(prior)}）"
    if change.delta >= 0:
        return f"比{basis}增加 {ctx.amt(change.delta)}"
    return f"比{basis}减少 {ctx.amt(-change.delta)}"


class Changed(NamedTuple):
    loc: Loc
    label: str
    current: Decimal
    prior: Decimal | None
    reason: str | None
    basis: str = "上年"  # what ``prior`` is: last year's budget, or “上年执行数” (prior_actual)


def changed_lines(ctx: Context) -> Iterator[Changed]:
    """Every line whose change the narrative explains: against last year's budget (``prior``) or, where only
    that is recorded, against last year's execution (``prior_actual``)."""
    b = ctx.budget
    for i, x in enumerate(b.expenditure):
        for fund in SPENDING_SOURCES:
            block = totals.fund_block(x, fund)
            if block is None:
                continue
            current, label = totals.line_fund_total(x, fund), f"{x.code} {x.name}"
            if block.prior is None and block.prior_actual is not None:
                yield Changed(("expenditure", i, fund), label, current, block.prior_actual, block.reason, "上年执行数")
            else:
                yield Changed(("expenditure", i, fund), label, current, block.prior, block.reason)
    for view in ("basic_by_economic", "project_by_economic"):
        for i, line in enumerate(getattr(b, view)):
            yield Changed((view, i), f"{line.code} {line.name}", totals.economic_amount(line), line.prior, line.reason)
    for key, name in THREE_PUBLIC.items():
        item = getattr(b.three_public, key)
        yield Changed(("three_public", key), f"“三公”经费{name}", item.amount, item.prior, item.reason)
    oc = b.operating_costs
    yield Changed(("operating_costs",), "机关运行经费", oc.amount, oc.prior, oc.reason)


@rule(MISSING_REASON)
def missing_reason(ctx: Context) -> Iterator[Finding]:
    for loc, label, current, prior, reason, basis in changed_lines(ctx):
        if prior is None or (reason and reason.strip()) or unfilled(ctx, current, prior):
            continue
        change = year_change(current, prior)
        big = change.direction in ("new", "gone") or (change.pct is not None and change.pct > ctx.threshold)
        if big and change.direction not in ("same", "none"):
            yield Finding(loc, f"{label} {change_words(ctx, current, prior, basis)}，请说明原因")


@rule(REASON_DIRECTION_MISMATCH)
def reason_direction(ctx: Context) -> Iterator[Finding]:
    for loc, label, current, prior, reason, basis in changed_lines(ctx):
        if prior is None or not reason:
            continue
        change = year_change(current, prior)
        words = change_words(ctx, current, prior, basis)
        if change.direction in ("down", "gone") and SAYS_UP.search(reason) and not SAYS_DOWN.search(reason):
            yield Finding((*loc, "reason"), f"{label} {words}，原因却是“{reason}”")
        if change.direction in ("up", "new") and SAYS_DOWN.search(reason) and not SAYS_UP.search(reason):
            yield Finding((*loc, "reason"), f"{label} {words}，原因却是“{reason}”")


@rule(PRIOR_VIEWS_DISAGREE, needs=("basic_by_economic",))
def prior_views(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    if "project_by_economic" not in b.model_fields_set and any(
            x.general_budget and x.general_budget.project for x in b.expenditure):
        return  # project spending without its economic view: the economic side of the prior is not known
    function = [x.general_budget.prior for x in b.expenditure if x.general_budget and x.general_budget.prior is not None]
    economic = [x.prior for x in (*b.basic_by_economic, *b.project_by_economic) if x.prior is not None]
    if function and economic and total(function) != total(economic):
        yield Finding(("basic_by_economic",),
                      f"一般公共预算上年数：功能分类合计 {ctx.amt(total(function))}，"
                      f"经济分类合计 {ctx.amt(total(economic))}，相差 {ctx.amt(abs(total(function) - total(economic)))}",
                      expected=str(total(function)), actual=str(total(economic)))


@rule(STAFF_OVER_ESTABLISHMENT, needs=("staff",))
def staff(ctx: Context) -> Iterator[Finding]:
    s = ctx.budget.overview.staff
    if s is None:
        return
    quota = s.establishment.administrative + s.establishment.institutional + s.establishment.worker
    if s.in_service.current > quota:
        yield Finding(("overview", "staff", "in_service", "current"),
                      f"在职 {s.in_service.current} 人，编制 {quota} 个", expected=f"<= {quota}",
                      actual=str(s.in_service.current))


@rule(PRIOR_TOTAL_UNLISTED)
def prior_total_unlisted(ctx: Context) -> Iterator[Finding]:
    for g in totals.prior_gaps(ctx.budget):
        if g.unlisted is None and g.gap > 0:
            yield Finding(("prior_totals", g.key),
                          f"{g.label} {ctx.amt(g.stated)}（公开文本所述），各科目上年数合计 {ctx.amt(g.listed)}："
                          f"上年有 {ctx.amt(g.gap)} 未按科目列出", expected=str(g.stated), actual=str(g.listed))


@rule(PRIOR_TOTAL_MISMATCH)
def prior_total_mismatch(ctx: Context) -> Iterator[Finding]:
    for g in totals.prior_gaps(ctx.budget):
        if g.gap < 0:
            yield Finding(("prior_totals", g.key),
                          f"各科目上年数合计 {ctx.amt(g.listed)} 大于{g.label} {ctx.amt(g.stated)}（公开文本所述），"
                          f"多出 {ctx.amt(-g.gap)}", expected=str(g.stated), actual=str(g.listed))
        elif g.unlisted is not None and g.mismatch:
            yield Finding(("prior_totals", g.key),
                          f"{g.label} {ctx.amt(g.stated)}（公开文本所述）≠ 各科目上年数合计 {ctx.amt(g.listed)}"
                          f" + 未列出部分 {ctx.amt(g.unlisted)}，相差 {ctx.amt(abs(g.mismatch))}",
                          expected=str(g.stated), actual=str(g.listed + g.unlisted))


AMOUNT_IN_TEXT = {"万元": re.compile(r"(\d+(?:\.\d+)?)\s*万元"), "元": re.compile(r"(?<![\d.万])(\d+(?:\.\d+)?)\s*(?<!万)元")}


@rule(ITEMISED_FIGURES_MISMATCH)
def itemised_figures(ctx: Context) -> Iterator[Finding]:
    """Two or more amounts in the display unit in a target's goal itemise its budget: they must add up to it."""
    b = ctx.budget
    pattern = AMOUNT_IN_TEXT[b.display_unit]
    for i, target in enumerate(b.performance_targets):
        figures = [Decimal(m) for m in pattern.findall(target.goal)]
        if len(figures) < 2:
            continue
        budget = convert(totals.performance_budget(b, i), b.unit, b.display_unit)
        if total(figures) != budget:
            shown = " + ".join(f"{f:f}{b.display_unit}" for f in figures)
            yield Finding(("performance_targets", i, "goal"),
                          f"“{target.name}”的绩效目标逐项写出 {shown} = {total(figures):f}{b.display_unit}，"
                          f"预算数却是 {fmt(budget)}{b.display_unit}", expected=str(budget), actual=str(total(figures)))


def _markers(ctx: Context) -> dict[str, str]:
    """What names a function line in free text: its 项 name, or 款 name + 项 name when other lines share the 项 name
    (一般行政管理事务, 行政运行 …)."""
    lines = ctx.budget.expenditure
    shared = {name for name in (x.name for x in lines) if sum(y.name == name for y in lines) > 1}
    out = {}
    for x in lines:
        parent_name = ctx.registry.function_name(x.code[:5]) if len(x.code) == 7 else ""
        out[x.code] = f"{parent_name}{x.name}" if x.name in shared and parent_name else x.name
    return out


@rule(NAMES_ANOTHER_LINE)
def names_another_line(ctx: Context) -> Iterator[Finding]:
    markers = _markers(ctx)
    for i, x in enumerate(ctx.budget.expenditure):
        texts: list[tuple[Loc, str]] = [(("expenditure", i, "purpose"), x.purpose)] if x.purpose else []
        texts += [(("expenditure", i, s, "reason"), block.reason) for s in SPENDING_SOURCES
                  if (block := totals.fund_block(x, s)) is not None and block.reason]
        for loc, text in texts:
            if markers[x.code] in text:
                continue
            others = [(code, m) for code, m in markers.items() if code != x.code and m in text]
            if others:
                code, m = max(others, key=lambda o: len(o[1]))
                yield Finding(loc, f"{x.code} {x.name} 的{'用途' if loc[-1] == 'purpose' else '原因'}“{text}”"
                                   f"写的是 {code}（{m}），没有提到本科目", related=(("expenditure", _index(ctx, code)),))


def _index(ctx: Context, code: str) -> int:
    return next(i for i, x in enumerate(ctx.budget.expenditure) if x.code == code)
