"""What an .xlsx file holds, found before anything is loaded into memory.

openpyxl builds a Python row for every row up to a sheet's extent (and the importer used to expand
merged ranges cell by cell), so a 43 KB file with one cell at ``XFD1048576`` or one merged range
``A30:XFD1048576`` would take gigabytes. Here the file is checked first, streaming and with fixed
limits, and refused with a located error as soon as it passes one:

* the file type, from its first bytes: an encrypted workbook (an OLE container with an
  ``EncryptedPackage`` stream), an old ``.xls``, a PDF, a Word document … each get their own message;
* the zip: file size, the sum of the members' unpacked sizes (zipfile stops reading a member at
  its declared size, so the declared sum bounds what is ever inflated: a zip bomb is refused here);
* every worksheet, streamed with expat (entity declarations and external entities refused, as
  defusedxml does; nothing of a row is kept once it has been counted): where its cells
  (with a value or a formula) and merged ranges reach, formulas without a cached value, and the
  workbook-wide number of cells those areas hold;
* the ``_canonical`` sheet's text exactly as written. openpyxl deletes every ``x005F_`` from shared
  strings and leaves other ``_xHHHH_`` escapes in place, which cannot be undone afterwards; the
  escapes are undone here, once, the way Excel and XlsxWriter write them.

The importer then reads values with openpyxl (read-only, bounded to the areas found here).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import CellCoordinatesException

from generator.errors import GeneratorError, Problem, Severity

E = Severity.ERROR

# Limits (docs/excel.md “工作簿的大小限制”). A district's largest department fills a few thousand rows.
MAX_FILE_BYTES = 20 * 2**20  # the .xlsx file itself
MAX_UNPACKED_BYTES = 100 * 2**20  # all zip members together, unpacked
MAX_ROWS = 50_000  # per worksheet: the last row holding a value, a formula or a merged range
MAX_COLUMNS = 256  # per worksheet: the last column (IV)
MAX_PART_BYTES = 16 * 2**20  # workbook.xml and the relationship parts, which are read whole
MAX_CELLS = 2_000_000  # rows × columns of the used area, all worksheets together
MAX_UNCACHED_SHOWN = 20  # formula cells listed one by one per sheet, then a count

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ESCAPE = re.compile(r"_x005[Ff](_x[0-9A-Fa-f]{4}_)|_x([0-9A-Fa-f]{4})_")


class ImportFailed(GeneratorError):
    """The workbook cannot become a budget; ``problems`` say where (sheet and cell)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} 个错误")
        self.problems = problems


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


@dataclass
class Package:
    path: str
    sheets: list[SheetInfo]
    canonical_text: str | None = None

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)


def _fail(path: str, slug: str, message: str) -> ImportFailed:
    return ImportFailed([Problem(slug, E, message, path)])


# ---------------------------------------------------------------- file type


def _ole_kind(path: Path) -> str:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptedPackage"):
                return "encrypted"
            if ole.exists("Workbook") or ole.exists("Book"):
                return "xls"
    except Exception:  # olefile raises several kinds for a damaged container
        return "ole"
    return "ole"


def check_type(path: Path) -> None:
    """Refuse a file that is not an xlsx package, saying what it looks like."""
    shown = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(512)
    except FileNotFoundError:
        raise _fail(shown, "missing-file", "文件不存在") from None
    except IsADirectoryError:
        raise _fail(shown, "xlsx-not-xlsx", "这是一个目录，不是 xlsx 文件") from None
    except OSError as exc:
        raise _fail(shown, "xlsx-unreadable", f"无法读取工作簿（{type(exc).__name__}）") from None
    if size > MAX_FILE_BYTES:
        raise _fail(shown, "xlsx-too-large", f"文件有 {mb(size)}，超过上限 {mb(MAX_FILE_BYTES)}")
    if head.startswith(b"PK\x03\x04"):
        return
    if head.startswith(OLE_MAGIC):
        kind = _ole_kind(path)
        if kind == "encrypted":
            raise _fail(shown, "xlsx-encrypted", "工作簿已加密，请先取消密码保护（在 Excel 中：文件 → 信息 → 保护工作簿 → "
                                                 "用密码进行加密，清空密码并保存）")
        what = ("旧版 Excel 97–2003 工作簿（.xls），请在 Excel 中另存为 .xlsx" if kind == "xls"
                else " OLE 复合文档（如旧版 Office 文件）")
        raise _fail(shown, "xlsx-not-xlsx", f"不是 xlsx 文件（看起来是{what}）")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%PDF"):
        what = " PDF"
    elif text.startswith((b"<!doctype html", b"<html")):
        what = "网页（HTML）；有的系统把网页存成 .xls，请在 Excel 中打开并另存为 .xlsx"
    elif text.startswith(b"<?xml"):
        what = " XML 文件，如 Excel 2003 XML 表格；请在 Excel 中另存为 .xlsx"
    elif not head:
        what = "空文件"
    elif head.startswith(b"PK"):
        what = "不完整的 zip 压缩包"
    else:
        what = "无法识别的文件类型"
    raise _fail(shown, "xlsx-not-xlsx", f"不是 xlsx 文件（看起来是{what}）")


