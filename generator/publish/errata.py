"""The 勘误 page: each published sentence the data contradicts, next to the computed one.

Every text from the budget or the profile goes through ``md_escape``: it is data, never markup.
"""

from __future__ import annotations

import re

import jinja2

from generator.check import slips
from generator.core.erratum import Erratum
from generator.core.explained import SECTION_LINES, ExplainedLine
from generator.core.mdtext import md_escape, yaml_str
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.core.registry import Registry
from generator.derive.pagedata import page_context

_ARITH = {
    "income_expenditure_summary": lambda c: (c["t"].spending, c["t"].prior_spending),
    "fiscal_summary": lambda c: (c["fiscal_spending"], c["fiscal_prior"]),
    "operating_costs": lambda c: (c["b"].operating_costs.amount, c["b"].operating_costs.prior),
}


def computed(env: jinja2.Environment, ctx: dict, section: str, code: str | None) -> tuple[str, str]:  # type: ignore[type-arg]
    """(computed sentence as markdown, arithmetic) for one erratum."""
    p = ctx["p"]
    if code is not None and section in SECTION_LINES:
        line: ExplainedLine | None = next((x for x in ctx[SECTION_LINES[section]] if x.code == code), None)
        if line is None:
            return "（本项目数据中无此科目）", ""
        macro = env.get_template("_lines.md.j2").module.explained  # type: ignore[attr-defined]
        text = str(macro([line], p)).strip()
        return re.sub(r"^（一）", "", text), p.arithmetic(line.current, line.prior)
    text = env.get_template(f"sections/{section}.md.j2").render(ctx).strip().split("\n\n")[-1]
    current, prior = _ARITH[section](ctx) if section in _ARITH else (None, None)
    return text, p.arithmetic(current, prior) if current is not None else ""


def errata_page(b: Budget, reg: Registry, profile: Profile, env: jinja2.Environment) -> str:
    # Only a regenerated sentence needs the page context; the recomputed slips (check.slips) do not.
    ctx = page_context(b, reg, profile) if any(e.kind == "sentence" for e in b.errata) else {}
    titles = {s.key: s.title for s in profile.sections}
    out = [
        "---",
        f"title: {yaml_str(f'勘误：{b.department.name}{b.year}年部门预算')}",
        "---",
        "",
        f"# 勘误：{md_escape(b.department.name)}{b.year}年部门预算",
        "",
        "下列句子出自已公开的原文本，与同一文本中的报表数据相矛盾。“计算结果”由本项目从预算数据计算得出，"
        "与[部门页面](index.md)一致。句子怎样计算见编辑指南中的[说明文字规则](../../guide/narrative-rules.md)。",
        "",
    ]
    for i, e in enumerate(b.errata, 1):
        if e.kind in slips.CHECKED:
            out += _checked(i, e, b, reg, profile)
            continue
        assert e.section is not None and e.published is not None  # validation refuses a sentence erratum without them
        text, arithmetic = computed(env, ctx, e.section, e.code)
        out += [
            f"## {i}. {md_escape(titles.get(e.section, e.section))}" + (f"：{md_escape(e.code)}" if e.code else ""),
            "",
            f"**原文**：{md_escape(e.published)}",
            "",
            f"**计算结果**：{text}",
            "",
        ]
        if arithmetic:
            out += [f"**算式**：{arithmetic}", ""]
        if e.note:
            out += [f"**说明**：{md_escape(e.note)}", ""]
    return "\n".join(out)


def _checked(i: int, e: Erratum, b: Budget, reg: Registry, profile: Profile) -> list[str]:
    """A slip the validator recomputed (check.slips): where, the published text, the correct one, the arithmetic."""
    verdict = slips.evaluate(e, b, reg, profile)
    titles = {**{s.key: s.title for s in profile.sections}, **{t.key: t.title for t in profile.tables}}
    where = titles.get(e.table or e.section or "", e.table or e.section or "")
    detail = " ".join(x for x in (e.code, e.row, e.column) if x)
    out = [f"## {i}. {md_escape(where)}" + (f"：{md_escape(detail)}" if detail else ""), ""]
    if e.published:
        out += [f"**原文**：{md_escape(e.published)}", ""]
    out += [f"**原文所印**：{md_escape(verdict.shown(verdict.published))}", "",
            f"**应为**：{md_escape(verdict.shown(verdict.correct))}", ""]
    if verdict.arithmetic:
        out += [f"**算式**：{md_escape(verdict.arithmetic)}", ""]
    if e.note:
        out += [f"**说明**：{md_escape(e.note)}", ""]
    return out
