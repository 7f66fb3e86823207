"""The slug catalogue (generator/core/slugs/) is the one place a problem slug is declared, and the code keeps to it.

Three guards: a :class:`Problem` refuses an undeclared slug when it is made (so any test that makes the tool emit
one fails); a static scan of the package finds every slug passed as a literal and checks it is declared; and the
reverse scan finds every entry emitted somewhere (or marked ``reserved`` with a reason).
"""

from __future__ import annotations

import ast
import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from support import ROOT, SEED, SEED_REL, edit_line, line_of, run_cli

from generator.check import rules
from generator.cli import COMMANDS
from generator.core import profiles, slugs
from generator.core.errors import InputError, Problem, Severity
from generator.excel.sheets import Workbook

PACKAGE = ROOT / "generator"
CATALOGUE_DIR = PACKAGE / "core" / "slugs"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Callables that take a slug, and the position of that argument (a ``slug=`` keyword is found too).
SLUG_TAKERS = {"Problem": 0, "InputError": 0, "problem": 0, "_fail": 1, "PydanticCustomError": 0, "rule": 0}
# Constants of the catalogue by name (``PRIOR_YEAR_MISMATCH``), as code refers to them.
CONSTANTS = {name: value for module in slugs.MODULES for name, value in vars(module).items()
             if isinstance(value, slugs.Slug)}


# ---------------------------------------------------------------- the catalogue itself


def test_every_entry_is_complete_and_named_after_its_slug() -> None:
    assert len(slugs.CATALOGUE) > 70
    for name, kind in CONSTANTS.items():
        assert SLUG.match(kind.slug), kind.slug
        assert name == kind.slug.upper().replace("-", "_"), (name, kind.slug)
        assert all(CJK.search(text) for text in (kind.title, kind.explanation, kind.fix)), kind.slug
        assert kind.group in slugs.GROUPS and CJK.search(kind.group.title), kind.slug
    assert list(slugs.CATALOGUE.values()) == list(CONSTANTS.values())  # each entry is declared once


def test_an_entry_without_its_fix_cannot_be_declared() -> None:
    group = slugs.GROUPS[0]
    with pytest.raises(ValueError, match="fix"):
        slugs.Slug(group, "made-up", Severity.ERROR, "标题", "说明", "")


def test_every_rule_reports_its_catalogue_entry() -> None:
    assert {slug: r.kind for slug, r in rules.CATALOGUE.items()} == {slug: slugs.CATALOGUE[slug] for slug in rules.CATALOGUE}


def test_a_rule_must_register_against_a_catalogue_entry() -> None:
    lookalike = replace(slugs.CATALOGUE["code-level"], slug="code-levels")
    with pytest.raises(slugs.UndeclaredSlug):
        rules.rule(lookalike)


# ---------------------------------------------------------------- refused when made


@pytest.mark.parametrize("make", [
    lambda: Problem("no-such-slug", Severity.ERROR, "信息", "a.yaml", 1),
    lambda: InputError("no-such-slug", "信息", file="a.yaml"),
    lambda: Workbook("a.xlsx", {}, "万元", None, 2023, None).problem("xlsx-no-such-thing", Severity.ERROR, "信息"),
    lambda: Problem("function-economic-mismatch", Severity.ERROR, "信息", folded=("no-such-slug",)),
], ids=["Problem", "InputError", "Workbook.problem", "folded"])
def test_an_undeclared_slug_is_refused_when_made(make: object) -> None:
    with pytest.raises(slugs.UndeclaredSlug):
        make()  # type: ignore[operator]


def test_a_problem_has_its_declared_severity() -> None:
    with pytest.raises(ValueError, match="declared as error"):
        Problem("yaml-syntax", Severity.WARNING, "信息")
    # a warning that blocks publishing is an error for site/render
    assert rules.for_publishing([Problem("unfilled-draft", Severity.WARNING, "信息")])[0].severity is Severity.ERROR


