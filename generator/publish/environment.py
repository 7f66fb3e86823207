"""The one Jinja environment every page is rendered with.

Markdown, not HTML, so autoescape is off: every text from YAML or a profile goes through the
``cell`` or ``md`` filter (``generator.core.mdtext``), and ``StrictUndefined`` makes a misspelt
name an error instead of an empty string.
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.core.mdtext import cell, md_escape, yaml_str
from generator.core.vocabulary import cn_index
from generator.derive.layout import Cell, Column, part, text_table
from generator.publish.htmltable import html_table

TEMPLATES = Path(str(resources.files("generator.publish") / "templates"))


def figure(value: Cell, column: Column) -> Markup:
    """A table cell: a number in its column's format (never escaped: digits, separators), text escaped."""
    return Markup(column.text(value)) if isinstance(value, Decimal) else md_escape(value)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # markdown, not HTML: every YAML string goes through the `cell` filter
        keep_trailing_newline=True,
        trim_blocks=False,
        # Templates ship with the package and do not change while it runs: compile each once and never stat
        # its file again (a page includes and imports some 30 templates).
        auto_reload=False,
        cache_size=-1,
    )
    env.filters["cell"] = cell
    env.filters["md"] = md_escape
    env.filters["figure"] = figure
    env.globals["cn"] = cn_index
    env.globals["html_table"] = html_table
    env.globals["part"] = part  # the custom templates' smaller tables, through the same layout
    env.globals["text_table"] = text_table
    env.filters["yaml_str"] = yaml_str
    return env


ENV = environment()
