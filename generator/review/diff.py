"""What a change to the budget files changes in the published figures: a pure comparison.

Both sides are ``{path: raw bytes}`` (see ``gitio``). Budgets are parsed into models and
matched by (department code, year), so a renamed file is the same budget, and a reformat
or a reordered list changes nothing. The comparison has three layers:

* leaves — every recorded value, keyed by a stable path (``generator.load.leaves``).
* derived figures — the headline totals of ``totals.totals`` and every money cell of the tables
  the profile publishes, keyed by (table, row label, column) as each table's row source names its
  rows (:func:`generator.derive.tables.figures`: a line by its code and name, a side of a two-sided
  table by its item, a project by its name).
* narrative sentences — :func:`generator.publish.narrative.all_sentences` of the same page context.

HEAD is validated like ``validate`` does; each of its problems is marked new when the base has
no problem of the same rule with the same wording for the same department (amounts and line
numbers aside), and a reconciliation problem is pointed at the leaf the change touched
(:mod:`generator.check.rules.changes`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.check import rules
from generator.check.crossfile import cross_file
from generator.check.files import check_budget
from generator.check.rules.changes import changed_lines, point_at_changes
from generator.core import profiles, registry, totals
from generator.core.errors import GeneratorError, Problem, Severity
from generator.core.model import Budget
from generator.core.money import convert
from generator.core.profiles import Profile
from generator.core.vocabulary import FUND_NAMES
from generator.derive import tables
from generator.derive.context import PageContext, page_context
from generator.load.budget import DeptKey, Loaded, Side, load_side
from generator.load.leaves import Delta, LeafChange, compare_leaves, same_value
from generator.publish.narrative import all_sentences

NO_FIGURE_CHANGED = "没有数字变化"

TOTAL_LABELS = {
    "spending": "本年支出合计",
    "basic": "基本支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "project": "项目支出",
    "income_total": "本年收入合计",
    "carryover_total": "上年结转结余",
    "year_end_total": "年终结转结余",
    "prior_spending": "上年支出合计",
}


# ---------------------------------------------------------------- one side


def validate_side(side: Side) -> list[Problem]:
    """The same problems ``validate`` reports for these files."""
    problems = list(side.problems)
    for item in side.parsed:
        problems += check_budget(item.document, item.budget)
    problems += cross_file([Loaded(Path(p.path), p.document, p.budget) for p in side.parsed])
    return rules.sort_problems(dict.fromkeys(problems))  # a profile's problem once, not once per file


# ---------------------------------------------------------------- derived figures


@dataclass(frozen=True)
class Figure:
    table: str  # a table key, or "totals" for the headline figures
    row: str
    column: str
    value: Decimal


def figures(budget: Budget, profile: Profile | None = None, built: dict[str, tables.Table] | None = None
            ) -> dict[tuple[str, str, str], Figure]:
    """The headline totals and every money cell of the profile's tables (``built`` when already laid out)."""
    out: dict[tuple[str, str, str], Figure] = {}

    def put(table: str, row: str, column: str, value: Decimal) -> None:
        out.setdefault((table, row, column), Figure(table, row, column, value))

    t = totals.totals(budget)
    money = lambda v: convert(v, budget.unit, budget.display_unit)  # noqa: E731
    for attr, label in TOTAL_LABELS.items():
        value = getattr(t, attr)
        if value is not None:
            put("totals", label, "", money(value))
    for fund, value in t.by_fund.items():
        put("totals", f"{FUND_NAMES[fund]}支出", "", money(value))
    if built is None:
        built = tables.build(budget, registry.for_year(budget.year), _specs(budget, profile))
    for key, table in built.items():
        for row_label, column, value in tables.figures(table):
            put(key, row_label, column, value)
    return out


def _specs(budget: Budget, profile: Profile | None) -> list[tables.TableSpec]:
    """The profile's tables; every library table when the file names no profile that loads (still compared)."""
    if profile is not None:
        return profile.tables
    try:
        return profiles.load(budget.profile).for_year(budget.year).tables
    except (KeyError, GeneratorError):
        return list(profiles.library().values())


# ---------------------------------------------------------------- comparing


@dataclass(frozen=True)
class FigureChange(Delta):
    figure: Figure


@dataclass(frozen=True)
class SentenceChange:
    section: str
    old: str | None
    new: str | None


@dataclass
class DepartmentDiff:
    key: DeptKey
    name: str
    path: str
    old_path: str
    unit: str
    display_unit: str
    profile: str
    leaves: list[LeafChange] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    sentences: list[SentenceChange] = field(default_factory=list)

    @property
    def figure_changes(self) -> list[LeafChange]:
        return [c for c in self.leaves if c.numeric]

    @property
    def text_changes(self) -> list[LeafChange]:
        return [c for c in self.leaves if not c.numeric]

    @property
    def changed(self) -> bool:
        return bool(self.leaves or self.figures or self.sentences or self.old_path != self.path)


@dataclass(frozen=True)
class Entry:
    key: DeptKey
    name: str
    path: str


@dataclass
class DiffReport:
    base: str
    head: str
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    departments: list[DepartmentDiff] = field(default_factory=list)
    base_problems: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # validation of HEAD
    notes: list[str] = field(default_factory=list)
    new_problems: list[Problem] = field(default_factory=list)  # those of ``problems`` the base did not have

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is not Severity.ERROR]

    @property
    def valid(self) -> bool:
        return not self.errors

    def is_new(self, problem: Problem) -> bool:
        return problem in self.new_problems

    @property
    def figures_changed(self) -> bool:
        return bool(
            self.added or self.removed or any(d.figure_changes or d.figures for d in self.departments)
        )


