"""文字与说明: placeholders, reasons for changes, staff counts (generator.check.rules.text)."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

W = Severity.WARNING

GROUP = Group("text", "文字与说明")

PLACEHOLDER_TEXT = Slug(
    GROUP, "placeholder-text", W, "文字中有占位符",
    "文字中出现 XX、待补充、TODO 等占位符，说明内容还没有写完（导入 Excel 时无法带入的文字也以“待补充”标出）。",
    "把占位符换成正式的文字；暂时没有内容的可选文字可以整项删去。")
MISSING_REASON = Slug(
    GROUP, "missing-reason", W, "变化较大但没有说明原因",
    "与上年相比增减幅度超过阈值（profile 的 reason_threshold_pct，或命令行 --reason-threshold），或为新增、"
    "取消的项目，却没有填写原因。草稿中本年数仍为 0 的行不在此列（见 unfilled-amount）。",
    "在该行填写 reason（如“人员增加”“压减经费”），写成一句能接在“主要原因是”后面的话。")
REASON_DIRECTION_MISMATCH = Slug(
    GROUP, "reason-direction-mismatch", W, "原因与增减方向相反",
    "金额减少而原因写“增加”，或金额增加而原因写“减少/压减”：生成的句子会自相矛盾，请核对原因或金额。",
    "核对金额和上年数（prior）；金额无误时改写 reason，使它与增减方向一致。")
PRIOR_VIEWS_DISAGREE = Slug(
    GROUP, "prior-views-disagree", W, "上年数在不同口径下合计不一致",
    "一般公共预算的上年数，按功能分类（项）汇总与按经济分类（基本 + 项目，款）汇总应当相等；"
    "不等通常说明某些上年存在、今年取消的科目没有列出（可只填 prior 记录）。",
    "对照上年的公开报表，把上年有、今年取消的科目补进 basic_by_economic / project_by_economic（只填 prior，"
    "本年数填 0），或改正填错的上年数，直到两边的上年合计相等。")
STAFF_OVER_ESTABLISHMENT = Slug(
    GROUP, "staff-over-establishment", W, "在职人数超过编制数",
    "在职实有人数多于行政、事业、工勤编制之和，请核对。",
    "核对 overview.staff 中的在职人数（in_service）与三类编制数（establishment），改正填错的一项。")
