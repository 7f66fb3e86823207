"""Markdown for the site: every page of every department-year, rendered by Jinja.

Two phases (as pelican does): every budget is loaded, validated and rendered in memory
first, so a failure writes nothing; :mod:`generator.publish.sync` then writes the result.
The first phase runs one department at a time (all its years: the cross-file checks and the trend chart
compare a department's own years only), in worker processes for a district, so a budget is loaded, checked
and rendered in the same process and only its pages and index figures travel back.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import pickle
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import quote

from markupsafe import Markup

from generator.check import rules
from generator.check.crossfile import cross_file
from generator.check.files import check_file
from generator.check.validate import Source, finish, read_candidates
from generator.core import profiles, registry
from generator.core.errors import Problem, Severity, ValidationFailed
from generator.core.model import Budget
from generator.core.profiles import Profile
from generator.core.totals import Totals
from generator.derive import district
from generator.derive.context import PageContext, page_context
from generator.derive.summary import summary
from generator.load.budget import Loaded
from generator.publish import cache, downloads, indexes
from generator.publish.environment import ENV
from generator.publish.errata import errata_page
from generator.publish.pdf import Job, page_link

GUIDE_DIR = "guide"


def dept_dir(b: Budget) -> str:
    return f"{b.year}/{b.department.code}"


def render_department(item: Loaded, source_url: str | None = None, extra: dict[str, Any] | None = None,
                      profile: Profile | None = None, workbook: bool = True) -> dict[str, bytes]:
    return _department(item, source_url, extra, profile, workbook)[0]


def _department(item: Loaded, source_url: str | None = None, extra: dict[str, Any] | None = None,
                profile: Profile | None = None, workbook: bool = True) -> tuple[dict[str, bytes], PageContext]:
    """All files of one department-year, relative to the output root: derived once, then laid out.

    ``extra``: ``charts`` (the SVG charts, which need the other departments), ``pdf`` (False: no link to the
    printed PDF, for builds that make none). ``profile`` defaults to the one the budget names; ``workbook``
    False leaves out ``budget.xlsx`` (the slowest download, half the time of a department: ``generator render``
    leaves it to ``site``).
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
        summary=summary(b, ctx.profile, ctx.facts),
        pdf=page_link(b) if (extra or {}).get("pdf", True) else None,
    )
    out = {f"{base}/{name}": data for name, data in files.items()}
    out[f"{base}/index.md"] = _tidy(page).encode()
    if b.errata:
        out[f"{base}/errata.md"] = errata_page(ctx, ENV).encode()
    return out, ctx


def _tidy(markdown: str) -> str:
    """Collapse the blank lines that template blocks leave behind."""
    return re.sub(r"\n{3,}", "\n\n", markdown)


# Departments are independent, so a cold render of many of them is spread over processes.
PARALLEL_FROM = 16


@dataclass
class Outcome:
    """What rendering a group of files gave: every problem, the codes the files declare, and for each published
    department-year its index entry and its files (none at all when the group has an error)."""

    problems: list[Problem]
    codes: set[str]
    entries: list[indexes.Entry]
    files: dict[str, bytes]


@dataclass(frozen=True)
class Group:
    """Budget files rendered together: one department's years (files are grouped by name, budgets/<year>/<code>.yaml,
    and groups whose files turn out to declare the same department are merged before anything is kept)."""

    sources: tuple[Source, ...]
    urls: tuple[str | None, ...]  # each file's source link

    @cached_property
    def key(self) -> tuple[Any, ...]:
        """The group's content: a preview re-renders a group only when this changes."""
        return tuple((shown, hashlib.sha256(raw).hexdigest(), url)
                     for (_, shown, raw), url in zip(self.sources, self.urls, strict=True))


