"""Loading budget files into models and running the rule catalogue over them.

This is the I/O edge of validation: it reads files, maps schema errors to located problems,
and runs the pure rules. Nothing here prints or exits.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator import profiles, registry, rules
from generator.errors import InputError, Problem, Severity
from generator.loader import Document, decode, parse
from generator.model import CUSTOM_SLUGS, Budget, short_repr

_TYPE_SLUGS = {
    "extra_forbidden": "unknown-key",
    "missing": "missing-field",
    "wrong-type": "wrong-type",
    "negative-amount": "negative-amount",
    "too-many-decimals": "too-many-decimals",
    **{slug: slug for slug in CUSTOM_SLUGS},
}
_WRONG_TYPE = {"string_type", "int_type", "int_parsing", "int_from_float", "list_type", "dict_type",
               "model_type", "model_attributes_type", "decimal_type", "bool_type", "float_type",
               "decimal_parsing", "string_sub_type", "dataclass_type"}
_EXPECTED = {"string_type": "文字", "int_type": "整数", "int_parsing": "整数", "int_from_float": "整数",
             "list_type": "列表", "dict_type": "键值映射", "model_type": "键值映射",
             "model_attributes_type": "键值映射", "bool_type": "是/否"}


@dataclass
class Loaded:
    path: Path
    document: Document
    budget: Budget
    digest: str = ""  # sha256 of the file's bytes: the cache key of everything derived from it


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


def _schema_problem(doc: Document, err: Any) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    slug = _TYPE_SLUGS.get(kind) or ("wrong-type" if kind in _WRONG_TYPE else "invalid-value")
    name = str(loc[-1]) if loc else "文件"
    given = err.get("input")
    if slug == "unknown-key":
        message = f"未知字段“{name}”"
        guess = difflib.get_close_matches(name, _field_names(), n=1, cutoff=0.7)
        if guess:
            message += f"，是不是“{guess[0]}”？"
    elif slug == "missing-field":
        message = f"缺少必填字段“{name}”"
    elif slug == "wrong-type" and kind in _EXPECTED:
        message = f"“{name}”应为{_EXPECTED[kind]}，实际是 {short_repr(given)}"
    elif slug == "invalid-value":
        ctx = err.get("ctx") or {}
        hint = ctx.get("expected") or ctx.get("pattern") or ctx.get("ge") or ctx.get("le") or ctx.get("min_length")
        message = f"“{name}”的值 {short_repr(given)} 不合法" + (f"（要求：{hint}）" if hint is not None else "")
    else:
        message = f"“{name}”：{err['msg']}"
    mark = doc.mark(loc)
    return Problem(slug, Severity.ERROR, message, doc.path, mark.line, mark.column)


@functools.cache
def _field_names() -> list[str]:
    """Every key the schema knows, for “did you mean” hints on misspelt keys."""
    names: set[str] = set()
    todo: list[type[BaseModel]] = [Budget]
    seen: set[type[BaseModel]] = set()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for field_name, info in model.model_fields.items():
            names.add(field_name)
            for arg in typing.get_args(info.annotation) or (info.annotation,):
                for inner in typing.get_args(arg) or (arg,):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        todo.append(inner)
    return sorted(names)


def parse_budget(doc: Document) -> tuple[Budget | None, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, [Problem("wrong-type", Severity.ERROR, "预算文件的顶层必须是键值映射", doc.path, 1, 1)]
    try:
        return Budget.model_validate(doc.data), []
    except ValidationError as exc:
        return None, [_schema_problem(doc, e) for e in exc.errors()]


def check_budget(doc: Document, budget: Budget, reason_threshold: Decimal | None = None) -> list[Problem]:
    try:
        profile = profiles.load(budget.profile)
    except KeyError:
        mark = doc.mark(("profile",))
        return [Problem("unknown-profile", Severity.ERROR,
                        f"未知的地区模板“{budget.profile}”（可用：{'、'.join(profiles.available())}）",
                        doc.path, mark.line, mark.column)]
    ctx = rules.Context(budget, doc, registry.for_year(budget.year), profile, reason_threshold)
    return rules.run(ctx)


def budget_files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*.yaml") if not any(part.startswith((".", "_")) for part in p.parts))
        else:
            out.append(path)
    return out


FileResult = tuple[list[Problem], Loaded | None]


def check_file(path: Path, shown: str, raw: bytes, reason_threshold: Decimal | None = None) -> FileResult:
    """Every single-file problem of one budget file, and the loaded budget when it parses."""
    try:
        doc = parse(decode(raw, shown), shown, with_marks=False)
    except InputError as exc:
        return [exc.at(shown).problem], None
    budget, problems = parse_budget(doc)
    if budget is None:
        return problems, None
    problems += check_budget(doc, budget, reason_threshold)
    doc.drop_marks()  # positions are only needed to report a problem; they are rebuilt if one arises later
    return problems, Loaded(path, doc, budget, hashlib.sha256(raw).hexdigest())


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
    import multiprocessing

    global _TODO
    _TODO, _THRESHOLD[0] = todo, reason_threshold  # inherited by the forked workers
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
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
    files = budget_files(paths)
    results: list[FileResult | None] = []
    todo: list[tuple[int, tuple[str, str, Decimal | None], tuple[Path, str, bytes]]] = []
    for index, path in enumerate(files):
        shown = _display(path, root)
        if not path.is_file():
            results.append(([Problem("missing-file", Severity.ERROR, "文件不存在", shown)], None))
            continue
        raw = path.read_bytes()
        key = (shown, hashlib.sha256(raw).hexdigest(), reason_threshold)
        results.append(cache.get(key) if cache is not None else None)
        if results[-1] is None:
            todo.append((index, key, (path, shown, raw)))
    for (index, key, _), result in zip(todo, _check_many([job for _, _, job in todo], reason_threshold), strict=True):
        results[index] = result
        if cache is not None:
            cache[key] = result
    report.files = len(files)
    for maybe in results:
        assert maybe is not None  # every slot was filled from the cache or by _check_many
        problems, loaded = maybe
        report.problems += problems
        if loaded is not None:
            report.budgets.append(loaded)
    report.problems += cross_file(report.budgets)
    report.problems = rules.sort_problems(report.problems)
    return report


def cross_file(budgets: list[Loaded]) -> list[Problem]:
    """Rules that need more than one file: one file per department-year."""
    problems: list[Problem] = []
    seen: dict[tuple[str, int], Loaded] = {}
    for item in budgets:
        key = (item.budget.department.code, item.budget.year)
        if key in seen:
            mark = item.document.mark(("department", "code"))
            problems.append(Problem(
                "duplicate-department-year", Severity.ERROR,
                f"部门 {key[0]} 的 {key[1]} 年预算已在 {seen[key].document.path} 中",
                item.document.path, mark.line, mark.column))
        seen.setdefault(key, item)
        parent = item.path.parent.name
        if parent.isdigit() and int(parent) != item.budget.year:
            mark = item.document.mark(("year",))
            problems.append(Problem(
                "file-path-mismatch", Severity.WARNING,
                f"文件在 {parent} 目录下，year 却是 {item.budget.year}", item.document.path, mark.line, mark.column))
    from generator.continuity import check_continuity

    problems += check_continuity(budgets)
    return problems


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)
