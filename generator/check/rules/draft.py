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
from generator.check.rules.markers import MARKER, loc_at_line, unfilled_lines
from generator.check.rules.text import changed_lines, unfilled
from generator.core import totals
from generator.core.errors import Severity

W = Severity.WARNING


@rule("unfilled-draft", W, "草稿还没有填完",
      f"由 `python -m generator new` 生成的草稿，每个待填的数字后面都有“{MARKER}”标记；"
      "还有标记的文件可以校验和预览，但不能发布（site、render 报错）。每个文件报告一次：未填行数和第一处。",
      fix=f"逐行填好本年数，并删去该行的“{MARKER}”；本年确实为 0 的，也要删去标记表示已经核对。",
      blocks_publishing=True)
def unfilled_draft(ctx: Context) -> Iterator[Finding]:
    lines = unfilled_lines(ctx.document.text)
    if lines:
        first = lines[0]
        yield Finding(loc_at_line(ctx.document, first),
                      f"草稿还有 {len(lines)} 行未填写（标有“{MARKER}”），第一处是第 {first} 行", actual=str(len(lines)))


@rule("unfilled-amount", W, "草稿中的本年数未填写",
      "草稿（还有“# 待填写”标记的文件）中，上年有金额而本年数仍为 0 的行：多半是还没有填，而不是要说明减少的原因。",
      fix="填上本年数；本年确实取消的，删去该行的“# 待填写”并在 reason 中说明原因。")
def unfilled_amount(ctx: Context) -> Iterator[Finding]:
    for loc, label, current, prior, _reason, _basis in changed_lines(ctx):
        if prior is not None and unfilled(ctx, current, prior):
            yield Finding(loc, f"{label} 本年数未填写（现为 0，上年 {ctx.amt(prior)}）")


@rule("empty-budget", W, "本年收入或支出合计为 0",
      "本年收入合计或本年支出合计为 0 的预算（通常是没有填完的草稿）会生成“收入总预算0.00万元，包括：，……”"
      "这样的残句，不能发布（site、render 报错）。",
      fix="填写 income 下各来源的本年收入和 expenditure 下各行的本年支出。",
      blocks_publishing=True)
def empty_budget(ctx: Context) -> Iterator[Finding]:
    t = totals.totals(ctx.budget)
    empty = [name for name, value in (("本年收入合计", t.income_total), ("本年支出合计", t.spending)) if not value]
    if empty:
        loc = ("income",) if t.income_total == 0 else ("expenditure",)
        yield Finding(loc, f"{'和'.join(empty)}为 0，页面会印出“包括：，”这样的残句",
                      actual="0")
