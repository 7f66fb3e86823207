"""勾稽关系 and 绩效: every view of the same money agrees (generator.check.rules.reconcile)."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

E = Severity.ERROR
W = Severity.WARNING

GROUP = Group("reconcile", "勾稽关系与绩效")

INCOME_EXPENDITURE_MISMATCH = Slug(
    GROUP, "income-expenditure-mismatch", E, "收入总计与支出总计不等",
    "收入总计（本年收入 + 上年结转结余）必须等于支出总计（本年支出 + 年终结转结余）。",
    "先看差额：通常是某一笔收入（income）或某一行支出（expenditure 的人员经费、公用经费、项目支出）填错了，"
    "与原始报表逐行核对所指的行和相关行；收支确实不等时，差额应记入上年结转结余或年终结转结余。")
FUND_BALANCE_MISMATCH = Slug(
    GROUP, "fund-balance-mismatch", E, "某一资金来源的收入与支出不等",
    "每一资金来源（一般公共预算、政府性基金、国有资本经营、财政专户、单位资金）的本年收入加上年结转，必须等于该来源安排的支出加"
    "年终结转结余。功能分类各行按收入来源分列事业收入、事业单位经营收入、其他收入安排的支出（business_income 等）时，这三项也分别"
    "与 income 中对应的收入核对。",
    "核对该资金来源的收入（income 下对应的 amount）与各行支出中该来源的金额；差额如果恰好等于某一行的改动，改正那一行。")
FUNCTION_ECONOMIC_MISMATCH = Slug(
    GROUP, "function-economic-mismatch", E, "功能分类与经济分类合计不等",
    "一般公共预算的人员经费、公用经费、项目支出，按支出功能分类汇总与按经济分类汇总必须相等（经济分类中 301、303 类计入人员经费"
    "，其余计入公用经费）。只比较文件中都有的部分：没有基本支出经济分类（basic_by_economic）就不比基本支出，没有项目支出经济分类"
    "（project_by_economic）就不比项目支出；功能分类只记基本支出合计（basic）时，比较基本支出合计。",
    "同一笔钱在功能分类（expenditure）和经济分类（basic_by_economic / project_by_economic）各记了一次，两边要一起改：找出只改了"
    "一边的那一行，把另一边的对应金额改成同样的数。")
PROJECT_LIST_MISMATCH = Slug(
    GROUP, "project-list-mismatch", E, "项目支出表与项目支出合计不等",
    "项目支出表中各资金来源的合计（本年拨款 + 结转结余）必须等于支出功能分类中该来源的项目支出。",
    "项目支出表（projects）各项目的金额与功能分类各行的项目支出（project）要一起改：新增、删除或调整一个项目时，"
    "同时改对应功能分类行的 project。")
THREE_PUBLIC_ECONOMIC_MISMATCH = Slug(
    GROUP, "three-public-economic-mismatch", E, "“三公”经费与经济分类不等",
    "一般公共预算“三公”经费各项必须等于对应经济分类科目（基本 + 项目）的金额：因公出国（境）费用 30212、公务接待费 30217、公务用"
    "车运行维护费 30231、公务用车购置 31013。文件没有项目支出经济分类（project_by_economic）时，只能核对下限：各项不少于基本支出"
    "中对应科目的金额。",
    "把 three_public 中该项的 amount 改成经济分类对应科目（基本支出与项目支出之和）的金额，或改正经济分类中该科目的金额。")
OPERATING_COST_MISMATCH = Slug(
    GROUP, "operating-cost-mismatch", E, "机关运行经费与公用经费不等",
    "按本地区口径（profile 的 operating_costs_basis: basic_public），"
    "机关运行经费等于一般公共预算基本支出中的公用经费。",
    "把 operating_costs 的 amount 改成一般公共预算基本支出中公用经费的合计（各功能分类行 public 之和）。")
PROCUREMENT_EXCEEDS_SPENDING = Slug(
    GROUP, "procurement-exceeds-spending", E, "政府采购预算超过支出总额",
    "货物、工程、服务三类政府采购预算之和不能超过本年支出合计。",
    "核对 procurement 的 goods、works、services 三个金额（单位与文件的 unit 相同），改正多写的那一项。")
PERFORMANCE_WEIGHTS = Slug(
    GROUP, "performance-weights", E, "绩效指标权重合计不是 100",
    "每个项目的各项绩效指标权重加上预算执行率权重，合计必须为 100。",
    "调整该绩效目标下各指标的 weight 或 execution_weight，使合计正好为 100。")
PERFORMANCE_COVERAGE = Slug(
    GROUP, "performance-coverage", E, "绩效目标与预算不对应",
    "绩效表的预算数由 covers 汇总：所指的经济分类（款）必须在基本支出中、项目必须在项目支出表中，"
    "同一款或同一项目不能被两个绩效目标重复计入，绩效表合计不能超过支出合计。",
    "把 covers 改为基本支出中已有的经济分类款编码或项目支出表中已有的项目名称（逐字一致），并删去重复计入的那一处。")
PERFORMANCE_MISSING_TARGET = Slug(
    GROUP, "performance-missing-target", W, "项目没有绩效目标",
    "项目支出表中的每个项目都应在项目支出绩效表中有绩效目标。",
    "在 performance_targets 中为该项目加一个绩效目标（covers: {project: 项目名称}），或确认该项目不需要。")
DUPLICATE_LINE = Slug(
    GROUP, "duplicate-line", E, "同一科目或项目重复出现",
    "同一支出功能分类（项）、同一经济分类（款或细化科目）、同一项目名称在各自的清单中只能出现一次。",
    "把两行合并为一行（金额相加），或改正其中一行的编码或名称。")
ECONOMIC_LINE_SHAPE = Slug(
    GROUP, "economic-line-shape", E, "经济分类款的金额填写方式不对",
    "一个款要么直接填 amount，要么列出 7 位细化科目 items（金额自动汇总），不能两者都填或都不填。",
    "有细化科目时删去款的 amount；没有细化科目时填上 amount。")
