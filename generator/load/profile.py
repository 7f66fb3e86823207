"""A locality profile read like a budget file: YAML with line marks, then the typed model, every problem located.

A profile is data an editor (or a locality's maintainer) writes, so a wrong type, an unknown key or a
malformed value is reported as a Chinese problem pointing into the profile file, never a traceback.
Which table and section keys a publishing profile may name is checked in ``check.files``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pydantic import ValidationError

from generator.core import profiles
from generator.core.errors import InputError, Problem, Severity
from generator.core.profiles import Profile
from generator.load.budget import schema_problem
from generator.load.loader import Document, decode, parse


def shown_path(path: Path) -> str:
    """The profile's path as an editor opens it: relative to the working directory when below it."""
    try:
        return os.path.relpath(path) if Path(os.path.abspath(path)).is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def read_profile(key: str) -> tuple[Profile | None, Document | None, list[Problem]]:
    """The shipped profile ``key`` (a key from ``profiles.available()``), its document and its problems."""
    path = profiles.PROFILE_DIR / f"{key}.yaml"
    return _read(key, str(path), path.read_bytes())


@functools.lru_cache(maxsize=32)
def _read(key: str, path: str, raw: bytes) -> tuple[Profile | None, Document | None, list[Problem]]:
    shown = shown_path(Path(path))
    try:
        doc = parse(decode(raw, shown), shown)
    except InputError as exc:
        return None, None, [exc.at(shown).problem]
    if not isinstance(doc.data, dict):
        return None, doc, [Problem("wrong-type", Severity.ERROR, "地区模板的顶层必须是键值映射", shown, 1, 1)]
    if "key" in doc.data:
        mark = doc.mark(("key",))
        return None, doc, [Problem("unknown-key", Severity.ERROR, "地区模板中不能写 key：模板名就是文件名",
                                   shown, mark.line, mark.column)]
    try:
        return Profile.model_validate({**doc.data, "key": key}), doc, []
    except ValidationError as exc:
        return None, doc, [schema_problem(doc, err, Profile) for err in exc.errors()]
