"""Problems are data: a stable slug, a severity, a location and the figures that disagree.

Every slug is declared once in the slug catalogue (:mod:`generator.core.slugs`): a :class:`Problem` with a slug
declared nowhere cannot be made, and its how-to-fix line (``fix``, 改法) always comes from the catalogue.
Text a message quotes from a file is made printable (:func:`printable`, :func:`quoted`): one line, whatever the file holds.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from generator.core import slugs
from generator.core.slugs import Severity


@dataclass(frozen=True)
class Problem:
    """One problem found. A slug the catalogue lacks raises :class:`~generator.core.slugs.UndeclaredSlug`, a
    severity other than the declared one ``ValueError`` (a warning that blocks publishing may be raised to an error)."""

    slug: str
    severity: Severity
    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    expected: str | None = None
    actual: str | None = None
    related_lines: tuple[int, ...] = ()
    fix: str = field(init=False, default="")  # how to fix it (改法): the catalogue's, never passed in
    folded: tuple[str, ...] = ()  # slugs of findings with the same cause, reported inside this one

    def __post_init__(self) -> None:
        kind = slugs.declared(self.slug)
        promoted = kind.blocks_publishing and self.severity is Severity.ERROR
        if self.severity is not kind.severity and not promoted:
            raise ValueError(f"problem slug {self.slug!r} is declared as {kind.severity.value}, not {self.severity}")
        for slug in self.folded:
            slugs.declared(slug)
        object.__setattr__(self, "fix", kind.fix)

    def format(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.severity.value} [{self.slug}] {self.message}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["related_lines"] = list(self.related_lines)
        data["folded"] = list(self.folded)
        return data


class GeneratorError(Exception):
    """Base of the project's own exceptions; only the CLI turns them into exit codes."""


class InputError(GeneratorError):
    """A file that cannot be read into the model at all (syntax, encoding, duplicate key)."""

    def __init__(
        self,
        slug: str,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.problem = Problem(slug, Severity.ERROR, message, file, line, column)

    def at(self, file: str) -> InputError:
        self.problem = replace(self.problem, file=file)
        return self

    def __str__(self) -> str:
        return self.problem.format()


class ValidationFailed(GeneratorError):
    """Raised by commands that refuse to publish a budget with errors."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} 个错误")
        self.problems = problems


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