# ---------------------------------------------------------------- package structure


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def _xml(zf: zipfile.ZipFile, name: str) -> Any:
    """A small part (relationships, workbook.xml) parsed whole."""
    if zf.getinfo(name).file_size > MAX_PART_BYTES:
        raise TooLarge(f"工作簿的 {name} 有 {mb(zf.getinfo(name).file_size)}，超过上限 {mb(MAX_PART_BYTES)}")
    return SafeET.fromstring(zf.read(name))


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target part) of ``part`` (``""`` for the package root)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in zf.NameToInfo:
        return {}
    out = {}
    for el in _xml(zf, rels).iter():
        if _local(el.tag) != "Relationship" or el.get("TargetMode") == "External":
            continue
        target = el.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[el.get("Id", "")] = (el.get("Type", ""), target)
    return out


def _not_xlsx(zf: zipfile.ZipFile) -> str:
    names = zf.NameToInfo
    if "word/document.xml" in names:
        return " Word 文档"
    if "ppt/presentation.xml" in names:
        return " PowerPoint 演示文稿"
    if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype")[:100]:
        return " OpenDocument 表格（.ods），请另存为 .xlsx"
    return "普通的 zip 压缩包"


def _workbook(zf: zipfile.ZipFile, shown: str) -> tuple[list[SheetInfo], str | None]:
    """The worksheets in workbook order (name, state, part) and the shared-strings part."""
    main = next((t for kind, t in _rels(zf, "").values() if kind.endswith("/officeDocument")), None)
    if main is None or main not in zf.NameToInfo:
        raise _fail(shown, "xlsx-not-xlsx", f"不是 xlsx 文件（看起来是{_not_xlsx(zf)}）")
    rels = _rels(zf, main)
    sheets = []
    for el in _xml(zf, main).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
        kind, target = rels.get(rid, ("", ""))
        if kind.endswith("/worksheet") and target in zf.NameToInfo:
            sheets.append(SheetInfo(el.get("name", ""), el.get("state", "visible"), target))
    strings = next((t for kind, t in rels.values() if kind.endswith("/sharedStrings") and t in zf.NameToInfo), None)
    return sheets, strings


# ---------------------------------------------------------------- streaming a worksheet


class TooLarge(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Tally:
    """Workbook-wide counts: the used areas of the sheets already read, and all merged cells."""

    used: int = 0
    merged: int = 0


class _Forbidden(Exception):
    pass


def _forbid(*_: Any) -> None:
    raise _Forbidden


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


class _SheetScan:
    """One streaming pass over a worksheet's XML: used area, merged ranges, formulas without a cached
    value, and (for ``_canonical``) each cell's raw text. Nothing of the sheet is kept but these."""

    def __init__(self, info: SheetInfo, tally: _Tally, keep_text: bool) -> None:
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


def _sheet_text(zf: zipfile.ZipFile, info: SheetInfo, strings_part: str | None) -> str:
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


def inspect(path: Path, canonical: str) -> Package:
    """Check the file against the limits and describe its worksheets; raise :class:`ImportFailed`."""
    shown = str(path)
    check_type(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _fail(shown, "xlsx-unreadable", "文件不完整或已损坏（zip 压缩包的目录缺失），请重新下载或在 Excel 中另存") from None
    try:
        with zf:
            unpacked = sum(i.file_size for i in zf.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise _fail(shown, "xlsx-too-large", f"工作簿解压后有 {mb(unpacked)}，超过上限 {mb(MAX_UNPACKED_BYTES)}"
                                                     "（文件可能是压缩炸弹）")
            sheets, strings_part = _workbook(zf, shown)
            tally = _Tally()
            for info in sheets:
                with zf.open(info.part) as f:
                    _SheetScan(info, tally, keep_text=info.name == canonical).run(f)
                tally.used += info.area
            package = Package(shown, sheets)
            if (canon := package.sheet(canonical)) is not None:
                package.canonical_text = _sheet_text(zf, canon, strings_part)
            return package
    except TooLarge as exc:
        raise _fail(shown, "xlsx-too-large", exc.message) from None
    except (DefusedXmlException, _Forbidden):
        raise _fail(shown, "xlsx-unreadable", "工作簿的 XML 含有实体声明，为安全起见拒绝读取") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, OSError, SyntaxError, expat.ExpatError,
            CellCoordinatesException) as exc:
        # SyntaxError: ElementTree's ParseError; ValueError, CellCoordinatesException: bad cell references
        # or numbers; KeyError: a member the workbook names but the zip lacks
        raise _fail(shown, "xlsx-unreadable", f"工作簿已损坏，无法读取（{type(exc).__name__}）") from None
