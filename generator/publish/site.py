"""The site: render budgets/ to markdown, then build it with MkDocs Material (the preview is generator.publish.preview).

The build goes to a private work directory and is swapped in only when it succeeded, so a
failed build never leaves a half-written site, and the swap never leaves the site missing
(see generator.publish.outputs for which outputs may be replaced and how).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from generator.core.errors import GeneratorError
from generator.publish import cache, outputs, parallel
from generator.publish.pages import Renderer
from generator.publish.pdf import Printed, cache_dir, print_pdfs
from generator.publish.sync import sync

CONFIG = Path("mkdocs.yml")
ASSETS = Path(str(resources.files("generator.publish") / "assets"))


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


THEME = Path("generator/publish/theme")  # beside mkdocs.yml, like every other path in it


def write_build_config(files: dict[str, bytes], site_dir: Path, work: Path) -> Path:
    """<work>/mkdocs.yml: inherits the project's mkdocs.yml, adds the year navigation; sources in <work>/docs/.

    Every build and every preview has its own work directory, so two builds at once never
    read each other's sources.
    """
    work.mkdir(parents=True, exist_ok=True)
    config = {
        "INHERIT": str(CONFIG.resolve()),
        "docs_dir": "docs",
        "theme": {"custom_dir": str(THEME.resolve())},
        "site_dir": str(site_dir.resolve()),
        "nav": nav(files),
        # Department pages are reached from their year page, not listed in the navigation.
        "not_in_nav": "/*/*/index.md\n/*/*/errata.md\n",
    }
    path = work / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def render_sources(budgets: Path, work: Path, renderer: Renderer | None = None,
                   known: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Render the budgets and bring <work>/docs/ up to date (in place: only changed files are rewritten)."""
    files = site_files(budgets, renderer)
    sync(files, work / "docs", known)
    return files


# Pagefind indexes the built HTML into a chunked index (site/pagefind/) that the browser fetches piece by
# piece; it segments Chinese at build time and in the browser. See docs/search.md for why not Material's.
SEARCH_ROOT = "article.md-content__inner"
SEARCH_IGNORE = ".headerlink, .md-content__button, .budget-chart svg"
# Citizens search disclosures: the home page, year pages and everything under a year (department and errata
# pages). The editors' guide, the 404 page and anything else stay out of the public index.
SEARCH_GLOB = "{index.html,[0-9][0-9][0-9][0-9]/**/*.html}"


def index_search(site: Path) -> None:
    """Write the Pagefind search index for a built site; nothing is fetched from the network."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", SEARCH_GLOB, "--root-selector", SEARCH_ROOT,
           "--exclude-selectors", SEARCH_IGNORE, "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GeneratorError(f"搜索索引生成失败：{exc}") from None
    if proc.returncode != 0 or not (site / "pagefind" / "pagefind.js").is_file():
        lines = (proc.stderr or proc.stdout).strip().splitlines() or ["pagefind 未生成索引（是否已安装 pagefind[extended]？）"]
        raise GeneratorError(f"搜索索引生成失败：{lines[-1]}")


# The settings of the loaded MkDocs configuration that go into a page (values from the environment resolved:
# mkdocs.yml reads site_url from SITE_URL, which the canonical link of every page shows).
_PAGE_SETTINGS = ("site_name", "site_url", "repo_url", "repo_name", "edit_uri", "copyright", "use_directory_urls",
                  "extra", "extra_css", "extra_javascript", "markdown_extensions", "mdx_configs")


def page_environment(budgets: Path, files: dict[str, bytes], cfg: Any) -> bytes:
    """What a department page's HTML depends on besides its own files: the generator and its libraries, the
    project's mkdocs.yml as written and as loaded (its settings, the theme's included) and the navigation."""
    digest = hashlib.sha256(cache.environment(budgets))
    settings = {key: cfg[key] for key in _PAGE_SETTINGS} | {"theme": dict(cfg.theme)}
    digest.update(CONFIG.read_bytes() + b"\0" + repr(nav(files)).encode() + b"\0")
    digest.update(json.dumps(settings, sort_keys=True, default=str, ensure_ascii=False).encode())
    return digest.digest()


def build_site(budgets: Path, out: Path, pdf: bool = True, use_cache: bool = True) -> Printed | None:
    """Validate and render, build with MkDocs (strict), print the PDFs, index with Pagefind, then swap the new site in.

    Config and site are in one private work directory next to ``out`` (``.site-<pid>-xxxx``; MkDocs reads the
    rendered sources from memory): two builds at once never share anything but the final swap and the caches
    (:func:`generator.publish.pdf.cache_dir`, :func:`generator.publish.cache.cache_dir`), whose entries are named
    by content. Returns what was printed, or None with ``pdf=False`` (no PDFs, and no page links one).
    ``use_cache``: departments unchanged since the last build into ``out`` are taken from its render cache
    (:mod:`generator.publish.cache`), workbooks included.
    """
    # MkDocs (and its plugins) take a while to import: only a site build needs them, not validate or render.
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _config()  # fail early, before rendering, outside a project directory
    target = outputs.prepare(out, budgets)
    kept = cache.cache_dir(target) if use_cache else None
    renderer = Renderer(budgets, source_base(), pdf=pdf, cache_dir=kept)
    files = site_files(budgets, renderer)
    with outputs.workdir(target, "site") as work:
        (work / "docs").mkdir()  # empty: MkDocs reads the sources from memory (parallel.build's ``sources``)
        site_dir = work / "site"
        config_path = write_build_config(files, site_dir, work)
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        try:
            cfg = load_config(config_file=str(config_path), strict=True)
            # MkDocs' build, the department pages in parallel processes (or from the cache, when unchanged)
            pages = cache.Store(kept / "pages", parallel.PAGE_CLASSES) if kept is not None else None
            parallel.build(cfg, store=pages, environment=page_environment(budgets, files, cfg) if pages else b"",
                           sources=files)
        except (MkDocsException, SystemExit) as exc:
            raise GeneratorError(f"网站构建失败：{exc}") from None
        printed = print_pdfs(site_dir, renderer.printed, cache_dir(target)) if pdf else None
        index_search(site_dir)
        outputs.mark(site_dir)
        outputs.swap_in(site_dir, target, work / "old")
    return printed
