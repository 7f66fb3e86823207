"""Rules that need more than one file: one file per department-year, its place in the tree, and continuity."""

from __future__ import annotations

from generator.check.continuity import check_continuity
from generator.check.files import SUFFIX
from generator.core.errors import Problem, Severity, printable
from generator.load.budget import Loaded


def _year_directory(name: str) -> int | None:
    """The year a directory name states (ASCII digits only: ²⁰²³ and ２０２３ are not years)."""
    return int(name) if name.isascii() and name.isdecimal() else None


def cross_file(budgets: list[Loaded]) -> list[Problem]:
    """Rules that need more than one file (one file per department-year), and the file's place in the tree."""
    problems: list[Problem] = []
    seen: dict[tuple[str, int], Loaded] = {}
    for item in budgets:
        key = (item.budget.department.code, item.budget.year)
        if key in seen:
            mark = item.document.mark(("department", "code"))
            problems.append(Problem(
                "duplicate-department-year", Severity.ERROR,
                f"部门 {key[0]} 的 {key[1]} 年预算已在 {seen[key].document.path} 中",
                item.document.path, mark.line, mark.column))
        seen.setdefault(key, item)
        year = _year_directory(item.path.parent.name)
        if year is None:
            continue  # not laid out as budgets/<year>/<code>.yaml: nothing to compare
        if year != item.budget.year:
            mark = item.document.mark(("year",))
            problems.append(Problem(
                "file-path-mismatch", Severity.WARNING,
                f"文件在 {year} 目录下，year 却是 {item.budget.year}", item.document.path, mark.line, mark.column))
        if item.path.suffix == SUFFIX and item.path.stem != key[0]:
            mark = item.document.mark(("department", "code"))
            problems.append(Problem(
                "file-path-mismatch", Severity.WARNING,
                f"文件名是 {printable(item.path.name)}，department.code 却是 {key[0]}"
                f"（应为 {item.budget.year}/{key[0]}.yaml）", item.document.path, mark.line, mark.column))

    problems += check_continuity(budgets)
    return problems