def test_the_fix_always_comes_from_the_catalogue() -> None:
    p = Problem("duplicate-key", Severity.ERROR, "信息", "a.yaml", 3)
    assert p.fix == slugs.CATALOGUE["duplicate-key"].fix
    assert p.to_json()["fix"] == p.fix and list(p.to_json()) == [
        "slug", "severity", "message", "file", "line", "column", "expected", "actual", "related_lines", "fix", "folded"]
    assert replace(p, line=4).fix == p.fix
    with pytest.raises(TypeError):
        Problem("duplicate-key", Severity.ERROR, "信息", fix="别的改法")  # type: ignore[call-arg]


# ---------------------------------------------------------------- the code, scanned


@dataclass(frozen=True)
class Use:
    slug: str
    where: str
    emits: bool  # passed to something that reports it (not only compared with)


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if CATALOGUE_DIR not in path.parents:
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _slug_arg(call: ast.Call) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == "slug":
            return kw.value
    index = SLUG_TAKERS[_name(call.func)]
    return call.args[index] if len(call.args) > index else None


def _passes_slug(node: ast.expr | None) -> bool:
    """``slug`` or ``x.slug``: a slug handed on (already checked where it was made)."""
    return (isinstance(node, ast.Name) and node.id == "slug") or (isinstance(node, ast.Attribute) and node.attr == "slug")


def _literals(node: ast.expr) -> Iterator[ast.Constant]:
    """String constants in an expression, dict keys aside (``{"extra_forbidden": "unknown-key"}``)."""
    keys = {id(k) for d in ast.walk(node) if isinstance(d, ast.Dict) for k in d.keys if k is not None}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and id(sub) not in keys:
            yield sub


def scan() -> tuple[list[Use], list[str]]:
    """Every slug the package names (outside the catalogue), and the slug arguments it cannot check statically."""
    uses: list[Use] = []
    unchecked: list[str] = []
    for rel, tree in _modules():
        for node in ast.walk(tree):
            at = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and _name(node.func) in SLUG_TAKERS:
                arg = _slug_arg(node)
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    uses.append(Use(arg.value, at, True))
                elif isinstance(arg, ast.Name) and arg.id in CONSTANTS:  # @rule(CODE_LEVEL)
                    uses.append(Use(CONSTANTS[arg.id].slug, at, True))
                elif isinstance(arg, ast.Attribute) and arg.attr == "slug" and isinstance(arg.value, ast.Name) \
                        and arg.value.id in CONSTANTS:  # Problem(PRIOR_YEAR_MISMATCH.slug, ...)
                    uses.append(Use(CONSTANTS[arg.value.id].slug, at, True))
                elif not _passes_slug(arg):
                    unchecked.append(f"{at}: {ast.unparse(node)[:80]}")  # only a pass-through ``slug`` may vary
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any("slug" in ast.unparse(t).lower() for t in targets):  # slug = ..., _TYPE_SLUGS = {...}
                    uses += [Use(c.value, at, True) for c in _literals(node.value)]
            elif isinstance(node, ast.Compare):  # slug == "unknown-key", p.slug in ("a", "b")
                sides = [node.left, *node.comparators]
                if any(_passes_slug(side) for side in sides):
                    uses += [Use(c.value, at, False) for s in sides for c in _literals(s)]
    return uses, unchecked


def test_the_scan_sees_every_kind_of_slug_site() -> None:
    uses, _ = scan()
    sites = {u.where.split(":")[0] for u in uses}
    assert len(uses) > 100
    assert {"generator/load/loader.py", "generator/load/budget.py", "generator/core/fields.py",
            "generator/check/files.py", "generator/check/crossfile.py", "generator/check/continuity.py",
            "generator/check/rules/reconcile.py", "generator/excel/package.py", "generator/excel/importer.py",
            "generator/publish/xlsx.py", "generator/publish/preview.py"} <= sites
    assert any(not u.emits for u in uses)  # the comparisons in load/budget.py


