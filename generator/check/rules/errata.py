"""Errata are checked, not trusted: each one is recomputed from the data (``check.slips``).

A slip the data confirms is a warning (it goes on the department-year's 勘误 page with the published text,
the correct text and the arithmetic); an erratum whose printed figure equals the computed one is an error,
and so is one that cannot be checked (a missing field, a table, row or line the file does not have).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check import slips
from generator.check.rules.catalogue import Context, Finding, rule
from generator.core.errors import quoted
from generator.core.model import Budget
from generator.core.slugs.files import ERRATUM_NOT_A_SLIP, ERRATUM_UNRESOLVED, PUBLISHED_SLIP
from generator.core.specs import fill


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
    if e.kind in ("cell", "empty_note") and e.table:
        number = ctx.table(e.table) or e.table
        return f"{number} {e.row or ''} {e.column or ''}".strip() if e.kind == "cell" else f"{number}的说明"
    b = ctx.budget
    section = {s.key: fill(s.title, b.year, b.department.name) for s in ctx.profile.sections}.get(
        e.section or "", e.section or "")  # its title as printed: 2025年部门预算编制说明
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


@rule(PUBLISHED_SLIP)
def published_slip(ctx: Context) -> Iterator[Finding]:
    for i, verdict in _checked(ctx):
        if isinstance(verdict, slips.Verdict) and verdict.slip:
            how = f"（{verdict.arithmetic}）" if verdict.arithmetic else ""
            printed, correct = difference(verdict.shown(verdict.published), verdict.shown(verdict.correct))
            yield Finding(_where(ctx.budget, i), f"原文{_label(ctx, i)}印作{quoted(printed)}，应为{quoted(correct)}{how}",
                          expected=verdict.correct, actual=verdict.published)


@rule(ERRATUM_NOT_A_SLIP)
def erratum_not_a_slip(ctx: Context) -> Iterator[Finding]:
    for i, verdict in _checked(ctx):
        if isinstance(verdict, slips.Verdict) and not verdict.slip:
            yield Finding(_where(ctx.budget, i),
                          f"勘误{_label(ctx, i)}所列的{quoted(verdict.shown(verdict.published))}与按数据计算的结果相同，"
                          "不是差错",
                          expected=verdict.correct, actual=verdict.published)


@rule(ERRATUM_UNRESOLVED)
def erratum_unresolved(ctx: Context) -> Iterator[Finding]:
    for i, verdict in _checked(ctx):
        if isinstance(verdict, slips.Unresolved):
            yield Finding(("errata", i, verdict.field) if verdict.field else ("errata", i),
                          f"勘误无法核对：{verdict}")
