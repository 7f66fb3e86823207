"""Locality profiles: which tables and sections a locality publishes, in what order, with what titles."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

PROFILE_DIR = Path(str(resources.files("generator") / "profiles"))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TableSpec(_Strict):
    key: str
    title: str
    empty_note: str = "注：本表无数据。"


class SectionSpec(_Strict):
    key: str
    title: str


class GlossaryEntry(_Strict):
    term: str
    text: str
    joiner: str = "："


class ProfileRules(_Strict):
    operating_costs_basis: str | None = "basic_public"
    reason_threshold_pct: Decimal = Decimal(5)


class Profile(_Strict):
    key: str = ""
    name: str
    rules: ProfileRules = ProfileRules()
    tables: list[TableSpec]
    sections: list[SectionSpec]
    summary_note: str = ""
    glossary: list[GlossaryEntry] = []


def available() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


@cache
def load(key: str) -> Profile:
    path = PROFILE_DIR / f"{key}.yaml"
    if not path.is_file():
        raise KeyError(key)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Profile(key=key, **data)
