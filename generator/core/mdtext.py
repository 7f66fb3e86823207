"""Text from YAML is data, never markup: escaping for markdown (and the HTML it becomes)."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from functools import lru_cache

from markupsafe import Markup

from generator.core.money import fmt

# Characters Python-Markdown (and its tables extension) treats as syntax when unescaped.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_escape(text: object) -> Markup:
    """Escape a YAML string so it renders as the literal characters, inline or in a table cell."""
    if isinstance(text, Markup):
        return text
    if type(text) is str and len(text) <= 200:  # names, codes and labels repeat across tables and pages
        return _escape_str(text)
    return _escape(str(text))


@lru_cache(maxsize=1 << 16)
def _escape_str(value: str) -> Markup:
    return _escape(value)


def _escape(value: str) -> Markup:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return Markup(value)


def plain(markdown: str) -> str:
    """Markdown of one paragraph back to its visible text (for sentence checks and diffs)."""
    text = re.sub(r"<br>", "\n", markdown)
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cell(value: object, kind: str = "text") -> Markup:
    if isinstance(value, Decimal):
        return Markup(fmt(value) if kind == "money" else str(value))
    return md_escape(value)


def yaml_str(value: object) -> Markup:
    """A front-matter value: HTML-escaped, then a double-quoted YAML scalar (JSON string syntax).

    Material writes page titles and descriptions into the HTML without escaping them (MkDocs'
    template environment does not autoescape), so the escaping has to happen here; the quoting
    keeps a colon or a line break in a name from ending the YAML value early.
    """
    return Markup(json.dumps(html.escape(str(value), quote=True), ensure_ascii=False))
