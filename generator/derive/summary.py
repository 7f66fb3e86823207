"""The figures citizens ask for first, shown above a department's published document (pure: model in, data out).

Total spending and its change, basic and project spending, 财政拨款, the “三公” funds with each of their three
items, and 机关运行经费 — each pointing at the table of part 2 and the explanation of part 3 that hold it,
when the locality's profile publishes that table or section. The change clauses are the 情况说明's own
(:class:`generator.derive.phrases.Phrases`), so the summary and the document say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from generator.core.facts import Facts
from generator.core.model import AmountChange, Budget
from generator.core.money import total
from generator.core.profiles import Profile
from generator.derive.district import three_public
from generator.derive.phrases import Phrases


def table_anchor(key: str) -> str:
    """The id of a part-2 table's heading (part2.md.j2 writes ``{ #table-<key> }``)."""
    return "table-" + key.replace("_", "-")


def section_anchor(key: str, parts: bool = False) -> str:
    """The id of an explanation's heading: part3.md.j2 writes ``{ #section-<key> }``; a profile that lists its own
    parts (parts.md.j2) ``{ #<key> }``."""
    return ("" if parts else "section-") + key.replace("_", "-")


@dataclass(frozen=True)
class Link:
    anchor: str
    text: str


@dataclass(frozen=True)
class Figure:
    label: str
    amount: Markup  # "977.40万元": always 万元, as the year and home pages
    # "比上年预算增加…，增长…%", "与上年预算持平"…; empty when no prior year is recorded; None: not compared
    # (basic and project spending have no recorded prior of their own)
    change: Markup | None
    share: Markup  # "占76.25%" of the figure it is part of, or empty
    links: tuple[Link, ...]
    level: int  # 1: an item of the figure above it


@dataclass(frozen=True)
class Summary:
    figures: tuple[Figure, ...]


def _prior(parts: list[Decimal | None]) -> Decimal | None:
    present = [p for p in parts if p is not None]
    return total(present) if present else None


def summary(b: Budget, profile: Profile, facts: Facts | None = None) -> Summary:
    """``facts``: the budget's facts when the caller has them already (its page's)."""
    # 万元 whatever the tables print (a 元 locality's nine-digit figures are unreadable here), as on the year pages
    p = Phrases(b.unit, "万元")
    f = facts if facts is not None else Facts(b)
    t = f.totals
    tables = {s.key: (profile.number(s.key), s.title) for s in profile.tables}
    # the section that explains each figure: the one of the same key, else one that says it does (``explains``)
    sections: dict[str, str] = {figure: s.key for s in profile.sections for figure in s.explains}
    sections.update({s.key: s.key for s in profile.sections})

    def showing(measure: str) -> str | None:
        """The first table of the profile with a column of ``measure`` (Shanghai prints “三公” and 机关运行经费
        in one table of its own, three_public_operating)."""
        return next((s.key for s in profile.tables if any(c.measure == measure for c in s.columns)), None)

    three_key = showing("three_public.total")
    operating_key = showing("operating_costs.amount")

    def links(key: str, table: str | None = None) -> tuple[Link, ...]:
        """The table that holds the figure (``table``, else the one named ``key``) and the section ``key``."""
        found = []
        table = table or key
        if table in tables:
            number, title = tables[table]
            found.append(Link(table_anchor(table), f"{number} {title}".strip()))
        if key in sections:
            found.append(Link(section_anchor(sections[key], bool(profile.parts)), "说明"))
        return tuple(found)

    def figure(label: str, current: Decimal, prior: Decimal | None, key: str, *, of: Decimal | None = None,
               level: int = 0, table: str | None = None) -> Figure:
        change = Markup(p.change(current, prior).removeprefix("，")) if of is None else None
        return Figure(label, p.amount(current), change, p.share(current, of) if of is not None else Markup(""),
                      links(key, table), level)


    tp = b.three_public
    items: list[tuple[str, list[AmountChange]]] = [
        ("因公出国（境）费", [tp.outbound]),
        ("公务用车购置及运行维护费", [tp.vehicle_purchase, tp.vehicle_operation]),
        ("公务接待费", [tp.reception]),
    ]
    three, three_prior = three_public(b)
    fiscal = f.amount("spending.fiscal")
    oc = b.operating_costs
    return Summary((
        # the priors a headline compares with: the totals the document states (prior_totals), else line sums
        figure("支出预算合计", t.spending, f["spending.prior"], "expenditure_summary"),
        figure("基本支出", t.basic, None, "expenditure_summary", of=t.spending, level=1),
        figure("项目支出", t.project, None, "expenditure_summary", of=t.spending, level=1),
        figure("财政拨款支出", fiscal, f["spending.fiscal.prior"], "fiscal_summary"),
        figure("“三公”经费", three, three_prior, "three_public", table=three_key),
        *(figure(label, total(x.amount for x in group), _prior([x.prior for x in group]), "three_public", level=1,
                 table=three_key) for label, group in items),
        figure("机关运行经费", oc.amount, oc.prior, "operating_costs", table=operating_key),
    ))
