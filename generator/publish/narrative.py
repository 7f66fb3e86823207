"""The 情况说明 as published, paragraph by paragraph (the figure diff shows which sentences a change moves)."""

from __future__ import annotations

from generator.core.mdtext import plain
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.core.registry import Registry
from generator.derive.pagedata import page_context
from generator.publish.environment import ENV


def all_sentences(budget: Budget, registry: Registry, profile: Profile) -> list[tuple[str, str]]:
    """(section title, paragraph as plain text) of every 情况说明 paragraph, as published."""
    ctx = page_context(budget, registry, profile)
    out: list[tuple[str, str]] = []
    for spec in profile.sections:
        text = ENV.get_template(f"sections/{spec.key}.md.j2").render(ctx)
        for para in text.split("\n\n"):
            if para.strip():
                out.append((spec.title, plain(para.strip())))
    return out
