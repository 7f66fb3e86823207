"""A department's headline figures year by year, for the trend chart and the year pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from generator.core.model import Budget
from generator.core.money import convert
from generator.core.totals import Totals, totals


def trend(budgets: Iterable[Budget], totals_of: Callable[[Budget], Totals] = totals) -> list[dict[str, Any]]:
    """One department's headline figures per year, oldest first: exact, in 万元 (the site rounds).

    ``totals_of`` lets a caller that keeps each budget's totals (the renderer) pass them in."""
    out = []
    for b in sorted(budgets, key=lambda x: x.year):
        t = totals_of(b)
        figures = {"total": t.spending, "basic": t.basic, "project": t.project, "personnel": t.personnel,
                   "public": t.public}
        out.append({"year": b.year, **{k: convert(v, b.unit, "万元") for k, v in figures.items()}, "unit": "万元"})
    return out
