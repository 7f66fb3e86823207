"""The 勘误 page: each published sentence the data contradicts, next to the computed one.

It reads the department's page context (the same object the page was rendered from) and the
profile's section specs: an erratum with a ``code`` is one of the lines its section explains
(``lines``); the arithmetic shown is the section's stated ``change``. Every text from the budget or
the profile goes through ``md_escape``: it is data, never markup.
"""

from __future__ import annotations

import re

import jinja2

from generator.core.explained import ExplainedLine
from generator.core.mdtext import md_escape, yaml_str
from generator.core.specs import SectionSpec
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


def errata_page(ctx: PageContext, env: jinja2.Environment) -> str:
    b = ctx.b
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
        section = ctx.profile.section(e.section)
        text, arithmetic = computed(env, ctx, section, e.code) if section else ("（地区模板中没有这一小节）", "")
        out += [
            f"## {i}. {md_escape(section.title if section else e.section)}" + (f"：{md_escape(e.code)}" if e.code else ""),
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
