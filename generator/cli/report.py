"""Problems as the terminal or GitHub Actions shows them: one printable line each (and, for an editor, how to fix it)."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from generator.core.errors import Problem


def printable(text: str) -> str:
    """C0/C1 controls and DEL (a file name can hold ESC or a newline) as \\xNN, never sent to a terminal or a log."""
    return re.sub("[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)


def _gh_data(text: str) -> str:
    # A workflow command's message, escaped as GitHub's toolkit does (escapeData).
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _gh_property(text: str) -> str:
    # A property value (file=, title=): also ':' and ',', which would end it (escapeProperty).
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def emit_problems(problems: Sequence[Problem], fmt: str, summary: str | None = None, fix_hints: bool = False) -> None:
    """Print the problems; in text format with ``fix_hints``, each is followed by an indented “  改法：…” line."""
    if fmt == "github":
        for p in problems:
            level = "error" if p.severity.value == "error" else "warning"
            loc = f"file={_gh_property(p.file)}" + (f",line={p.line}" if p.line else "") \
                + (f",col={p.column}" if p.column else "")
            print(f"::{level} {loc},title={_gh_property(p.slug)}::{_gh_data(p.message)}")
    else:
        for p in problems:
            print(printable(p.format()))
            if fix_hints:
                print(f"  改法：{printable(p.fix)}")
    if summary:
        print(summary, file=sys.stderr if fmt == "github" else sys.stdout)
