"""Drafts and empty budgets: what may be validated and previewed but never published.

``new --from FILE --year Y`` writes every figure still to be filled in as ``0  # 待填写``
(:mod:`generator.check.rules.markers`). Such a file is a valid budget (so the editor can validate
and preview it while filling it in), but publishing it would print a page of zeros; and a
budget whose income or spending total is 0 prints broken sentences (“包括：，”). These rules
are warnings in ``validate`` and errors for ``site`` and ``render`` (``blocks_publishing``).
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.rules.catalogue import Context, Finding, rule
from generator.check.rules.markers import loc_at_line, unfilled_lines
from generator.check.rules.text import changed_lines, unfilled
from generator.core.slugs.draft import EMPTY_BUDGET, UNFILLED_AMOUNT, UNFILLED_DRAFT
from generator.core.vocabulary import MARKER


@rule(UNFILLED_DRAFT)
def unfilled_draft(ctx: Context) -> Iterator[Finding]:
    lines = unfilled_lines(ctx.document.text)
    if lines:
        first = lines[0]
        yield Finding(loc_at_line(ctx.document, first),
                      f"草稿还有 {len(lines)} 行未填写（标有“{MARKER}”），第一处是第 {first} 行", actual=str(len(lines)))


@rule(UNFILLED_AMOUNT)
def unfilled_amount(ctx: Context) -> Iterator[Finding]:
    for loc, label, current, prior, _reason, _basis in changed_lines(ctx):
        if prior is not None and unfilled(ctx, current, prior):
            yield Finding(loc, f"{label} 本年数未填写（现为 0，上年 {ctx.amt(prior)}）")


@rule(EMPTY_BUDGET)
def empty_budget(ctx: Context) -> Iterator[Finding]:
    t = ctx.totals
    empty = [name for name, value in (("本年收入合计", t.income_total), ("本年支出合计", t.spending)) if not value]
    if empty:
        loc = ("income",) if t.income_total == 0 else ("expenditure",)
        yield Finding(loc, f"{'和'.join(empty)}为 0，页面会印出“包括：，”这样的残句",
                      actual="0")
