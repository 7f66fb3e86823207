"""One streaming pass over a worksheet's XML with expat: where its cells reach, and nothing else kept.

Used by :mod:`generator.excel.package` before anything is loaded: the used area (cells with a value
or a formula, and merged ranges), formulas saved without a result, and (for ``_canonical``) each
cell's raw text, whose ``_xHHHH_`` escapes are undone here once (:func:`unescape`). A sheet is
refused (:class:`TooLarge`) as soon as it passes a limit.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

# Limits (docs/excel.md “工作簿的大小限制”). A district's largest department fills a few thousand rows.
MAX_ROWS = 50_000  # per worksheet: the last row holding a value, a formula or a merged range
MAX_COLUMNS = 256  # per worksheet: the last column (IV)
MAX_CELLS = 2_000_000  # rows × columns of the used area, all worksheets together
MAX_UNCACHED_SHOWN = 20  # formula cells listed one by one per sheet, then a count

_ESCAPE = re.compile(r"_x005[Ff](_x[0-9A-Fa-f]{4}_)|_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """Undo the ``_xHHHH_`` escapes of cell text: a control character, or (``_x005F_``) an underscore
    that would otherwise start an escape. XlsxWriter prefixes each literal ``_xHHHH_`` with ``_x005F``
    as one unit, so ``_x005F`` before an escape-shaped text gives that text back as written."""
    return _ESCAPE.sub(lambda m: m[1] or chr(int(m[2], 16)), text)


def mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


@dataclass(eq=False)  # compared and hashed by identity
class SheetInfo:
    name: str
    state: str  # visible, hidden or veryHidden
    part: str
    rows: int = 0  # the used area: last row and column with a value, a formula or a merged range
    columns: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row
    uncached: list[str] = field(default_factory=list)  # formula cells without a cached value (first few)
    uncached_count: int = 0
    text: dict[tuple[int, int], tuple[str, str]] | None = None  # (row, col) → (type, raw value); _canonical only

    @property
    def hidden(self) -> bool:
        return self.state != "visible"

    @property
    def area(self) -> int:
        return self.rows * self.columns


class TooLarge(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Tally:
    """Workbook-wide counts: the used areas of the sheets already read, and all merged cells."""

    used: int = 0
    merged: int = 0


class Forbidden(Exception):
    pass


def _forbid(*_: Any) -> None:
    raise Forbidden


def _expat() -> Any:
    """An expat parser that refuses entity declarations and external entities (what defusedxml does
    for its SAX and ElementTree parsers; used directly here because it is several times faster)."""
    parser = expat.ParserCreate()
    parser.EntityDeclHandler = _forbid  # type: ignore[assignment]
    parser.UnparsedEntityDeclHandler = _forbid  # type: ignore[assignment]
    parser.ExternalEntityRefHandler = _forbid  # type: ignore[assignment]
    parser.buffer_text = True
    return parser


def _local_name(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")


class SheetScan:
    """One streaming pass over a worksheet's XML: used area, merged ranges, formulas without a cached
    value, and (for ``_canonical``) each cell's raw text. Nothing of the sheet is kept but these."""

    def __init__(self, info: SheetInfo, tally: Tally, keep_text: bool) -> None:
        self.info, self.tally = info, tally
        self.used_elsewhere = tally.used
        self.keep_text = keep_text
        if keep_text:
            info.text = {}
        self.row = self.col = 0
        self.pending = False  # a cell started and not yet accounted for
        self.cell = (0, 0)
        self.kind = "n"
        self.formula = self.has_value = False
        self.in_v = False  # inside <v>, which has no child elements: the next start ends it
        self.buffer: list[str] | None = None  # text being collected (keep_text only)
        self.value = ""
        self.phonetic = False

    def run(self, source: IO[bytes]) -> None:
        parser = _expat()
        parser.StartElementHandler = self._start
        parser.CharacterDataHandler = self._chars
        if self.keep_text:
            parser.EndElementHandler = self._end
        parser.ParseFile(source)
        self._flush()

    def _extend(self, row: int, col: int, what: str) -> None:
        info = self.info
        if row > MAX_ROWS or col > MAX_COLUMNS:
            raise TooLarge(f"工作表“{info.name}”的{what} 超出上限：到了第 {row} 行、第 {col} 列，"
                           f"最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列（{get_column_letter(MAX_COLUMNS)} 列）")
        if row > info.rows or col > info.columns:
            info.rows, info.columns = max(info.rows, row), max(info.columns, col)
            if info.area + self.used_elsewhere > MAX_CELLS:
                raise TooLarge(f"工作表“{info.name}”的数据区域 A1:{get_column_letter(info.columns)}{info.rows}"
                               f"（连同其他工作表共 {info.area + self.used_elsewhere} 格）超过上限 {MAX_CELLS} 格")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        name = _local_name(name)
        self.in_v = False
        if name == "c":
            self._flush()
            ref = attrs.get("r")
            if ref:
                m = _REF.match(ref)
                if m is None:
                    raise ValueError(ref)
                self.row, self.col = int(m[2]), column_index_from_string(m[1].upper())
            else:
                self.col += 1
            self.pending, self.cell, self.kind = True, (self.row, self.col), attrs.get("t", "n")
            self.formula = self.has_value = False
            self.value = ""
        elif name == "v":
            # a value, if it has text: openpyxl writes a formula as <f>…</f><v></v> (no cached value);
            # for a formula's text result (t="str") an empty <v> is the cached empty string
            self.in_v = True
            self.has_value = self.has_value or self.kind == "str"
            if self.keep_text:
                self.buffer = []
        elif name == "is":
            self.has_value = True
        elif name == "f":
            self.formula = True
        elif name == "row":
            self._flush()
            r = attrs.get("r")
            self.row, self.col = (int(r) if r else self.row + 1), 0
        elif name == "mergeCell":
            self._flush()
            if ref := attrs.get("ref"):
                self._merge(ref)
        elif self.keep_text and self.pending:
            if name == "rPh":
                self.phonetic = True
            elif name == "t" and not self.phonetic:
                self.buffer = []

    def _end(self, name: str) -> None:
        name = _local_name(name)
        if name in ("v", "t") and self.buffer is not None:
            self.value += "".join(self.buffer)
            self.buffer = None
        elif name == "rPh":
            self.phonetic = False

    def _chars(self, text: str) -> None:
        if self.in_v and not self.has_value and text.strip():
            self.has_value = True
        if self.buffer is not None:
            self.buffer.append(text)

    def _flush(self) -> None:
        if not self.pending:
            return
        self.pending = False
        if not (self.has_value or self.formula):
            return
        row, col = self.cell
        self._extend(row, col, f"单元格 {get_column_letter(min(col, 18278))}{row}" if row > MAX_ROWS or col > MAX_COLUMNS
                     else "")
        if self.formula and not self.has_value:
            self.info.uncached_count += 1
            if len(self.info.uncached) < MAX_UNCACHED_SHOWN:
                self.info.uncached.append(f"{get_column_letter(col)}{row}")
        if self.info.text is not None and self.has_value:
            self.info.text[(row, col)] = ("is" if self.kind == "inlineStr" else self.kind, self.value)

    def _merge(self, ref: str) -> None:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_col is None or min_row is None or max_col is None or max_row is None:
            raise ValueError(ref)
        self._extend(max_row, max_col, f"合并区域 {ref}")
        self.tally.merged += (max_row - min_row + 1) * (max_col - min_col + 1)
        if self.tally.merged > MAX_CELLS:
            raise TooLarge(f"工作表“{self.info.name}”：合并区域合计超过 {MAX_CELLS} 格（到 {ref} 为止）")
        self.info.merged.append((min_col, min_row, max_col, max_row))


