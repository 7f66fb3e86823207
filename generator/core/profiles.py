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

import contextlib
import difflib
import re
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from generator.core.errors import GeneratorError, Problem, printable
from generator.core.money import DEFAULT_FORMAT
from generator.core.profile_yaml import Lines, errors, line_of, located, read
from generator.core.profile_yaml import ProfileError as ProfileError
from generator.core.recorded import RECORDED
from generator.core.slugs.internal import INVALID_PROFILE
from generator.core.specs import Note, PartSpec, SectionSpec, TableSpec, Title, fill

RECORDED_KEYS = tuple(RECORDED)

PROFILE_DIR = Path(str(resources.files("generator.core") / "profiles"))
LIBRARY = PROFILE_DIR / "_tables.yaml"
KEY_PATTERN = r"^[a-z0-9-]{1,64}$"
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


class Variant(_Strict):
    """某些年度的版式：同一地区的公开模板逐年变化时，写出这些年度与基本版式不同的表格和小节。"""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    since: Annotated[int, Field(ge=2000, le=2100)] | None = None
    """从哪一年起适用（含）；不填则不限。"""
    until: Annotated[int, Field(ge=2000, le=2100)] | None = None
    """到哪一年止适用（含）；不填则不限。`since`、`until` 至少填一个。"""
    note: Note = ""
    """这一版式的说明（给维护者看，不印出），如“2024 年公开文本的版式”。"""
    tables: list[TableSpec] = []
    """与基本版式不同的表格：每项写 `key`（基本版式中的表格）和要改的字段（如 `heading`、`columns`），
    其余字段沿用基本版式。"""
    sections: list[SectionSpec] = []
    """与基本版式不同的小节：每项写 `key`（基本版式中的小节）和要改的字段（如 `forms`、`formats`、`title`）。"""

    @model_validator(mode="after")
    def _has_years(self) -> Variant:
        if self.since is None and self.until is None:
            raise PydanticCustomError(INVALID_PROFILE.slug, "{message}", {
                "message": "variants 的每一项要写 since 或 until（适用的年度）", "at": ()})
        if self.since is not None and self.until is not None and self.since > self.until:
            raise PydanticCustomError(INVALID_PROFILE.slug, "{message}", {
                "message": f"since {self.since} 晚于 until {self.until}", "at": ("since",)})
        return self

    def applies(self, year: int) -> bool:
        return (self.since is None or year >= self.since) and (self.until is None or year <= self.until)


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
    variants: list[Variant] = []
    """各年度的版式差异（按顺序套用所有适用于该年度的项，后面的覆盖前面的）；见 docs/locality-template.md。"""
    _years: dict[int, Profile] = PrivateAttr(default_factory=dict)
    _owner: int = PrivateAttr(0)  # a copy (model_copy) shares the dict above: it starts its own
    _base: Profile | None = PrivateAttr(None)  # the profile as written, of a year's layout

    @property
    def base(self) -> Profile:
        """The profile as written (its base layout and variants), of which this may be one year's layout."""
        return self._base or self

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

    def for_year(self, year: int) -> Profile:
        """This profile as it lays out ``year``: every variant that applies replaces its tables and sections (by
        key), and header levels written with ``{year}`` / ``{prior_year}`` are filled in (kept per year)."""
        if self._base is not None:  # already one year's layout: lay out the profile as written
            return self._base.for_year(year)
        if self._owner != id(self):
            self._years, self._owner = {}, id(self)
        if year not in self._years:
            self._years[year] = self._laid_out(year)
        return self._years[year]

    def _laid_out(self, year: int) -> Profile:
        applied = [v for v in self.variants if v.applies(year)]
        if not applied and not any("{" in h for t in self.tables for c in t.columns for h in c.header):
            return self
        tables = {t.key: t for t in self.tables}
        sections = {s.key: s for s in self.sections}
        for variant in applied:
            tables.update({t.key: t for t in variant.tables})
            sections.update({s.key: s for s in variant.sections})
        dated = [t.model_copy(update={"columns": [c.model_copy(update={"header": [fill(h, year) for h in c.header]})
                                                  for c in t.columns]}) for t in tables.values()]
        out = self.model_copy(update={"tables": dated, "sections": list(sections.values())})
        out._base = self.base
        return out

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


@cache
def load(key: str) -> Profile:
    """The shipped profile ``key`` (its layout for one year: ``load(key).for_year(year)``); KeyError for any other
    key (never a path: see ``available``)."""
    if key not in available():
        raise KeyError(key)
    path = PROFILE_DIR / f"{key}.yaml"
    return parse(path.read_text(encoding="utf-8"), _shown(path), key)


# What ``load`` raises for a key that names no profile or a file that is not one (besides ProfileError).
UNREADABLE = (KeyError, ValueError, TypeError, OSError, yaml.YAMLError)


