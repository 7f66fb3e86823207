"""What a problem slug declares: its severity, the guide group it belongs to, and the guide's three texts.

Modelled on frictionless-py's error catalogue, where each error type carries ``type``, ``title`` and
``description``: here a :class:`Slug` carries the slug, a severity, a title, an explanation and a how-to-fix
line (改法), all Chinese except the slug. There is no message template: a message is written where the
problem is found, because it quotes the figures and names of that one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Group:
    """A section of the editors' guide (docs/rules.md): its heading and the sentence that opens it."""

    key: str
    title: str
    intro: str = ""


@dataclass(frozen=True)
class Slug:
    """One kind of problem the tool reports, declared once."""

    group: Group
    slug: str
    """Stable English identifier; tests, CI annotations and the JSON key on it."""
    severity: Severity
    """The severity it is reported with (a ``blocks_publishing`` warning becomes an error for ``site``/``render``)."""
    title: str
    """A short Chinese title, the heading line of its entry in the guide."""
    explanation: str
    """What the check requires and why, in Chinese."""
    fix: str
    """How to fix it (改法), in Chinese: printed by the guide, carried by every problem (``Problem.fix``)."""
    blocks_publishing: bool = False
    """A warning in ``validate`` that ``site`` and ``render`` treat as an error (an unfinished draft)."""
    reserved: str = ""
    """Why an entry that no code emits is kept (empty: some code emits it; a test holds both to it)."""

    def __post_init__(self) -> None:
        if not (self.title and self.explanation and self.fix):
            raise ValueError(f"slug {self.slug}: title, explanation and fix (改法) are all required")
