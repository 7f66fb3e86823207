"""What a rule is: its entry in the slug catalogue (:mod:`generator.core.slugs`) and a check.

The rule modules (``codes``, ``reconcile``, ``text``, ``draft``) register their rules here with
:func:`rule`, naming the catalogue entry whose slug, severity, title, explanation and fix the rule
reports; :mod:`generator.check.rules` imports them in catalogue order and runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from generator.core import slugs
from generator.core import totals as totals_module
from generator.core.errors import Severity
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.core.recorded import RECORDED
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

    @cached_property
    def totals(self) -> totals_module.Totals:
        """The budget's totals, computed once for every rule that reconciles against them."""
        return totals_module.totals(self.budget)

    @property
    def threshold(self) -> Decimal:
        if self.reason_threshold_pct is not None:
            return self.reason_threshold_pct
        return self.profile.rules.reason_threshold_pct

    def amt(self, value: Decimal | int) -> str:
        """An amount as messages print it: always with the file's unit (万元 or 元)."""
        return f"{value}{self.budget.unit}"

    def table(self, key: str) -> str:
        """“表5” (or the table's own code): how this profile numbers a table (empty when it omits it)."""
        return self.profile.number(key)


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    kind: slugs.Slug
    check: Check = field(repr=False)
    needs: tuple[str, ...] = ()
    """Facts (:data:`generator.core.recorded.RECORDED`) the rule needs; it does not run when the file leaves one out."""

    @property
    def slug(self) -> str:
        return self.kind.slug

    @property
    def severity(self) -> Severity:
        return self.kind.severity

    @property
    def fix(self) -> str:
        return self.kind.fix

    @property
    def blocks_publishing(self) -> bool:
        return self.kind.blocks_publishing


CATALOGUE: dict[str, Rule] = {}


def rule(kind: slugs.Slug, needs: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    """Register a check as the rule that reports ``kind`` (an entry of the slug catalogue, checked here).

    ``needs`` names the facts the check reads that a locality may leave out (absent, not zero): the rule
    does not run on a file that omits one of them, so a fact a locality does not publish raises no false alarm.
    """
    if slugs.CATALOGUE.get(kind.slug) is not kind:
        raise slugs.UndeclaredSlug(f"rule {kind.slug!r} is not an entry of generator.core.slugs")
    unknown = [key for key in needs if key not in RECORDED]
    if unknown:
        raise ValueError(f"rule {kind.slug} needs unknown facts {unknown}")

    def register(fn: Check) -> Check:
        if kind.slug in CATALOGUE:
            raise ValueError(f"duplicate rule slug {kind.slug}")
        CATALOGUE[kind.slug] = Rule(kind, fn, needs)
        return fn

    return register


def related_note(lines: Iterable[int], label: str = "相关行") -> str:
    """The “（相关行：58、61）” suffix of a message (empty without lines)."""
    shown = "、".join(str(n) for n in lines)
    return f"（{label}：{shown}）" if shown else ""


