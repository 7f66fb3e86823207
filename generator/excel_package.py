"""What an .xlsx file holds, found before anything is loaded into memory.

openpyxl builds a Python row for every row up to a sheet's extent (and the importer used to expand
merged ranges cell by cell), so a 43 KB file with one cell at ``XFD1048576`` or one merged range
``A30:XFD1048576`` would take gigabytes. Here the file is checked first, streaming and with fixed
limits, and refused with a located error as soon as it passes one:

* the file type, from its first bytes: an encrypted workbook (an OLE container with an
  ``EncryptedPackage`` stream), an old ``.xls``, a PDF, a Word document … each get their own message;
* the zip: file size, the sum of the members' unpacked sizes (zipfile stops reading a member at
  its declared size, so the declared sum bounds what is ever inflated: a zip bomb is refused here);
* every worksheet, streamed with a SAX parser that refuses entity declarations: where its cells
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
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from defusedxml.sax import make_parser
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import CellCoordinatesException

from generator.errors import GeneratorError, Problem, Severity

E = Severity.ERROR

# Limits (docs/excel.md “工作簿的大小限制”). A district's largest department fills a few thousand rows.
MAX_FILE_BYTES = 20 * 2**20  # the .xlsx file itself
MAX_UNPACKED_BYTES = 100 * 2**20  # all zip members together, unpacked
MAX_ROWS = 100_000  # per worksheet: the last row holding a value, a formula or a merged range
MAX_COLUMNS = 256  # per worksheet: the last column (IV)
MAX_CELLS = 2_000_000  # rows × columns of the used area, all worksheets together
MAX_UNCACHED_SHOWN = 20  # formula cells listed one by one per sheet, then a count

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class ImportFailed(GeneratorError):
    """The workbook cannot become a budget; ``problems`` say where (sheet and cell)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} 个错误")
        self.problems = problems