def render_group(group: Group, publishing: bool = True, workbook: bool = True, pdf: bool = True) -> Outcome:
    """Load, check and render one group: the whole pipeline for a department, in one process.

    The checks are exactly ``validate``'s (single-file rules, then the cross-file ones, which only ever compare
    files of the same department); pages are made only when nothing in the group is an error."""
    results = [check_file(path, shown, raw) for path, shown, raw in group.sources]
    loaded = [item for _, item in results if item is not None]
    problems = [p for found, _ in results for p in found] + cross_file(loaded)
    codes = {item.budget.department.code for item in loaded}
    if publishing:
        problems = rules.for_publishing(problems)  # unfilled drafts and zero budgets block publishing
    if any(p.severity is Severity.ERROR for p in problems):
        return Outcome(problems, codes, [], {})
    # A locality whose layout is not configured yet (profile ``publish: false``) is validated, not published.
    url = {id(item): u for (_, item), u in zip(results, group.urls, strict=True) if item is not None}
    published = sorted((x for x in loaded if profiles.load(x.budget.profile).publish),
                       key=lambda x: (x.budget.year, x.budget.department.code))
    files: dict[str, bytes] = {}
    entries = []
    trends: dict[str, list[dict[str, Any]]] = {}  # once per department
    for item in published:
        code = item.budget.department.code
        if code not in trends:
            trends[code] = indexes.department_trend([x for x in published if x.budget.department.code == code])
        charts = indexes.department_charts(item, [], trends[code])
        made, ctx = _department(item, url[id(item)], {"charts": charts, "pdf": pdf}, workbook=workbook)
        files.update(made)
        entries.append(indexes.entry(item, ctx.facts))
    return Outcome(problems, codes, entries, files)


# What a cached Outcome is made of (generator.publish.cache reads nothing else).
OUTCOME_CLASSES = frozenset((c.__module__, c.__qualname__) for c in (
    Outcome, Problem, Severity, indexes.Entry, Totals, district.Headline, district.Amount, Decimal))
_OWN_FILE = re.compile(r"[0-9]{4}/[^/\\]+(?:/[^/\\]+)+")  # <year>/<code>/…: a department's own directory


def _checked(found: object) -> TypeGuard[Outcome]:
    """A cached outcome of the right shape whose files all stay inside a department's own directory."""
    return (isinstance(found, Outcome) and isinstance(found.files, dict)
            and all(isinstance(rel, str) and isinstance(data, bytes) and _OWN_FILE.fullmatch(rel)
                    and ".." not in rel.split("/") for rel, data in found.files.items()))


_GROUPS: list[tuple[Group, str | None]] = []  # each with its cache key: inherited by the forked workers
_FLAGS = [True, True, True]  # publishing, workbook, pdf: inherited by the forked workers with the groups
_STORE: list[cache.Store | None] = [None]


def _group_job(index: int) -> bytes:
    """A group's outcome, pickled once: stored in the cache (by the worker) and sent back as it is."""
    group, key = _GROUPS[index]
    data = cache.dumps(render_group(group, *_FLAGS))
    if key is not None and _STORE[0] is not None:
        _STORE[0].put(key, data)
    return data


def _warm() -> None:
    """Read the code references and the profiles before forking, once for every worker (each would read them)."""
    registry.preload()
    profiles.preload()


