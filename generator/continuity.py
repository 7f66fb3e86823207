"""Multi-year checks between a department's consecutive budget files (filled in by the continuity work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.errors import Problem

if TYPE_CHECKING:
    from generator.validate import Loaded


def check_continuity(budgets: list[Loaded]) -> list[Problem]:
    return []