def preload() -> None:
    """Load every shipped profile now: a process about to fork workers loads them once for all of them. One
    that does not load is left to the budgets that name it (their check reports it, located)."""
    for key in available():
        with contextlib.suppress(ProfileError, *UNREADABLE):
            load(key)


def position(key: str, loc: tuple[Any, ...]) -> tuple[str, int | None]:
    """(file as shown, line) of ``loc`` in the shipped profile ``key``: where a later check points its problem."""
    path = PROFILE_DIR / f"{key}.yaml"
    return _shown(path), line_of(Lines(path.read_text(encoding="utf-8")), loc)


@cache
def library() -> dict[str, TableSpec]:
    """The table library: every standard table spec, by key."""
    text = LIBRARY.read_text(encoding="utf-8")
    data, nodes = read(text, _shown(LIBRARY))
    if not isinstance(data, list):
        raise ProfileError([located(_shown(LIBRARY), nodes, (), "表格库应是表格的列表")])
    problems: list[Problem] = []
    out: dict[str, TableSpec] = {}
    for i, entry in enumerate(data):
        try:
            spec = TableSpec.model_validate(entry)
        except ValidationError as exc:
            problems += [located(_shown(LIBRARY), nodes, (i, *loc), message) for loc, message in errors(exc)]
            continue
        if spec.key in out:
            problems.append(located(_shown(LIBRARY), nodes, (i, "key"), f"表格库中的 key“{spec.key}”重复"))
        out[spec.key] = spec
    if problems:
        raise ProfileError(problems)
    return out


def parse(text: str, shown: str = "<profile>", key: str = "") -> Profile:
    """A profile from its YAML text: library references resolved, every spec validated (or a ``ProfileError``)."""
    data, nodes = read(text, shown)
    if not isinstance(data, dict):
        raise ProfileError([located(shown, nodes, (), "地区模板的顶层应是键值映射")])
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
                problems.append(located(shown, nodes, ("tables", i, *why[0]), why[1]))
            resolved["tables"].append(table)
    if problems:
        raise ProfileError(problems)
    if isinstance(data.get("variants"), list):
        resolved["variants"] = [_variant(v, i, resolved, shown, nodes, problems) for i, v in enumerate(data["variants"])]
    try:  # the base layout first: a variant's problems are reported with the base's, an inherited one only once
        Profile.model_validate({**resolved, "variants": []})
    except ValidationError as exc:
        problems = [located(shown, nodes, loc, message) for loc, message in errors(exc)] + problems
    if problems:
        raise ProfileError(problems)
    try:
        return Profile.model_validate(resolved)
    except ValidationError as exc:
        raise ProfileError([located(shown, nodes, loc, message) for loc, message in errors(exc)]) from None


def _variant(entry: Any, i: int, base: dict[str, Any], shown: str, nodes: Lines | None,
             problems: list[Problem]) -> Any:
    """A ``variants`` entry with each table and section it overrides made whole: the base spec of that key with
    the fields the variant gives (every other field kept), validated here so a problem points into the variant."""
    if not isinstance(entry, dict):
        return entry
    out = dict(entry)
    for field, model in (("tables", TableSpec), ("sections", SectionSpec)):
        overrides = entry.get(field)
        if not isinstance(overrides, list):
            continue
        specs = {x.get("key"): x for x in base.get(field) or [] if isinstance(x, dict)}
        specs.update({x.key: x.model_dump(exclude_defaults=True) for x in base.get(field) or []
                      if isinstance(x, (TableSpec, SectionSpec))})
        out[field] = []
        for j, override in enumerate(overrides):
            at = ("variants", i, field, j)
            if not isinstance(override, dict):
                out[field].append(override)
                continue
            key = override.get("key")
            if key not in specs:
                guess = difflib.get_close_matches(str(key), [str(k) for k in specs], n=1, cutoff=0.6)
                problems.append(located(shown, nodes, (*at, "key"), f"基本版式的 {field} 中没有“{printable(str(key))}”"
                                         + (f"，是不是“{guess[0]}”？" if guess else "（variants 只能改写已有的表格和小节）")))
                continue
            unknown = [name for name in override if name not in model.model_fields]
            if unknown:
                problems.append(located(shown, nodes, (*at, unknown[0]), f"未知字段“{printable(str(unknown[0]))}”"))
                continue
            merged = {**specs[key], **override}
            try:
                out[field].append(model.model_validate(merged))
            except ValidationError as exc:
                base_ok = _valid(model, specs[key])
                for loc, message in errors(exc):
                    if loc and loc[0] in override:
                        problems.append(located(shown, nodes, at + loc, message))
                    elif base_ok:  # the variant's fields do not fit the inherited ones: the variant's entry
                        problems.append(located(shown, nodes, at, message))
    return out


def _valid(model: type[TableSpec] | type[SectionSpec], data: Any) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False  # reported where the base layout writes it
    return True


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
