"""Locality profiles: which tables and sections a locality publishes, in what order, with what titles.

A profile is data (``generator/core/profiles/<key>.yaml``). Its ``tables`` are table specs
(:mod:`generator.core.specs`): an entry that names only a ``key`` (and perhaps its own ``title``,
``code`` or ``empty_note``) takes that table from the table library ``profiles/_tables.yaml``; an
entry with a ``source`` and ``columns`` is a whole spec written in the profile. Its ``sections``
are section specs. A profile that does not validate is a located Chinese error (``invalid-profile``,
file and line of the profile or the library), never a traceback.

A budget names its profile by key; only the profiles shipped in ``generator/core/profiles/`` exist
(``available()``), so a key can never reach outside that directory. Profile text (titles, notes,
glossary) is data like any YAML text: templates escape it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from generator.core.errors import GeneratorError, InputError, Problem, Severity, printable
from generator.core.money import DEFAULT_FORMAT
from generator.core.recorded import RECORDED
from generator.core.slugs.internal import INVALID_PROFILE
from generator.core.specs import SOURCE_MODELS, Note, PartSpec, SectionSpec, TableSpec, Title

RECORDED_KEYS = tuple(RECORDED)

PROFILE_DIR = Path(str(resources.files("generator.core") / "profiles"))
LIBRARY = PROFILE_DIR / "_tables.yaml"
KEY_PATTERN = r"^[a-z0-9-]{1,64}$"
SOURCE_TAGS = {m.model_fields["rows"].annotation.__args__[0] for m in SOURCE_MODELS}  # type: ignore[union-attr]
# What a profile may change on a table it takes from the library.
REFERENCE_FIELDS = ("key", "title", "code", "empty_note")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GlossaryEntry(_Strict):
    term: Title
    text: Note
    joiner: Annotated[str, Field(max_length=10)] = "："


class ProfileRules(_Strict):
    operating_costs_basis: Literal["basic_public"] | None = "basic_public"
    """机关运行经费的口径：basic_public 为一般公共预算基本支出中的公用经费（可核对）；不填（null）为公开文本所列的数，不核对。"""
    reason_threshold_pct: Decimal = Decimal(5)
    """增减幅度超过此百分比而未填原因时给出警告。"""
    code_descriptions: bool = True
    """名词解释是否逐条附上本部门所用功能分类（项）的科目说明（为 true 时，编码表缺科目说明给出警告）。"""
    requires: list[Literal[RECORDED_KEYS]] = []  # type: ignore[valid-type]
    """本地区表格和说明要印出的数据（core.recorded 中的名称，如 staff、supervisor）；文件缺少时报错 missing-fact。"""


class Profile(_Strict):
    key: str = ""
    name: Title
    publish: bool = True
    """false：本地区的版式（表格规格、说明模板）尚未配置：文件照常校验，render/site 不生成其页面。"""
    rules: ProfileRules = ProfileRules()
    tables: list[TableSpec]
    sections: list[SectionSpec]
    summary_note: Note = ""
    glossary: list[GlossaryEntry] = []
    parts: list[PartSpec] | None = None
    """公开文本的各部分及其顺序（目录）：每部分是若干小节或全部报表；不填则为标准的四部分（概况、报表、情况说明、名词解释）。"""

    @model_validator(mode="after")
    def _keys_are_unique(self) -> Profile:
        for field, keys in (("tables", [t.key for t in self.tables]), ("sections", [s.key for s in self.sections])):
            for i, key in enumerate(keys):
                if key in keys[:i]:
                    raise PydanticCustomError(INVALID_PROFILE.slug, "{message}", {
                        "message": f"{field} 中的 key“{key}”重复", "at": (field, i, "key")})
        placed: list[str] = []
        for i, part in enumerate(self.parts or []):
            for j, key in enumerate(part.sections):
                if self.section(key) is None or key in placed:
                    why = "已排在前面的部分中" if key in placed else "不在 sections 中"
                    raise PydanticCustomError(INVALID_PROFILE.slug, "{message}", {
                        "message": f"parts 中的小节“{key}”{why}", "at": ("parts", i, "sections", j)})
                placed.append(key)
        return self

    def table(self, key: str) -> TableSpec | None:
        return next((t for t in self.tables if t.key == key), None)

    def section(self, key: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.key == key), None)

    def money_style(self, key: str | None, display_unit: str) -> tuple[str, str]:
        """(unit, number format) in which this profile prints the amounts of table ``key``; for a figure no
        table of the profile shows, those of its first money table in ``display_unit`` (else ``0.00``).
        Charts print their figures this way, so a 元 locality's chart reads ``3,296,600元`` like its table."""
        spec = self.table(key) if key else None
        if spec is None:
            spec = next((t for t in self.tables if (t.unit or display_unit) == display_unit
                         and any(t.kind_of(c) == "money" and c.format is None for c in t.columns)), None)
        return (spec.unit or display_unit, spec.format) if spec is not None else (display_unit, DEFAULT_FORMAT)

    def number(self, key: str) -> str:
        """“表5”, or the table's own code: how the profile numbers a table (empty when it omits it)."""
        for i, spec in enumerate(self.tables, 1):
            if spec.key == key:
                return spec.code or f"表{i}"
        return ""

    def sheet_names(self) -> dict[str, str]:
        """Worksheet name of each table: its title made safe for Excel, unique in the workbook."""
        taken: set[str] = {"_canonical", "history"}
        out: dict[str, str] = {}
        for spec in self.tables:
            out[spec.key] = _unique(sheet_name(spec.title), taken)
            taken.add(out[spec.key].lower())
        return out


