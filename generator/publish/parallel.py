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

With a ``store`` (the site build's cache, :mod:`generator.publish.cache`), a page whose key is stored is not read,
converted or laid out at all: ``on_nav`` gives it the stored state, ``on_env`` writes the stored HTML; every page
built is stored. With ``sources``, MkDocs reads the site's files from memory (``on_files``), not from ``docs_dir``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from generator.publish import cache

if TYPE_CHECKING:  # MkDocs takes a while to import: only a site build needs it (imported in build())
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

DEPARTMENT_PAGE = re.compile(r"^[0-9]{4}/[^/]+/")  # a department-year's pages (and its errata)
PARALLEL_FROM = 32  # pages: fewer are built in the main process
# What a cached page is made of besides plain values: its table of contents (generator.publish.cache reads no other class).
PAGE_CLASSES = frozenset({("mkdocs.structure.toc", "TableOfContents"), ("mkdocs.structure.toc", "AnchorLink")})
_STATE_KEYS = {"markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids", "links"}

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


def _state(page: Page) -> dict[str, Any]:
    """What reading and converting a page gave (the HTML body, table of contents, anchors), as plain data."""
    links = {to.src_uri: dict(anchors) for to, anchors in (page.links_to_anchors or {}).items()}
    return {"markdown": page.markdown, "meta": page.meta, "content": page.content, "toc": page.toc,
            "_title_from_render": page._title_from_render,
            "present_anchor_ids": page.present_anchor_ids, "links": links}


def _restore(page: Page, state: dict[str, Any], files: Files) -> None:
    """Give ``page`` a state made elsewhere; MkDocs' own pass then skips reading and converting it."""
    links = state.pop("links")
    for name, value in state.items():
        setattr(page, name, value)
    page.links_to_anchors = {target: anchors for to, anchors in links.items()
                             if (target := files.get_file_from_path(to)) is not None}
    page.read_source = lambda config: None  # type: ignore[method-assign]
    page.render = lambda config, files: None  # type: ignore[method-assign]


def _populate(uris: list[str]) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, int, str]]]:
    config, files = _STATE["config"], _STATE["files"]
    out = []
    with _captured() as warnings:
        for uri in uris:
            page = _page(files, uri)
            _STATE["populate"](page, config, files)
            out.append((uri, _state(page)))
    return out, warnings.records


def _keep(page: Page) -> None:
    """Store a department page MkDocs just wrote (in a worker or the main process) under its key, when the
    build has logged no warning so far (a page taken from the cache logs none)."""
    key = _STATE.get("keys", {}).get(page.file.src_uri)
    store = _STATE.get("store")
    if key is None or store is None or _STATE.get("warned"):
        return
    try:
        html = open(page.file.abs_dest_path, "rb").read()  # read at once
    except OSError:
        return
    state = _state(page)
    state.update(markdown="", content="")  # not needed again: the HTML is kept
    store.put(key, cache.dumps((state, html)))


def _write(uris: list[str]) -> list[tuple[str, int, str]]:
    config, files, nav, env, doc_files = (_STATE[k] for k in ("config", "files", "nav", "env", "doc_files"))
    with _captured() as warnings:
        for uri in uris:
            page = _page(files, uri)
            _STATE["build_page"](page, config, doc_files, nav, env)
            _keep(page)
    return warnings.records


def _skipping(build_page: Callable[..., None]) -> Callable[..., None]:
    """MkDocs' ``_build_page``, except for the pages written already (by the workers, or from the cache)."""
    def build_or_skip(page: Page, *args: Any, **kwargs: Any) -> None:
        if page.file.src_uri not in _STATE.get("written", ()):
            build_page(page, *args, **kwargs)
            _keep(page)
    return build_or_skip


