"""What a rule is: a slug, a severity, a title and explanation for the guide, a fix, and a check.

The rule modules (``codes``, ``reconcile``, ``text``, ``draft``) register their rules here with
:func:`rule`; :mod:`generator.check.rules` imports them in catalogue order and runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from generator.core.errors import Severity
from generator.core.facts import FACTS
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.core.registry import Registry
from generator.load.loader import Document

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """What a rule found: where (model paths), what, and the figures that disagree.

    ``gap`` is set by reconciliation rules (the absolute difference of the two views); findings
    with the same gap and overlapping locations are reported as one.
    """

    loc: Loc
    message: str
    expected: str | None = None
    actual: str | None = None
    related: tuple[Loc, ...] = ()
    gap: Decimal | None = None
    folded: tuple[str, ...] = ()


@dataclass
class Context:
    budget: Budget
    document: Document
    registry: Registry
    profile: Profile
    reason_threshold_pct: Decimal | None = None

    @property
    def threshold(self) -> Decimal:
        if self.reason_threshold_pct is not None:
            return self.reason_threshold_pct
        return self.profile.rules.reason_threshold_pct

    def amt(self, value: Decimal | int) -> str:
        """An amount as messages print it: always with the file's unit (万元 or 元)."""
        return f"{value}{self.budget.unit}"

    def table(self, key: str) -> str:
        """“表5”: the number of a standard table in this profile (empty when the profile omits it)."""
        for i, spec in enumerate(self.profile.tables, 1):
            if spec.key == key:
                return f"表{i}"
        return ""


@dataclass(frozen=True)
class Rule:
    slug: str
    severity: Severity
    title: str
    explanation: str
    check: Callable[[Context], Iterable[Finding]] = field(repr=False)
    fix: str = ""
    blocks_publishing: bool = False  # a warning in validate, an error for site/render
    needs: tuple[str, ...] = ()  # facts (core.facts.FACTS) the rule needs; it does not run when one is absent


CATALOGUE: dict[str, Rule] = {}


def rule(slug: str, severity: Severity, title: str, explanation: str, fix: str = "",
         blocks_publishing: bool = False, needs: tuple[str, ...] = ()) -> Callable[
    [Callable[[Context], Iterable[Finding]]], Callable[[Context], Iterable[Finding]]
]:
    unknown = [key for key in needs if key not in FACTS]
    if unknown:
        raise ValueError(f"rule {slug} needs unknown facts {unknown}")

    def register(fn: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        if slug in CATALOGUE:
            raise ValueError(f"duplicate rule slug {slug}")
        CATALOGUE[slug] = Rule(slug, severity, title, explanation, fn, fix, blocks_publishing, needs)
        return fn

    return register


def related_note(lines: Iterable[int], label: str = "相关行") -> str:
    """The “（相关行：58、61）” suffix of a message (empty without lines)."""
    shown = "、".join(str(n) for n in lines)
    return f"（{label}：{shown}）" if shown else ""


