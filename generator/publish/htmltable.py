"""A published table as the official table: an HTML table in the generated markdown, drawn from its layout.

The markdown of a department page carries each generic table as one raw HTML block (any MkDocs-family
builder passes it through; Python-Markdown's table parser never sees it):

    <div class="table-scroll budget" role="region" tabindex="0" aria-label="表格：收入总表" data-print="wide">
    <table class="budget-table" aria-label="收入总表"><thead>…</thead><tbody>…</tbody></table></div>

— the scroll region is focusable and named (our own, so :mod:`generator.publish.table_regions` leaves it
alone and only reads ``data-print`` to put the table's section on landscape print pages); the header
cells merge as :func:`generator.derive.layout.layout` lays them out (``scope`` col/colgroup/row); the
label columns are ``stick``/``stick2`` (sticky when the region scrolls), figures ``num`` (right-aligned,
tabular digits), the 合计 row ``total``, a 类/款/项 name ``l1``/``l2``. Every text is escaped: YAML and
profile text is data.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from generator.derive.layout import LaidCell, Layout, Table, layout

REGION = "table-scroll"


def _tags(c: LaidCell) -> tuple[str, str]:
    tag = "th" if c.header else "td"
    attrs = []
    if c.scope:
        attrs.append(f' scope="{c.scope}"')
    if c.colspan > 1:
        attrs.append(f' colspan="{c.colspan}"')
    if c.rowspan > 1:
        attrs.append(f' rowspan="{c.rowspan}"')
    classes = []
    if c.numeric:
        classes.append("num")
    if c.sticky:
        classes.append("stick" if c.sticky == 1 else "stick2")
    if c.indent:
        classes.append(f"l{c.indent}")
    if classes:
        attrs.append(f' class="{" ".join(classes)}"')
    return f"<{tag}{''.join(attrs)}>", f"</{tag}>"


_TAGS: dict[tuple[object, ...], tuple[str, str]] = {}  # a cell's tags by everything but its text: a few dozen kinds


def _cell(c: LaidCell) -> str:
    kind = c[1:]
    tags = _TAGS.get(kind)
    if tags is None:
        tags = _TAGS[kind] = _tags(c)
    return f"{tags[0]}{escape(c.text)}{tags[1]}"


def _rows(laid: Layout) -> str:
    out = []
    for row in laid.body:
        cls = "total" if row.kind == "total" else ("group" if row.kind == "group" else "")
        out.append(f'<tr class="{cls}">' if cls else "<tr>")
        out.extend(_cell(c) for c in row.cells)
        out.append("</tr>\n")
    return "".join(out)


def html_table(table: Table, title: str) -> Markup:
    """The table in its labelled scroll region, as one raw HTML block (no blank line inside)."""
    laid = layout(table)
    label = escape(title)
    head = "".join("<tr>" + "".join(_cell(c) for c in cells) + "</tr>\n" for cells in laid.head)
    wide = ' data-print="wide"' if laid.wide else ""
    return Markup(
        f'<div class="{REGION} budget" role="region" tabindex="0" aria-label="表格：{label}"{wide}>\n'
        f'<table class="budget-table" aria-label="{label}">\n<thead>\n{head}</thead>\n'
        f"<tbody>\n{_rows(laid)}</tbody>\n</table>\n</div>"
    )
