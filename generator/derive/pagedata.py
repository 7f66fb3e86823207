"""Everything a department page shows, computed up front (pure: model in, plain data out).

Templates only place these values; they do no arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.core import totals
from generator.core.explained import explained_lines
from generator.core.model import Budget
from generator.core.money import ZERO, total
from generator.core.profiles import Profile
from generator.core.registry import Registry, lineage
from generator.core.totals import line_fund_total, line_prior
from generator.core.vocabulary import FISCAL_FUNDS, FISCAL_LABELS, FUNDS, INCOME_LABELS
from generator.derive import tables, trees
from generator.derive.phrases import Phrases
from generator.derive.tables import cn_index


def fund_prior(b: Budget, funds: tuple[str, ...]) -> Decimal | None:
    priors = [p for x in b.expenditure for f in funds if (p := line_prior(x, f)) is not None]
    return total(priors) if priors else None


def glossary(b: Budget, reg: Registry, profile: Profile) -> list[dict[str, str]]:
    items = [{"term": g.term, "joiner": g.joiner, "text": g.text} for g in profile.glossary]
    for line in sorted(b.expenditure, key=lambda x: x.code):
        entry = reg.function.get(line.code)
        if not entry or not entry.description or not totals.line_total(line):
            continue
        chain = lineage(line.code)
        term = "".join(f"{reg.function_name(c) if c != line.code else line.name}（{lvl}）"
                       for c, lvl in zip(chain, ("类", "款", "项"), strict=False))
        items.append({"term": term, "joiner": "：", "text": entry.description})
    for i, item in enumerate(items, 1):
        item["number"] = cn_index(i)
    return items


def staff_change(current: int, prior: int | None) -> str:
    if prior is None:
        return ""
    d = current - prior
    return f"增加{d}人" if d > 0 else (f"减少{-d}人" if d < 0 else "无变化")


def page_context(b: Budget, reg: Registry, profile: Profile) -> dict[str, Any]:
    t = totals.totals(b)
    built = tables.build(b, reg, [s.key for s in profile.tables])
    s = b.overview.staff
    staff = None if s is None else {  # None: the locality does not publish staff counts
        "establishment": s.establishment.administrative + s.establishment.institutional + s.establishment.worker,
        "actual": s.in_service.current + s.retired.current,
        "actual_change": staff_change(
            s.in_service.current + s.retired.current,
            None if s.in_service.prior is None or s.retired.prior is None else s.in_service.prior + s.retired.prior,
        ),
        "in_service_change": staff_change(s.in_service.current, s.in_service.prior),
        "retired_change": staff_change(s.retired.current, s.retired.prior),
    }
    g = "general_budget"
    fiscal_income = total(t.income[f] for f in FISCAL_FUNDS)
    classes = _class_totals(b, reg, FUNDS)
    fiscal_classes = _class_totals(b, reg, FISCAL_FUNDS)
    tp = b.three_public
    perf_total = total(totals.performance_budget(b, i) for i in range(len(b.performance_targets)))
    return {
        "b": b,
        "dept": b.department.name,
        "year": b.year,
        "unit": b.display_unit,
        "t": t,
        "p": Phrases(b.unit, b.display_unit),
        "profile": profile,
        "tables": built,
        "income_sources": [(label, t.income[key]) for key, label in INCOME_LABELS + [("other", "其他收入")]
                           if t.income.get(key)],
        "classes": classes,
        "fiscal_income": fiscal_income,
        "fiscal_spending": total(t.by_fund[f] for f in FISCAL_FUNDS),
        "fiscal_prior": fund_prior(b, FISCAL_FUNDS),
        "fiscal_classes": fiscal_classes,
        "fiscal_by_fund": [(label, t.income[key]) for key, label in FISCAL_LABELS],
        "general_total": t.by_fund[g],
        **explained_lines(b, reg),  # general_lines, gov_fund_lines, state_capital_lines, basic_lines, project_lines
        "gov_fund_prior": fund_prior(b, ("gov_fund",)),
        "state_capital_prior": fund_prior(b, ("state_capital",)),
        "general_basic": total(totals.basic(x, g) for x in b.expenditure),
        "general_personnel": total(totals.fund_amount(x, g, "personnel") for x in b.expenditure),
        "general_public": total(totals.fund_amount(x, g, "public") for x in b.expenditure),
        "general_project": total(totals.fund_amount(x, g, "project") for x in b.expenditure),
        "three_public_total": tp.outbound.amount + tp.vehicle_purchase.amount + tp.vehicle_operation.amount
        + tp.reception.amount,
        "three_public_prior": _sum_optional([tp.outbound.prior, tp.vehicle_purchase.prior,
                                             tp.vehicle_operation.prior, tp.reception.prior]),
        "vehicle_total": tp.vehicle_purchase.amount + tp.vehicle_operation.amount,
        "vehicle_prior": _sum_optional([tp.vehicle_purchase.prior, tp.vehicle_operation.prior]),
        "income_whole": t.income_total + t.carryover_total,
        "spending_whole": t.spending + t.year_end_total,
        "other_spending": t.spending - t.basic - t.project,
        "prior_year": b.year - 1,
        # （一） is the main list of duties; further duty paragraphs are numbered from （二）.
        "other_duties": [(cn_index(i), text) for i, text in enumerate(b.overview.duties.other, 2)],
        "income_reason": b.income.general_budget.reason if b.income.general_budget else None,
        "procurement_total": b.procurement.goods + b.procurement.works + b.procurement.services,
        "performance_count": len(b.performance_targets),
        "performance_total": perf_total,
        "staff": staff,
        "glossary": glossary(b, reg, profile),
        "cn": cn_index,
        "funds": FUNDS,
        "zero": ZERO,
    }


def _sum_optional(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return total(present) if present else None


def _class_totals(b: Budget, reg: Registry, funds: tuple[str, ...]) -> list[tuple[str, Decimal]]:
    """(类 name, amount) in the recorded unit, for the funds given."""
    tree = trees.function_tree(b, reg, [lambda x: total(line_fund_total(x, f) for f in funds)])
    return [(r.name, r.values[0]) for r in tree if r.level == 0]