def test_every_slug_the_code_names_is_declared() -> None:
    uses, unchecked = scan()
    assert unchecked == [], "pass a literal slug or a catalogue constant's .slug, so that it can be checked"
    assert sorted(f"{u.where}: {u.slug}" for u in uses if u.slug not in slugs.CATALOGUE) == []


def test_every_entry_is_emitted_somewhere_or_reserved() -> None:
    emitted = {u.slug for u in scan()[0] if u.emits}
    dead = [s for s, kind in slugs.CATALOGUE.items() if s not in emitted and not kind.reserved]
    assert dead == [], "remove the entry, or give it reserved='why it is kept'"
    reserved_but_used = [s for s, kind in slugs.CATALOGUE.items() if kind.reserved and s in emitted]
    assert reserved_but_used == []


def test_every_slug_the_guide_names_is_declared() -> None:
    # Hyphenated words in backticks are slugs unless they are a command, a profile or the pull-request comment's marker.
    other = {c.NAME for c in COMMANDS} | set(profiles.available()) | {"budget-diff"}
    named = set()
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        words = re.findall(r"`([a-z][a-z0-9]*(?:-[a-z0-9]+)+)`", text) + re.findall(r"(?:error|warning) \[([a-z0-9-]+)\]", text)
        named |= {(page.name, w) for w in words if w not in other}
    assert len(named) > 50
    assert sorted(f"docs/{name}: {w}" for name, w in named if w not in slugs.CATALOGUE) == []


# ---------------------------------------------------------------- validate shows the 改法 to an editor


def _bad_seed(tmp_path: Path) -> None:
    """The seed with 行政运行's personnel off by 0.01: a folded reconciliation error besides the seed's warnings."""
    text = SEED.read_text(encoding="utf-8")
    target = tmp_path / SEED_REL
    target.parent.mkdir(parents=True)
    target.write_text(edit_line(text, line_of(text, r"personnel: 140\.71"), "140.71", "140.72"), encoding="utf-8")


def _hinted(stdout: str) -> list[tuple[str, str]]:
    """(slug, fix) for each problem line followed by an indented 改法 line."""
    lines = stdout.splitlines()
    return [(m.group(1), nxt.removeprefix("  改法："))
            for line, nxt in zip(lines, [*lines[1:], ""], strict=True)
            if (m := re.search(r": (?:error|warning) \[([a-z0-9-]+)\] ", line)) and nxt.startswith("  改法：")]


def test_validate_fix_hints_print_the_catalogue_fix_under_each_problem(tmp_path: Path) -> None:
    _bad_seed(tmp_path)
    result = run_cli("validate", "--fix-hints", "budgets", cwd=tmp_path)
    assert result.code == 1, result.explain()
    problems = re.findall(r"^\S.*: (?:error|warning) \[([a-z0-9-]+)\] ", result.stdout, re.M)
    assert len(problems) >= 3, result.explain()
    assert _hinted(result.stdout) == [(s, slugs.CATALOGUE[s].fix) for s in problems], result.explain()


def test_validate_piped_shows_no_fix_hints_unless_asked(tmp_path: Path) -> None:
    _bad_seed(tmp_path)
    piped = run_cli("validate", "budgets", cwd=tmp_path)
    assert piped.code == 1 and "改法" not in piped.stdout and "[" in piped.stdout, piped.explain()
    github = run_cli("validate", "--format", "github", "--fix-hints", "budgets", cwd=tmp_path)
    assert github.code == 1 and "改法" not in github.stdout, github.explain()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_validate_at_a_terminal_shows_fix_hints_unless_turned_off(tmp_path: Path) -> None:
    _bad_seed(tmp_path)

    def at_terminal(*args: str) -> tuple[int, str]:
        leader, follower = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "generator", "validate", *args, "budgets"], cwd=tmp_path,
                                stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        os.close(leader)
        return proc.wait(timeout=60), b"".join(chunks).decode("utf-8").replace("\r\n", "\n")

    code, out = at_terminal()
    assert code == 1 and _hinted(out), out
    code, out = at_terminal("--no-fix-hints")
    assert code == 1 and "改法" not in out and "[" in out, out
