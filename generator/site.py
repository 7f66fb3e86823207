"""The site: render budgets/ to markdown, then build it with MkDocs Material (or preview it).

The build goes to a temporary directory and is swapped in only when it succeeded, so a
failed build never leaves a half-written site.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from generator.errors import GeneratorError, ValidationFailed
from generator.render import Renderer, sync

CONFIG = Path("mkdocs.yml")
BUILD = Path("build")
ASSETS = Path(str(resources.files("generator") / "assets"))


class _EnvLoader(yaml.SafeLoader):
    pass


_EnvLoader.add_constructor("!ENV", lambda loader, node: None)


def _config() -> dict[str, Any]:
    if not CONFIG.is_file():
        raise GeneratorError("找不到 mkdocs.yml：请在项目根目录运行")
    return yaml.load(CONFIG.read_text(encoding="utf-8"), Loader=_EnvLoader) or {}


def _repo_url() -> str:
    return os.environ.get("REPO_URL", "https://github.com/budget-disclosure/budget-disclosure")


def source_base() -> str:
    branch = (_config().get("extra") or {}).get("source_branch", "main")
    return f"{_repo_url().rstrip('/')}/blob/{branch}"


def site_files(budgets: Path, renderer: Renderer | None = None) -> dict[str, bytes]:
    files = (renderer or Renderer(budgets, source_base())).render()
    for asset in sorted(ASSETS.rglob("*")):
        if asset.is_file():
            files[f"assets/{asset.relative_to(ASSETS).as_posix()}"] = asset.read_bytes()
    return files


def nav(files: dict[str, bytes]) -> list[Any]:
    years = sorted({rel.split("/")[0] for rel in files if rel.split("/")[0].isdigit()}, reverse=True)
    items: list[Any] = [{"首页": "index.md"}]
    items += [{f"{y}年": f"{y}/index.md"} for y in years]
    guide = sorted(rel for rel in files if rel.startswith("guide/") and rel.endswith(".md"))
    if guide:
        first = ["guide/index.md"] if "guide/index.md" in guide else []
        items.append({"编辑指南": first + [g for g in guide if g not in first]})
    return items


def write_build_config(files: dict[str, bytes], site_dir: Path, name: str = "docs") -> Path:
    """build/<name>.yml: inherits mkdocs.yml, adds the year navigation; sources in build/<name>/."""
    BUILD.mkdir(exist_ok=True)
    config = {
        "INHERIT": "../mkdocs.yml",
        "docs_dir": name,
        "theme": {"custom_dir": "../generator/theme"},
        "site_dir": str(site_dir.resolve()),
        "nav": nav(files),
        # Department pages are reached from their year page, not listed in the navigation.
        "not_in_nav": "/*/*/index.md\n/*/*/errata.md\n",
    }
    path = BUILD / ("mkdocs.yml" if name == "docs" else f"{name}.yml")
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def render_sources(budgets: Path, renderer: Renderer | None = None,
                   known: dict[str, bytes] | None = None, name: str = "docs") -> dict[str, bytes]:
    files = site_files(budgets, renderer)
    sync(files, BUILD / name, known)
    return files


# Pagefind indexes the built HTML into a chunked index (site/pagefind/) that the browser fetches piece by
# piece; it segments Chinese at build time and in the browser. See docs/search.md for why not Material's.
SEARCH_ROOT = "article.md-content__inner"
SEARCH_IGNORE = ".headerlink, .md-content__button, .budget-chart svg"


def index_search(site: Path) -> None:
    """Write the Pagefind search index for a built site; nothing is fetched from the network."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--root-selector", SEARCH_ROOT,
           "--exclude-selectors", SEARCH_IGNORE, "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GeneratorError(f"搜索索引生成失败：{exc}") from None
    if proc.returncode != 0 or not (site / "pagefind" / "pagefind.js").is_file():
        lines = (proc.stderr or proc.stdout).strip().splitlines() or ["pagefind 未生成索引（是否已安装 pagefind[extended]？）"]
        raise GeneratorError(f"搜索索引生成失败：{lines[-1]}")


def build_site(budgets: Path, out: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    files = render_sources(budgets)
    out = out.resolve()
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    config_path = write_build_config(files, tmp)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        cfg = load_config(config_file=str(config_path), strict=True)
        build(cfg)
    except (MkDocsException, SystemExit) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise GeneratorError(f"网站构建失败：{exc}") from None
    try:
        index_search(tmp)
    except GeneratorError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        old = out.with_name(out.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


def serve(budgets: Path, addr: str) -> None:
    """Preview with live reload; a saved YAML is re-rendered and MkDocs rebuilds the changed pages."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    renderer = Renderer(budgets, source_base(), publishing=False)  # a draft may be previewed, not published
    known: dict[str, bytes] = {}
    # The preview has its own sources and output, so it never disturbs a `site` build.
    files = render_sources(budgets, renderer, known, "preview")
    config_path = write_build_config(files, BUILD / "preview-site", "preview")
    lock = threading.Lock()

    class Rerender(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if str(event.src_path).endswith(".yaml"):
                with lock:
                    # Everything loaded so far is long-lived: keep the collector from rescanning it.
                    gc.freeze()
                    try:
                        render_sources(budgets, renderer, known, "preview")
                    except ValidationFailed as exc:
                        log = logging.getLogger("generator")
                        for problem in exc.problems:
                            log.error("%s", problem.format())
                        log.error("预算有错误，预览仍显示上一次成功生成的内容")
                    except GeneratorError as exc:
                        logging.getLogger("generator").error("%s", exc)

    observer = Observer()
    observer.schedule(Rerender(), str(budgets), recursive=True)
    observer.start()
    try:
        # "dirty": rebuild only the pages whose markdown changed, not the whole district
        # "dirty": rebuild only the pages whose markdown changed, not the whole district. MkDocs warns
        # that dirty navigation may be stale, so the preview is not strict (the real build is).
        logging.getLogger("mkdocs").setLevel(logging.INFO)
        mkdocs_serve(config_file=str(config_path), livereload=True, build_type="dirty", dev_addr=addr, strict=False)
    finally:
        observer.stop()