class Renderer:
    """Renders a budgets directory; keeps each group's outcome between calls.

    A long-running preview keeps one Renderer, so after a save only the changed department is
    checked and rendered again (so a changed file always gets new downloads). ``workbooks`` False leaves out
    every ``budget.xlsx``: ``generator render`` writes the pages, CSV and JSON; the site build writes the
    workbooks too. ``cache``: a directory (:mod:`generator.publish.cache`) where each group's outcome is kept
    between runs, found again by content; after a successful render it holds only what this one used.
    """

    def __init__(self, budgets_dir: Path, source_base: str | None = None, workers: int | None = None,
                 publishing: bool = True, workbooks: bool = True, pdf: bool = True,
                 cache_dir: Path | None = None) -> None:
        self.workbooks = workbooks
        self.budgets_dir = budgets_dir
        self.publishing = publishing  # False for the preview: drafts may be looked at, not published
        self.pdf = pdf  # False where no PDF is printed (the preview, site --no-pdf): pages do not link one
        self.source_base = source_base
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.outcomes: dict[tuple[Any, ...], Outcome] = {}
        self.problems: list[Problem] = []  # after render(): every problem found, as ``validate`` reports them
        self.printed: list[Job] = []  # after render(): the department pages to print, and where their PDFs go
        self.store = cache.Store(cache_dir, OUTCOME_CLASSES) if cache_dir is not None else None
        self.reused = 0  # after render(): groups whose outcome came from the cache
        self._environment: bytes | None = None

    def _source_url(self, path: Path) -> str | None:
        if not self.source_base:
            return None
        rel = path.resolve().relative_to(self.budgets_dir.resolve().parent).as_posix()
        return f"{self.source_base.rstrip('/')}/{quote(rel)}"  # a space, #, ? or quote in a name stays in the path

    def render(self) -> dict[str, bytes]:
        """Every file of the site's content; raises ValidationFailed (and makes nothing) if any file has an error."""
        self.reused = 0
        refusals, sources = read_candidates([self.budgets_dir], self.budgets_dir.parent)
        by_name: dict[str, list[Source]] = {}
        for source in sources:
            by_name.setdefault(source[0].stem, []).append(source)
        groups = [self._group(members) for members in by_name.values()]
        outcomes = self._outcomes(groups)
        # A file named after another department (a warning) puts that department's years in two groups: merge
        # every group that shares a department and do those again, so that each department is seen whole.
        merged = _merge([(g, outcomes[g.key].codes) for g in groups], sources)
        if len(merged) < len(groups):
            groups = [self._group(list(members)) for members in merged]
            outcomes = self._outcomes(groups)
        self.outcomes = {g.key: outcomes[g.key] for g in groups}
        done = [outcomes[g.key] for g in groups]
        self.problems = problems = finish([*refusals, *(p for o in done for p in o.problems)])
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors:
            raise ValidationFailed(errors)
        if self.store is not None:
            self.store.prune()
        files: dict[str, bytes] = {}
        for outcome in done:
            files.update(outcome.files)
        entries = sorted((e for o in done for e in o.entries), key=lambda e: (e.year, e.code))
        self.printed = [Job(f"{e.year}/{e.code}/", e.pdf) for e in entries] if self.pdf else []
        files.update(indexes.index_pages(entries, ENV, pdf=self.pdf))
        files.update(guide_pages())
        return files

    def _group(self, members: list[Source]) -> Group:
        return Group(tuple(members), tuple(self._source_url(path) for path, _, _ in members))

    def _outcomes(self, groups: list[Group]) -> dict[tuple[Any, ...], Outcome]:
        """Each group's outcome: kept from the last call when its files are unchanged, otherwise made again."""
        known = {g.key: self.outcomes[g.key] for g in groups if g.key in self.outcomes}
        todo = [g for g in groups if g.key not in known]
        keys = self._cache_keys(todo)
        if self.store is not None:
            for g in todo:
                found = self.store.get(keys[g.key] or "")
                if _checked(found):
                    known[g.key] = found
                    self.reused += 1
            todo = [g for g in todo if g.key not in known]
        global _GROUPS
        _warm()
        _FLAGS[:], _STORE[0] = [self.publishing, self.workbooks, self.pdf], self.store  # inherited by the workers
        _GROUPS = [(g, keys[g.key]) for g in todo]
        try:
            if sum(len(g.sources) for g in todo) >= PARALLEL_FROM and self.workers > 1:
                with multiprocessing.get_context("fork").Pool(self.workers, initializer=gc.freeze) as pool:
                    results = pool.map(_group_job, range(len(todo)), chunksize=2)
            else:
                results = [_group_job(i) for i in range(len(todo))]
        finally:
            _GROUPS, _STORE[0] = [], None
        known.update((g.key, pickle.loads(data)) for g, data in zip(todo, results, strict=True))
        return known

    def _cache_keys(self, groups: list[Group]) -> dict[tuple[Any, ...], str | None]:
        if self.store is None:
            return {g.key: None for g in groups}
        if self._environment is None:
            self._environment = cache.environment(self.budgets_dir)
        flags = (self.publishing, self.workbooks, self.pdf)
        return {g.key: cache.key(self._environment, [str(path) for path, _, _ in g.sources], g.key, flags)
                for g in groups}


def _merge(groups: list[tuple[Group, set[str]]], order: list[Source]) -> list[list[Source]]:
    """Groups that share a department code, joined (transitively); each group's files in the order found."""
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, (_, codes) in enumerate(groups):
        for code in codes:
            if code in owner:
                parent[root(i)] = root(owner[code])
            else:
                owner[code] = i
    joined: dict[int, set[int]] = {}
    for i, (group, _) in enumerate(groups):
        joined.setdefault(root(i), set()).update(id(s) for s in group.sources)
    return [[s for s in order if id(s) in members] for members in joined.values()]


def render_all(budgets_dir: Path, source_base: str | None = None, publishing: bool = True,
               workbooks: bool = True, cache_dir: Path | None = None) -> dict[str, bytes]:
    return Renderer(budgets_dir, source_base, publishing=publishing, workbooks=workbooks,
                    cache_dir=cache_dir).render()


def guide_pages() -> dict[str, bytes]:
    """The hand-written editors' guide (docs/) is published under guide/."""
    docs = Path("docs")
    if not docs.is_dir():
        return {}
    return {f"{GUIDE_DIR}/{p.relative_to(docs).as_posix()}": p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}
