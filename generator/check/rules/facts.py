"""Recorded facts: present where the profile prints them, and consistent with each other.

A file leaves out what its locality does not publish (``core.facts``); what the profile's tables and
sections print must be there. Counts and amounts a document states beside each other must agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.rules.catalogue import Context, Finding, rule
from generator.core import facts, totals
from generator.core.errors import Severity
from generator.core.vocabulary import SPENDING_SOURCES

E = Severity.ERROR


@rule("missing-fact", E, "地区模板要公开的数据没有填写",
      "地区模板（profile 的 rules.requires）列出它的表格和说明要印出的数据，如人员构成、主管部门；"
      "文件没有写这些数据时无法发布。地区本来就不公开的数据不在此列，整项不写即可（不要填 0）。",
      fix="按提示在所指位置补上该项数据；如果本地区确实不公开它，应改的是地区模板的 rules.requires。")
def missing_fact(ctx: Context) -> Iterator[Finding]:
    for key in facts.absent(ctx.budget, ctx.profile.rules.requires):
        fact = facts.FACTS[key]
        where = ".".join(map(str, fact.where))
        yield Finding(fact.where, f"地区模板 {ctx.profile.key} 要公开“{fact.label}”，文件中没有填写（{where}）")


@rule("basic-split-conflict", E, "基本支出既填了合计又分了人员经费、公用经费",
      "一个资金来源的基本支出，要么分列 personnel（人员经费）和 public（公用经费），要么只填合计 basic"
      "（地区只公开基本支出合计时），不能两者都填，否则基本支出会被算两次。",
      fix="只公开基本支出合计的地区删去 personnel、public；分列人员经费和公用经费的地区删去 basic。")
def basic_split(ctx: Context) -> Iterator[Finding]:
    for i, line in enumerate(ctx.budget.expenditure):
        for source in SPENDING_SOURCES:
            block = totals.fund_block(line, source)
            if block is not None and block.basic is not None and (block.personnel or block.public):
                yield Finding(("expenditure", i, source, "basic"),
                              f"{line.code} {line.name} 同时填了基本支出合计 basic 和人员经费/公用经费")


@rule("unit-count-mismatch", E, "预算单位数与所列单位不符",
      "overview.unit_counts 按类型给出纳入部门预算的单位数（含部门本级），合计必须等于 1 + 所列预算单位"
      "（budget_units）的个数。",
      fix="核对各类单位的家数与 budget_units 所列的单位，改正多写或漏写的一处。")
def unit_counts(ctx: Context) -> Iterator[Finding]:
    o = ctx.budget.overview
    if o.unit_counts is None or "budget_units" not in o.model_fields_set:
        return
    counted = o.unit_counts.administrative + o.unit_counts.civil_service + o.unit_counts.institutional
    listed = 1 + len(o.budget_units)
    if counted != listed:
        yield Finding(("overview", "unit_counts"),
                      f"各类单位合计 {counted} 家，而部门本级加所列预算单位共 {listed} 家",
                      expected=str(listed), actual=str(counted))


@rule("vehicle-count-mismatch", E, "车辆分类台数之和与车辆数不等",
      "国有资产中车辆按用途分类（vehicle_categories）时，八类台数之和必须等于车辆数（vehicles）；"
      "占有和拟购置分别核对。",
      fix="核对 vehicles 与各类车辆的台数，改正填错的一项。")
def vehicles(ctx: Context) -> Iterator[Finding]:
    for part, label in (("holdings", "占有"), ("planned", "拟购置")):
        counts = getattr(ctx.budget.assets, part)
        if counts.vehicle_categories is None:
            continue
        summed = sum(counts.vehicle_categories.model_dump().values())
        if summed != counts.vehicles:
            yield Finding(("assets", part, "vehicles"), f"{label}车辆 {counts.vehicles} 辆，各类合计 {summed} 辆",
                          expected=str(summed), actual=str(counts.vehicles))


@rule("procurement-reserve-exceeds", E, "中小企业预留超过政府采购预算",
      "面向中小企业预留的金额不能超过政府采购预算合计（货物 + 工程 + 服务），其中预留给小型和微型企业的"
      "金额不能超过面向中小企业预留的金额。",
      fix="核对 procurement 的 sme_reserved、small_micro_reserved 与货物、工程、服务三项，改正填错的一项。")
def procurement_reserve(ctx: Context) -> Iterator[Finding]:
    p = ctx.budget.procurement
    whole = p.goods + p.works + p.services
    if p.sme_reserved is not None and p.sme_reserved > whole:
        yield Finding(("procurement", "sme_reserved"),
                      f"中小企业预留 {ctx.amt(p.sme_reserved)} 超过政府采购预算 {ctx.amt(whole)}",
                      expected=f"<= {whole}", actual=str(p.sme_reserved))
    if p.small_micro_reserved is not None and p.small_micro_reserved > (p.sme_reserved or 0):
        yield Finding(("procurement", "small_micro_reserved"),
                      f"小微企业预留 {ctx.amt(p.small_micro_reserved)} 超过中小企业预留 {ctx.amt(p.sme_reserved or 0)}",
                      expected=f"<= {p.sme_reserved or 0}", actual=str(p.small_micro_reserved))
