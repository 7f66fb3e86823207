"""Markdown for the site: every page of every department-year, rendered by Jinja.

Two phases (as pelican does): every budget is loaded, validated and rendered in memory
first, so a failure writes nothing. Then ``render_tree`` (``generator render --out``) writes
the whole new tree next to the output and swaps it in at once (see ``generator.outputs``):
files whose bytes did not change are hard links to the previous ones, so they keep their
modification time. ``sync`` instead updates a tree in place, file by file (the preview's
private sources, where nobody else reads a half-updated tree).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from generator import downloads, outputs, profiles, registry, rules
from generator.errors import GeneratorError, Severity, ValidationFailed
from generator.mdtext import cell, md_escape, yaml_str
from generator.model import Budget
from generator.pagedata import page_context
from generator.tables import cn_index
from generator.validate import Loaded, validate_paths

TEMPLATES = Path(str(resources.files("generator") / "templates"))
GUIDE_DIR = "guide"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # markdown, not HTML: every YAML string goes through the `cell` filter
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["cell"] = cell
    env.filters["md"] = md_escape
    env.globals["cn"] = cn_index
    env.filters["yaml_str"] = yaml_str
    return env


_ENV = environment()


def dept_dir(b: Budget) -> str:
    return f"{b.year}/{b.department.code}"


def render_department(item: Loaded, source_url: str | None = None, extra: dict[str, Any] | None = None) -> dict[str, bytes]:
    """All files of one department-year, relative to the output root."""
    b = item.budget
    reg = registry.for_year(b.year)
    profile = profiles.load(b.profile)
    base = dept_dir(b)
    ctx = page_context(b, reg, profile)
    files = downloads.department_files(b, reg, profile, ctx["tables"], item.document.text)
    ctx.update(
        source_url=source_url,
        errata_link="errata.md" if b.errata else None,
        downloads={k: Markup(v) for k, v in downloads.links(profile, ctx["tables"]).items()},
        table_templates=set(_ENV.list_templates()),
        charts=(extra or {}).get("charts", ""),
    )
    out = {f"{base}/{name}": data for name, data in files.items()}
    out[f"{base}/index.md"] = _tidy(_ENV.get_template("department.md.j2").render(ctx)).encode()
    if b.errata:
        from generator.errata import errata_page

        out[f"{base}/errata.md"] = errata_page(b, reg, profile, _ENV).encode()
    return out


def _tidy(markdown: str) -> str:
    """Collapse the blank lines that template blocks leave behind."""
    return re.sub(r"\n{3,}", "\n\n", markdown)


@dataclass
class RenderResult:
    written: int
    unchanged: int
    removed: int


def load_all(budgets_dir: Path, cache: dict[Any, Any] | None = None, publishing: bool = True) -> list[Loaded]:
    report = validate_paths([budgets_dir], root=budgets_dir.parent, cache=cache)
    # Publishing, unfilled drafts and zero budgets are errors too; a preview (serve) still shows them.
    problems = rules.for_publishing(report.problems) if publishing else report.problems
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise ValidationFailed(errors)
    return sorted(report.budgets, key=lambda x: (x.budget.year, x.budget.department.code))


# Departments are independent, so a cold render of many of them is spread over processes.
PARALLEL_FROM = 16
_JOBS: list[tuple[Loaded, str | None, str]] = []


def _render_job(index: int) -> dict[str, bytes]:
    item, source_url, charts = _JOBS[index]
    return render_department(item, source_url, {"charts": charts})


class Renderer:
    """Renders a budgets directory; keeps per-file and per-department results between calls.

    A long-running preview keeps one Renderer, so after a save only the changed file is
    validated again and only departments whose inputs changed are rendered again.
    """

    def __init__(self, budgets_dir: Path, source_base: str | None = None, workers: int | None = None,
                 publishing: bool = True) -> None:
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
        from generator import indexes

        loaded = load_all(self.budgets_dir, self.validation, self.publishing)
        history: dict[str, list[str]] = {}
        for item in loaded:
            history.setdefault(item.budget.department.code, []).append(item.digest)
        jobs: list[tuple[str, tuple[Loaded, str | None, str]]] = []
        keys = []
        for item in loaded:
            source_url = self._source_url(item)
            # The trend chart shows the department's other years, so their files are part of the key.
            key = "|".join([item.digest, source_url or "", *history[item.budget.department.code]])
            keys.append(key)
            if key not in self.departments:
                jobs.append((key, (item, source_url, indexes.department_charts(item, loaded))))
        self._run(jobs)
        self.departments = {k: self.departments[k] for k in keys}
        files: dict[str, bytes] = {}
        for key in keys:
            files.update(self.departments[key])
        files.update(indexes.index_pages(loaded, _ENV))
        files.update(guide_pages())
        return files

    def _run(self, jobs: list[tuple[str, tuple[Loaded, str | None, str]]]) -> None:
        global _JOBS
        if len(jobs) >= PARALLEL_FROM and self.workers > 1:
            import multiprocessing

            _JOBS = [job for _, job in jobs]  # inherited by the forked workers, not pickled
            try:
                with multiprocessing.get_context("fork").Pool(self.workers) as pool:
                    results = pool.map(_render_job, range(len(jobs)), chunksize=8)
            finally:
                _JOBS = []
        else:
            results = [render_department(item, url, {"charts": charts}) for _, (item, url, charts) in jobs]
        for (key, _), rendered in zip(jobs, results, strict=True):
            self.departments[key] = rendered


def render_all(budgets_dir: Path, source_base: str | None = None, publishing: bool = True) -> dict[str, bytes]:
    return Renderer(budgets_dir, source_base, publishing=publishing).render()


def guide_pages() -> dict[str, bytes]:
    """The hand-written editors' guide (docs/) is published under guide/."""
    docs = Path("docs")
    if not docs.is_dir():
        return {}
    return {f"{GUIDE_DIR}/{p.relative_to(docs).as_posix()}": p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def sync(files: dict[str, bytes], out: Path, known: dict[str, bytes] | None = None) -> RenderResult:
    """Make ``out`` hold exactly ``files`` (and the build marker), rewriting only what changed.

    ``known`` (kept by a long-running preview) remembers what was last written, so unchanged
    files are recognised without reading them back. A non-empty ``out`` without the marker is
    refused: this deletes every file it did not produce.
    """
    if out.is_dir() and any(out.iterdir()) and not outputs.has_marker(out):
        raise GeneratorError(f"拒绝更新 {out}：这个目录不是本工具生成的（没有 {outputs.MARKER} 标记）")
    out.mkdir(parents=True, exist_ok=True)
    if not outputs.has_marker(out):
        outputs.mark(out)
    written = unchanged = removed = 0
    for rel, data in sorted(files.items()):
        target = out / rel
        if known is not None and known.get(rel) is data:
            unchanged += 1
            continue
        if target.is_file() and target.read_bytes() == data:
            unchanged += 1
            if known is not None:
                known[rel] = data
            continue
        if known is not None:
            known[rel] = data
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        written += 1
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if rel == outputs.MARKER:
            continue
        if (path.is_file() or path.is_symlink()) and rel not in files:
            path.unlink()
            removed += 1
        elif path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
    return RenderResult(written, unchanged, removed)


def replace_tree(files: dict[str, bytes], out: Path, kind: str = "render") -> RenderResult:
    """Write ``files`` as a new tree next to ``out`` and swap it in (``out`` must have passed outputs.prepare).

    A file whose bytes are unchanged is hard-linked from the old tree (copied with its times
    where links are impossible), so it keeps its modification time.
    """
    written = unchanged = 0
    with outputs.workdir(out, kind) as work:
        new = work / "tree"
        new.mkdir()
        for rel, data in sorted(files.items()):
            target, old = new / rel, out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if old.is_file() and not old.is_symlink() and old.stat().st_size == len(data) and old.read_bytes() == data:
                try:
                    os.link(old, target)
                except OSError:
                    shutil.copy2(old, target)
                unchanged += 1
            else:
                target.write_bytes(data)
                written += 1
        try:  # the marker too keeps its time when it is unchanged
            if (out / outputs.MARKER).read_text(encoding="utf-8") != outputs.MARKER_TEXT:
                raise OSError
            os.link(out / outputs.MARKER, new / outputs.MARKER)
        except (OSError, UnicodeDecodeError):
            outputs.mark(new)
        removed = 0
        if out.is_dir():
            removed = sum(1 for p in out.rglob("*") if (p.is_file() or p.is_symlink())
                          and p.relative_to(out).as_posix() not in files and p.name != outputs.MARKER)
        outputs.swap_in(new, out, work / "old")
    return RenderResult(written, unchanged, removed)


def render_tree(budgets_dir: Path, out: Path, source_base: str | None = None) -> RenderResult:
    """``generator render --out``: refuse an output that is not ours, render everything, swap the tree in."""
    target = outputs.prepare(out, budgets_dir)
    return replace_tree(render_all(budgets_dir, source_base), target)