class ParallelPages:
    """The plugin (MkDocs calls its ``on_*`` events; it needs no configuration of its own)."""

    def __init__(self, workers: int, store: cache.Store | None = None, environment: bytes = b"",
                 sources: dict[str, bytes] | None = None) -> None:
        self.workers = workers
        self.sources = sources or {}
        self.store = store
        self.environment = environment
        self.uris: list[str] = []  # the department pages the workers build
        self.cached: dict[str, bytes] = {}  # the department pages taken from the cache: their HTML
        self.warnings = _Warnings()

    def _map(self, fn: Any, uris: list[str]) -> list[Any]:
        with multiprocessing.get_context("fork").Pool(self.workers) as pool:
            return pool.map(fn, _chunks(uris, self.workers), chunksize=1)

    def _keys(self, pages: list[File], files: Files) -> dict[str, str]:
        """Each department page's cache key: ``environment`` (the generator, its environment and MkDocs'
        configuration with the navigation), the pages whose titles the navigation takes from their text (the
        guide's; not the home and year pages, which the navigation names itself and whose figures change with
        every budget), the page's source and the files beside it (what its links can point at)."""
        shared = hashlib.sha256(self.environment)
        for f in files.documentation_pages():
            if f.src_uri != "index.md" and not f.src_uri.split("/")[0].isdigit():
                shared.update(f.src_uri.encode() + b"\0" + f.content_bytes + b"\0")
        beside: dict[str, list[str]] = {}
        for f in files:
            parts = f.src_uri.split("/")
            if len(parts) > 2 and DEPARTMENT_PAGE.match(f.src_uri):
                beside.setdefault("/".join(parts[:2]), []).append(f.src_uri)
        common = shared.digest()
        return {f.src_uri: cache.key(common, f.src_uri, hashlib.sha256(f.content_bytes).hexdigest(),
                                     sorted(beside.get("/".join(f.src_uri.split("/")[:2]), [])))
                for f in pages}

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """The site's sources from memory, as if they were in ``docs_dir`` (where they take precedence over the
        theme's files): nothing is written to disk but the built site."""
        from mkdocs.structure.files import File

        for uri, data in self.sources.items():
            if (known := files.get_file_from_path(uri)) is not None:
                files.remove(known)
            files.append(File.generated(config, uri, content=data))
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        _STATE["nav"] = nav  # the last plugin: the navigation every page shows
        pages = [f for f in files.documentation_pages() if DEPARTMENT_PAGE.match(f.src_uri)]
        from mkdocs.structure.pages import Page

        if self.store is not None:
            _STATE["keys"] = keys = self._keys(pages, files)
            _STATE["store"] = self.store
            for f in pages:
                found = self.store.get(keys[f.src_uri])
                if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], bytes)
                        and isinstance(found[0], dict) and set(found[0]) == _STATE_KEYS
                        and isinstance(found[0]["links"], dict) and isinstance(found[0]["meta"], dict)):
                    continue  # not an entry this module wrote: the page is built
                if f.page is None:
                    Page(None, f, config)
                assert f.page is not None
                _restore(f.page, found[0], files)
                self.cached[f.src_uri] = found[1]
            pages = [f for f in pages if f.src_uri not in self.cached]
        if self.workers < 2 or len(pages) < PARALLEL_FROM:
            return nav
        for f in pages:
            if f.page is None:
                Page(None, f, config)
        self.uris = [f.src_uri for f in pages]
        _STATE.update(config=config, files=files)
        for results, warnings in self._map(_populate, self.uris):
            _replay(warnings)
            for uri, state in results:
                _restore(_page(files, uri), state, files)
        return nav

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        _STATE["warned"] = bool(self.warnings.records)  # a build that warned keeps nothing (strict fails it)
        for uri, html in self.cached.items():
            target = Path(_page(files, uri).file.abs_dest_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
        _STATE["written"] = set(self.cached)
        if not self.uris:
            return env
        _STATE.update(env=env, doc_files=files.documentation_pages())
        for warnings in self._map(_write, self.uris):
            _replay(warnings)
        _STATE["written"] = set(self.cached) | set(self.uris)
        return env


def build(config: MkDocsConfig, workers: int | None = None, store: cache.Store | None = None,
          environment: bytes = b"", sources: dict[str, bytes] | None = None) -> int:
    """``mkdocs build`` of ``config``, department pages in ``workers`` processes (default: one per core);
    returns how many pages the workers built. ``store``: department pages whose key (:meth:`ParallelPages._keys`)
    is in it are written from it, not built; the pages built are stored, and after a successful build it holds
    only the pages of this one. ``environment``: a digest of everything else a page depends on — the generator
    and its libraries (:func:`generator.publish.cache.environment`), the project's mkdocs.yml, the navigation.
    ``sources``: files (path under ``docs_dir`` → bytes) built as if they were there, without being written there."""
    from mkdocs.commands import build as mkdocs_build

    plugin = ParallelPages(workers if workers is not None else (os.cpu_count() or 1), store, environment, sources)
    config.plugins["generator-parallel"] = cast("BasePlugin[Any]", plugin)
    original = mkdocs_build._build_page
    _STATE.clear()
    _STATE.update(populate=mkdocs_build._populate_page, build_page=original)
    mkdocs_build._build_page = _skipping(original)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(plugin.warnings)
    try:
        mkdocs_build.build(config)
        if store is not None:
            store.prune()
        return len(plugin.uris)
    finally:
        logger.removeHandler(plugin.warnings)
        mkdocs_build._build_page = original
        _STATE.clear()
