"""The rule catalogue and the runner: every rule yields findings; a run reports them all.

Each rule reports one entry of the slug catalogue (:mod:`generator.core.slugs`: a stable slug that
tests and CI annotations key on, a severity, the Chinese title, explanation and how-to-fix line (改法)
that the editors' guide prints and every problem carries). Rules are pure functions of a
:class:`Context` (model, source positions, registry, profile).

Two things happen between the rules and the report:

* one discrepancy, one finding: reconciliation findings with the same gap (相差) whose
  candidate lines overlap are caused by the same slip, so they are folded into one problem,
  located at a line every one of them names (“同一处差额还影响：…”);
* some warnings block publishing (``blocks_publishing``): a draft may be validated and
  previewed, but ``site``/``render`` treat them as errors (:func:`for_publishing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import Decimal

from generator.check.rules import codes, draft, errata, facts, reconcile, text
from generator.check.rules.catalogue import CATALOGUE, Context, Finding, Loc, Rule, related_note, rule
from generator.core import recorded, slugs
from generator.core.errors import Problem, Severity
from generator.core.slugs.reconcile import (
    FUNCTION_ECONOMIC_MISMATCH,
    FUND_BALANCE_MISMATCH,
    INCOME_EXPENDITURE_MISMATCH,
    OPERATING_COST_MISMATCH,
    PROJECT_LIST_MISMATCH,
    THREE_PUBLIC_ECONOMIC_MISMATCH,
)
from generator.load.loader import Document

# The rule modules register their rules when imported; they run in this order.
MODULES = (codes, facts, reconcile, text, errata, draft)
_RANK = {m.__name__: i for i, m in enumerate(MODULES)}
for _rule in sorted(CATALOGUE.values(), key=lambda r: _RANK[r.check.__module__]):
    CATALOGUE[_rule.slug] = CATALOGUE.pop(_rule.slug)


def publish_blocking() -> frozenset[str]:
    return frozenset(slug for slug, kind in slugs.CATALOGUE.items() if kind.blocks_publishing)


def for_publishing(problems: Iterable[Problem]) -> list[Problem]:
    """The problems as ``site``/``render`` see them: warnings that block publishing become errors."""
    blocking = publish_blocking()
    return [replace(p, severity=Severity.ERROR, message=f"不能发布：{p.message}")
            if p.slug in blocking and p.severity is Severity.WARNING else p for p in problems]


def run(ctx: Context) -> list[Problem]:
    found: list[tuple[Rule, Finding]] = []
    for r in CATALOGUE.values():
        if recorded.present(ctx.budget, r.needs):  # a rule that needs a fact the file leaves out does not run
            found += [(r, finding) for finding in r.check(ctx)]
    return sort_problems(to_problem(r.slug, r.severity, f, ctx.document) for r, f in fold(found))


# Which of several folded findings speaks for the group: comparisons of two views before balances.
FOLD_ORDER = tuple(kind.slug for kind in (
    FUNCTION_ECONOMIC_MISMATCH, PROJECT_LIST_MISMATCH, THREE_PUBLIC_ECONOMIC_MISMATCH, OPERATING_COST_MISMATCH,
    FUND_BALANCE_MISMATCH, INCOME_EXPENDITURE_MISMATCH))


def fold(found: list[tuple[Rule, Finding]]) -> list[tuple[Rule, Finding]]:
    """One discrepancy, one finding: fold reconciliation findings with the same cause into one.

    Findings with the same ``gap`` whose candidate locations overlap join one group while the
    locations common to all of them stay non-empty; a single slip is in every candidate list, so
    the group is located at the first common location and lists only the other common ones.
    """
    rank = {slug: i for i, slug in enumerate(FOLD_ORDER)}
    gapped = sorted((x for x in found if x[1].gap is not None),
                    key=lambda x: rank.get(x[0].slug, len(rank)))
    groups: list[tuple[Decimal, set[Loc], list[tuple[Rule, Finding]]]] = []
    for r, f in gapped:
        locs = {f.loc, *f.related}
        for gap, common, members in groups:
            if gap == f.gap and common & locs:
                common &= locs
                members.append((r, f))
                break
        else:
            assert f.gap is not None
            groups.append((f.gap, locs, [(r, f)]))
    out = [x for x in found if x[1].gap is None]
    for _gap, common, members in groups:
        r, f = members[0]
        if len(members) > 1:
            ordered = [loc for loc in (f.loc, *f.related) if loc in common]
            others = "；".join(f"[{m.slug}] {g.message}" for m, g in members[1:])
            f = replace(f, loc=ordered[0], related=tuple(ordered[1:]),
                        message=f"{f.message}；同一处差额还影响：{others}",
                        folded=tuple(m.slug for m, _ in members[1:]))
        out.append((r, f))
    return out


def to_problem(slug: str, severity: Severity, f: Finding, doc: Document) -> Problem:
    mark = doc.mark(f.loc)
    related = sorted({doc.mark(loc).line for loc in f.related} - {mark.line})
    message = f.message + related_note(related)
    return Problem(slug, severity, message, doc.path, mark.line, mark.column, f.expected, f.actual,
                   tuple(related), folded=f.folded)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.slug))


def findings(ctx: Context, slug: str) -> Iterator[Finding]:
    """Run one rule (tests and docs use this)."""
    yield from CATALOGUE[slug].check(ctx)


__all__ = [
    "CATALOGUE", "FOLD_ORDER", "MODULES", "Context", "Finding", "Loc", "Rule", "codes", "draft", "errata", "facts",
    "findings", "fold",
    "for_publishing", "publish_blocking", "reconcile", "related_note", "rule", "run", "sort_problems", "text",
    "to_problem",
]
