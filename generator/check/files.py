"""One budget file: which files are read, how they are read, and every problem a file has on its own.

A file is found (``candidates``), judged on its name and where it leads (``refused``), read without
blocking (``read_budget_file``), parsed and read into the model (:mod:`generator.load`), then
checked by the rule catalogue and the 勘误 checks (``check_budget``).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
import jinja2.nodes

from generator.check import rules
from generator.core import profiles, registry
from generator.core.erratum import Erratum
from generator.core.errors import InputError, Problem, Severity, printable, quoted
from generator.core.explained import lines_for
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.core.registry import Registry
from generator.core.slugs.internal import INVALID_PROFILE
from generator.core.specs import SectionSpec
from generator.load.budget import Loaded, parse_budget
from generator.load.codes import repository_registry
from generator.load.loader import Document, decode, parse


def check_budget(doc: Document, budget: Budget, reason_threshold: Decimal | None = None,
                 reg: Registry | None = None) -> list[Problem]:
    try:
        profile = profiles.load(budget.profile).for_year(budget.year)
    except profiles.ProfileError as exc:  # a shipped profile (or the table library) that does not validate
        return exc.problems
    except profiles.UNREADABLE:  # no such profile, or a file that is not one
        mark = doc.mark(("profile",))
        return [Problem("unknown-profile", Severity.ERROR,
                        f"未知的地区模板{quoted(budget.profile)}（可用：{'、'.join(profiles.available())}）",
                        doc.path, mark.line, mark.column)]
    problems = check_profile(profile)
    if problems:
        return problems
    reg = reg or registry.for_year(budget.year)
    ctx = rules.Context(budget, doc, reg, profile, reason_threshold)
    return rules.run(ctx) + check_errata(doc, budget, profile, reg)


def check_profile(profile: Profile) -> list[Problem]:
    """What a publishing profile names must exist: each section a template (its tables are whole specs, checked
    when the profile is read). A profile whose layout is not configured yet (``publish: false``) is not laid out."""
    if not profile.publish:
        return []
    problems: list[Problem] = []
    written = profile.base  # every section where the profile file writes it: the base layout and each variant
    placed: list[tuple[tuple[str | int, ...], SectionSpec]] = [(("sections", i), x) for i, x in enumerate(written.sections)]
    placed += [(("variants", v, "sections", j), x) for v, variant in enumerate(written.variants)
               for j, x in enumerate(variant.sections)]
    for at, section in placed:
        if not (SECTION_TEMPLATES / f"{section.template_name}.md.j2").is_file():
            shown, line = profiles.position(profile.key, (*at, "template" if section.template else "key"))
            known = sorted(p.name.removesuffix(".md.j2") for p in SECTION_TEMPLATES.glob("*.md.j2"))
            problems.append(Problem("profile-unknown-section", Severity.ERROR,
                                    f"没有名为{quoted(section.template_name)}的情况说明小节模板（可用：{'、'.join(known)}）",
                                    shown, line))
        elif section.forms or section.formats:
            problems += _named_in_template(profile.key, at, section)
    return problems


def _named_in_template(key: str, at: tuple[str | int, ...], section: SectionSpec) -> list[Problem]:
    """A section's ``forms`` and ``formats`` must be ones its template names (``section.form("name", …)``,
    ``section.style("name", …)``), and a form may use only the placeholders the template fills in."""
    forms, formats = template_names(section.template_name)
    out = []

    def invalid(loc: tuple[str | int, ...], message: str) -> None:
        shown, line = profiles.position(key, (*at, *loc))
        out.append(Problem(INVALID_PROFILE.slug, Severity.ERROR, f"地区模板有误：{message}", shown, line))

    for name, text in section.forms.items():
        if name not in forms:
            invalid(("forms", name), f"小节模板 {section.template_name} 没有名为{quoted(name)}的句式"
                                     f"（可用：{'、'.join(sorted(forms)) or '无'}）")
        elif unknown := sorted(set(re.findall(r"\{([a-z0-9_]+)\}", text)) - forms[name]):
            invalid(("forms", name), f"句式{quoted(name)}中的占位符{quoted('{' + unknown[0] + '}')}模板不提供"
                                     f"（可用：{'、'.join('{' + x + '}' for x in sorted(forms[name]))}）")
    for name in section.formats:
        if name not in formats:
            invalid(("formats", name), f"小节模板 {section.template_name} 没有名为{quoted(name)}的数字格式"
                                       f"（可用：{'、'.join(sorted(formats)) or '无'}）")
    return out


@cache
def template_names(template: str) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """The sentence forms (name → the placeholders it is given) and number formats a section template names."""
    tree = jinja2.Environment().parse((SECTION_TEMPLATES / f"{template}.md.j2").read_text(encoding="utf-8"))
    forms: dict[str, frozenset[str]] = {}
    formats: set[str] = set()
    for call in tree.find_all(jinja2.nodes.Call):
        f = call.node
        if (isinstance(f, jinja2.nodes.Getattr) and isinstance(f.node, jinja2.nodes.Name) and f.node.name == "section"
                and call.args and isinstance(call.args[0], jinja2.nodes.Const)):
            if f.attr == "form":
                forms[call.args[0].value] = frozenset(k.key for k in call.kwargs)
            elif f.attr == "style":
                formats.add(call.args[0].value)
    return forms, frozenset(formats)


# The section templates are read as data, not imported: an erratum must name a section the site can publish.
SECTION_TEMPLATES = Path(str(resources.files("generator") / "publish" / "templates" / "sections"))


def check_errata(doc: Document, budget: Budget, profile: Profile, reg: Registry) -> list[Problem]:
    """What the 勘误 page needs of every erratum: a place the profile publishes (a table, a section, or a part) that
    agrees with ``part``; and of a ``sentence``: its published text, a section to regenerate it from unless it
    gives ``correct``, and a code among the lines that section explains (the section spec's ``lines``). The other
    kinds are recomputed by the rules in check.rules.errata."""
    if not budget.errata:
        return []
    problems: list[Problem] = []

    def at(i: int, *where: str) -> tuple[str, int, int]:
        mark = doc.mark(("errata", i, *where))
        return doc.path, mark.line, mark.column

    for i, erratum in enumerate(budget.errata):
        if erratum.part is not None and erratum.place != erratum.part:
            problems.append(Problem("errata-unknown-section", Severity.ERROR,
                                    f"勘误的 part 为 {quoted(erratum.part)}，与所填的 section、table 或类型"
                                    f"（{erratum.kind}）所在部分 {quoted(str(erratum.place))} 不一致", *at(i, "part")))
            continue
        if erratum.kind != "sentence":
            continue
        if erratum.published is None:
            problems.append(Problem("erratum-unresolved", Severity.ERROR, "勘误无法核对：sentence 类勘误须填写 published",
                                    *at(i)))
            continue
        refused, field = _errata_place(erratum, profile)
        if refused:
            where = (field,) if getattr(erratum, field, None) is not None else ()
            problems.append(Problem("errata-unknown-section", Severity.ERROR, refused, *at(i, *where)))
            continue
        section = profile.section(erratum.section) if erratum.section else None
        code = erratum.code
        if erratum.correct is None and section is None:
            problems.append(Problem(
                "erratum-unresolved", Severity.ERROR,
                "勘误无法核对：sentence 类勘误不填 correct 时须填写 section（由本项目按数据重新生成该句）", *at(i)))
            continue
        if code is not None and section is None:
            problems.append(Problem("errata-unknown-code", Severity.ERROR,
                                    "只有情况说明中逐项说明的科目才能填 code（请删去 code）", *at(i, "code")))
            continue
        if code is None or section is None:
            continue
        if section.lines is None:
            problems.append(Problem("errata-unknown-code", Severity.ERROR,
                                    f"“{section.title}”不逐个科目说明，勘误不能填 code（请删去 code）", *at(i, "code")))
            continue
        codes = [line.code for line in lines_for(section.lines, budget, reg)]
        if code not in codes:
            problems.append(Problem(
                "errata-unknown-code", Severity.ERROR,
                f"科目 {quoted(code)} 不在本文件“{section.title}”逐项说明的科目中（有：{'、'.join(codes) or '无'}）",
                *at(i, "code")))
    return problems


def _errata_place(e: Erratum, profile: Profile) -> tuple[str, str]:
    """(why the place of a sentence erratum is refused, the field to point at); ('', '') when the profile publishes
    it. Read from the table and section specs."""
    if e.section is not None and e.table is not None:
        return "勘误的 section 与 table 只能填一个（情况说明小节或报表）", "table"
    if e.place in ("overview", "glossary"):
        return ("", "") if e.section is None else (
            f"部门概况、名词解释的勘误不填 section（实际填了 {quoted(e.section)}）", "section")
    if e.table is not None:
        return ("", "") if profile.table(e.table) is not None else (
            f"勘误的报表 {quoted(e.table)} 不是地区模板 {profile.key} 的公开报表"
            f"（可用：{'、'.join(t.key for t in profile.tables)}）", "table")
    if e.section is None:
        return "勘误要指明位置：情况说明填 section，报表填 table，部门概况、名词解释填 part", "part"
    section = profile.section(e.section)
    if section is not None and (SECTION_TEMPLATES / f"{section.template_name}.md.j2").is_file():
        return "", ""
    return (f"勘误的小节 {quoted(e.section)} 不是地区模板 {profile.key} 的情况说明小节"
            f"（可用：{'、'.join(s.key for s in profile.sections)}）", "section")


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
        reg, code_problems = repository_registry(path, shown, budget.year, registry.for_year(budget.year))
        problems += code_problems + check_budget(doc, budget, reason_threshold, reg)
    except InputError as exc:
        return [exc.at(shown).problem], None
    except Exception as exc:  # the gate reports, never crashes: a bug in a check must not hide the other files
        return [Problem("internal-error", Severity.ERROR,
                        f"校验程序内部错误（{type(exc).__name__}），请把此文件报告给维护者", shown)], None
    doc.drop_marks()  # positions are only needed to report a problem; they are rebuilt if one arises later
    return problems, Loaded(path, doc, budget, hashlib.sha256(raw).hexdigest(), reg)
