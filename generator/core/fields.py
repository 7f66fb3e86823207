"""The value types of a budget file: money, codes, names, free text, counts (pydantic annotated types).

Each type validates one value the way an editor can understand: exact decimals (no floats, no exponent
notation), codes as ASCII digit strings, text without control or invisible characters, and limits
that stop hostile input (docs/limits.md). The models in :mod:`generator.core.model` are built from them.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

# Limits (docs/limits.md). A budget is a few thousand lines; these stop hostile or broken input
# (a 1 MB name, a 5,000-digit amount) long before it can slow or crash the build.
MAX_AMOUNT = Decimal(10) ** 15  # amounts must be below this, in the file's unit
MAX_NAME = 200  # characters in a name (department, code name, project, indicator, unit …)
MAX_TEXT = 10_000  # characters in a free-text field (duties, reasons, goals, errata)
MAX_COUNT = 10**9  # headcounts, vehicles, equipment
# The checks below raise PydanticCustomError typed by a problem slug (declared in generator.core.slugs.reading).

# Characters that never belong in published text: C0/C1 controls and DEL (\t and \n are allowed
# in free text only), Unicode format characters (zero-width, bidi embeddings/overrides/isolates,
# soft hyphen, BOM, invisible operators, tag characters …), line/paragraph separators and the
# noncharacters. Kept as ranges (general category Cf of Unicode 15); tests compare it with unicodedata.
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
           "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
           "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_BAD_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")
_BAD_IN_NAME = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")
# Letters that render as nothing (Hangul fillers, braille blank, combining grapheme joiner).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
_EXPONENT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+")


def _describe_char(char: str) -> str:
    return f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")


def _visible(value: str) -> bool:
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK_LOOKING for c in value)


def _check_text(value: str, *, name: bool, required: bool) -> str:
    limit = MAX_NAME if name else MAX_TEXT
    if len(value) > limit:
        raise PydanticCustomError(
            "text-too-long", "{kind}最长 {limit} 个字符，实际 {length} 个字符",
            {"kind": "名称" if name else "文字", "limit": limit, "length": len(value)})
    bad = (_BAD_IN_NAME if name else _BAD_IN_TEXT).search(value)
    if bad:
        where = "名称中" if name else ""
        raise PydanticCustomError(
            "invalid-text", "{where}含有控制字符或不可见字符 {char}（第 {pos} 个字符），请删除",
            {"where": where, "char": _describe_char(bad.group()), "pos": bad.start() + 1})
    if required and not _visible(value):
        raise PydanticCustomError("invalid-text", "内容只有空白或不可见字符", {})
    return value


def _name(value: str) -> str:
    return _check_text(value, name=True, required=True)


def _optional_name(value: str) -> str:
    return _check_text(value, name=True, required=False)


def _text(value: str) -> str:
    return _check_text(value, name=False, required=True)


def _optional_text(value: str) -> str:
    return _check_text(value, name=False, required=False)


def _to_decimal(value: Any) -> Any:
    if isinstance(value, str) and _EXPONENT.fullmatch(value.strip()):
        number = Decimal(value.strip())
        hint = f"，请写成 {number:f}" if abs(number.adjusted()) <= 20 else ""
        raise PydanticCustomError("wrong-type", "不支持科学计数法（指数形式）{actual}{hint}",
                                  {"actual": short_repr(value), "hint": hint})
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise PydanticCustomError("wrong-type", "应为数字，实际是 {actual}", {"actual": short_repr(value)})
    return Decimal(value)


def _clip(text: str) -> str:
    return text if len(text) <= 60 else f"{text[:40]}…（共 {len(text)} 个字符）"


def short_repr(value: Any) -> str:
    return _clip(repr(value))


def _check_size(value: Decimal) -> Decimal:
    if value >= MAX_AMOUNT:
        raise PydanticCustomError(
            "amount-too-large", "数值过大：须小于 10^15（一千万亿），实际有 {digits} 位整数",
            {"digits": value.adjusted() + 1})
    if value == 0:
        return abs(value)  # -0 and -0.00 are zero: never print a minus sign
    return value


def _check_decimals(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise PydanticCustomError(
            "too-many-decimals", "金额最多两位小数：{value}", {"value": _clip(str(value))}
        )
    return _check_size(value)


def _check_money(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("negative-amount", "金额不能为负数：{value}", {"value": _clip(str(value))})
    return _check_decimals(value)


def _to_int(value: Any) -> Any:
    # pydantic would take True as 1 and "5" or 5.0 as 5; a count or a year is a plain integer.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("wrong-type", "应为整数，实际是 {actual}", {"actual": short_repr(value)})
    return value


def _to_code(value: Any) -> Any:
    # Editors often leave codes unquoted; YAML then reads them as integers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    AfterValidator(_check_money),
    Field(json_schema_extra={"type": "number", "minimum": 0, "multipleOf": 0.01, "exclusiveMaximum": 1e15}),
]
# ASCII digits only: pydantic's regex engine reads \d as any Unicode digit (６３００２, ٦٣٠٠٢, 𝟔𝟑𝟎𝟎𝟐).
Code = Annotated[str, BeforeValidator(_to_code), Field(pattern=r"^[0-9]{3}([0-9]{2}){0,2}$")]
DeptCode = Annotated[str, BeforeValidator(_to_code), Field(pattern=r"^[0-9]{2,12}$")]
# A department's identity: its published code, or (where none is published) a lowercase pinyin slug.
DeptId = Annotated[str, BeforeValidator(_to_code), Field(pattern=r"^([0-9]{2,12}|[a-z][a-z0-9-]{0,62}[a-z0-9])$")]
# A key of a table or section in the profile (tables/<key>.md.j2, sections/<key>.md.j2).
Key = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]
# A name: one line, at most MAX_NAME characters, something visible.
Name = Annotated[str, Field(min_length=1, json_schema_extra={"maxLength": MAX_NAME}), AfterValidator(_name)]
OptName = Annotated[str, Field(json_schema_extra={"maxLength": MAX_NAME}), AfterValidator(_optional_name)]
# Free text: may span lines, at most MAX_TEXT characters.
Text = Annotated[str, Field(min_length=1, json_schema_extra={"maxLength": MAX_TEXT}), AfterValidator(_text)]
OptText = Annotated[str, Field(json_schema_extra={"maxLength": MAX_TEXT}), AfterValidator(_optional_text)]
Count = Annotated[int, BeforeValidator(_to_int), Field(ge=0, le=MAX_COUNT)]
# A measure that is not money (square metres): ≥ 0, at most two decimals, below MAX_AMOUNT.
Area = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0), AfterValidator(_check_decimals)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, validate_default=True)
