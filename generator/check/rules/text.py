"""Narrative hygiene: placeholders, reasons for changes, and figures that cannot both be right."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from generator.check.rules.catalogue import Context, Finding, Loc, rule
from generator.check.rules.markers import unfilled_lines
from generator.core import totals
from generator.core.errors import Severity
from generator.core.money import total, year_change
from generator.core.vocabulary import SPENDING_SOURCES, THREE_PUBLIC

W = Severity.WARNING
E = Severity.ERROR

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


@rule("placeholder-text", W, "文字中有占位符",
      "文字中出现 XX、待补充、TODO 等占位符，说明内容还没有写完（导入 Excel 时无法带入的文字也以“待补充”标出）。",
      fix="把占位符换成正式的文字；暂时没有内容的可选文字可以整项删去。")
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


@rule("missing-reason", W, "变化较大但没有说明原因",
      "与上年相比增减幅度超过阈值（profile 的 reason_threshold_pct，或命令行 --reason-threshold），"
      "或为新增、取消的项目，却没有填写原因。草稿中本年数仍为 0 的行不在此列（见 unfilled-amount）。",
      fix="在该行填写 reason（如“人员增加”“压减经费”），写成一句能接在“主要原因是”后面的话。")
def missing_reason(ctx: Context) -> Iterator[Finding]:
    for loc, label, current, prior, reason, basis in changed_lines(ctx):
        if prior is None or (reason and reason.strip()) or unfilled(ctx, current, prior):
            continue
        change = year_change(current, prior)
        big = change.direction in ("new", "gone") or (change.pct is not None and change.pct > ctx.threshold)
        if big and change.direction not in ("same", "none"):
            yield Finding(loc, f"{label} {change_words(ctx, current, prior, basis)}，请说明原因")


@rule("reason-direction-mismatch", W, "原因与增减方向相反",
      "金额减少而原因写“增加”，或金额增加而原因写“减少/压减”：生成的句子会自相矛盾，请核对原因或金额。"
      "与上年预算数（prior）比较，或只记了上年执行数（prior_actual）时与执行数比较。",
      fix="核对金额和上年数（prior）；金额无误时改写 reason，使它与增减方向一致。")
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


@rule("prior-views-disagree", W, "上年数在不同口径下合计不一致",
      "一般公共预算的上年数，按功能分类（项）汇总与按经济分类（基本 + 项目，款）汇总应当相等；"
      "不等通常说明某些上年存在、今年取消的科目没有列出（可只填 prior 记录）。",
      fix="对照上年的公开报表，把上年有、今年取消的科目补进 basic_by_economic / project_by_economic（只填 prior，"
          "本年数填 0），或改正填错的上年数，直到两边的上年合计相等。",
      needs=("basic_by_economic", "project_by_economic"))
def prior_views(ctx: Context) -> Iterator[Finding]:
    b = ctx.budget
    function = [x.general_budget.prior for x in b.expenditure if x.general_budget and x.general_budget.prior is not None]
    economic = [x.prior for x in (*b.basic_by_economic, *b.project_by_economic) if x.prior is not None]
    if function and economic and total(function) != total(economic):
        yield Finding(("basic_by_economic",),
                      f"一般公共预算上年数：功能分类合计 {ctx.amt(total(function))}，"
                      f"经济分类合计 {ctx.amt(total(economic))}，相差 {ctx.amt(abs(total(function) - total(economic)))}",
                      expected=str(total(function)), actual=str(total(economic)))


@rule("staff-over-establishment", W, "在职人数超过编制数",
      "在职实有人数多于行政、事业、工勤编制之和，请核对。",
      fix="核对 overview.staff 中的在职人数（in_service）与三类编制数（establishment），改正填错的一项。",
      needs=("staff",))
def staff(ctx: Context) -> Iterator[Finding]:
    s = ctx.budget.overview.staff
    if s is None:
        return
    quota = s.establishment.administrative + s.establishment.institutional + s.establishment.worker
    if s.in_service.current > quota:
        yield Finding(("overview", "staff", "in_service", "current"),
                      f"在职 {s.in_service.current} 人，编制 {quota} 个", expected=f"<= {quota}",
                      actual=str(s.in_service.current))


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


@rule("names-another-line", W, "原因或用途写的是另一个科目",
      "功能分类（项）的用途（purpose）或原因（reason）提到了本文件另一个科目，却没有提到本科目："
      "多半是从相邻的科目复制过来忘了改（如 职业年金缴费 的原因写成“事业单位离退休经费增加”）。",
      fix="把该行的 purpose 或 reason 改成说明本科目的话；确实与另一科目有关时，在文字中也写上本科目的名称。")
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
