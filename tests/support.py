"""Helpers the tests share: where the seed is, textual edits of it, running the command line.

A plain module (pytest fixtures are in conftest.py): tests import what they use from here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.check.validate import Report
from generator.core.errors import Problem

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "budgets" / "2023" / "63002.yaml"
SEED_REL = "budgets/2023/63002.yaml"
FIXTURES = ROOT / "tests" / "fixtures"


def seed_warnings() -> set[tuple[str, int]]:
    """(slug, line) of the warnings the published seed is known to raise, found by content not number.

    行政运行 fell by 10.26% and its published reason (“增加”) contradicted that, so the seed records no reason;
    the function-view priors (861.46) disagree with the economic-view priors (568.64), reported at
    ``basic_by_economic:``; the 五星评价系统 goal itemises 3.2 + 1.8 = 5.0 against a 4.00 budget.
    """
    text = SEED.read_text(encoding="utf-8")
    return {("missing-reason", line_of(text, r"personnel: 140\.71")),
            ("prior-views-disagree", line_of(text, r"^basic_by_economic:")),
            ("itemised-figures-mismatch", line_of(text, r"^    goal: 五星系统"))}


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def explain(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)  # type: ignore[no-any-return]


def run_cli(*args: str | Path, cwd: Path = ROOT, timeout: float = 60) -> CliResult:
    """``python -m generator ARGS`` in a subprocess, as an editor or CI would run it."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def edit_line(text: str, line: int, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` on one (1-based) line, failing loudly if ``old`` is not there once."""
    lines = text.split("\n")
    assert lines[line - 1].count(old) == 1, f"line {line} does not contain {old!r} once: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines)


def line_of(text: str, pattern: str) -> int:
    """1-based number of the only line matching the regex ``pattern``."""
    hits = [i for i, line in enumerate(text.split("\n"), 1) if re.search(pattern, line)]
    assert len(hits) == 1, f"{pattern!r} matches lines {hits}"
    return hits[0]


def locations(report: Report) -> set[tuple[str, str, int | None]]:
    return {(p.slug, p.file, p.line) for p in report.problems}


def describe(problems: list[Problem]) -> str:
    return "\n".join(p.format() for p in problems) or "(no problems)"
