"""YAML text → plain data plus the source position of every value.

Safe loading only: no Python tags. Floats are read as exact ``Decimal`` from their
source text, duplicate keys are rejected, and every mapping value and sequence item
keeps its (line, column) so that any later error points at the line an editor edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.constructor import ConstructorError

from generator.core.errors import InputError
from generator.load.yaml_errors import describe as describe_yaml_error

Path_ = tuple[str | int, ...]

MAX_FILE_BYTES = 5 * 1024 * 1024  # a real budget file is ~20 KB; docs/limits.md
MAX_DIGITS = 30  # digits of an integer read as int; longer ones become Decimal (no int() digit limit)
_EXPONENT = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*[eE][-+]?[0-9]+")
# Keys are matched against field names and echoed in messages: no controls or invisible characters.
_BAD_KEY = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Mark:
    line: int
    column: int


@dataclass
class Document:
    """A parsed YAML file: its data and where each value came from."""

    path: str
    data: Any
    marks: dict[Path_, Mark] = field(default_factory=dict)
    text: str = ""  # the source as written (comments included), e.g. for the workbook's _canonical sheet

    def drop_marks(self) -> None:
        """Forget the positions (a large share of a loaded file's memory); ``mark`` rebuilds them."""
        if self.text:
            self.marks = {}

    def mark(self, loc: Path_) -> Mark:
        """Position of ``loc``, or of its nearest ancestor that exists in the file."""
        if not self.marks and self.text:
            self.marks = parse(self.text, self.path).marks  # dropped to save memory; rebuilt on demand
        loc = tuple(loc)
        while loc:
            if loc in self.marks:
                return self.marks[loc]
            loc = loc[:-1]
        return self.marks.get((), Mark(1, 1))


class _Loader(yaml.SafeLoader):
    pass


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal | str:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if _EXPONENT.fullmatch(text):
        return text  # 9.774e+2: kept as written; the model says exponent notation is not supported
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ConstructorError(None, None, f"无法识别的数字“{text}”", node.start_mark) from None
    if not value.is_finite():
        raise ConstructorError(None, None, f"金额不能是“{text}”", node.start_mark)
    return value


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates are not part of the schema; keep the editor's text rather than a datetime.
    return str(loader.construct_scalar(node))


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str | Decimal:
    text = str(loader.construct_scalar(node))
    # YAML 1.1 reads 063002 as octal; a leading zero here is always a code, so keep the text.
    if len(text) > 1 and text[0] == "0" and text[1].isdigit():
        return text
    # Only plain decimal integers are numbers; YAML 1.1 hex (0x10) and sexagesimal (1:30) stay text,
    # so the schema reports them instead of silently reading 16 or 90.
    if not text.lstrip("+-").isdigit():
        return text
    if len(text) > MAX_DIGITS:
        return Decimal(text)  # int() refuses > 4,300 digits; the model reports the size, located
    return int(text)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
# Scalar tags whose constructor ``_build`` calls directly (they neither recurse nor keep state).
_SCALARS: dict[str, Any] = {tag: _Loader.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool")}

# libyaml (C) parses ~5x faster with the same nodes and marks; used only when a file parses cleanly,
# any problem is re-parsed by the pure-Python loader above so that errors stay exactly as they were.
_FastLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        # A scalar's implicit tag depends only on its text and quoting (no path resolvers are registered),
        # and a budget repeats the same few: resolved once each instead of by regular expressions every time.
        _resolved: ClassVar[dict[tuple[str, Any], str]] = {}

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is yaml.ScalarNode:
                key = (value, implicit)
                tag = self._resolved.get(key)
                if tag is None:
                    if len(self._resolved) > 50_000:
                        self._resolved.clear()
                    tag = self._resolved[key] = super().resolve(kind, value, implicit)
                return tag
            # What BaseResolver answers for a collection when no path resolvers are registered (asserted below).
            return _MAP if kind is yaml.MappingNode else _SEQ

    assert not _FastLoader.yaml_path_resolvers, "resolve() above assumes no path resolvers"
    for _tag, _fn in _Loader.yaml_constructors.items():
        _FastLoader.add_constructor(_tag, _fn)


MAX_NODES = 200_000  # far beyond any budget file; stops alias bombs ("billion laughs")
MAX_DEPTH = 40
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


_STR = "tag:yaml.org,2002:str"


def _walk(loader: _Loader, node: yaml.Node, loc: Path_, marks: dict[Path_, Mark], budget: list[int]) -> Any:
    """Build the data of ``node`` and record the position of every value in ``marks`` (``_build`` records none)."""
    budget[0] += 1
    if budget[0] > MAX_NODES or len(loc) > MAX_DEPTH:
        raise InputError("yaml-syntax", "文件嵌套过深或别名展开过多，不像预算文件",
                         line=node.start_mark.line + 1, column=node.start_mark.column + 1)
    marks.setdefault(loc, Mark(node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if node.tag not in (_MAP, _SEQ):
        raise InputError("yaml-syntax", f"不支持的 YAML 标签 {node.tag}",
                         line=node.start_mark.line + 1, column=node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _key(loader, key_node)
            line = key_node.start_mark.line + 1
            if key in result:
                raise InputError(
                    "duplicate-key",
                    f"键“{key}”重复出现（第一次在第 {first_line[key]} 行）",
                    line=line,
                    column=key_node.start_mark.column + 1,
                )
            first_line[key] = line
            # Errors about a value point at its key's line, which is where editors look.
            marks[loc + (key,)] = Mark(line, key_node.start_mark.column + 1)
            result[key] = _walk(loader, value_node, loc + (key,), marks, budget)
        return result
    return [_walk(loader, item, loc + (i,), marks, budget) for i, item in enumerate(node.value)]


_MERGE, _VALUE = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"
_GOOD_KEYS: set[str] = set()  # keys already found free of controls (a budget repeats the same few hundred)


def _key(loader: _Loader, key_node: yaml.Node) -> str:
    """A mapping key as text: a plain string taken as written, a number as its digits; nothing else, and no
    control or invisible characters."""
    if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:
        key = key_node.value
    else:
        constructed = loader.construct_object(key_node, deep=True)
        if not isinstance(constructed, (str, int)):
            raise ConstructorError(None, None, "键必须是文字", key_node.start_mark)
        key = str(constructed)
    if key not in _GOOD_KEYS:
        if _BAD_KEY.search(key) or len(key) > 200:
            raise ConstructorError(None, None, "键含有控制字符或不可见字符，或过长", key_node.start_mark)
        if len(_GOOD_KEYS) < 100_000:
            _GOOD_KEYS.add(key)
    return key


def _build(loader: _Loader, node: yaml.Node, depth: int, budget: list[int]) -> Any:
    """``_walk`` without positions, for the common case of a clean file: the same data, built faster.

    Plain scalars and keys (almost every node) are taken directly instead of through PyYAML's
    ``construct_object``; anything unusual (other tags, merge keys) goes the way ``_walk`` goes.
    """
    budget[0] += 1
    if budget[0] > MAX_NODES or depth > MAX_DEPTH:
        raise InputError("yaml-syntax", "文件嵌套过深或别名展开过多，不像预算文件",
                         line=node.start_mark.line + 1, column=node.start_mark.column + 1)
    kind, tag = type(node), node.tag
    if kind is yaml.ScalarNode:
        if tag == _STR:
            return node.value
        constructor = _SCALARS.get(tag)
        return constructor(loader, node) if constructor is not None else loader.construct_object(node, deep=True)
    if tag == _SEQ and kind is yaml.SequenceNode:
        return [_build(loader, item, depth + 1, budget) for item in node.value]
    if tag != _MAP or kind is not yaml.MappingNode:
        raise InputError("yaml-syntax", f"不支持的 YAML 标签 {tag}")  # the reference parser reports it, located
    pairs = node.value
    for key_node, _ in pairs:
        if key_node.tag == _MERGE or key_node.tag == _VALUE:
            loader.flatten_mapping(node)  # type: ignore[arg-type]  # a MappingNode (checked above)
            pairs = node.value
            break
    result: dict[Any, Any] = {}
    for key_node, value_node in pairs:
        key = _key(loader, key_node)
        if key in result:
            raise InputError("duplicate-key", f"键“{key}”重复出现", line=key_node.start_mark.line + 1,
                             column=key_node.start_mark.column + 1)
        result[key] = _build(loader, value_node, depth + 1, budget)
    return result


def _fast_parse(text: str, path: str, with_marks: bool) -> Document | None:
    if _FastLoader is None:
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        marks: dict[Path_, Mark] = {}
        if node is None:
            data: Any = {}
        else:
            data = _walk(loader, node, (), marks, [0]) if with_marks else _build(loader, node, 0, [0])
    except Exception:  # the reference parser below reports it, located
        return None
    finally:
        loader.dispose()
    return Document(path=path, data=data, marks=marks or {}, text=text)


def parse(text: str, path: str = "<string>", with_marks: bool = True) -> Document:
    """Parse YAML text; raise :class:`InputError` with a position on any problem.

    ``with_marks=False`` skips recording positions (faster); ``Document.mark`` rebuilds them
    from the text the first time a problem needs one.
    """
    if len(text) > MAX_FILE_BYTES:
        raise _too_large(path, text.count("\n", 0, MAX_FILE_BYTES) + 1)
    if (fast := _fast_parse(text, path, with_marks)) is not None:
        return fast
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        marks: dict[Path_, Mark] = {}
        data = {} if node is None else _walk(loader, node, (), marks, [0])
    except InputError as exc:
        raise exc.at(path) from None
    except yaml.MarkedYAMLError as exc:
        message, line, column = describe_yaml_error(exc, text)
        raise InputError("yaml-syntax", message, file=path, line=line, column=column) from None
    except yaml.reader.ReaderError as exc:
        raise InputError("yaml-syntax", f"文件含有不允许的控制字符（{exc.character!r}，第 {exc.position} 个字符）",
                         file=path, line=text.count("\n", 0, exc.position) + 1) from None
    except yaml.YAMLError as exc:
        raise InputError("yaml-syntax", f"YAML 格式错误（{str(exc).splitlines()[0]}）", file=path) from None
    except RecursionError:
        raise InputError("yaml-syntax", "文件嵌套过深或别名自我引用，不像预算文件", file=path,
                         line=_deep_line(text)) from None
    finally:
        if loader is not None:
            loader.dispose()
    return Document(path=path, data=data, marks=marks, text=text)


def _deep_line(text: str) -> int | None:
    """First line where flow brackets nest deeper than MAX_DEPTH (for locating runaway nesting)."""
    depth = 0
    for number, line in enumerate(text.split("\n"), 1):
        for char in line:
            depth += 1 if char in "[{" else -1 if char in "]}" else 0
            if depth > MAX_DEPTH:
                return number
    return None


def _too_large(path: str, line: int) -> InputError:
    return InputError("file-too-large", f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限，不像预算文件"
                      "（一个部门一年的预算通常只有几十 KB）；从这一行起超出", file=path, line=line)


def decode(raw: bytes, path: str) -> str:
    """Strict UTF-8 (BOM dropped); a decode error becomes a located one-line ``not-utf8`` error.

    Files over ``MAX_FILE_BYTES`` are refused here, before any decoding or parsing.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(path, raw.count(b"\n", 0, MAX_FILE_BYTES) + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "not-utf8",
            f"文件不是 UTF-8 编码（第 {exc.start} 字节处的 0x{raw[exc.start]:02x}）；请另存为 UTF-8",
            file=path,
            line=line,
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: Path) -> str:
    return decode(path.read_bytes(), str(path))


def load(path: Path, display: str | None = None) -> Document:
    return parse(read_text(path), display or str(path))
