"""Charts as inline SVG, drawn at build time: no JavaScript, no CDN, prints as it shows.

Every bar carries its label and figure as text, so colour is never the only carrier of
meaning; each chart has a <title>/<desc> and a caption pointing at the table with the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from generator.core.money import DEFAULT_FORMAT, convert, format_number, percent

WIDTH = 600
BAR = 22
GAP = 12
COLORS = ("#1f5f99", "#c0504d", "#4f8a3c", "#8064a2", "#d9822b", "#2c8c99", "#7f7f7f")


@dataclass(frozen=True)
class Numbers:
    """How a chart prints its amounts: values come in the file's recording unit and are shown in the unit and
    number format the profile declares for them (the table the chart links to), converted exactly and rounded
    once (``3296600`` 元 in ``#,##0`` prints ``3,296,600元``; in 万元 with ``#,##0.00``, ``329.66万元``)."""

    recorded: str
    unit: str
    format: str = DEFAULT_FORMAT

    def text(self, value: Decimal) -> str:
        return f"{format_number(convert(value, self.recorded, self.unit), self.format)}{self.unit}"


def _patterns(uid: str) -> str:
    return (f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2c4a8"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#c0504d" stroke-width="3"/></pattern></defs>')


def _figure(svg: str, caption: str, link: str | None, link_text: str | None) -> str:
    ref = f'，数据见<a href="{escape(link)}">{escape(link_text or "")}</a>' if link else ""
    return (f'<figure class="budget-chart">\n{svg}\n<figcaption>{escape(caption)}{ref}</figcaption>\n</figure>')


def _label_width(labels: list[str]) -> int:
    """Room for the longest label at 14 px per CJK character (SVG text does not wrap)."""
    return min(max((len(x) for x in labels), default=4) * 15 + 12, 330)


def _svg(title: str, desc: str, height: int, body: str, uid: str, width: int = WIDTH) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMinYMin meet">'
            f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>{_patterns(uid)}{body}</svg>')


def bars(uid: str, title: str, items: list[tuple[str, Decimal]], numbers: Numbers, link: str | None = None,
         link_text: str | None = None) -> str:
    """Horizontal bars, one per item, each labelled with its name, amount and share."""
    whole = sum((v for _, v in items), Decimal(0))
    top = max((v for _, v in items), default=Decimal(0)) or Decimal(1)
    label_w = _label_width([label for label, _ in items])
    span = 240
    width = label_w + span + 170
    parts = []
    for i, (label, value) in enumerate(items):
        y = 10 + i * (BAR + GAP)
        w = int(span * value / top) if value > 0 else 0
        share = percent(value, whole)
        text = numbers.text(value) + (f"（{share:f}%）" if share is not None else "")
        parts.append(
            f'<text x="{label_w - 8}" y="{y + BAR * 0.72:.0f}" text-anchor="end" class="lbl">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{BAR}" fill="{COLORS[i % len(COLORS)]}"/>'
            f'<text x="{label_w + w + 6}" y="{y + BAR * 0.72:.0f}" class="val">{escape(text)}</text>')
    height = 20 + len(items) * (BAR + GAP)
    desc = "；".join(f"{label} {numbers.text(v)}" for label, v in items)
    return _figure(_svg(title, desc, height, "".join(parts), uid, width), title, link, link_text)


def compare(uid: str, title: str, items: list[tuple[str, Decimal | None, Decimal]], numbers: Numbers,
            link: str | None = None, link_text: str | None = None) -> str:
    """Prior year vs this year per line: two bars each, solid = 本年, hatched = 上年, both labelled."""
    values = [v for _, p, c in items for v in (p, c) if v is not None]
    top = max(values, default=Decimal(0)) or Decimal(1)
    label_w = _label_width([label for label, _, _ in items])
    span = 240
    width = label_w + span + 150
    parts = [f'<rect x="{label_w}" y="4" width="14" height="10" fill="#1f5f99"/>'
             f'<text x="{label_w + 18}" y="13" class="val">本年</text>'
             f'<rect x="{label_w + 70}" y="4" width="14" height="10" fill="url(#{uid}-hatch)"/>'
             f'<text x="{label_w + 88}" y="13" class="val">上年</text>']
    row_h = 2 * 16 + GAP
    for i, (label, prior, current) in enumerate(items):
        y = 24 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 20}" text-anchor="end" class="lbl">{escape(label)}</text>')
        for j, (name, value, fill) in enumerate((("本年", current, "#1f5f99"), ("上年", prior, f"url(#{uid}-hatch)"))):
            yy = y + j * 16
            w = int(span * value / top) if value else 0
            shown = f"{name} {numbers.text(value)}" if value is not None else f"{name} 未记录"
            parts.append(f'<rect x="{label_w}" y="{yy}" width="{max(w, 1)}" height="14" fill="{fill}"/>'
                         f'<text x="{label_w + w + 6}" y="{yy + 11}" class="val">{escape(shown)}</text>')
    height = 30 + len(items) * row_h
    desc = "；".join(f"{label}：本年 {numbers.text(c)}，上年 {numbers.text(p) if p is not None else '未记录'}"
                     for label, p, c in items)
    return _figure(_svg(title, desc, height, "".join(parts), uid, width), title, link, link_text)
