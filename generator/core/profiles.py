"""Locality profiles: which tables and sections a locality publishes, in what order, with what titles.

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
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.core.errors import GeneratorError
from generator.core.facts import FACTS

FACT_KEYS = tuple(FACTS)

PROFILE_DIR = Path(str(resources.files("generator.core") / "profiles"))
KEY_PATTERN = r"^[a-z0-9-]{1,64}$"

# A table or section key names a template file (tables/<key>.md.j2, sections/<key>.md.j2).
Key = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Note = Annotated[str, Field(max_length=10_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TableSpec(_Strict):
    key: Key
    title: Title
    empty_note: Note = "注：本表无数据。"


class SectionSpec(_Strict):
    key: Key
    title: Title


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
    requires: list[Literal[FACT_KEYS]] = []  # type: ignore[valid-type]
    """本地区表格和说明要印出的数据（core.facts 中的名称，如 staff、supervisor）；文件缺少时报错 missing-fact。"""


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
    """The shipped profile ``key``; KeyError for any other key (never a path: see ``available``)."""
    if key not in available():
        raise KeyError(key)
    path = PROFILE_DIR / f"{key}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Profile(key=key, **data)
    except (yaml.YAMLError, ValidationError, TypeError) as exc:
        first = str(exc).splitlines()[0]
        raise GeneratorError(f"地区模板 {path} 有误，请修正：{first}") from None
