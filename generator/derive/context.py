"""Everything a department page shows, computed once per department-year (pure: model in, typed data out).

:func:`page_context` is the derive step of the pipeline (load → check → derive → publish): it builds
the facts, every table the profile lists, the lines each section explains, the glossary and the
staff figures once; the page, the 勘误 page, the downloads and the figure diff's sentence list all
read this one object. Templates only place its values (they read attributes; ``vars`` lists the
names they see); they do no arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from generator.core import totals
from generator.core.explained import ExplainedLine, lines_for
from generator.core.facts import INCOME_NAMES, Facts
from generator.core.model import Budget
from generator.core.money import convert
from generator.core.profiles import Profile
from generator.core.registry import Registry, lineage
from generator.core.specs import fill
from generator.core.vocabulary import FISCAL_FUNDS, FISCAL_LABELS, FUNDS, cn_index
from generator.derive import tables
from generator.derive.layout import Table
from generator.derive.phrases import Phrases
from generator.derive.sources import class_totals


@dataclass(frozen=True)
class Staff:
    establishment: int
    actual: int
    actual_change: str
    in_service_change: str
    retired_change: str


@dataclass(frozen=True)
class GlossaryItem:
    number: str
    term: str
    joiner: str
    text: str


@dataclass(frozen=True)
class PageContext:
    """One department-year as its pages show it."""

    b: Budget
    profile: Profile
    registry: Registry
    facts: Facts  # department-level figures by name (generator.core.facts), in the recorded unit
    tables: dict[str, Table]  # by table key, in the profile's order
    lines: dict[str, list[ExplainedLine]]  # the lines each section explains, by section key
    p: Phrases
    staff: Staff | None  # None: the locality does not publish staff counts
    glossary: list[GlossaryItem]
    income_sources: list[tuple[str, Decimal]]  # (label, amount) of every income source with an amount
    classes: list[tuple[str, Decimal]]  # (类 name, spending of all funds)
    fiscal_classes: list[tuple[str, Decimal]]  # (类 name, spending of the 财政拨款 funds)
    fiscal_by_fund: list[tuple[str, Decimal]]  # (label, income) of each 财政拨款 fund
    other_duties: list[tuple[str, str]]  # (numeral, text): duty paragraphs after the main list, from （二）

    @property
    def dept(self) -> str:
        return self.b.department.name

    @property
    def year(self) -> int:
        return self.b.year

    @property
    def prior_year(self) -> int:
        return self.b.year - 1

    @property
    def unit(self) -> str:
        return self.b.display_unit

    @property
    def income_reason(self) -> str | None:
        return self.b.income.general_budget.reason if self.b.income.general_budget else None

    def prior_total(self, key: str) -> Decimal | None:
        """A prior-year total the document states (``prior_totals``), in the file's unit; None when not stated."""
        pt = self.b.prior_totals
        value = getattr(pt, key) if pt is not None else None
        return None if value is None or pt is None else convert(value, pt.unit or self.b.unit, self.b.unit)

    def fill(self, text: str, unit: str = "") -> str:
        """A profile text with {year}, {prior_year}, {dept} (and {unit}) filled in."""
        return fill(text, self.year, self.dept, unit)

    def vars(self) -> dict[str, Any]:
        """The names a template sees: every field and the properties above."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(dept=self.dept, year=self.year, prior_year=self.prior_year, unit=self.unit,
                   income_reason=self.income_reason, cn=cn_index, fill=self.fill, prior_total=self.prior_total)
        return out


def staff_change(current: int, prior: int | None) -> str:
    if prior is None:
        return ""
    d = current - prior
    return f"增加{d}人" if d > 0 else (f"减少{-d}人" if d < 0 else "无变化")


def staff(b: Budget) -> Staff | None:
    s = b.overview.staff
    if s is None:
        return None
    actual = s.in_service.current + s.retired.current
    prior = None if s.in_service.prior is None or s.retired.prior is None else s.in_service.prior + s.retired.prior
    return Staff(s.establishment.administrative + s.establishment.institutional + s.establishment.worker, actual,
                 staff_change(actual, prior), staff_change(s.in_service.current, s.in_service.prior),
                 staff_change(s.retired.current, s.retired.prior))


def glossary(b: Budget, reg: Registry, profile: Profile) -> list[GlossaryItem]:
    items = [(g.term, g.joiner, g.text) for g in profile.glossary]
    # the 科目说明 of each 项 the department uses, where the profile's glossary appends them
    for line in sorted(b.expenditure, key=lambda x: x.code) if profile.rules.code_descriptions else ():
        entry = reg.function.get(line.code)
        if not entry or not entry.description or not totals.line_total(line):
            continue
        chain = lineage(line.code)
        term = "".join(f"{reg.function_name(c) if c != line.code else line.name}（{lvl}）"
                       for c, lvl in zip(chain, ("类", "款", "项"), strict=False))
        items.append((term, "：", entry.description))
    return [GlossaryItem(cn_index(i), term, joiner, text) for i, (term, joiner, text) in enumerate(items, 1)]


def page_context(b: Budget, reg: Registry, profile: Profile) -> PageContext:
    facts = Facts(b)
    income = facts.totals.income
    return PageContext(
        b=b,
        profile=profile,
        registry=reg,
        facts=facts,
        tables=tables.build(b, reg, profile.tables, facts),
        lines={s.key: lines_for(s.lines, b, reg) for s in profile.sections if s.lines},
        p=Phrases(b.unit, b.display_unit),
        staff=staff(b),
        glossary=glossary(b, reg, profile),
        income_sources=[(label, income[key]) for key, label in INCOME_NAMES.items() if income.get(key)],
        classes=facts.derived(("class_totals", tuple(FUNDS)), lambda: class_totals(b, reg, tuple(FUNDS))),
        fiscal_classes=facts.derived(("class_totals", tuple(FISCAL_FUNDS)),
                                     lambda: class_totals(b, reg, tuple(FISCAL_FUNDS))),
        fiscal_by_fund=[(label, income[key]) for key, label in FISCAL_LABELS],
        # （一） is the main list of duties; further duty paragraphs are numbered from （二）.
        other_duties=[(cn_index(i), text) for i, text in enumerate(b.overview.duties.other, 2)],
    )
