"""Recorded facts: what a locality may not publish, and whether a budget file records it.

(Not the figures of :mod:`generator.core.facts`, which are computed from what is recorded.)

A file leaves out what its locality does not publish (staff counts, the 人员/公用 split of each function
line, the project list, project spending by economic class, …): absent, not zero. A rule that needs an
absent fact does not run (``check.rules.catalogue.rule(needs=…)``), and a profile lists the facts its
tables and sections print (``rules.requires``), so that leaving out one of those is a located error.

A list is absent when its key is not in the file (``projects: []`` means “published, and there are none”);
an optional block is absent when it is not written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.core.model import Budget
from generator.core.vocabulary import FISCAL_FUNDS, SPENDING_SOURCES

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Recorded:
    label: str  # what an editor calls it, for messages and the guide
    present: Callable[[Budget], bool]
    where: Loc  # where the missing fact would be written (a problem points there, or at its nearest ancestor)


def _listed(key: str) -> Callable[[Budget], bool]:
    return lambda b: key in b.model_fields_set


def _split(b: Budget) -> bool:
    """Every function line's 基本支出 is split into 人员经费 and 公用经费 (no line records an unsplit ``basic``)."""
    return not any(block is not None and block.basic is not None
                   for line in b.expenditure for block in (getattr(line, s) for s in SPENDING_SOURCES))


def _purposes(b: Budget) -> bool:
    """Every function line with 财政拨款 spending says what it is for (the 编制说明 lists them with “主要用于…”)."""
    return all(line.purpose for line in b.expenditure
               if any(getattr(line, f) is not None for f in FISCAL_FUNDS))


def _line_priors(b: Budget) -> bool:
    return any(block is not None and block.prior is not None
               for line in b.expenditure for block in (getattr(line, s) for s in SPENDING_SOURCES))


RECORDED: dict[str, Recorded] = {
    "staff": Recorded("人员构成（编制数、实有人数）", lambda b: b.overview.staff is not None, ("overview", "staff")),
    "supervisor": Recorded("主管部门", lambda b: b.department.supervisor is not None, ("department", "supervisor")),
    "affiliation": Recorded("隶属关系", lambda b: b.department.affiliation is not None, ("department", "affiliation")),
    "personnel_split": Recorded("功能分类各行的人员经费、公用经费划分", _split, ("expenditure",)),
    "line_priors": Recorded("功能分类各行的上年预算数", _line_priors, ("expenditure",)),
    "basic_by_economic": Recorded("基本支出经济分类", _listed("basic_by_economic"), ("basic_by_economic",)),
    "project_by_economic": Recorded("项目支出经济分类", _listed("project_by_economic"), ("project_by_economic",)),
    "projects": Recorded("项目支出表（项目清单）", _listed("projects"), ("projects",)),
    "performance_targets": Recorded("项目支出绩效表", _listed("performance_targets"), ("performance_targets",)),
    "purposes": Recorded("功能分类各行的用途（主要用于……）", _purposes, ("expenditure",)),
    "unit_counts": Recorded("各类预算单位家数", lambda b: b.overview.unit_counts is not None, ("overview", "unit_counts")),
    "performance_summary": Recorded("绩效目标编报情况", lambda b: b.performance_summary is not None,
                                ("performance_summary",)),
    "operating_units": Recorded("机关运行经费所含的单位家数", lambda b: b.operating_costs.units is not None,
                            ("operating_costs", "units")),
    "procurement_reserves": Recorded("面向中小企业预留的政府采购金额",
                                 lambda b: b.procurement.sme_reserved is not None
                                 and b.procurement.small_micro_reserved is not None, ("procurement",)),
    "vehicle_categories": Recorded("车辆按用途分类的台数（占有与拟购置）",
                               lambda b: b.assets.holdings.vehicle_categories is not None
                               and b.assets.planned.vehicle_categories is not None, ("assets",)),
    "asset_date": Recorded("国有资产统计的截至日期", lambda b: b.assets.holdings.as_of is not None, ("assets", "holdings")),
}


def present(budget: Budget, needs: tuple[str, ...]) -> bool:
    """Whether the file records every fact in ``needs``."""
    return all(RECORDED[key].present(budget) for key in needs)


def absent(budget: Budget, keys: tuple[str, ...] | list[str]) -> list[str]:
    """The facts of ``keys`` the file does not record, in the order given."""
    return [key for key in keys if not RECORDED[key].present(budget)]
