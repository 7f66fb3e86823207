"""The standard tables as a workbook shows them: header blocks found, columns matched, data rows read.

``Workbook`` is what an import works on: the sheets found (each a :class:`Sheet`), the unit and
year the workbook states, its ``_canonical`` text, and the problems found so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from generator.core.errors import Problem, Severity
from generator.core.measures import CODE_PARTS
from generator.core.specs import TableSpec
from generator.derive.layout import Column
from generator.excel.scan import SheetInfo
from generator.load.loader import Document

_PREFIX = re.compile(r"^(表\s*[0-9一二三四五六七八九十]+|[0-9一二三四五六七八九十]+[、.．])\s*")
_TRANS = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "：": ":"})
Grid = list[list[Any]]


def norm(text: Any) -> str:
    """Header / title text without spaces, line breaks, numbering prefixes, full-width variants."""
    if text is None:
        return ""
    s = re.sub(r"\s+", "", str(text)).translate(_TRANS)
    return _PREFIX.sub("", s)


@dataclass
class Sheet:
    """One table of the profile as found in the workbook: its spec's columns mapped to workbook columns."""

    name: str
    spec: TableSpec
    columns: list[Column]
    where: dict[int, int]  # expected column index → workbook column index (0-based)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (Excel row number, values)
    unit: str = "万元"  # the unit of its money cells: the spec's, else the one its 单位 line states

    @property
    def identified(self) -> bool:
        """Whether its rows say what they are (a code, name or label column); rows of a table without one (a
        single row of department figures, such as a 三公 table) are matched by their order instead."""
        return any(c.kind in ("text", "code") for c in self.columns)

    @property
    def key(self) -> str:
        return self.spec.key

    def index(self, measure: str) -> int | None:
        """The (expected) column showing ``measure``, if the spec has one."""
        return next((i for i, c in enumerate(self.columns) if c.measure == measure), None)

    def get(self, cells: list[Any], measure: str) -> Any:
        i = self.index(measure)
        return cells[i] if i is not None else None

    def value(self, values: list[Any], col: int) -> Any:
        j = self.where.get(col)
        return values[j] if j is not None and j < len(values) else None

    def ref(self, row: int, col: int) -> str:
        return f"{self.name}!{get_column_letter(self.where.get(col, col) + 1)}{row}"


def sheet_grid(wb: Any, info: SheetInfo) -> Grid:
    """The sheet's used area (bounded by :mod:`generator.excel.package`), merged ranges filled with their value."""
    if not info.area:
        return []
    ws = wb[info.name]
    grid = [list(r) for r in ws.iter_rows(min_row=1, max_row=info.rows, min_col=1, max_col=info.columns,
                                          values_only=True)]
    grid += [[None] * info.columns for _ in range(info.rows - len(grid))]
    for min_col, min_row, max_col, max_row in info.merged:
        top = grid[min_row - 1][min_col - 1]
        for r in range(min_row - 1, max_row):
            grid[r][min_col - 1: max_col] = [top] * (max_col - min_col + 1)
    return grid


def _paths(grid: Grid, top: int, depth: int) -> list[tuple[str, ...]]:
    width = max((len(r) for r in grid[top: top + depth]), default=0)
    out = []
    for j in range(width):
        labels: list[str] = []
        for r in range(top, top + depth):
            label = norm(grid[r][j]) if j < len(grid[r]) else ""
            if label and (not labels or labels[-1] != label):
                labels.append(label)
        out.append(tuple(labels))
    return out


def _match(columns: list[Column], found: list[tuple[str, ...]]) -> dict[int, int] | None:
    """Map every expected column to a workbook column: exact header path, else a unique last label."""
    where: dict[int, int] = {}
    for i, column in enumerate(columns):
        want = tuple(norm(p) for p in column.path)
        exact = [j for j, path in enumerate(found) if path == want]
        loose = [j for j, path in enumerate(found) if path and path[-1] == want[-1] and j not in where.values()]
        pick = exact or (loose if len(loose) == 1 else [])
        if not pick:
            return None
        where[i] = pick[0]
    return where


def _is_header_repeat(values: list[Any], labels: set[str]) -> bool:
    texts = [norm(v) for v in values if v not in (None, "")]
    return bool(texts) and all(isinstance(v, str) for v in values if v not in (None, "")) and all(
        t in labels for t in texts)


def read_sheet(grid: Grid, title: str, spec: TableSpec, columns: list[Column]) -> Sheet | None:
    """Find the header block (1–4 rows starting with the first column's label) and the data rows below it."""
    first = norm(columns[0].path[0])
    for top, row in enumerate(grid):
        if not any(norm(v) == first for v in row[:3]):
            continue
        for depth in range(1, 5):
            where = _match(columns, _paths(grid, top, depth))
            if where is None:
                continue
            sheet = Sheet(title, spec, columns, where)
            labels = {label for path in _paths(grid, top, depth) for label in path}
            for r in range(top + depth, len(grid)):
                values = grid[r]
                if all(v in (None, "") for v in values):
                    continue
                head = next(str(v).strip() for v in values if v not in (None, ""))
                if head.startswith("注") or _is_header_repeat(values, labels):
                    continue
                sheet.rows.append((r + 1, values))
            return sheet
    return None


@dataclass
class Workbook:
    path: str
    sheets: dict[str, Sheet]
    unit: str
    department_name: str | None
    year: int | None
    canonical: str | None
    profile: str = "harbin-13"
    problems: list[Problem] = field(default_factory=list)
    canonical_doc: Document | None = None
    read: set[tuple[str, ...]] = field(default_factory=set)  # the department-level leaves a sheet showed

    def problem(self, slug: str, severity: Severity, message: str) -> None:
        self.problems.append(Problem(slug, severity, message, self.path))


def code_of(sheet: Sheet, cells: list[Any], text: Any) -> str:
    """A row's 类/款/项 code: its code column, or the split 类 | 款 | 项 columns joined ("201" | "05" | "07")."""
    if (i := sheet.index("code")) is not None:
        return str(text(cells[i]))
    parts = [str(text(sheet.get(cells, m))) for m in CODE_PARTS]
    if not parts[0]:
        return ""
    return parts[0] + (parts[1].zfill(2) + (parts[2].zfill(2) if parts[2] else "") if parts[1] else "")
