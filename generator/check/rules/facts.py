"""Recorded facts: present where the profile prints them, and consistent with each other.

A file leaves out what its locality does not publish (``core.recorded``); what the profile's tables and
sections print must be there. Counts and amounts a document states beside each other must agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.rules.catalogue import Context, Finding, rule
from generator.core import recorded, totals
from generator.core.slugs.facts import (
    BASIC_SPLIT_CONFLICT,
    MISSING_FACT,
    PROCUREMENT_RESERVE_EXCEEDS,
    UNIT_COUNT_MISMATCH,
    VEHICLE_COUNT_MISMATCH,
)
from generator.core.vocabulary import SPENDING_SOURCES


@rule(MISSING_FACT)
def missing_fact(ctx: Context) -> Iterator[Finding]:
    """What the profile prints must be recorded: its ``rules.requires``, and what each of its tables and sections
    needs (a table of projects needs the project list …); reported once per fact, naming the first that needs it."""
    p = ctx.profile
    wanted: dict[str, str] = {key: "" for key in p.rules.requires}
    for spec in p.tables:
        for key in spec.required():
            wanted.setdefault(key, f"表格“{spec.title}”")
    for section in p.sections:
        for key in section.needs:
            wanted.setdefault(key, f"小节 {section.key}")
    for key in recorded.absent(ctx.budget, list(wanted)):
        fact = recorded.RECORDED[key]
        where = ".".join(map(str, fact.where))
        by = f"的{wanted[key]}" if wanted[key] else ""
        yield Finding(fact.where, f"地区模板 {p.key}{by}要公开“{fact.label}”，文件中没有填写（{where}）")


@rule(BASIC_SPLIT_CONFLICT)
def basic_split(ctx: Context) -> Iterator[Finding]:
    for i, line in enumerate(ctx.budget.expenditure):
        for source in SPENDING_SOURCES:
            block = totals.fund_block(line, source)
            if block is not None and block.basic is not None and (block.personnel or block.public):
                yield Finding(("expenditure", i, source, "basic"),
                              f"{line.code} {line.name} 同时填了基本支出合计 basic 和人员经费/公用经费")


@rule(UNIT_COUNT_MISMATCH)
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


@rule(VEHICLE_COUNT_MISMATCH)
def vehicles(ctx: Context) -> Iterator[Finding]:
    for part, label in (("holdings", "占有"), ("planned", "拟购置")):
        counts = getattr(ctx.budget.assets, part)
        if counts.vehicle_categories is None:
            continue
        summed = sum(counts.vehicle_categories.model_dump().values())
        if summed != counts.vehicles:
            yield Finding(("assets", part, "vehicles"), f"{label}车辆 {counts.vehicles} 辆，各类合计 {summed} 辆",
                          expected=str(summed), actual=str(counts.vehicles))


@rule(PROCUREMENT_RESERVE_EXCEEDS)
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
