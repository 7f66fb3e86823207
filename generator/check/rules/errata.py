"""Errata are checked, not trusted: each one is recomputed from the data (``check.slips``).

A slip the data confirms is a warning (it goes on the department-year's 勘误 page with the published text,
the correct text and the arithmetic); an erratum whose printed figure equals the computed one is an error,
and so is one that cannot be checked (a missing field, a table, row or line the file does not have).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check import slips
from generator.check.rules.catalogue import Context, Finding, rule
from generator.core.errors import Severity, quoted
from generator.core.model import Budget

W = Severity.WARNING
E = Severity.ERROR


def _checked(ctx: Context) -> Iterator[tuple[int, slips.Verdict | slips.Unresolved]]:
    for i, e in enumerate(ctx.budget.errata):
        if e.kind not in slips.CHECKED:
            continue
        try:
            yield i, slips.evaluate(e, ctx.budget, ctx.registry, ctx.profile)
        except slips.Unresolved as exc:
            yield i, exc


def _where(b: Budget, i: int) -> tuple[str | int, ...]:
    e = b.errata[i]
    return ("errata", i, "printed" if e.printed is not None else "published")


def _label(ctx: Context, i: int) -> str:
    e = ctx.budget.errata[i]
    if e.kind == "glossary":
        return f"名词解释“{e.row}”"
    if e.kind in ("cell", "empty-note") and e.table:
        number = ctx.table(e.table) or e.table
        return f"{number} {e.row or ''} {e.column or ''}".strip() if e.kind == "cell" else f"{number}的说明"
    section = {s.key: s.title for s in ctx.profile.sections}.get(e.section or "", e.section or "")
    return f"“{section}”" + (f"（{e.code}）" if e.code else "")


def difference(published: str, correct: str, context: int = 8) -> tuple[str, str]:
    """The part where two texts differ, with a little context on each side (“…为464.64万元” / “…为464.64万元。”)."""
    start = 0
    while start < min(len(published), len(correct)) and published[start] == correct[start]:
        start += 1
    end = 0
    while (end < min(len(published), len(correct)) - start
           and published[len(published) - 1 - end] == correct[len(correct) - 1 - end]):
        end += 1
    lo = max(start - context, 0)

    def cut(text: str) -> str:
        hi = min(len(text) - end + context, len(text))
        return ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")

    return cut(published), cut(correct)


@rule("published-slip", W, "公开文本有差错（勘误）",
      "errata 中记录的差错，按数据重新计算后确认原文有误：报表单元格、说明中的数字、科目路径、原文自身的加总、"
      "名词解释、空表说明或文字。每条都列在该部门该年度的勘误页上（原文、正确写法、算式）；这是原文的问题，"
      "不是预算文件的问题。",
      fix="不用改预算文件：确认勘误页上的原文和正确写法无误即可；原文已更正时删去这条勘误。")
def published_slip(ctx: Context) -> Iterator[Finding]:
    for i, verdict in _checked(ctx):
        if isinstance(verdict, slips.Verdict) and verdict.slip:
            how = f"（{verdict.arithmetic}）" if verdict.arithmetic else ""
            printed, correct = difference(verdict.shown(verdict.published), verdict.shown(verdict.correct))
            yield Finding(_where(ctx.budget, i), f"原文{_label(ctx, i)}印作{quoted(printed)}，应为{quoted(correct)}{how}",
                          expected=verdict.correct, actual=verdict.published)


@rule("erratum-not-a-slip", E, "勘误与计算结果相同",
      "errata 中记录的“差错”按数据重新计算后与原文一致：要么原文并没有错，要么预算文件的数据抄成了原文的错数。",
      fix="核对原文与数据：原文无误则删去这条勘误；数据抄错了则改正数据（只填叶子，合计由程序计算）。")
def erratum_not_a_slip(ctx: Context) -> Iterator[Finding]:
    for i, verdict in _checked(ctx):
        if isinstance(verdict, slips.Verdict) and not verdict.slip:
            yield Finding(_where(ctx.budget, i),
                          f"勘误{_label(ctx, i)}所列的{quoted(verdict.shown(verdict.published))}与按数据计算的结果相同，"
                          "不是差错",
                          expected=verdict.correct, actual=verdict.published)


@rule("erratum-unresolved", E, "勘误无法核对",
      "errata 中的一条缺少它那一类必填的字段（见 YAML 参考“勘误”），或者所指的表格、小节、行、列、科目、名词"
      "在本文件或地区模板中不存在，因而无法按数据核对。",
      fix="按提示补上缺少的字段，或把 table、section、row、column、code 改为本文件和地区模板中实有的那一个。")
def erratum_unresolved(ctx: Context) -> Iterator[Finding]:
    for i, verdict in _checked(ctx):
        if isinstance(verdict, slips.Unresolved):
            yield Finding(("errata", i, verdict.field) if verdict.field else ("errata", i),
                          f"勘误无法核对：{verdict}")
