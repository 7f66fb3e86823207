"""The 勘误 page: every slip of the published document, grouped by where it is, with the right text and why.

Entries come from the budget's ``errata`` (the editor copies the published text and says what is right);
sentences the project computes are shown as computed, so the page and the department page agree. The gaps
between stated prior-year totals and the line priors (``prior_totals``) are added as notes, from the data.
It reads the department's page context (the same object the page was rendered from) and the profile's
table and section specs: an erratum with a ``code`` is one of the lines its section explains (``lines``);
the arithmetic shown is the section's stated ``change``. Every text from the budget or the profile goes
through ``md_escape``: it is data, never markup.
"""

from __future__ import annotations

import re
from decimal import Decimal

import jinja2

from generator.check import slips
from generator.core import totals
from generator.core.erratum import Erratum
from generator.core.explained import ExplainedLine
from generator.core.mdtext import md_escape, yaml_str
from generator.core.model import Budget
from generator.core.money import convert, fmt
from generator.core.specs import SectionSpec
from generator.core.vocabulary import ERRATUM_CATEGORIES, ERRATUM_PARTS, cn_index
from generator.derive.context import PageContext


def computed(env: jinja2.Environment, ctx: PageContext, section: SectionSpec, code: str | None) -> tuple[str, str]:
    """(computed sentence as markdown, arithmetic) for one erratum."""
    p = ctx.p
    if code is not None and section.lines:
        line: ExplainedLine | None = next((x for x in ctx.lines[section.key] if x.code == code), None)
        if line is None:
            return "（本项目数据中无此科目）", ""
        macro = env.get_template("_lines.md.j2").module.explained  # type: ignore[attr-defined]
        text = str(macro([line], p)).strip()
        return re.sub(r"^（一）", "", text), p.arithmetic(line.current, line.prior)
    page = env.get_template(f"sections/{section.template_name}.md.j2").render(**ctx.vars(), section=section)
    text = page.strip().split("\n\n")[-1]
    if section.change is None:
        return text, ""
    current = ctx.facts[section.change.current]
    return text, p.arithmetic(current, ctx.facts[section.change.prior]) if current is not None else ""


def _prior_notes(b: Budget) -> list[str]:
    """The stated prior-year totals that the line priors do not add up to: a note each, never a rewrite."""

    def amt(v: Decimal) -> str:
        return f"{fmt(convert(v, b.unit, b.display_unit))}{b.display_unit}"

    same: dict[tuple[Decimal, Decimal], list[str]] = {}
    for g in totals.prior_gaps(b):
        if g.gap != 0:
            same.setdefault((g.stated, g.listed), []).append(g.label)
    out = []
    for (stated, listed), labels in same.items():
        gap = stated - listed
        both = "均" if len(labels) > 1 else ""
        out.append(f"- 公开文本所述{'、'.join(labels)}{both}为 {amt(stated)}；各科目上年数合计 {amt(listed)}："
                   + (f"上年有 {amt(gap)} 未按科目列出。" if gap > 0 else f"各科目合计多出 {amt(-gap)}。"))
    if out:
        out.append("- 比较句按公开文本所述的上年合计计算，不按各科目上年数重算。")
    return out


def _line_name(ctx: PageContext, section: str | None, code: str) -> str:
    """The name of the line an erratum's code points at (its last path element), or ''."""
    lines: list[ExplainedLine] = ctx.lines.get(section or "", [])
    line = next((x for x in lines if x.code == code), None)
    if line and line.path:
        return line.path[-1][0]
    return next((x.name for x in ctx.b.expenditure if x.code == code), "")  # a section that explains no lines


def _place(e: Erratum, ctx: PageContext) -> tuple[int, int, str]:
    """(part rank, rank within the part, heading) of an erratum's place in the document (the profile's order)."""
    part = e.place or "sections"
    rank = list(ERRATUM_PARTS).index(part)
    key = e.table if part == "tables" else e.section if part == "sections" else None
    if not key:
        return rank, 0, ""
    specs = ctx.profile.tables if part == "tables" else ctx.profile.sections
    titles = {s.key: s.title for s in specs}
    at = list(titles).index(key) if key in titles else len(titles)
    title = titles.get(key, key)
    return rank, at, f"表{at + 1} {title}" if part == "tables" else f"{cn_index(at + 1)}、{title}"


def _title(e: Erratum, ctx: PageContext) -> str:
    """An entry's heading: the line (code and name), cell (row and column) or term it is about, and its category."""
    kind = ERRATUM_CATEGORIES[c] if (c := e.shown_category) else ""
    if e.code:
        what = f"{e.code} {_line_name(ctx, e.section, e.code)}".strip()
    else:
        what = " ".join(x for x in (e.row, e.column) if x)
    return md_escape(what) + (f"（{kind}）" if kind else "") if what else (kind or "差错")


def errata_page(ctx: PageContext, env: jinja2.Environment) -> str:
    b = ctx.b
    out = [
        "---",
        f"title: {yaml_str(f'勘误：{b.department.name}{b.year}年部门预算')}",
        "---",
        "",
        f"# 勘误：{md_escape(b.department.name)}{b.year}年部门预算",
        "",
        "下列是已公开文本中的差错，按所在部分排列：每条给出原文、更正后的文字和理由。"
        "[部门页面](index.md)已按更正后的文字发布；“计算结果”由本项目从预算数据计算得出。"
        "句子怎样计算见编辑指南中的[说明文字规则](../../guide/narrative-rules.md)。",
        "",
    ]
    notes = _prior_notes(b)
    if notes:
        out += ["## 上年合计", "", *notes, ""]
    placed = sorted(enumerate(b.errata), key=lambda ie: (_place(ie[1], ctx)[:2], ie[0]))
    part = heading = None
    for n, (_, e) in enumerate(placed, 1):
        where = _place(e, ctx)[2]
        if (e.place or "sections") != part:
            part, heading = e.place or "sections", None
            out += [f"## {ERRATUM_PARTS[part]}", ""]
        if where and where != heading:
            heading = where
            out += [f"### {md_escape(where)}", ""]
        out += [f"#### {n}. {_title(e, ctx)}", ""]
        if e.published:
            out += [f"**原文**：{md_escape(e.published)}", ""]
        if e.kind in slips.CHECKED:
            out += _checked(e, ctx)
        elif e.correct:
            out += [f"**更正**：{md_escape(e.correct)}", ""]
        elif e.section:
            section = ctx.profile.section(e.section)
            text, arithmetic = computed(env, ctx, section, e.code) if section else ("（地区模板中没有这一小节）", "")
            out += [f"**计算结果**：{text}", ""]
            if arithmetic:
                out += [f"**算式**：{arithmetic}", ""]
        if e.note:
            out += [f"**说明**：{md_escape(e.note)}", ""]
    return "\n".join(out)


def _checked(e: Erratum, ctx: PageContext) -> list[str]:
    """A slip the validator recomputed (check.slips): what was printed, what is correct, the arithmetic."""
    verdict = slips.evaluate(e, ctx.b, ctx.registry, ctx.profile)
    printed = verdict.shown(verdict.published)
    out = [f"**原文所印**：{md_escape(printed)}", ""] if printed != e.published else []  # a wording slip: 原文 is it
    out += [f"**应为**：{md_escape(verdict.shown(verdict.correct))}", ""]
    if verdict.arithmetic:
        out += [f"**算式**：{md_escape(verdict.arithmetic)}", ""]
    return out
