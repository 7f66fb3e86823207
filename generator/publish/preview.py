"""`generator serve`: a live preview of the site while an editor changes budgets/.

- budgets/ is watched with inotify (watchdog). Only created, modified, moved and deleted
  events count, never the "opened"/"closed" events that reading a file fires (the preview's
  own reads would otherwise start the next re-render, for ever), and only when a file's
  content changed: saving a file unchanged, or touching it, does nothing.
- Events are collected until saves stop for DEBOUNCE seconds; then MkDocs' live-reload
  server calls ``Preview.update`` once: validate (only changed files are validated again), re-render the
  departments whose inputs changed, update the private sources, rebuild the changed pages.
- Problems are logged once per save and shown in the browser as a banner on every preview
  page (file:line and message), over the last good pages; the banner goes when the budgets
  are valid again. Any exception in a re-render is caught, logged against the changed files
  and shown the same way; the preview keeps watching.
- Sources, config and pages are in a private temporary directory, removed on exit, so a
  preview never disturbs a `site` build or another preview.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import html
import logging
import os
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from generator.core.errors import GeneratorError, Problem, Severity, ValidationFailed
from generator.publish import outputs, site
from generator.publish.pages import Renderer

DEBOUNCE = 0.3
BANNER_ID = "budget-preview-problems"
BANNER_LIMIT = 30
log = logging.getLogger("generator.preview")


def parse_addr(addr: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` too); ValueError with a Chinese message if it is not one."""
    host, sep, port = addr.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise ValueError(f"--addr 应为 主机:端口，端口是 1–65535 的整数，实际是 {addr!r}")
    return host, int(port)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def snapshot(budgets: Path) -> dict[str, str | None]:
    """Content hash of every input the preview depends on: the budget files and mkdocs.yml."""
    paths = sorted(p for p in budgets.rglob("*.yaml") if p.is_file())
    if site.CONFIG.is_file():
        paths.append(site.CONFIG)
    return {str(p.resolve()): _digest(p) for p in paths}


@dataclass(frozen=True)
class Shown:
    """One line of the banner: where, and what."""

    where: str
    message: str


def _shown(problem: Problem) -> Shown:
    where = problem.file or "<input>"
    if problem.line is not None:
        where += f":{problem.line}" + (f":{problem.column}" if problem.column is not None else "")
    return Shown(where, f"[{problem.slug}] {problem.message}")


class _QuietDirtyWarning(logging.Filter):
    """MkDocs warns in English on every dirty build; the preview is dirty on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in str(record.msg)


class _Compiled(jinja2.BytecodeCache):
    """The theme's templates compiled once per preview (by name and source checksum), not on every rebuild: MkDocs
    makes a new template environment for each build. Used as a MkDocs plugin that hands it to that environment."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str | None], Any] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[(bucket.key, bucket.checksum)] = bucket.code

    def on_env(self, env: jinja2.Environment, /, **_: Any) -> jinja2.Environment:
        env.bytecode_cache = self
        return env


