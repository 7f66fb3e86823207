"""Loading budget files into models and running the rule catalogue over them.

This is the I/O edge of validation: it reads files, maps schema errors to located problems,
and runs the pure rules. Nothing here prints or exits.
"""

from __future__ import annotations

import difflib
import errno
import functools
import hashlib
import os
import stat
import typing
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from generator import profiles, registry, rules
from generator.errors import InputError, Problem, Severity
from generator.loader import Document, decode, parse
from generator.model import CUSTOM_SLUGS, Budget, short_repr
from generator.profiles import Profile
from generator.registry import Registry

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
    name = printable(str(loc[-1])) if loc else "文件"  # a key from the file: may hold control characters
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
    except (KeyError, ValueError, TypeError, OSError, yaml.YAMLError):  # no such profile, or a file that is not one
        mark = doc.mark(("profile",))
        return [Problem("unknown-profile", Severity.ERROR,
                        f"未知的地区模板{quoted(budget.profile)}（可用：{'、'.join(profiles.available())}）",
                        doc.path, mark.line, mark.column)]
    reg = registry.for_year(budget.year)
    ctx = rules.Context(budget, doc, reg, profile, reason_threshold)
    return rules.run(ctx) + check_errata(doc, budget, profile, reg)


SECTION_TEMPLATES = Path(str(resources.files("generator") / "templates" / "sections"))


def check_errata(doc: Document, budget: Budget, profile: Profile, reg: Registry) -> list[Problem]:
    """What the 勘误 page needs: a section the profile publishes, and a code that section explains line by line."""
    if not budget.errata:
        return []
    from generator.errata import _LINES
    from generator.pagedata import page_context

    titles = {s.key: s.title for s in profile.sections}
    problems: list[Problem] = []
    explained: dict[str, Any] | None = None
    for i, erratum in enumerate(budget.errata):
        section, code = erratum.section, erratum.code
        if section not in titles or not (SECTION_TEMPLATES / f"{section}.md.j2").is_file():
            mark = doc.mark(("errata", i, "section"))
            problems.append(Problem(
                "errata-unknown-section", Severity.ERROR,
                f"勘误的小节 {quoted(section)} 不是地区模板 {profile.key} 的情况说明小节（可用：{'、'.join(titles)}）",
                doc.path, mark.line, mark.column))
            continue
        if code is None:
            continue
        mark = doc.mark(("errata", i, "code"))
        if section not in _LINES:
            problems.append(Problem(
                "errata-unknown-code", Severity.ERROR,
                f"“{titles[section]}”不逐个科目说明，勘误不能填 code（请删去 code）", doc.path, mark.line, mark.column))
            continue
        if explained is None:
            explained = page_context(budget, reg, profile)
        codes = [line.code for line in explained[_LINES[section]]]
        if code not in codes:
            problems.append(Problem(
                "errata-unknown-code", Severity.ERROR,
                f"科目 {quoted(code)} 不在本文件“{titles[section]}”逐项说明的科目中（有：{'、'.join(codes) or '无'}）",
                doc.path, mark.line, mark.column))
    return problems


# ---------------------------------------------------------------- finding and reading files

SUFFIX = ".yaml"
NEAR_SUFFIXES = (".yaml", ".yml")  # compared without case; only SUFFIX is read, the others are reported


def _hidden(parts: tuple[str, ...]) -> bool:
    """Hidden and ``_``-prefixed files and directories are not budgets (editor files, shared fragments)."""
    return any(part.startswith((".", "_")) for part in parts)


