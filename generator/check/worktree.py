"""What ``validate`` adds for an editor at work: the line they just changed.

For each file with a problem that lists candidate lines, the file on disk is compared with its
committed version (git HEAD) leaf by leaf (:func:`generator.load.leaves.compare_leaves`, so a reformat
changes nothing); a changed leaf among a problem's candidates becomes its location
(:mod:`generator.check.rules.changes`). No git, no repository, no commit or an untracked file: the
problems are left as they are, silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.check import rules
from generator.check.rules.changes import ChangedLine, point_at_changes
from generator.check.rules.changes import changed_lines as touched_lines
from generator.core.errors import Problem
from generator.load import gitio
from generator.load.budget import load_side
from generator.load.leaves import compare_leaves


def explain(problems: Iterable[Problem]) -> list[Problem]:
    """The problems pointed at the lines changed since git HEAD (each carries its how-to-fix line already)."""
    problems = list(problems)
    candidates = sorted({p.file for p in problems if p.file and p.related_lines})
    return rules.sort_problems(point_at_changes(problems, changed_lines(candidates)))


def changed_lines(files: Iterable[str]) -> dict[str, list[ChangedLine]]:
    """For each file (as shown in problems) that differs from git HEAD, its changed leaves."""
    by_root: dict[Path, dict[str, str]] = {}
    roots: dict[Path, Path | None] = {}
    for shown in files:
        path = Path(shown)
        if not path.is_file():
            continue
        folder = path.resolve().parent
        if folder not in roots:
            try:
                roots[folder] = gitio.repo_root(folder).resolve()
            except gitio.GitError:
                roots[folder] = None
        root = roots[folder]
        if root is not None:
            by_root.setdefault(root, {})[path.resolve().relative_to(root).as_posix()] = shown
    out: dict[str, list[ChangedLine]] = {}
    for root, shown_by_rel in by_root.items():
        try:
            modified = gitio.changed_since_head(root, sorted(shown_by_rel))
        except gitio.GitError:  # e.g. a repository without commits
            continue
        for rel in sorted(modified & shown_by_rel.keys()):
            try:
                old = gitio.head_file(root, rel)
            except gitio.GitError:
                continue
            shown = shown_by_rel[rel]
            out[shown] = _leaf_lines(shown, old, Path(shown).read_bytes())
    return out


def _leaf_lines(shown: str, old: bytes, new: bytes) -> list[ChangedLine]:
    a, b = load_side({shown: old}).parsed, load_side({shown: new}).parsed
    if not a or not b:
        return []
    return touched_lines(compare_leaves(a[0], b[0]))