class _Strings:
    """The shared strings with the given indices, escapes kept, phonetic runs left out; stops after the last."""

    def __init__(self, wanted: set[int]) -> None:
        self.wanted, self.last = wanted, max(wanted)
        self.index = -1
        self.found: dict[int, str] = {}
        self.parts: list[str] | None = None
        self.buffer: list[str] | None = None
        self.phonetic = False

    def run(self, source: IO[bytes]) -> dict[int, str]:
        parser = _expat()
        parser.StartElementHandler, parser.EndElementHandler = self._start, self._end
        parser.CharacterDataHandler = self._chars
        try:
            parser.ParseFile(source)
        except _Done:
            pass
        return self.found

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        name = _local_name(name)
        if name == "si":
            self.index += 1
            if self.index > self.last:
                raise _Done
            self.parts = [] if self.index in self.wanted else None
        elif name == "rPh":
            self.phonetic = True
        elif name == "t" and self.parts is not None and not self.phonetic:
            self.buffer = []

    def _chars(self, text: str) -> None:
        if self.buffer is not None:
            self.buffer.append(text)

    def _end(self, name: str) -> None:
        name = _local_name(name)
        if name == "t" and self.buffer is not None and self.parts is not None:
            self.parts.append("".join(self.buffer))
            self.buffer = None
        elif name == "rPh":
            self.phonetic = False
        elif name == "si" and self.parts is not None:
            self.found[self.index] = "".join(self.parts)
            self.parts = None


class _Done(Exception):
    pass


def sheet_text(zf: zipfile.ZipFile, info: SheetInfo, strings_part: str | None) -> str:
    """A sheet's text as written: one line per row, the row's cells joined left to right."""
    cells = info.text or {}
    wanted = {int(v) for (t, v) in cells.values() if t == "s" and v.isdigit()}
    shared: dict[int, str] = {}
    if wanted and strings_part:
        with zf.open(strings_part) as f:
            shared = _Strings(wanted).run(f)
    lines: list[list[str]] = [[] for _ in range(info.rows)]
    for (row, _col), (kind, value) in sorted(cells.items()):
        if kind == "s":
            value = unescape(shared.get(int(value), "") if value.isdigit() else value)
        elif kind in ("str", "is"):
            value = unescape(value)
        lines[row - 1].append(value)
    return "".join("".join(parts) + "\n" for parts in lines)
