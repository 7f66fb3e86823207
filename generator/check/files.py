"""One budget file: which files are read, how they are read, and every problem a file has on its own.

A file is found (``candidates``), judged on its name and where it leads (``refused``), read without
blocking (``read_budget_file``), parsed and read into the model (:mod:`generator.load`), then
checked by the rule catalogue and the 勘误 checks (``check_budget``).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from decimal import Decimal
from importlib import resources
from pathlib import Path

import yaml

from generator.check import rules
from generator.core import profiles, registry
from generator.core.errors import InputError, Problem, Severity, printable, quoted
from generator.core.explained import lines_for
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.core.registry import Registry
from generator.load.budget import Loaded, parse_budget
from generator.load.loader import Document, decode, parse


def check_budget(doc: Document, budget: Budget, reason_threshold: Decimal | None = None) -> list[Problem]:
    try:
        profile = profiles.load(budget.profile)
    except profiles.ProfileError as exc:  # a shipped profile (or the table library) that does not validate
        return exc.problems
    except (KeyError, ValueError, TypeError, OSError, yaml.YAMLError):  # no such profile, or a file that is not one
        mark = doc.mark(("profile",))
        return [Problem("unknown-profile", Severity.ERROR,
                        f"未知的地区模板{quoted(budget.profile)}（可用：{'、'.join(profiles.available())}）",
                        doc.path, mark.line, mark.column)]
    reg = registry.for_year(budget.year)
    ctx = rules.Context(budget, doc, reg, profile, reason_threshold)
    return rules.run(ctx) + check_errata(doc, budget, profile, reg)


# The section templates are read as data, not imported: an erratum must name a section the site can publish.
SECTION_TEMPLATES = Path(str(resources.files("generator") / "publish" / "templates" / "sections"))


def check_errata(doc: Document, budget: Budget, profile: Profile, reg: Registry) -> list[Problem]:
    """What the 勘误 page needs: a section the profile publishes, and a code among the lines that section
    explains (the section spec's ``lines``)."""
    if not budget.errata:
        return []
    titles = {s.key: s.title for s in profile.sections}
    problems: list[Problem] = []
    for i, erratum in enumerate(budget.errata):
        section, code = profile.section(erratum.section), erratum.code
        if section is None or not (SECTION_TEMPLATES / f"{section.template_name}.md.j2").is_file():
            mark = doc.mark(("errata", i, "section"))
            problems.append(Problem(
                "errata-unknown-section", Severity.ERROR,
                f"勘误的小节 {quoted(erratum.section)} 不是地区模板 {profile.key} 的情况说明小节（可用：{'、'.join(titles)}）",
                doc.path, mark.line, mark.column))
            continue
        if code is None:
            continue
        mark = doc.mark(("errata", i, "code"))
        if section.lines is None:
            problems.append(Problem(
                "errata-unknown-code", Severity.ERROR,
                f"“{section.title}”不逐个科目说明，勘误不能填 code（请删去 code）", doc.path, mark.line, mark.column))
            continue
        codes = [line.code for line in lines_for(section.lines, budget, reg)]
        if code not in codes:
            problems.append(Problem(
                "errata-unknown-code", Severity.ERROR,
                f"科目 {quoted(code)} 不在本文件“{section.title}”逐项说明的科目中（有：{'、'.join(codes) or '无'}）",
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


def refused(path: Path, within: Path, named: bool, shown: str) -> Problem | None:
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
