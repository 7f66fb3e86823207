"""MkDocs builds the department pages in parallel: their markdown converted, their HTML written, in forked workers.

A site of 1,000 department-years is 1,000 large pages that do not depend on each other; MkDocs reads,
converts and writes pages one after another on one core. :func:`build` runs MkDocs' own build with a
plugin that, for the pages under a year (``<year>/<code>/…``):

1. on ``on_nav``: creates their ``Page`` objects and runs MkDocs' own steps for each (``read_source``,
   ``render`` with the project's markdown extensions) in worker processes; the results (HTML, table of
   contents, title, anchors and the links to anchors, warnings) come back to the main process, and MkDocs'
   own pass skips the work already done;
2. on ``on_env`` (every page read, the navigation complete): renders their theme template and writes each
   HTML file (MkDocs' ``_build_page``) in worker processes, and MkDocs' own pass skips them.

Everything else — the navigation, the other pages, static files, anchor validation, strict mode — is MkDocs'
own code in the main process; a warning logged in a worker is logged again in the main process, so strict
mode still fails the build. Workers are forked (they inherit the configuration and the pages, nothing is
pickled but the results). With one worker, or few pages, nothing changes.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # MkDocs takes a while to import: only a site build needs it (imported in build())
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

DEPARTMENT_PAGE = re.compile(r"^[0-9]{4}/[^/]+/")  # a department-year's pages (and its errata)
PARALLEL_FROM = 32  # pages: fewer are built in the main process

_STATE: dict[str, Any] = {}  # what the forked workers inherit


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


@contextlib.contextmanager
def _captured() -> Iterator[_Warnings]:
    handler = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _replay(records: list[tuple[str, int, str]]) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)


def _page(files: Files, uri: str) -> Page:
    file = files.get_file_from_path(uri)
    assert file is not None and file.page is not None
    return file.page


def _chunks(items: list[Any], workers: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // (workers * 4)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _populate(uris: list[str]) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, int, str]]]:
    config, files = _STATE["config"], _STATE["files"]
    out = []
    with _captured() as warnings:
        for uri in uris:
            page = _page(files, uri)
            _STATE["populate"](page, config, files)
            links = {to.src_uri: dict(anchors) for to, anchors in (page.links_to_anchors or {}).items()}
            out.append((uri, {"markdown": page.markdown, "meta": page.meta, "content": page.content, "toc": page.toc,
                              "_title_from_render": page._title_from_render,
                              "present_anchor_ids": page.present_anchor_ids, "links": links}))
    return out, warnings.records


def _write(uris: list[str]) -> list[tuple[str, int, str]]:
    config, files, nav, env, doc_files = (_STATE[k] for k in ("config", "files", "nav", "env", "doc_files"))
    with _captured() as warnings:
        for uri in uris:
            _STATE["build_page"](_page(files, uri), config, doc_files, nav, env)
    return warnings.records


def _skipping(build_page: Callable[..., None]) -> Callable[..., None]:
    """MkDocs' ``_build_page``, except for the pages the workers wrote."""
    def build_or_skip(page: Page, *args: Any, **kwargs: Any) -> None:
        if page.file.src_uri not in _STATE.get("written", ()):
            build_page(page, *args, **kwargs)
    return build_or_skip


class ParallelPages:
    """The plugin (MkDocs calls its ``on_*`` events; it needs no configuration of its own)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.uris: list[str] = []

    def _map(self, fn: Any, uris: list[str]) -> list[Any]:
        with multiprocessing.get_context("fork").Pool(self.workers) as pool:
            return pool.map(fn, _chunks(uris, self.workers), chunksize=1)

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        _STATE["nav"] = nav  # the last plugin: the navigation every page shows
        pages = [f for f in files.documentation_pages() if DEPARTMENT_PAGE.match(f.src_uri)]
        if self.workers < 2 or len(pages) < PARALLEL_FROM:
            return nav
        from mkdocs.structure.pages import Page

        for f in pages:
            if f.page is None:
                Page(None, f, config)
        self.uris = [f.src_uri for f in pages]
        _STATE.update(config=config, files=files)
        for results, warnings in self._map(_populate, self.uris):
            _replay(warnings)
            for uri, state in results:
                page = _page(files, uri)
                links = state.pop("links")
                for name, value in state.items():
                    setattr(page, name, value)
                page.links_to_anchors = {target: anchors for to, anchors in links.items()
                                         if (target := files.get_file_from_path(to)) is not None}
                # MkDocs' own pass over the pages comes next: this page is read and converted already.
                page.read_source = lambda config: None  # type: ignore[method-assign]
                page.render = lambda config, files: None  # type: ignore[method-assign]
        return nav

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if not self.uris:
            return env
        _STATE.update(env=env, doc_files=files.documentation_pages())
        for warnings in self._map(_write, self.uris):
            _replay(warnings)
        _STATE["written"] = set(self.uris)
        return env


def build(config: MkDocsConfig, workers: int | None = None) -> int:
    """``mkdocs build`` of ``config``, department pages in ``workers`` processes (default: one per core);
    returns how many pages the workers built."""
    from mkdocs.commands import build as mkdocs_build

    plugin = ParallelPages(workers if workers is not None else (os.cpu_count() or 1))
    config.plugins["generator-parallel"] = cast("BasePlugin[Any]", plugin)
    original = mkdocs_build._build_page
    _STATE.clear()
    _STATE.update(populate=mkdocs_build._populate_page, build_page=original)
    mkdocs_build._build_page = _skipping(original)
    try:
        mkdocs_build.build(config)
        return len(plugin.uris)
    finally:
        mkdocs_build._build_page = original
        _STATE.clear()
