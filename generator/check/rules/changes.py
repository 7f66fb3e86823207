"""Point a problem at the line the editor just changed, when that line is one of its candidates.

A reconciliation problem names one line and lists the other lines that take part in the same
sum (“相关行”). When the editor has just changed one of those lines (the working tree against
git HEAD, or a pull request against its base), that line is the likely cause: the problem is
moved there and says so first — “你改动的第82行（3010101 基本工资：54.06 → 54.60）可能是原因” — and
the other candidates follow. Pure: the changed lines come from :mod:`generator.check.worktree` or
:mod:`generator.review.diff` (:func:`changed_lines` names them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from generator.check.rules.catalogue import related_note
from generator.core.errors import Problem
from generator.load.leaves import LeafChange


@dataclass(frozen=True)
class ChangedLine:
    line: int
    column: int
    what: str  # “3010101 基本工资：54.06 → 54.60”


def point_at_changes(problems: Iterable[Problem], changes: Mapping[str, Sequence[ChangedLine]]) -> list[Problem]:
    """Problems with candidate lines, relocated to the changed candidate (others unchanged)."""
    return [_point(p, changes.get(p.file, ())) for p in problems]


def _point(p: Problem, changed: Sequence[ChangedLine]) -> Problem:
    if not changed or p.line is None or not p.related_lines:
        return p
    candidates = {p.line, *p.related_lines}
    hits = sorted((c for c in changed if c.line in candidates), key=lambda c: c.line)
    if not hits:
        return p
    note = related_note(p.related_lines)
    base = p.message[: -len(note)] if note and p.message.endswith(note) else p.message
    others = sorted(candidates - {c.line for c in hits})
    lines = "、".join(str(c.line) for c in hits)
    message = (f"你改动的第{lines}行（{'；'.join(c.what for c in hits)}）可能是原因。{base}"
               + related_note(others, "其他相关行"))
    first = hits[0]
    return replace(p, line=first.line, column=first.column, message=message,
                   related_lines=tuple(sorted(candidates - {first.line})))


def changed_lines(changes: list[LeafChange]) -> list[ChangedLine]:
    """The lines of the new file that a change touched, named for a message (“3010101 基本工资：54.06 → 54.60”)."""
    out = []
    for c in changes:
        if c.new is None:
            continue  # a removed leaf has no line in the new file
        name = " ".join(x for x in (c.leaf.code, c.leaf.name) if x) or c.leaf.label
        old = "（无）" if c.old is None else f"{c.old}"
        out.append(ChangedLine(c.line, c.column, f"{name}：{old} → {c.new}"))
    return out