def candidates(paths: Iterable[Path]) -> list[tuple[Path, Path, bool]]:
    """(file, the directory it must stay inside, named on the command line) for each path named, and for each
    budget-like name below a directory named. A file named on the command line stays inside its own directory."""
    out: list[tuple[Path, Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found = [p for p in path.rglob("*")
                     if p.suffix.lower() in NEAR_SUFFIXES and not _hidden(p.relative_to(path).parts)]
            out += [(p, path, False) for p in sorted(found)]
        else:
            out.append((path, path.parent, True))
    return out


def budget_files(paths: Iterable[Path]) -> list[Path]:
    """The files read: ``*.yaml`` below each directory (no hidden or ``_`` parts), and each file named."""
    return [p for p, _, named in candidates(paths) if named or p.suffix == SUFFIX]


def printable(text: str) -> str:
    """Text that prints on one line whatever it holds: bytes that were not UTF-8 as ``\\xNN``, control
    characters and line separators as Python escapes."""
    out = []
    for ch in text:
        if "\udc80" <= ch <= "\udcff":  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def quoted(text: str, limit: int = 40) -> str:
    """Text from a file inside a message: printable, in quotes, shortened."""
    shown = printable(text)
    return f"“{shown[:limit]}…”" if len(shown) > limit else f"“{shown}”"


def _refused(path: Path, within: Path, named: bool, shown: str) -> Problem | None:
    """Why a found file is not read, judged on its name and where it leads (nothing is opened)."""
    # Below a directory, its own name counts too: the site's source links name it (budgets/2023/63002.yaml).
    name = path.name if named else os.path.join(os.path.basename(os.path.realpath(within)), path.relative_to(within))
    if printable(name) != name:
        return Problem("invalid-file-name", Severity.ERROR,
                       f"文件名含有不是 UTF-8 的字节或控制字符：{printable(name)}；请改名为 <部门代码>.yaml", shown)
    if not named and path.suffix != SUFFIX:
        return Problem("wrong-extension", Severity.ERROR,
                       f"扩展名应为 .yaml（小写），此文件没有被读取，也不会发布；请改名为 {printable(path.stem)}.yaml", shown)
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(os.path.realpath(within)):
        where = "预算目录" if not named else "文件所在目录"
        return Problem("file-outside-budgets", Severity.ERROR,
                       f"这是指向{where}之外的符号链接，不予读取；请把文件本身放进 budgets/", shown)
    return None


def _unreadable(message: str, shown: str) -> Problem:
    return Problem("unreadable-file", Severity.ERROR, message, shown)


_OS_ERRORS = {errno.EACCES: "无法读取：权限不足", errno.EPERM: "无法读取：权限不足",
              errno.ELOOP: "符号链接形成循环，无法读取", errno.EISDIR: "是目录而不是文件",
              errno.ENAMETOOLONG: "文件名过长，无法读取"}


def read_budget_file(path: Path, shown: str) -> bytes | Problem:
    """The bytes of a regular file, or the located reason it cannot be read (never blocks on a pipe)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return Problem("missing-file", Severity.ERROR,
                       "符号链接指向的文件不存在" if os.path.islink(path) else "文件不存在", shown)
    except OSError as exc:
        return _unreadable(_OS_ERRORS.get(exc.errno or 0, f"无法读取（{errno.errorcode.get(exc.errno or 0, '')}）"),
                           shown)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        return _unreadable("是目录而不是文件" if stat.S_ISDIR(mode) else "不是普通文件（是管道、设备或套接字），不予读取", shown)
    with os.fdopen(fd, "rb") as fh:
        try:
            return fh.read()
        except OSError as exc:
            return _unreadable(_OS_ERRORS.get(exc.errno or 0, f"读取失败（{errno.errorcode.get(exc.errno or 0, '')}）"),
                               shown)


FileResult = tuple[list[Problem], Loaded | None]


def check_file(path: Path, shown: str, raw: bytes, reason_threshold: Decimal | None = None) -> FileResult:
    """Every single-file problem of one budget file, and the loaded budget when it parses."""
    try:
        doc = parse(decode(raw, shown), shown, with_marks=False)
        budget, problems = parse_budget(doc)
        if budget is None:
            return problems, None
        problems += check_budget(doc, budget, reason_threshold)
    except InputError as exc:
        return [exc.at(shown).problem], None
    except Exception as exc:  # the gate reports, never crashes: a bug in a check must not hide the other files
        return [Problem("internal-error", Severity.ERROR,
                        f"校验程序内部错误（{type(exc).__name__}），请把此文件报告给维护者", shown)], None
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
    found = candidates(paths)
    results: list[FileResult | None] = []
    todo: list[tuple[int, tuple[str, str, Decimal | None], tuple[Path, str, bytes]]] = []
    for index, (path, within, named) in enumerate(found):
        shown = _display(path, root)
        raw = _refused(path, within, named, shown) or read_budget_file(path, shown)
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
    # Messages quote the file (reasons, names, keys): one printable line each, whatever the file holds.
    report.problems = rules.sort_problems(
        p if printable(p.message) == p.message else replace(p, message=printable(p.message))
        for p in report.problems)
    return report


def _year_directory(name: str) -> int | None:
    """The year a directory name states (ASCII digits only: ²⁰²³ and ２０２３ are not years)."""
    return int(name) if name.isascii() and name.isdecimal() else None


def cross_file(budgets: list[Loaded]) -> list[Problem]:
    """Rules that need more than one file (one file per department-year), and the file's place in the tree."""
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
        year = _year_directory(item.path.parent.name)
        if year is None:
            continue  # not laid out as budgets/<year>/<code>.yaml: nothing to compare
        if year != item.budget.year:
            mark = item.document.mark(("year",))
            problems.append(Problem(
                "file-path-mismatch", Severity.WARNING,
                f"文件在 {year} 目录下，year 却是 {item.budget.year}", item.document.path, mark.line, mark.column))
        if item.path.suffix == SUFFIX and item.path.stem != key[0]:
            mark = item.document.mark(("department", "code"))
            problems.append(Problem(
                "file-path-mismatch", Severity.WARNING,
                f"文件名是 {printable(item.path.name)}，department.code 却是 {key[0]}"
                f"（应为 {item.budget.year}/{key[0]}.yaml）", item.document.path, mark.line, mark.column))
    from generator.continuity import check_continuity

    problems += check_continuity(budgets)
    return problems


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
