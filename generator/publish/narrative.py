"""The 情况说明 as published, paragraph by paragraph (the figure diff shows which sentences a change moves)."""

from __future__ import annotations

from generator.core.mdtext import plain
from generator.derive.context import PageContext
from generator.publish.environment import ENV


def all_sentences(ctx: PageContext) -> list[tuple[str, str]]:
    """(section title, paragraph as plain text) of every 情况说明 paragraph, as published."""
    names = ctx.vars()
    out: list[tuple[str, str]] = []
    for section in ctx.profile.sections:
        text = ENV.get_template(f"sections/{section.template_name}.md.j2").render(**names, section=section)
        for para in text.split("\n\n"):
            if para.strip():
                out.append((section.title, plain(para.strip())))
    return out
