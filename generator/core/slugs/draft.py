"""Drafts and empty budgets: validated and previewed, never published (generator.check.rules.draft)."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug
from generator.core.vocabulary import MARKER

W = Severity.WARNING

GROUP = Group("draft", "草稿与发布")

UNFILLED_DRAFT = Slug(
    GROUP, "unfilled-draft", W, "草稿还没有填完",
    f"由 `python -m generator new` 生成的草稿，每个待填的数字后面都有“{MARKER}”标记；还有标记的文件可以校验和预览，"
    "但不能发布（site、render 报错）。每个文件报告一次：未填行数和第一处。",
    f"逐行填好本年数，并删去该行的“{MARKER}”；本年确实为 0 的，也要删去标记表示已经核对。",
    blocks_publishing=True)
UNFILLED_AMOUNT = Slug(
    GROUP, "unfilled-amount", W, "草稿中的本年数未填写",
    f"草稿（还有“{MARKER}”标记的文件）中，上年有金额而本年数仍为 0 的行：多半是还没有填，而不是要说明减少的原因。",
    f"填上本年数；本年确实取消的，删去该行的“{MARKER}”并在 reason 中说明原因。")
EMPTY_BUDGET = Slug(
    GROUP, "empty-budget", W, "本年收入或支出合计为 0",
    "本年收入合计或本年支出合计为 0 的预算（通常是没有填完的草稿）会生成“收入总预算0.00万元，包括：，……”这样的残句，"
    "不能发布（site、render 报错）。",
    "填写 income 下各来源的本年收入和 expenditure 下各行的本年支出。",
    blocks_publishing=True)
