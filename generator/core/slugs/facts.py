"""不公开的数据与地区数据: the facts a profile prints are there, and the facts some localities add agree
(generator.check.rules.facts)."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

E = Severity.ERROR

GROUP = Group("facts", "不公开的数据与地区数据",
              "地区不公开的数据整项不写；地区模板要印出的数据不能缺，各地区特有的数据（单位家数、车辆分类、中小企业预留）要前后一致。")

MISSING_FACT = Slug(
    GROUP, "missing-fact", E, "地区模板要公开的数据没有填写",
    "地区模板的表格和说明要印出的数据（表格的行来源和各列所需，如项目清单、人员经费/公用经费的划分；小节的 needs；"
    "rules.requires），文件没有写时无法发布。地区本来就不公开的数据不在此列，整项不写即可（不要填 0）。",
    "按提示在所指位置补上该项数据；如果本地区确实不公开它，应从地区模板中删去要印出它的表格或小节"
    "（或其 needs、rules.requires）。")
BASIC_SPLIT_CONFLICT = Slug(
    GROUP, "basic-split-conflict", E, "基本支出既填了合计又分了人员经费、公用经费",
    "一个资金来源的基本支出，要么分列 personnel（人员经费）和 public（公用经费），要么只填合计 basic（地区只公开基本支出合计时）"
    "，不能两者都填，否则基本支出会被算两次。",
    "只公开基本支出合计的地区删去 personnel、public；分列人员经费和公用经费的地区删去 basic。")
UNIT_COUNT_MISMATCH = Slug(
    GROUP, "unit-count-mismatch", E, "预算单位数与所列单位不符",
    "overview.unit_counts 按类型给出纳入部门预算的单位数（含部门本级），合计必须等于 1 + 所列预算单位（budget_units）的个数。",
    "核对各类单位的家数与 budget_units 所列的单位，改正多写或漏写的一处。")
VEHICLE_COUNT_MISMATCH = Slug(
    GROUP, "vehicle-count-mismatch", E, "车辆分类台数之和与车辆数不等",
    "国有资产中车辆按用途分类（vehicle_categories）时，八类台数之和必须等于车辆数（vehicles）；占有和拟购置分别核对。",
    "核对 vehicles 与各类车辆的台数，改正填错的一项。")
PROCUREMENT_RESERVE_EXCEEDS = Slug(
    GROUP, "procurement-reserve-exceeds", E, "中小企业预留超过政府采购预算",
    "面向中小企业预留的金额不能超过政府采购预算合计（货物 + 工程 + 服务），其中预留给小型和微型企业的金额不能超过面向中小企业预"
    "留的金额。",
    "核对 procurement 的 sme_reserved、small_micro_reserved 与货物、工程、服务三项，改正填错的一项。")
