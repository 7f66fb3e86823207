"""Markdown for the site: every page of every department-year, rendered by Jinja.

Two phases (as pelican does): every budget is loaded, validated and rendered in memory
first, so a failure writes nothing; :mod:`generator.publish.sync` then writes the result.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from generator.check import rules
from generator.check.validate import validate_paths
from generator.core import profiles, registry
from generator.core.errors import Severity, ValidationFailed
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.derive.context import page_context
from generator.load.budget import Loaded
from generator.publish import downloads, indexes
from generator.publish.environment import ENV
from generator.publish.errata import errata_page

GUIDE_DIR = "guide"


def dept_dir(b: Budget) -> str:
    return f"{b.year}/{b.department.code}"


def render_department(item: Loaded, source_url: str | None = None, extra: dict[str, Any] | None = None,
                      profile: Profile | None = None, workbook: bool = True) -> dict[str, bytes]:
    """All files of one department-year, relative to the output root: derived once, then laid out.

    ``profile`` defaults to the one the budget names; ``workbook`` False leaves out ``budget.xlsx``
    (the slowest download, half the time of a department: ``generator render`` leaves it to ``site``).
    """
    b = item.budget
    reg = item.registry or registry.for_year(b.year)  # the repository's own codes (budgets/_codes) included
    ctx = page_context(b, reg, profile or profiles.load(b.profile).for_year(b.year))
    base = dept_dir(b)
    files = downloads.department_files(ctx, item.document.text, workbook)
    page = ENV.get_template("department.md.j2").render(
        **ctx.vars(),
        source_url=source_url,
        errata_link="errata.md" if b.errata else None,
        downloads={k: Markup(v) for k, v in downloads.links(ctx.profile, ctx.tables).items()},
        charts=(extra or {}).get("charts", ""),
    )
    out = {f"{base}/{name}": data for name, data in files.items()}
    out[f"{base}/index.md"] = _tidy(page).encode()
    if b.errata:
        out[f"{base}/errata.md"] = errata_page(ctx, ENV).encode()
    return out


def _tidy(markdown: str) -> str:
    """Collapse the blank lines that template blocks leave behind."""
    return re.sub(r"\n{3,}", "\n\n", markdown)


def load_all(budgets_dir: Path, cache: dict[Any, Any] | None = None, publishing: bool = True) -> list[Loaded]:
    report = validate_paths([budgets_dir], root=budgets_dir.parent, cache=cache)
    # Publishing, unfilled drafts and zero budgets are errors too; a preview (serve) still shows them.
    problems = rules.for_publishing(report.problems) if publishing else report.problems
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ValidationFailed(errors)
    # A locality whose layout is not configured yet (profile ``publish: false``) is validated, not published.
    published = [x for x in report.budgets if profiles.load(x.budget.profile).publish]
    return sorted(published, key=lambda x: (x.budget.year, x.budget.department.code))


# Departments are independent, so a cold render of many of them is spread over processes.
PARALLEL_FROM = 16
# A job: the file, its source link and the department's trend over the years (its charts are drawn in the job,
# so in the worker processes when there are many).
Job = tuple[Loaded, str | None, list[dict[str, Any]]]
_JOBS: list[Job] = []
_WORKBOOKS = [True]


def _render(job: Job, workbook: bool) -> dict[str, bytes]:
    item, source_url, trend_rows = job
    charts = indexes.department_charts(item, [], trend_rows)
    return render_department(item, source_url, {"charts": charts}, workbook=workbook)


def _render_job(index: int) -> dict[str, bytes]:
    return _render(_JOBS[index], _WORKBOOKS[0])


class Renderer:
    """Renders a budgets directory; keeps per-file and per-department results between calls.

    A long-running preview keeps one Renderer, so after a save only the changed file is
    validated again and only departments whose inputs changed are rendered again (so a changed
    file always gets new downloads). ``workbooks`` False leaves out every ``budget.xlsx``:
    ``generator render`` writes the pages, CSV and JSON; the site build writes the workbooks too.
    """

    def __init__(self, budgets_dir: Path, source_base: str | None = None, workers: int | None = None,
                 publishing: bool = True, workbooks: bool = True) -> None:
        self.workbooks = workbooks
        self.budgets_dir = budgets_dir
        self.publishing = publishing  # False for the preview: drafts may be looked at, not published
        self.source_base = source_base
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.validation: dict[Any, Any] = {}
        self.departments: dict[str, dict[str, bytes]] = {}

    def _source_url(self, item: Loaded) -> str | None:
        if not self.source_base:
            return None
        rel = item.path.resolve().relative_to(self.budgets_dir.resolve().parent).as_posix()
        return f"{self.source_base.rstrip('/')}/{quote(rel)}"  # a space, #, ? or quote in a name stays in the path

    def render(self) -> dict[str, bytes]:
        loaded = load_all(self.budgets_dir, self.validation, self.publishing)
        history: dict[str, list[str]] = {}
        departments: dict[str, list[Loaded]] = {}
        for item in loaded:
            history.setdefault(item.budget.department.code, []).append(item.digest)
            departments.setdefault(item.budget.department.code, []).append(item)
        trends: dict[str, list[dict[str, Any]]] = {}  # once per department, only for departments rendered again
        jobs: list[tuple[str, Job]] = []
        keys = []
        for item in loaded:
            source_url = self._source_url(item)
            # The trend chart shows the department's other years, so their files are part of the key.
            key = "|".join([item.digest, source_url or "", *history[item.budget.department.code]])
            keys.append(key)
            if key not in self.departments:
                code = item.budget.department.code
                if code not in trends:
                    trends[code] = indexes.department_trend(departments[code])
                jobs.append((key, (item, source_url, trends[code])))
        self._run(jobs)
        self.departments = {k: self.departments[k] for k in keys}
        files: dict[str, bytes] = {}
        for key in keys:
            files.update(self.departments[key])
        files.update(indexes.index_pages(loaded, ENV))
        files.update(guide_pages())
        return files

    def _run(self, jobs: list[tuple[str, Job]]) -> None:
        global _JOBS
        if len(jobs) >= PARALLEL_FROM and self.workers > 1:
            _JOBS = [job for _, job in jobs]  # inherited by the forked workers, not pickled
            _WORKBOOKS[0] = self.workbooks
            try:
                # Each worker freezes what it inherits (every loaded budget): its collector then neither rescans
                # those objects nor writes to them, which would copy the parent's memory page by page.
                with multiprocessing.get_context("fork").Pool(self.workers, initializer=gc.freeze) as pool:
                    results = pool.map(_render_job, range(len(jobs)), chunksize=8)
            finally:
                _JOBS = []
        else:
            results = [_render(job, self.workbooks) for _, job in jobs]
        for (key, _), rendered in zip(jobs, results, strict=True):
            self.departments[key] = rendered


def render_all(budgets_dir: Path, source_base: str | None = None, publishing: bool = True,
               workbooks: bool = True) -> dict[str, bytes]:
    return Renderer(budgets_dir, source_base, publishing=publishing, workbooks=workbooks).render()


def guide_pages() -> dict[str, bytes]:
    """The hand-written editors' guide (docs/) is published under guide/."""
    docs = Path("docs")
    if not docs.is_dir():
        return {}
    return {f"{GUIDE_DIR}/{p.relative_to(docs).as_posix()}": p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}
