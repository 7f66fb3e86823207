"""The validation run: every budget file found, checked on its own and against the others, in one report.

This is the I/O edge of validation: it reads files (:mod:`generator.check.files`), runs the pure
rules and the cross-file checks (:mod:`generator.check.crossfile`). Nothing here prints or exits.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.check import rules
from generator.check.crossfile import cross_file
from generator.check.files import FileResult, candidates, check_file, read_budget_file, refused
from generator.core.errors import Problem, Severity, printable
from generator.load.budget import Loaded


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    budgets: list[Loaded] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "files": self.files,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [p.to_json() for p in self.problems],
        }


PARALLEL_FROM = 32
_TODO: list[tuple[Path, str, bytes]] = []
_THRESHOLD: list[Decimal | None] = [None]


def _check_job(index: int) -> FileResult:
    path, shown, raw = _TODO[index]
    return check_file(path, shown, raw, _THRESHOLD[0])


def _check_many(todo: list[tuple[Path, str, bytes]], reason_threshold: Decimal | None) -> list[FileResult]:
    """Check files, spread over processes when there are many (each file is independent)."""
    workers = os.cpu_count() or 1
    if len(todo) < PARALLEL_FROM or workers < 2:
        return [check_file(path, shown, raw, reason_threshold) for path, shown, raw in todo]

    global _TODO
    _TODO, _THRESHOLD[0] = todo, reason_threshold  # inherited by the forked workers
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=gc.freeze) as pool:  # see publish.pages
            return pool.map(_check_job, range(len(todo)), chunksize=16)
    finally:
        _TODO = []


def validate_paths(
    paths: Iterable[Path],
    reason_threshold: Decimal | None = None,
    root: Path | None = None,
    cache: dict[tuple[str, str, Decimal | None], FileResult] | None = None,
) -> Report:
    """Validate files; with ``cache`` (kept by a long-running preview), unchanged files are not re-checked."""
    report = Report()
    found = candidates(paths)
    results: list[FileResult | None] = []
    todo: list[tuple[int, tuple[str, str, Decimal | None], tuple[Path, str, bytes]]] = []
    for index, (path, within, named) in enumerate(found):
        shown = _display(path, root)
        raw = refused(path, within, named, shown) or read_budget_file(path, shown)
        if isinstance(raw, Problem):
            results.append(([raw], None))
            continue
        key = (shown, hashlib.sha256(raw).hexdigest(), reason_threshold)
        results.append(cache.get(key) if cache is not None else None)
        if results[-1] is None:
            todo.append((index, key, (path, shown, raw)))
    for (index, key, _), result in zip(todo, _check_many([job for _, _, job in todo], reason_threshold), strict=True):
        results[index] = result
        if cache is not None:
            cache[key] = result
    report.files = len(found)
    for maybe in results:
        assert maybe is not None  # every slot was filled from the cache or by _check_many
        problems, loaded = maybe
        report.problems += problems
        if loaded is not None:
            report.budgets.append(loaded)
    report.problems += cross_file(report.budgets)
    # Messages quote the file (reasons, names, keys): one printable line each, whatever the file holds. A problem of
    # a profile or code list is found once per budget that uses it and reported once.
    report.problems = rules.sort_problems(
        p if printable(p.message) == p.message else replace(p, message=printable(p.message))
        for p in dict.fromkeys(report.problems))
    return report


def _display(path: Path, root: Path | None) -> str:
    """The path as the editor knows it (a link by its own name, not its target), relative to ``root`` (default the
    working directory) when below it; printable whatever bytes the name holds."""
    base = Path(os.path.realpath(root or Path.cwd()))
    where = Path(os.path.realpath(path.parent)) / path.name
    try:
        text = str(where.relative_to(base))
    except ValueError:
        text = str(path)
    return printable(text)
