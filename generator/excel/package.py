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
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

import olefile
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from openpyxl.utils.exceptions import CellCoordinatesException

from generator.core.errors import GeneratorError, Problem, Severity
from generator.excel.scan import Forbidden, SheetInfo, SheetScan, Tally, TooLarge, mb, sheet_text

E = Severity.ERROR

# Limits (docs/excel.md “工作簿的大小限制”; the per-sheet ones are in generator.excel.scan).
MAX_FILE_BYTES = 20 * 2**20  # the .xlsx file itself
MAX_UNPACKED_BYTES = 100 * 2**20  # all zip members together, unpacked
MAX_PART_BYTES = 16 * 2**20  # workbook.xml and the relationship parts, which are read whole

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFailed(GeneratorError):
    """The workbook cannot become a budget; ``problems`` say where (sheet and cell)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} 个错误")
        self.problems = problems


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
            tally = Tally()
            for info in sheets:
                with zf.open(info.part) as f:
                    SheetScan(info, tally, keep_text=info.name == canonical).run(f)
                tally.used += info.area
            package = Package(shown, sheets)
            if (canon := package.sheet(canonical)) is not None:
                package.canonical_text = sheet_text(zf, canon, strings_part)
            return package
    except TooLarge as exc:
        raise _fail(shown, "xlsx-too-large", exc.message) from None
    except (DefusedXmlException, Forbidden):
        raise _fail(shown, "xlsx-unreadable", "工作簿的 XML 含有实体声明，为安全起见拒绝读取") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, OSError, SyntaxError, expat.ExpatError,
            CellCoordinatesException) as exc:
        # SyntaxError: ElementTree's ParseError; ValueError, CellCoordinatesException: bad cell references
        # or numbers; KeyError: a member the workbook names but the zip lacks
        raise _fail(shown, "xlsx-unreadable", f"工作簿已损坏，无法读取（{type(exc).__name__}）") from None
