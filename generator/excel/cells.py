"""A workbook cell as a value: a code (ASCII digits only), a name as compared across export and import, an exact
amount. Pure functions of one cell, shared by the leaves reader and the totals check."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from generator.excel.scan import unescape


def code_text(value: Any) -> str:
    """A code cell as text: 2080101, 2080101.0 and "2080101 " all give "2080101". Only ASCII digits
    make a code: "６３００２" (full-width) is not one, and is never normalised into one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if text.isascii() and text.isdigit() else ""


def foreign_digits(value: Any) -> bool:
    """A code written with digits other than 0–9 (full-width, Arabic-Indic, mathematical …)."""
    text = str(value).strip() if isinstance(value, str) else ""
    return bool(text) and not text.isascii() and all(unicodedata.category(ch) == "Nd" for ch in text)


def name_key(value: Any) -> str:
    """A name as compared across export → Excel → import: XlsxWriter writes control characters as
    ``_xHHHH_`` and openpyxl drops every ``x005F_``; whitespace and control characters do not count."""
    if value is None:
        return ""
    text = unescape(str(value).replace("x005F_", ""))
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cc")


class NotANumber(ValueError):
    pass


def money(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "").replace("，", "")
    if text in ("", "-", "—", "－"):
        return Decimal(0)
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise NotANumber(text) from None
    if not result.is_finite():
        raise NotANumber(text)
    return result
