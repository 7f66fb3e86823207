"""Draft markers: the ``# 待填写`` comments that ``new`` writes after every figure still to be filled in.

The marker is the contract between the scaffold and the validator: a line is unfilled until
its marker comment is deleted (even when its figure happens to be right, e.g. a true 0).
Only comments count: the same words inside a quoted text value are text (and the
``placeholder-text`` rule reports those).
"""

from __future__ import annotations

import functools
import re

import yaml

from generator.core.vocabulary import TODO
from generator.load.loader import Document, Path_

_COMMENT = re.compile(rf"(?:^|[ \t])#[ \t]*{TODO}")


def unfilled_lines(text: str) -> tuple[int, ...]:
    """1-based numbers of the lines that carry a ``# 待填写`` comment."""
    if TODO not in text:  # the common case: a finished file costs one substring search
        return ()
    return _unfilled(text)


@functools.lru_cache(maxsize=8)
def _unfilled(text: str) -> tuple[int, ...]:
    candidates: dict[int, int] = {}  # line (0-based) → column of the “#”
    for number, line in enumerate(text.split("\n")):
        if m := _COMMENT.search(line):
            candidates[number] = m.start() + (0 if line[m.start()] == "#" else 1)
    if not candidates:
        return ()
    # A “#” inside a scalar (a quoted string, or a plain one such as “a#b”) is not a comment.
    inside: set[int] = set()
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if not isinstance(token, yaml.ScalarToken):
                continue
            start, end = token.start_mark, token.end_mark
            for number in range(start.line, end.line + 1):
                col = candidates.get(number)
                if col is None:
                    continue
                after_start = number > start.line or col >= start.column
                before_end = number < end.line or col < end.column
                if after_start and before_end:
                    inside.add(number)
    except yaml.YAMLError:  # not reached for a file that parsed; count every candidate then
        pass
    return tuple(n + 1 for n in sorted(candidates) if n not in inside)


def loc_at_line(doc: Document, line: int) -> Path_:
    """The deepest model path whose key starts on ``line`` (the value a marker sits after)."""
    doc.mark(())  # rebuilds the positions if they were dropped
    best: Path_ = ()
    for loc, mark in doc.marks.items():
        if mark.line == line and len(loc) >= len(best):
            best = loc
    return best