def unescape(text: str) -> str:
    """Undo Excel's ``_xHHHH_`` escapes (control characters; ``_x005F_`` is a literal underscore)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


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
                else "OLE 复合文档（如旧版 Office 文件）")
        raise _fail(shown, "xlsx-not-xlsx", f"不是 xlsx 文件（看起来是{what}）")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%PDF"):
        what = "PDF"
    elif text.startswith((b"<!doctype html", b"<html")):
        what = "网页 HTML；有的系统把网页存成 .xls，请在 Excel 中打开并另存为 .xlsx"
    elif text.startswith(b"<?xml"):
        what = "XML 文件，如 Excel 2003 XML 表格；请在 Excel 中另存为 .xlsx"
    elif not head:
        what = "空文件"
    elif head.startswith(b"PK"):
        what = "不完整的 zip 包"
    else:
        what = "无法识别的文件类型"
    raise _fail(shown, "xlsx-not-xlsx", f"不是 xlsx 文件（看起来是{what}）")


# ---------------------------------------------------------------- package structure


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def _xml(zf: zipfile.ZipFile, name: str) -> Any:
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
        return "Word 文档"
    if "ppt/presentation.xml" in names:
        return "PowerPoint 演示文稿"
    if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype")[:100]:
        return "OpenDocument 表格（.ods），请另存为 .xlsx"
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


class _SheetHandler(ContentHandler):
    """One pass over a worksheet's XML: used area, merged ranges, formulas without a cached value."""

    def __init__(self, info: SheetInfo, tally: _Tally, keep_text: bool) -> None:
        super().__init__()
        self.info = info
        self.used_elsewhere = tally.used
        self.tally = tally
        if keep_text:
            info.text = {}
        self.row = 0
        self.col = 0
        self.in_cell = False
        self.cell = (0, 0)
        self.type = "n"
        self.formula = False
        self.value: str | None = None
        self.inline: list[str] | None = None
        self.buffer: list[str] | None = None
        self.phonetic = False

    def _extend(self, row: int, col: int, what: str) -> None:
        info = self.info
        if row > MAX_ROWS or col > MAX_COLUMNS:
            raise TooLarge(f"工作表“{info.name}”的{what}到达 {get_column_letter(min(col, 18278))}{row}"
                           f"（第 {row} 行、第 {col} 列），超过上限 {MAX_ROWS} 行、{MAX_COLUMNS} 列"
                           f"（{get_column_letter(MAX_COLUMNS)} 列）")
        if row > info.rows or col > info.columns:
            info.rows, info.columns = max(info.rows, row), max(info.columns, col)
            if info.area + self.used_elsewhere > MAX_CELLS:
                raise TooLarge(f"工作表“{info.name}”的数据区域 A1:{get_column_letter(info.columns)}{info.rows}"
                               f"（连同其他工作表共 {info.area + self.used_elsewhere} 格）超过上限 {MAX_CELLS} 格")

    def startElement(self, name: str, attrs: Any) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                row, self.col = coordinate_to_tuple(ref)
            else:
                row, self.col = self.row, self.col + 1
            self.in_cell, self.cell = True, (row, self.col)
            self.type, self.formula, self.value, self.inline = attrs.get("t", "n"), False, None, None
        elif tag == "row":
            r = attrs.get("r")
            self.row, self.col = (int(r) if r else self.row + 1), 0
        elif not self.in_cell:
            if tag == "mergeCell" and attrs.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(attrs["ref"])
                if None in (min_col, min_row, max_col, max_row):
                    raise ValueError(attrs["ref"])
                self._extend(max_row, max_col, f"合并区域 {attrs['ref']}")  # type: ignore[arg-type]
                self.tally.merged += (max_row - min_row + 1) * (max_col - min_col + 1)  # type: ignore[operator]
                if self.tally.merged > MAX_CELLS:
                    raise TooLarge(f"工作表“{self.info.name}”：合并区域合计超过 {MAX_CELLS} 格（到 {attrs['ref']} 为止）")
                self.info.merged.append((min_col, min_row, max_col, max_row))  # type: ignore[arg-type]
        elif tag == "f":
            self.formula = True
        elif tag == "v":
            self.buffer = []
        elif tag == "is":
            self.inline = []
        elif tag == "rPh":
            self.phonetic = True
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.buffer = []

    def characters(self, content: str) -> None:
        if self.buffer is not None:
            self.buffer.append(content)

    def endElement(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if not self.in_cell:
            return
        if tag == "v" and self.buffer is not None:
            self.value, self.buffer = "".join(self.buffer), None
        elif tag == "t" and self.buffer is not None and self.inline is not None:
            self.inline.append("".join(self.buffer))
            self.buffer = None
        elif tag == "rPh":
            self.phonetic = False
        elif tag == "c":
            self.in_cell = False
            self._cell()

    def _cell(self) -> None:
        row, col = self.cell
        inline = self.type == "inlineStr" and self.inline is not None
        has_value = inline or (self.value is not None and (self.value != "" or self.type == "str"))
        if not (has_value or self.formula):
            return
        self._extend(row, col, "单元格")
        if self.formula and not has_value:
            self.info.uncached_count += 1
            if len(self.info.uncached) < MAX_UNCACHED_SHOWN:
                self.info.uncached.append(f"{get_column_letter(col)}{row}")
        if self.info.text is not None and has_value:
            self.info.text[(row, col)] = ("is" if inline else self.type,
                                          "".join(self.inline or []) if inline else self.value or "")


class _Done(Exception):
    pass


class _StringsHandler(ContentHandler):
    """The shared strings with the given indices, text only (phonetic runs left out), escapes kept."""

    def __init__(self, wanted: set[int]) -> None:
        super().__init__()
        self.wanted, self.last = wanted, max(wanted)
        self.index = -1
        self.found: dict[int, str] = {}
        self.parts: list[str] | None = None
        self.buffer: list[str] | None = None
        self.phonetic = False

    def startElement(self, name: str, attrs: Any) -> None:
        tag = name.rpartition(":")[2]
        if tag == "si":
            self.index += 1
            if self.index > self.last:
                raise _Done
            self.parts = [] if self.index in self.wanted else None
        elif tag == "rPh":
            self.phonetic = True
        elif tag == "t" and self.parts is not None and not self.phonetic:
            self.buffer = []

    def characters(self, content: str) -> None:
        if self.buffer is not None:
            self.buffer.append(content)

    def endElement(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "t" and self.buffer is not None and self.parts is not None:
            self.parts.append("".join(self.buffer))
            self.buffer = None
        elif tag == "rPh":
            self.phonetic = False
        elif tag == "si" and self.parts is not None:
            self.found[self.index] = "".join(self.parts)
            self.parts = None


def _sax(source: IO[bytes], handler: ContentHandler) -> None:
    parser = make_parser()
    parser.setContentHandler(handler)
    parser.parse(source)


def _sheet_text(zf: zipfile.ZipFile, info: SheetInfo, strings_part: str | None) -> str:
    """A sheet's text as written: one line per row, the row's cells joined left to right."""
    cells = info.text or {}
    wanted = {int(v) for (t, v) in cells.values() if t == "s" and v.isdigit()}
    shared: dict[int, str] = {}
    if wanted and strings_part:
        handler = _StringsHandler(wanted)
        try:
            with zf.open(strings_part) as f:
                _sax(f, handler)
        except _Done:
            pass
        shared = handler.found
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
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise _fail(shown, "xlsx-too-large", f"工作簿解压后有 {mb(unpacked)}，超过上限 {mb(MAX_UNPACKED_BYTES)}"
                                                     "（文件可能是压缩炸弹）")
            sheets, strings_part = _workbook(zf, shown)
            tally = _Tally()
            for info in sheets:
                with zf.open(info.part) as f:
                    _sax(f, _SheetHandler(info, tally, keep_text=info.name == canonical))
                tally.used += info.area
            package = Package(shown, sheets)
            if (canon := package.sheet(canonical)) is not None:
                package.canonical_text = _sheet_text(zf, canon, strings_part)
            return package
    except TooLarge as exc:
        raise _fail(shown, "xlsx-too-large", exc.message) from None
    except DefusedXmlException:
        raise _fail(shown, "xlsx-unreadable", "工作簿的 XML 含有实体声明，为安全起见拒绝读取") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, SAXException, ValueError, KeyError, OSError, SyntaxError,
            CellCoordinatesException) as exc:
        # SyntaxError: ElementTree's ParseError; ValueError, CellCoordinatesException: bad cell references
        raise _fail(shown, "xlsx-unreadable", f"工作簿已损坏，无法读取（{type(exc).__name__}）") from None