class Preview:
    """The preview's state: renderer caches, private sources and pages, the current problems."""

    def __init__(self, budgets: Path, work: Path, serve_url: str | None = None) -> None:
        self.budgets = budgets
        self.work = work
        self.site_dir = work / "site"
        self.serve_url = serve_url
        # A draft may be previewed, not published; the preview prints no PDFs, so its pages link none.
        self.renderer = Renderer(budgets, site.source_base(), publishing=False, pdf=False)
        self.known: dict[str, bytes] = {}
        self.inputs: dict[str, str | None] = {}
        self.nav: Any = None
        self.problems: list[Shown] = []
        self.builds = 0
        self.render_seconds = 0.0
        self.compiled = _Compiled()

    def _rel(self, path: str) -> str:
        with contextlib.suppress(ValueError):
            return Path(path).relative_to(self.budgets.resolve().parent).as_posix()
        return path

    def _build(self) -> None:
        # MkDocs is slow to import and only the preview and the site build use it (see generator.publish.site).
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        started = time.perf_counter()
        gc.freeze()  # everything loaded so far is long-lived: keep the collector from rescanning it
        files = site.render_sources(self.budgets, self.work, self.renderer, self.known)
        self.render_seconds = time.perf_counter() - started
        config_path = site.write_build_config(files, self.site_dir, self.work)
        nav = site.nav(files)
        cfg = load_config(config_file=str(config_path), strict=False)
        if self.serve_url:
            cfg["site_url"] = self.serve_url
        # "dirty": rebuild only the pages whose markdown changed; a new year or department changes the
        # navigation on every page, so then everything is rebuilt.
        cfg.plugins["generator-preview"] = self.compiled  # type: ignore[assignment]
        build(cfg, serve_url=self.serve_url, dirty=self.builds > 0 and nav == self.nav)
        self.nav = nav
        self.builds += 1

    def start(self) -> None:
        """The first render and build; problems here stop the preview (the CLI lists them)."""
        self.inputs = snapshot(self.budgets)
        self._build()

    def update(self) -> bool:
        """Re-render after saves. Never raises: what went wrong is logged and kept for the banner.

        Returns whether anything was done (False when no input's content changed).
        """
        now = snapshot(self.budgets)
        changed = sorted(k for k in now.keys() | self.inputs.keys() if now.get(k) != self.inputs.get(k))
        if not changed:
            return False
        self.inputs = now
        where = "、".join(self._rel(p) for p in changed)
        started = time.perf_counter()
        try:
            self._build()
        except ValidationFailed as exc:
            self._report([_shown(p) for p in exc.problems], f"预算有 {len(exc.problems)} 个错误")
        except GeneratorError as exc:
            self._report([Shown(where, str(exc))], "预览未能更新")
        except Exception as exc:  # anything else must not stop the preview: report it against the saved files
            if os.environ.get("BUDGET_DEBUG"):
                log.exception("生成预览时出错")
            text = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
            problem = Problem("preview-crashed", Severity.ERROR, f"生成预览时程序出错（请报告）：{text}", where)
            self._report([_shown(problem)], "预览未能更新")
        else:
            if self.problems:
                log.info("问题已解决，预览已更新：%s（%.1f 秒）", where, time.perf_counter() - started)
            else:
                log.info("预览已更新：%s（%.1f 秒）", where, time.perf_counter() - started)
            self.problems = []
        return True

    def _report(self, problems: list[Shown], summary: str) -> None:
        if problems == self.problems:
            log.error("%s（与上次相同），预览仍显示上一次成功生成的内容", summary)
            return
        self.problems = problems
        for p in problems:
            log.error("%s: %s", p.where, p.message)
        log.error("%s，预览仍显示上一次成功生成的内容", summary)

    def banner(self) -> bytes:
        if not self.problems:
            return b""
        shown = self.problems[:BANNER_LIMIT]
        items = "".join(f'<li><code>{html.escape(p.where)}</code> {html.escape(p.message)}</li>' for p in shown)
        more = len(self.problems) - len(shown)
        if more:
            items += f"<li>另有 {more} 个问题，见终端</li>"
        return (
            f'<div id="{BANNER_ID}" role="alert" style="position:fixed;left:0;right:0;bottom:0;z-index:10000;'
            "max-height:40vh;overflow:auto;margin:0;padding:.6em 1em;background:#fdecea;color:#5f2120;"
            'border-top:3px solid #d32f2f;font-size:14px;line-height:1.5;box-shadow:0 -2px 6px rgba(0,0,0,.2)">'
            f"<strong>预览未更新：有 {len(self.problems)} 个问题，下面的页面是上一次成功生成的内容。</strong>"
            f'<ul style="margin:.3em 0 0 1.2em;padding:0">{items}</ul></div>'
        ).encode()


def inject(page: bytes, banner: bytes) -> bytes:
    """Put ``banner`` right after the <body> tag."""
    if not banner:
        return page
    start = page.find(b"<body")
    end = page.find(b">", start) if start >= 0 else -1
    if end < 0:
        return banner + page
    return page[: end + 1] + banner + page[end + 1 :]


def _server_class() -> type:
    # Imported when the server starts: MkDocs is slow to import (see _build).
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        """MkDocs' live-reload server, rebuilt on request and showing the preview's problems on every page."""

        preview: Preview

        def request_rebuild(self) -> None:
            with self._rebuild_cond:
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
            return inject(super()._inject_js_into_html(content, epoch), self.preview.banner())

    return PreviewServer