_AMOUNT = re.compile(r"\d+(?:\.\d+)?(?=万元|元|%| 人| 个)")
_LINE_REF = re.compile(r"第 ?\d+ ?(?:行|条)")


def _problem_key(p: Problem, dept: dict[str, DeptKey]) -> tuple[object, str, str]:
    """What makes a problem “the same” in base and head: department, rule and wording, amounts and lines aside."""
    note = rules.related_note(p.related_lines)
    message = p.message[: -len(note)] if note and p.message.endswith(note) else p.message
    message = _LINE_REF.sub("第#行", _AMOUNT.sub("#", message))
    return (dept.get(p.file, p.file), p.slug, message)


def new_problems(base: list[Problem], base_side: Side, head: list[Problem], head_side: Side) -> list[Problem]:
    """The problems of HEAD that the base does not have (each base problem excuses one head problem)."""
    base_depts = {p.path: p.key for p in base_side.parsed}
    head_depts = {p.path: p.key for p in head_side.parsed}
    seen = Counter(_problem_key(p, base_depts) for p in base)
    out = []
    for p in head:
        key = _problem_key(p, head_depts)
        if seen[key]:
            seen[key] -= 1
        else:
            out.append(p)
    return out


def compare_figures(old: Budget, new: Budget, old_ctx: PageContext | None = None,
                    new_ctx: PageContext | None = None) -> list[FigureChange]:
    a = figures(old, built=old_ctx.tables if old_ctx else None)
    b = figures(new, built=new_ctx.tables if new_ctx else None)
    keys = [*b, *(k for k in a if k not in b)]
    return [
        FigureChange(a[k].value if k in a else None, b[k].value if k in b else None, (b.get(k) or a[k]))
        for k in keys
        if not same_value(a[k].value if k in a else None, b[k].value if k in b else None)
    ]


def context(budget: Budget) -> PageContext:
    """The page context of a budget (its tables, facts and sections); ``LookupError`` when it cannot be derived."""
    try:
        return page_context(budget, registry.for_year(budget.year), profiles.load(budget.profile).for_year(budget.year))
    except Exception as exc:  # a file with errors (unknown profile, no registry for its year) must not break the review
        raise LookupError(f"{type(exc).__name__}: {exc}") from exc


def sentences(ctx: PageContext) -> list[tuple[str, str]]:
    """Narrative sentences of a budget; raises ``LookupError`` when they cannot be produced."""
    try:
        return list(all_sentences(ctx))
    except Exception as exc:  # a template that cannot render this file must not break the review
        raise LookupError(f"{type(exc).__name__}: {exc}") from exc


def compare_sentences(old: PageContext, new: PageContext) -> list[SentenceChange]:
    a, b = sentences(old), sentences(new)
    sections = list(dict.fromkeys([s for s, _ in a] + [s for s, _ in b]))
    out = []
    for section in sections:
        olds = [t for s, t in a if s == section]
        news = [t for s, t in b if s == section]
        gone = list((Counter(olds) - Counter(news)).elements())
        came = list((Counter(news) - Counter(olds)).elements())
        olds = [t for t in olds if t in gone]
        news = [t for t in news if t in came]
        for i in range(max(len(olds), len(news))):
            out.append(
                SentenceChange(
                    section, olds[i] if i < len(olds) else None, news[i] if i < len(news) else None
                )
            )
    return out


def compare(
    base: dict[str, bytes], head: dict[str, bytes], base_label: str = "BASE", head_label: str = "HEAD"
) -> DiffReport:
    old, new = load_side(base), load_side(head)
    head_problems = validate_side(new)
    fresh = new_problems(validate_side(old), old, head_problems, new)
    report = DiffReport(base_label, head_label, base_problems=old.problems)
    for key in sorted(new.budgets.keys() - old.budgets.keys()):
        p = new.budgets[key]
        report.added.append(Entry(key, p.budget.department.name, p.path))
    unreadable = {p.file for p in new.problems}
    for key in sorted(old.budgets.keys() - new.budgets.keys()):
        p = old.budgets[key]
        if p.path in unreadable:  # still there, but cannot be read: not a removal
            report.notes.append(f"{p.path} 在对比版本中无法读取，未比较数字（见校验结果）")
        else:
            report.removed.append(Entry(key, p.budget.department.name, p.path))
    narrative_note = ""
    for key in sorted(old.budgets.keys() & new.budgets.keys()):
        a, b = old.budgets[key], new.budgets[key]
        try:  # derived once per side: its tables give the figures, its sections the sentences
            contexts: tuple[PageContext, PageContext] | None = (context(a.budget), context(b.budget))
        except LookupError:
            contexts = None
        dept = DepartmentDiff(
            key,
            b.budget.department.name,
            b.path,
            a.path,
            b.budget.unit,
            b.budget.display_unit,
            b.budget.profile,
            compare_leaves(a, b),
            compare_figures(a.budget, b.budget, *(contexts or (None, None))),
        )
        try:
            if contexts is None:
                contexts = (context(a.budget), context(b.budget))
            dept.sentences = compare_sentences(*contexts)
        except LookupError as exc:
            narrative_note = f"未比较情况说明文字（{exc}）"
        if dept.changed:
            report.departments.append(dept)
    if narrative_note:
        report.notes.append(narrative_note)
    # Point each reconciliation problem at the leaf this change touched.
    touched = {d.path: changed_lines(d.leaves) for d in report.departments}
    relocated = point_at_changes(head_problems, touched)
    moved = dict(zip(head_problems, relocated, strict=True))
    report.problems = rules.sort_problems(relocated)
    report.new_problems = [moved[p] for p in fresh]
    return report
