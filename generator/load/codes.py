"""A repository's own classification codes, kept beside the budgets: ``budgets/_codes/<year>.yaml``.

National 政府收支分类科目 codes that the package's reference lacks, and a locality's own extensions, are
listed here instead of in the package. The list has the package reference's shape (``function`` and
``economic`` rows of ``code``, ``name``, optional ``description`` and ``aliases``); a budget of year Y uses
the newest list not after Y, merged over the package's reference for Y (``registry.merged``). A list is
read like a budget: every problem located in it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field, ValidationError

from generator.core import registry
from generator.core.errors import InputError, Problem, Severity
from generator.core.fields import Code, Name, OptText, Strict
from generator.core.registry import Registry
from generator.load.budget import schema_problem
from generator.load.loader import decode, parse

CODES_DIR = "_codes"


class CodeRow(Strict):
    code: Code = Field(description="科目编码（类 3 位、款 5 位、项 7 位；经济分类地方细化科目 7 位）")
    name: Name = Field(description="科目名称")
    description: OptText | None = Field(None, description="科目说明（名词解释逐条附上时用）")
    aliases: list[Name] = Field(default_factory=list, description="本地区的其他写法")
    local: bool = Field(False, description="是否地方细化科目")


class CodeList(Strict):
    year: int | None = Field(None, description="年度（与文件名相同，可不写）")
    function: list[CodeRow] = Field(default_factory=list, description="支出功能分类科目")
    economic: list[CodeRow] = Field(default_factory=list, description="部门预算支出经济分类科目")


def budgets_root(budget: Path) -> Path:
    """The directory that holds the year directories: ``budgets/`` for ``budgets/2025/x.yaml``."""
    parent = budget.parent
    return parent.parent if parent.name.isascii() and parent.name.isdecimal() and len(parent.name) == 4 else parent


def code_list(budget: Path, year: int) -> Path | None:
    """The newest ``_codes/<year>.yaml`` beside the budgets whose year is not after ``year``."""
    folder = budgets_root(budget) / CODES_DIR
    if not folder.is_dir():
        return None
    years = sorted(int(p.stem) for p in folder.glob("*.yaml") if p.stem.isascii() and p.stem.isdecimal())
    chosen = [y for y in years if y <= year]
    return folder / f"{chosen[-1]}.yaml" if chosen else None


def repository_registry(budget: Path, shown_budget: str, year: int, base: Registry) -> tuple[Registry, list[Problem]]:
    """``base`` merged with the repository's code list for ``year`` (if any), and the list's problems."""
    path = code_list(budget, year)
    if path is None:
        return base, []
    in_year_dir = budgets_root(budget) != budget.parent
    shown_root = Path(shown_budget).parent.parent if in_year_dir else Path(shown_budget).parent
    shown = str(shown_root / CODES_DIR / path.name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return base, [Problem("unreadable-file", Severity.ERROR, f"编码表无法读取（{type(exc).__name__}）", shown)]
    extra, problems = _read(int(path.stem), shown, raw)
    return (registry.merged(base, extra) if extra is not None else base), problems


@functools.lru_cache(maxsize=16)
def _read(year: int, shown: str, raw: bytes) -> tuple[Registry | None, list[Problem]]:
    try:
        doc = parse(decode(raw, shown), shown)
    except InputError as exc:
        return None, [exc.at(shown).problem]
    if not isinstance(doc.data, dict):
        return None, [Problem("wrong-type", Severity.ERROR, "编码表的顶层必须是键值映射（function、economic）", shown, 1, 1)]
    try:
        codes = CodeList.model_validate(doc.data)
    except ValidationError as exc:
        return None, [schema_problem(doc, err, CodeList) for err in exc.errors()]
    return registry.from_data(year, codes.model_dump()), []