def watch_budgets(budgets: Path, trigger: Callable[[], None], debounce: float = DEBOUNCE) -> Any:
    """An inotify observer that calls ``trigger`` when a budget file's content has changed.

    Events are collected until none has come for ``debounce`` seconds (an editor's save is often
    a truncate and a write, or a write and a rename); then the touched files are hashed and
    compared with what was seen before, so a save that changes nothing triggers nothing.
    """
    # Only a running preview watches files: the other commands start without loading watchdog.
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
        FileSystemEvent,
        FileSystemEventHandler,
    )
    from watchdog.observers import Observer

    def budget_files() -> dict[str, str | None]:
        return {k: v for k, v in snapshot(budgets).items() if k.endswith(".yaml")}

    class Changed(FileSystemEventHandler):
        def __init__(self) -> None:
            self.lock = threading.Lock()
            self.settle_lock = threading.Lock()
            self.pending: set[str] = set()
            self.everything = False
            self.timer: threading.Timer | None = None
            self.seen = budget_files()

        def on_created(self, event: FileSystemEvent) -> None:
            self._note(event)

        def on_modified(self, event: FileSystemEvent) -> None:
            self._note(event)

        def on_deleted(self, event: FileSystemEvent) -> None:
            self._note(event)

        def on_moved(self, event: FileSystemEvent) -> None:
            self._note(event)

        def _note(self, event: FileSystemEvent) -> None:
            with self.lock:
                if event.is_directory:  # a year directory added, removed or renamed: compare everything
                    self.everything = True
                else:
                    for raw in (event.src_path, getattr(event, "dest_path", "")):
                        path = os.fsdecode(raw)
                        if path.endswith(".yaml"):
                            self.pending.add(str(Path(path).resolve()))
                if not (self.everything or self.pending):
                    return
                if self.timer is not None:
                    self.timer.cancel()
                self.timer = threading.Timer(debounce, self._settle)
                self.timer.daemon = True
                self.timer.start()

        def _settle(self) -> None:
            with self.lock:
                pending, everything = self.pending, self.everything
                self.pending, self.everything = set(), False
            try:
                with self.settle_lock:
                    if everything:
                        now = budget_files()
                        changed = now != self.seen
                        self.seen = now
                    else:
                        changed = False
                        for key in pending:
                            digest = _digest(Path(key))
                            if self.seen.get(key) != digest:
                                self.seen[key] = digest
                                changed = True
                if changed:
                    trigger()
            except Exception as exc:  # the watcher must survive anything
                log.error("监视 %s 时出错：%s: %s", budgets, type(exc).__name__, exc)
                trigger()

    observer = Observer()
    kinds = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent,
             DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
    observer.schedule(Changed(), str(budgets), recursive=True, event_filter=kinds)
    return observer


def _check_port(host: str, port: int) -> None:
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise GeneratorError(f"无法在 {host}:{port} 上启动预览：{outputs.os_reason(exc)}，请用 --addr 换一个") from None


@contextlib.contextmanager
def _sigterm_stops() -> Iterator[None]:
    """`kill` (SIGTERM) stops the preview like Ctrl+C, so its temporary directory is removed."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(budgets: Path, addr: str) -> None:
    host, port = parse_addr(addr)
    site.source_base()  # no mkdocs.yml here: stop before doing anything
    if not budgets.is_dir():
        raise GeneratorError(f"预算目录不存在：{budgets}")
    _check_port(host, port)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("mkdocs.commands.build").addFilter(_QuietDirtyWarning())
    log.setLevel(logging.INFO)
    with _sigterm_stops(), tempfile.TemporaryDirectory(prefix="budget-preview-") as tmp:
        server_class = _server_class()
        url = f"http://{host}:{port}/"
        preview = Preview(budgets, Path(tmp), url)
        log.info("正在生成预览……")
        preview.start()
        server = server_class(builder=preview.update, host=host, port=port, root=str(preview.site_dir))
        server.preview = preview
        server.build_delay = 0.1  # the watcher has already waited for the saves to settle
        not_found = preview.site_dir / "404.html"
        server.error_handler = lambda code: not_found.read_bytes() if code == 404 and not_found.is_file() else None
        server.watch(str(site.CONFIG.resolve()))  # mkdocs.yml (polled); also turns on live reload in pages
        observer = watch_budgets(budgets, server.request_rebuild)
        observer.start()
        log.info("预览地址：%s（保存 %s 下的 YAML 后自动更新；按 Ctrl+C 停止）", url, budgets)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        except OSError as exc:
            raise GeneratorError(f"无法在 {host}:{port} 上启动预览：{outputs.os_reason(exc)}，请用 --addr 换一个") from None
        finally:
            observer.stop()
            server.shutdown()
            observer.join(timeout=5)
