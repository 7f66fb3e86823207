"""The computed phrases of the 情况说明: amounts, shares and year-over-year change clauses.

Every number a sentence prints comes from here, from the same derived figures as the tables.
Wording rules (documented in docs/narrative-rules.md):

- up:   比上年预算增加X万元，增长Y%      down: 比上年预算减少X万元，下降Y%
- gone (本年 0): 比上年预算减少X万元，下降100.00%
- new (上年 0):  比上年预算增加X万元（上年未安排此项预算）   (the amount kept; never "增长100%")
- same, none (both 0): 与上年预算持平   (a none line's amount, 0.00, is printed just before; its reason
  follows as for any change, so "未安排" is never explained by "未安排")
- no prior recorded: no change clause at all.
Y = |Δ| / 上年 × 100, rounded half up to two decimals; amounts two decimals.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from generator.core.mdtext import md_escape
from generator.core.money import convert, fmt, percent, year_change


class Phrases:
    """Bound to one budget's units, so templates never see a raw unit conversion."""

    def __init__(self, unit: str, display_unit: str) -> None:
        self._convert = lambda v: convert(v, unit, display_unit)
        self.unit = display_unit

    def amount(self, value: Decimal) -> Markup:
        return Markup(f"{fmt(self._convert(value))}{self.unit}")

    def share(self, part: Decimal, whole: Decimal) -> Markup:
        pct = percent(part, whole)
        return Markup(f"占{pct:f}%") if pct is not None else Markup("")

    def change(self, current: Decimal, prior: Decimal | None, reason: str | None = None,
               prior_note: str | None = None) -> Markup:
        """'，比上年预算增加X万元，增长Y%，主要原因是…' (leading comma included), or '' with no prior.

        ``prior_note`` (the line's ``prior_adjustment``) replaces “上年未安排此项预算” for a new line whose
        spending existed last year elsewhere (e.g. under 基本支出), so the sentence does not call it new.
        """
        if prior is None:
            return Markup("")
        ch = year_change(self._convert(current), self._convert(prior))
        d = f"{fmt(abs(ch.delta))}{self.unit}"
        before = md_escape(prior_note.strip().rstrip("。")) if prior_note and prior_note.strip() else "上年未安排此项预算"
        text = {
            "up": f"比上年预算增加{d}，增长{ch.pct:f}%" if ch.pct is not None else "",
            "down": f"比上年预算减少{d}，下降{ch.pct:f}%" if ch.pct is not None else "",
            "gone": f"比上年预算减少{d}，下降100.00%",
            "new": f"比上年预算增加{d}（{before}）",
            "same": "与上年预算持平",
            "none": "与上年预算持平",
        }[ch.direction]
        out = Markup("，") + Markup(text)
        if reason and reason.strip():
            out += Markup("，主要原因是") + md_escape(reason.strip().rstrip("。"))
        return out

    def arithmetic(self, current: Decimal, prior: Decimal | None) -> str:
        """The working behind a change clause, for the errata page."""
        if prior is None:
            return "未记录上年数"
        cur, pri = self._convert(current), self._convert(prior)
        ch = year_change(cur, pri)
        sign = "+" if ch.delta >= 0 else "−"
        line = f"本年 {fmt(cur)} − 上年 {fmt(pri)} = {sign}{fmt(abs(ch.delta))}{self.unit}"
        if ch.pct is not None:
            line += f"；{fmt(abs(ch.delta))} ÷ {fmt(pri)} × 100 = {ch.pct:f}%"
        elif ch.direction == "new":
            line += "；上年为 0，增长率无意义（不是 100%）"
        return line
