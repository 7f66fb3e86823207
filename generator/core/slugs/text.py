"""文字与说明: placeholders, reasons for changes, staff counts (generator.check.rules.text)."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

W = Severity.WARNING
E = Severity.ERROR

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
    GROUP, "reason-direction-mismatch", E, "原因与增减方向相反",
    "金额减少而原因写“增加”，或金额增加而原因写“减少/压减”：生成的句子自相矛盾，是假话，所以是错误，不能发布。"
    "与上年预算数（prior）比较，或只记了上年执行数（prior_actual）时与执行数比较。"
    "公开文本本身就这样写时，句子原文记入勘误（errata），YAML 里的 reason 改成真实原因或删去。",
    "核对金额和上年数（prior）；金额无误时改写 reason，使它与增减方向一致（不知道真实原因就删去 reason），"
    "并把公开原文记入 errata。")
PRIOR_VIEWS_DISAGREE = Slug(
    GROUP, "prior-views-disagree", W, "上年数在不同口径下合计不一致",
    "一般公共预算的上年数，按功能分类（项）汇总与按经济分类（基本 + 项目，款）汇总应当相等；"
    "不等通常说明某些上年存在、今年取消的科目没有列出（可只填 prior 记录）。"
    "文件有项目支出而没有项目支出经济分类（project_by_economic）时不做这项检查。",
    "对照上年的公开报表，把上年有、今年取消的科目补进 basic_by_economic / project_by_economic（只填 prior，"
    "本年数填 0），或改正填错的上年数，直到两边的上年合计相等。")
STAFF_OVER_ESTABLISHMENT = Slug(
    GROUP, "staff-over-establishment", W, "在职人数超过编制数",
    "在职实有人数多于行政、事业、工勤编制之和，请核对。",
    "核对 overview.staff 中的在职人数（in_service）与三类编制数（establishment），改正填错的一项。")
PRIOR_TOTAL_UNLISTED = Slug(
    GROUP, "prior-total-unlisted", W, "上年合计中有未按科目列出的部分",
    "prior_totals 记录了公开文本所述的上年合计（如 877.82），而各科目（项）上年数之和比它少：差额是上年有、"
    "但没有按科目列出的支出（通常是本年取消的科目）。比较句以公开的合计为准，不按各行重算；差额写在勘误页上。",
    "知道是哪个科目时，把它补进 expenditure（本年为 0，只填 prior）；不知道时，把差额作为已知事实填入 "
    "prior_totals.unlisted（按资金来源），此后任何新的差额都是错误。")
PRIOR_TOTAL_MISMATCH = Slug(
    GROUP, "prior-total-mismatch", E, "上年合计与各科目上年数对不上",
    "各科目上年数之和加上已记录的未列出部分（prior_totals.unlisted）必须正好等于公开文本所述的上年合计；"
    "各科目上年数之和大于合计也不可能。对不上通常是某一行的 prior 填错了（哪怕只差 0.01），比较句会因此失真。",
    "对照公开文本核对各行的 prior 和 prior_totals；改正填错的数，使各科目上年数 + 未列出部分 = 上年合计。")
ITEMISED_FIGURES_MISMATCH = Slug(
    GROUP, "itemised-figures-mismatch", W, "文字中的分项金额与预算数不符",
    "绩效目标等文字逐项写出了同一单位的金额（如“系统维护3.2万元，云平台租赁费1.8万元”），它们的和却不等于该项目的预算数。",
    "核对文字中的分项金额；公开文本本身如此时照录原文，并把它记入勘误（errata，category: itemisation）。")
NAMES_ANOTHER_LINE = Slug(
    GROUP, "names-another-line", W, "原因或用途写的是另一个科目",
    "功能分类（项）的用途（purpose）或原因（reason）提到了本文件另一个科目，却没有提到本科目：多半是从相邻的科目复制过来忘了改（"
    "如 职业年金缴费 的原因写成“事业单位离退休经费增加”）。",
    "把该行的 purpose 或 reason 改成说明本科目的话；确实与另一科目有关时，在文字中也写上本科目的名称。")