_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_MAX = 31  # Excel's limit on a worksheet name


def sheet_name(title: str) -> str:
    """``title`` as an Excel worksheet name: at most 31 characters, none of []:*?/\\, no leading or
    trailing apostrophe. Titles that already qualify (all shipped ones) are kept as they are."""
    name = _SHEET_BAD.sub("_", title).strip("'").strip()[:SHEET_MAX].strip("'").strip()
    return name or "Sheet"


def _unique(name: str, taken: set[str]) -> str:
    if name.lower() not in taken:
        return name
    for n in range(2, 1000):
        suffix = f"({n})"
        candidate = name[: SHEET_MAX - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
    raise GeneratorError(f"地区模板中的表格标题重复过多：{name}")


def available() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml") if re.fullmatch(KEY_PATTERN, p.stem))


class ProfileError(InputError):
    """A profile (or the table library) that does not validate: every problem, located in its file."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.slug, first.message, file=first.file, line=first.line, column=first.column)
        self.problems = problems


@cache
def load(key: str) -> Profile:
    """The shipped profile ``key``; KeyError for any other key (never a path: see ``available``)."""
    if key not in available():
        raise KeyError(key)
    path = PROFILE_DIR / f"{key}.yaml"
    return parse(path.read_text(encoding="utf-8"), _shown(path), key)


def position(key: str, loc: tuple[Any, ...]) -> tuple[str, int | None]:
    """(file as shown, line) of ``loc`` in the shipped profile ``key``: where a later check points its problem."""
    path = PROFILE_DIR / f"{key}.yaml"
    return _shown(path), _line(Lines(path.read_text(encoding="utf-8")), loc)


@cache
def library() -> dict[str, TableSpec]:
    """The table library: every standard table spec, by key."""
    text = LIBRARY.read_text(encoding="utf-8")
    data, nodes = _read(text, _shown(LIBRARY))
    if not isinstance(data, list):
        raise ProfileError([_problem(_shown(LIBRARY), nodes, (), "表格库应是表格的列表")])
    problems: list[Problem] = []
    out: dict[str, TableSpec] = {}
    for i, entry in enumerate(data):
        try:
            spec = TableSpec.model_validate(entry)
        except ValidationError as exc:
            problems += [_problem(_shown(LIBRARY), nodes, (i, *loc), message) for loc, message in _errors(exc)]
            continue
        if spec.key in out:
            problems.append(_problem(_shown(LIBRARY), nodes, (i, "key"), f"表格库中的 key“{spec.key}”重复"))
        out[spec.key] = spec
    if problems:
        raise ProfileError(problems)
    return out


def parse(text: str, shown: str = "<profile>", key: str = "") -> Profile:
    """A profile from its YAML text: library references resolved, every spec validated (or a ``ProfileError``)."""
    data, nodes = _read(text, shown)
    if not isinstance(data, dict):
        raise ProfileError([_problem(shown, nodes, (), "地区模板的顶层应是键值映射")])
    return build({**data, "key": key or data.get("key", "")}, shown, nodes)


def build(data: dict[str, Any], shown: str = "<profile>", nodes: Lines | None = None) -> Profile:
    """A profile from plain data (as parsed from YAML): the public way to make one in code."""
    problems: list[Problem] = []
    resolved = dict(data)
    if isinstance(data.get("tables"), list):
        resolved["tables"] = []
        for i, entry in enumerate(data["tables"]):
            table, why = _resolve(entry)
            if why is not None:
                problems.append(_problem(shown, nodes, ("tables", i, *why[0]), why[1]))
            resolved["tables"].append(table)
    if problems:
        raise ProfileError(problems)
    try:
        return Profile.model_validate(resolved)
    except ValidationError as exc:
        raise ProfileError([_problem(shown, nodes, loc, message) for loc, message in _errors(exc)]) from None


def _resolve(entry: Any) -> tuple[Any, tuple[tuple[str | int, ...], str] | None]:
    """A ``tables`` entry as a whole spec: a library reference with its overrides, or the entry itself."""
    if isinstance(entry, TableSpec) or not isinstance(entry, dict) or "source" in entry or "columns" in entry:
        return entry, None
    for name in entry:
        if name not in REFERENCE_FIELDS:
            return entry, ((name,), f"未知字段“{printable(str(name))}”：引用表格库的表格只能另设 "
                                    + "、".join(REFERENCE_FIELDS[1:]) + "；自定义表格要写出 source 和 columns")
    specs = library()
    if entry.get("key") not in specs:
        return entry, (("key",), f"表格库中没有“{printable(str(entry.get('key')))}”（可用：{'、'.join(specs)}）")
    return {**specs[entry["key"]].model_dump(exclude_defaults=True), **entry}, None


# ---------------------------------------------------------------- reading and locating


def _shown(path: Path) -> str:
    """The file as a maintainer finds it: relative to the project (generator/core/profiles/…)."""
    try:
        return path.relative_to(PROFILE_DIR.parents[2]).as_posix()
    except ValueError:
        return str(path)


class Lines:
    """The YAML text of a profile, composed into nodes (with their lines) only when a problem must be located."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._nodes: yaml.Node | None = None

    @property
    def nodes(self) -> yaml.Node | None:
        if self._nodes is None:
            self._nodes = yaml.compose(self.text, Loader=yaml.SafeLoader)
        return self._nodes


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(text: str, shown: str) -> tuple[Any, Lines]:
    try:
        return yaml.load(text, Loader=_LOADER), Lines(text)  # a safe loader (libyaml when present)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        message = f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}"
        raise ProfileError([Problem(INVALID_PROFILE.slug, Severity.ERROR, message, shown, line)]) from None


def _line(lines: Lines | None, loc: tuple[Any, ...]) -> int | None:
    """Line of ``loc`` in the composed file, or of its nearest ancestor there."""
    nodes = lines.nodes if lines is not None else None
    if nodes is None:
        return None
    node = nodes
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


def _problem(shown: str, nodes: Lines | None, loc: tuple[Any, ...], message: str) -> Problem:
    return Problem(INVALID_PROFILE.slug, Severity.ERROR, f"地区模板有误：{message}", shown, _line(nodes, loc))


_WORDS = {"string_type": "文字", "int_type": "整数", "bool_type": "true 或 false", "list_type": "列表",
          "dict_type": "键值映射", "model_type": "键值映射", "model_attributes_type": "键值映射", "decimal_type": "数值"}


def _plain_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` without pydantic's union steps (a member's class name, a row source's tag after ``source``)."""
    out: list[Any] = []
    for part in loc:
        if isinstance(part, str) and (part[:1].isupper() or (out[-1:] == ["source"] and part in SOURCE_TAGS)):
            continue
        out.append(part)
    return tuple(out)


def _errors(exc: ValidationError) -> list[tuple[tuple[Any, ...], str]]:
    """(location, Chinese message) of each error pydantic found."""
    out = []
    for err in exc.errors():
        loc, kind, ctx = tuple(err["loc"]), err["type"], err.get("ctx") or {}
        # A value of a union (a row source's parameter, a list item) is reported under the member tried.
        loc = _plain_loc(loc)
        name = printable(str(next((p for p in reversed(loc) if isinstance(p, str)), "")))
        given = printable(repr(err.get("input")))[:60]
        if kind == INVALID_PROFILE.slug:
            loc, message = loc + tuple(ctx.get("at", ())), err["msg"]
        elif kind == "extra_forbidden":
            message = f"未知字段“{name}”"
        elif kind == "missing":
            message = f"缺少必填字段“{name}”"
        elif kind == "union_tag_invalid":
            tags = str(ctx.get("expected_tags", "")).replace("'", "")
            message = f"未知的行来源“{printable(str(ctx.get('tag', '')))}”（可用：{tags}）"
        elif kind == "union_tag_not_found":
            message = "source 缺少 rows（行来源）"
        elif kind in _WORDS:
            message = f"“{name}”应为{_WORDS[kind]}，实际是 {given}"
        elif kind == "literal_error":
            message = f"“{name}”的值 {given} 不合法（可用：{ctx.get('expected', '')}）"
        elif kind in ("too_short", "too_long", "string_too_short", "string_too_long", "greater_than_equal"):
            message = f"“{name}”的值 {given} 不合法（{err['msg']}）"
        elif kind == "string_pattern_mismatch":
            message = f"“{name}”的值 {given} 不合法（格式：{ctx.get('pattern', '')}）"
        else:
            message = f"“{name}”：{err['msg']}"
        out.append((loc, message))
    return out
