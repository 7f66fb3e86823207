"""Classification code registry (政府收支分类科目), versioned by year.

``generator/core/reference/<year>.yaml`` lists function codes (类/款/项, with the 科目说明 that
Part 4 prints) and economic codes (类/款 and local 7-digit extensions). A budget of year Y
uses the newest registry whose year is not after Y. A repository may keep its own year-versioned
list beside the budgets (``budgets/_codes/<year>.yaml``, read by ``load.codes``); it is merged over
the package's (:func:`merged`), its entries winning.

Names that differ only in the width of their parentheses (``维修(护)费`` / ``维修（护）费``) are the
same name (:func:`same_name`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

REFERENCE_DIR = Path(str(resources.files("generator.core") / "reference"))


@dataclass(frozen=True)
class CodeEntry:
    code: str
    name: str
    description: str | None = None
    aliases: tuple[str, ...] = ()
    local: bool = False

    def accepts(self, name: str) -> bool:
        return any(same_name(name, known) for known in (self.name, *self.aliases))


@dataclass(frozen=True)
class Registry:
    year: int
    function: dict[str, CodeEntry] = field(default_factory=dict)
    economic: dict[str, CodeEntry] = field(default_factory=dict)

    def function_name(self, code: str) -> str:
        entry = self.function.get(code)
        return entry.name if entry else ""

    def economic_name(self, code: str) -> str:
        entry = self.economic.get(code)
        return entry.name if entry else ""


_WIDE = str.maketrans("()", "（）")


def same_name(a: str, b: str) -> bool:
    """Two names of a code are the same when they differ only in ASCII vs full-width parentheses."""
    return a.translate(_WIDE) == b.translate(_WIDE)


def merged(base: Registry, extra: Registry) -> Registry:
    """``base`` with ``extra``'s entries added or replacing (a repository's code list over the package's)."""
    return Registry(year=base.year, function={**base.function, **extra.function},
                    economic={**base.economic, **extra.economic})


def from_data(year: int, data: dict[str, Any]) -> Registry:
    """A registry from the data of a reference file (already checked: see ``load.codes``)."""
    return Registry(year=year, function=_entries(data.get("function") or []),
                    economic=_entries(data.get("economic") or []))


def parent(code: str) -> str | None:
    """类 of a 款, 款 of a 项 or of a 7-digit economic extension."""
    if len(code) <= 3:
        return None
    return code[:3] if len(code) == 5 else code[:5]


@functools.lru_cache(maxsize=65536)
def lineage(code: str) -> tuple[str, ...]:
    """The code's ancestors from 类 down, then the code itself (a budget asks for the same few codes often)."""
    up = parent(code)
    return (code,) if up is None else (*lineage(up), code)


def _entries(rows: list[dict[str, Any]]) -> dict[str, CodeEntry]:
    out: dict[str, CodeEntry] = {}
    for row in rows:
        code = str(row["code"])
        out[code] = CodeEntry(
            code=code,
            name=str(row["name"]),
            description=str(row["description"]) if row.get("description") else None,
            aliases=tuple(str(a) for a in row.get("aliases") or []),
            local=bool(row.get("local", False)),
        )
    return out


def available_years() -> list[int]:
    return sorted(int(p.stem) for p in REFERENCE_DIR.glob("*.yaml") if p.stem.isdigit())


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the same data, 5x faster


@cache
def _reference(year: int) -> Registry:
    """The package's code reference of ``year``, read once however many budget years use it."""
    return from_data(year, yaml.load((REFERENCE_DIR / f"{year}.yaml").read_text(encoding="utf-8"), Loader=_LOADER))


@cache
def for_year(year: int) -> Registry:
    years = [y for y in available_years() if y <= year] or available_years()[:1]
    if not years:
        return Registry(year=year)
    return _reference(years[-1])


def preload() -> None:
    """Read every code reference now: a process about to fork workers reads them once for all of them."""
    for year in available_years():
        _reference(year)
