"""Exact money arithmetic and the one place where figures are rounded for display."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from typing import Literal

ZERO = Decimal(0)
CENT = Decimal("0.01")
_PER_UNIT = {"元": Decimal(1), "万元": Decimal(10000)}


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def convert(value: Decimal, unit: str, display_unit: str) -> Decimal:
    """Exact conversion between 元 and 万元 (no rounding)."""
    if unit == display_unit:
        return value
    return value * _PER_UNIT[unit] / _PER_UNIT[display_unit]


_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)


def rounded(value: Decimal, places: int = 2) -> Decimal:
    """Round half up to cents (or to ``places`` decimals): the single rounding step before publication.

    The context's precision grows with the value, so no size of amount can make ``quantize``
    fail (the default 28 digits would for 10^26 and up); the model caps amounts far below that.
    A zero never keeps a sign: -0.001 rounds to 0.00, not -0.00.
    """
    digits = max(value.adjusted() + 1 + places, 0) if value.is_finite() else 0
    step = CENT if places == 2 else Decimal(1).scaleb(-places)
    context = _CONTEXT if digits + 2 <= _CONTEXT.prec else Context(prec=digits + 2, rounding=ROUND_HALF_UP)
    result = value.quantize(step, rounding=ROUND_HALF_UP, context=context)
    return abs(result) if result == 0 else result


def fmt(value: Decimal) -> str:
    """Two decimals, no thousands separator, as in the official tables."""
    return f"{rounded(value):f}"


DEFAULT_FORMAT = "0.00"
SHORTEST = "shortest"
# A table's or column's number format: Excel's own notation, or "shortest" (at most two decimals, none shown
# when they are zero: 15, 21.56, 0). Excel reads the same string as the cell's number format.
FORMAT_PATTERN = r"^(?:(?:#,##)?0(?:\.0{1,4})?|shortest)$"


def decimals(pattern: str) -> int:
    """How many decimals a number format keeps (``shortest`` rounds to cents)."""
    if pattern == SHORTEST:
        return 2
    return len(pattern.partition(".")[2])


@lru_cache(maxsize=1 << 16)  # every cell is written three times (page, CSV, JSON); equal values print alike
def format_number(value: Decimal, pattern: str = DEFAULT_FORMAT) -> str:
    """``value`` rounded once (half up) and written in ``pattern`` (see :data:`FORMAT_PATTERN`)."""
    if pattern == DEFAULT_FORMAT:
        return fmt(value)
    shown = rounded(value, decimals(pattern))
    if pattern == SHORTEST:
        text = f"{shown:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return format(shown, f"{',' if pattern.startswith('#,##') else ''}.{decimals(pattern)}f")


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole × 100, rounded to two decimals; None when whole is zero."""
    if whole == 0:
        return None
    return rounded(part * 100 / whole)


Direction = Literal["up", "down", "same", "new", "none", "gone"]


@dataclass(frozen=True)
class YearChange:
    """How a line moved against last year's budget."""

    current: Decimal
    prior: Decimal
    delta: Decimal
    pct: Decimal | None
    direction: Direction


def year_change(current: Decimal, prior: Decimal) -> YearChange:
    delta = current - prior
    if prior == 0 and current == 0:
        direction: Direction = "none"
    elif prior == 0:
        direction = "new"
    elif current == 0:
        direction = "gone"
    elif delta == 0:
        direction = "same"
    else:
        direction = "up" if delta > 0 else "down"
    pct = percent(abs(delta), prior) if prior else None
    return YearChange(current, prior, delta, pct, direction)
