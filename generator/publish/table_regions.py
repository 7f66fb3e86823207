"""Python-Markdown extension (listed in mkdocs.yml): every table in a labelled, keyboard-focusable scroll region.

A wide table scrolls sideways inside its own box instead of widening the page. A scrolling box must be
reachable by keyboard and named for screen readers (axe-core: scrollable-region-focusable, landmark-unique),
so each markdown table — the editors' guide, the tables the templates write as markdown — is wrapped in

    <div class="table-scroll" role="region" tabindex="0" aria-label="表格：<nearest heading>">

Tables that already sit in a ``.table-scroll`` element, and raw HTML tables (kept out of the tree by
Python-Markdown's HTML stash — the generated tables, :mod:`generator.publish.htmltable`, come with their own
region), are left alone. Labels repeated on one page are numbered "（2）", "（3）".

For print, a table with more columns than fit across a portrait A4 page puts its whole section — from the
heading above it to the next heading — on landscape pages: those elements get the class ``print-wide``,
which budget.css maps to the named page ``wide`` (``@page wide { size: A4 landscape }``). A generated table
says so itself (``data-print="wide"`` on its region, from its layout): its section is marked the same way.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown, util
from markdown.extensions.toc import run_postprocessors, strip_tags, unescape
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from generator.derive.layout import PORTRAIT_COLUMNS

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
REGION = "table-scroll"
PRINT_WIDE = "print-wide"
WIDE_MARK = 'data-print="wide"'  # on the region of a generated table that prints landscape
PLACEHOLDER = re.compile(util.HTML_PLACEHOLDER % r"([0-9]+)")


def _classes(el: etree.Element) -> list[str]:
    return (el.get("class") or "").split()


def _add_class(el: etree.Element, name: str) -> None:
    classes = _classes(el)
    if name not in classes:
        el.set("class", " ".join([*classes, name]))


def heading_text(el: etree.Element, md: Markdown) -> str:
    """The heading as read: without its permalink (the "¶" the toc extension appends), markdown escapes resolved,
    inline HTML reduced to its text (left in, its placeholder would be replaced by raw HTML inside the label)."""
    parts = [el.text or ""]
    for child in el:
        if "headerlink" not in _classes(child):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    text = html.unescape(strip_tags(run_postprocessors(unescape("".join(parts)), md)))
    return " ".join(text.split())


def columns(table: etree.Element) -> int:
    """The table's width in columns: the widest row, counting colspans."""
    widest = 0
    for row in table.iter("tr"):
        widest = max(widest, sum(int(cell.get("colspan") or 1) for cell in row if cell.tag in ("td", "th")))
    return widest


def is_wide(el: etree.Element, md: Markdown | None = None) -> bool:
    """A table wider than a portrait page in ``el``, or ``el`` the placeholder of a raw HTML block that says so."""
    if md is not None and el.tag == "p" and el.text and not len(el) and (m := PLACEHOLDER.fullmatch(el.text.strip())):
        blocks = md.htmlStash.rawHtmlBlocks
        index = int(m.group(1))
        return index < len(blocks) and isinstance(blocks[index], str) and WIDE_MARK in blocks[index][:300]
    tables = [el] if el.tag == "table" else list(el.iter("table"))
    return any(columns(t) > PORTRAIT_COLUMNS for t in tables)


class TableRegions(Treeprocessor):
    """Wraps tables in regions and marks the print sections of wide ones."""

    def run(self, root: etree.Element) -> None:
        self.labels: dict[str, int] = {}
        self._walk(root, "")

    def _label(self, heading: str) -> str:
        label = f"表格：{heading}" if heading else "表格"
        self.labels[label] = self.labels.get(label, 0) + 1
        count = self.labels[label]
        return label if count == 1 else f"{label}（{count}）"

    def _walk(self, parent: etree.Element, heading: str) -> str:
        """Wrap the tables below ``parent``; returns the last heading seen (headings run on across nesting)."""
        for i, child in enumerate(list(parent)):
            if child.tag in HEADINGS:
                heading = heading_text(child, self.md)
            elif child.tag == "table":
                region = etree.Element("div", {"class": REGION, "role": "region", "tabindex": "0",
                                               "aria-label": self._label(heading)})
                region.tail, child.tail = child.tail, None
                parent.remove(child)
                region.append(child)
                parent.insert(i, region)
            elif REGION not in _classes(child) and len(child):
                heading = self._walk(child, heading)
        self._mark_wide_sections(parent)
        return heading

    def _mark_wide_sections(self, parent: etree.Element) -> None:
        """Give every element of a heading's section that holds a wide table the print-wide class.

        A section runs from a heading to the next one; a heading with nothing under it before the next
        heading (a part title over its first table) belongs to the section that follows, so it is printed
        on the same page as that section's table.
        """
        sections: list[list[etree.Element]] = [[]]
        for child in parent:
            if child.tag in HEADINGS and any(c.tag not in HEADINGS for c in sections[-1]):
                sections.append([])
            sections[-1].append(child)
        for section in sections:
            if any(c.tag not in HEADINGS and is_wide(c, self.md) for c in section):
                for c in section:
                    if not (c.tag == "p" and c.text and PLACEHOLDER.fullmatch(c.text.strip())):
                        _add_class(c, PRINT_WIDE)  # (a raw block's placeholder must stay a bare <p>: it is replaced)


# The first line of a generated table (generator.publish.htmltable); the block ends at the first line "</div>".
GENERATED_START = '<div class="table-scroll budget" role="region"'


class GeneratedTables(Preprocessor):
    """Stores each generated table block as raw HTML as it is, before any HTML parser reads the page.

    The block is our own output (every text in it escaped, no ids, no markdown), so it needs no parsing; Python's
    HTML parser over every table of a department page was the largest cost of a site build (md_in_html's and
    MkDocs' anchor scan each parse the whole page). The HTML written is the block itself, as any builder that
    passes raw HTML through (without this extension) writes it.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is not None:
                block.append(line)
                if line == "</div>":
                    out.append(self.md.htmlStash.store("\n".join(block)))
                    block = None
            elif line.startswith(GENERATED_START):
                block = [line]
            else:
                out.append(line)
        if block is not None:  # no end: not ours after all, left to the HTML parsers
            out.extend(block)
        return out


class TableRegionsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown names it so
        # Before MkDocs' anchor scan (21) and Python-Markdown's raw HTML blocks (20).
        md.preprocessors.register(GeneratedTables(md), "generated_tables", 25)
        # Priority 0: after toc (5) has added the permalinks and ids, so labels read the final headings.
        md.treeprocessors.register(TableRegions(md), "table_regions", 0)


def makeExtension(**kwargs: Any) -> TableRegionsExtension:  # the name Python-Markdown looks for
    return TableRegionsExtension(**kwargs)
