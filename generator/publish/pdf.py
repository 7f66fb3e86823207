"""A PDF of each department-year: its built page printed by Chromium (through Playwright) with the print stylesheet.

Chromium prints the very page readers see (one stylesheet, ``@media print`` in assets/budget.css: A4, landscape
pages for wide tables, page numbers in the page margins, header rows repeated, no site chrome), 4–5 times faster
than WeasyPrint, and it is the browser the tests already drive. Pages are opened from the private build
directory (``file://``, no server). Before printing, a table still wider than its page is zoomed to fit: Chromium
would otherwise clip it at the page edge without a word.

A PDF is keyed by a hash of what is printed — the page's title and ``<article>``, the stylesheets, the Chromium
version and :data:`KEY_VERSION` — not by the whole page, whose navigation changes whenever a year is added. PDFs
are kept in a cache directory beside the output (``.pdf-cache-<output name>/``), outside the site that is swapped
in, so a rebuild prints only the department-years whose printed content changed and hard-links the others.

Pages print in several tabs of one browser at once (Playwright's async API; one tab per processor by default):
on the 2-core bench machine under load, 24 pages took 27–29 s in two tabs against 31–50 s one after another.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.core.errors import GeneratorError
from generator.core.model import Budget
from generator.publish import cache
from generator.publish.downloads import DATA_DIR
from generator.publish.outputs import os_reason

# Bump when the printing itself changes (options, the fit step), so every cached PDF is printed again.
KEY_VERSION = "1"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# Text width of an A4 page at 96 px per inch with the margins of budget.css: 186 mm portrait, 273 mm landscape.
PORTRAIT_PX = 703
LANDSCAPE_PX = 1032
_ARTICLE = re.compile(r"<article\b.*?</article>", re.S)
_TITLE = re.compile(r"<title>.*?</title>", re.S)

# Zoom each table (in the print layout) that is wider than the box it sits in; `wide` picks the tables of
# landscape sections (.print-wide) or the portrait ones. A zoom set in the first pass survives the second.
FIT_JS = """(wide) => {
  let zoomed = 0;
  for (const table of document.querySelectorAll('article table')) {
    if (Boolean(table.closest('.print-wide')) !== wide) continue;
    const room = table.parentElement.getBoundingClientRect().width;
    if (room > 0 && table.scrollWidth > room + 1) {
      table.style.zoom = (room / table.scrollWidth).toFixed(3);
      zoomed++;
    }
  }
  return zoomed;
}"""


def pdf_name(b: Budget) -> str:
    return f"{b.department.code}-{b.year}.pdf"


def page_link(b: Budget) -> str:
    """The PDF's address relative to the department page (``data/63002-2023.pdf``)."""
    return f"{DATA_DIR}/{pdf_name(b)}"


def site_path(b: Budget) -> str:
    """The PDF's path in the site (``2023/63002/data/63002-2023.pdf``), fixed, known before anything is built."""
    return f"{b.year}/{b.department.code}/{page_link(b)}"


@dataclass(frozen=True)
class Job:
    page: str  # the department page's directory in the site, "2023/63002/"
    pdf: str  # where the PDF goes in the site


@dataclass
class Printed:
    printed: int = 0  # printed now
    reused: int = 0  # taken from the cache unchanged
    seconds: float = 0.0  # wall time, browser start included


def cache_dir(out: Path) -> Path:
    """Where the PDFs of builds into ``out`` are kept between builds (``.pdf-cache-<name>``)."""
    return cache.cache_dir(out, "pdf")


def _stylesheets(site: Path) -> bytes:
    digest = hashlib.sha256()
    for css in sorted(site.glob("assets/**/*.css")):
        digest.update(css.relative_to(site).as_posix().encode() + b"\0" + hashlib.sha256(css.read_bytes()).digest())
    return digest.digest()


def key(html: str, styles: bytes, browser_version: str) -> str:
    """What decides the PDF's content: the page's title and article, the stylesheets, the browser."""
    article = _ARTICLE.search(html)
    title = _TITLE.search(html)
    digest = hashlib.sha256()
    for part in (KEY_VERSION, browser_version, styles.hex(), title.group(0) if title else "",
                 article.group(0) if article else html):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _place(cached: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(cached, target)
    except OSError:  # another file system, or no hard links: a copy does as well
        shutil.copyfile(cached, target)


def compact(path: Path) -> None:
    """Object streams and recompressed streams: Chromium's PDFs (CJK text as Type 3 fonts) shrink by about a third."""
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        doc.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate, recompress_flate=True,
                 deterministic_id=True)


async def _print(tab: Any, html: Path, target: Path) -> None:
    await tab.goto(html.as_uri(), wait_until="load")
    await tab.emulate_media(media="print")
    for width, wide in ((PORTRAIT_PX, False), (LANDSCAPE_PX, True)):
        await tab.set_viewport_size({"width": width, "height": 900})
        await tab.evaluate(FIT_JS, wide)
    await tab.pdf(path=str(target), prefer_css_page_size=True, print_background=True)


async def _launch(playwright: Any) -> Any:
    if not CHROMIUM.exists():
        raise GeneratorError(f"打印 PDF 需要 Chromium（{CHROMIUM}）：运行 make system-deps 安装，或用 site --no-pdf 不生成 PDF")
    try:
        return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    except Exception as exc:  # Playwright's own error type; its message is several lines
        raise GeneratorError(f"无法启动 Chromium 打印 PDF：{_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def _print_all(site: Path, jobs: list[Job], cache: Path, styles: bytes, tabs: int, result: Printed) -> set[str]:
    """Print what is not in ``cache`` in ``tabs`` tabs of one browser (Chromium lays out each tab in its own
    process), then put every job's PDF in ``site``; returns the cache names used."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    placed: list[tuple[Job, Path]] = []
    todo: dict[Path, tuple[Job, Path]] = {}  # two pages printing alike share one cache entry, printed once
    async with async_playwright() as playwright:
        browser = await _launch(playwright)
        try:
            for job in jobs:
                html = site / job.page / "index.html"
                cached = cache / (key(html.read_text(encoding="utf-8"), styles, browser.version) + ".pdf")
                placed.append((job, cached))
                if cached.is_file():
                    result.reused += 1
                elif cached not in todo:
                    todo[cached] = (job, html)
            queue = list(todo.items())

            async def worker() -> None:
                tab = await (await browser.new_context()).new_page()
                while queue:
                    cached, (job, html) = queue.pop()
                    partial = cache / f".{cached.name}.{os.getpid()}.tmp"
                    try:
                        await _print(tab, html, partial)
                        await asyncio.to_thread(compact, partial)
                        os.replace(partial, cached)
                    except PlaywrightError as exc:
                        raise GeneratorError(f"打印 PDF 失败（{job.page}）：{_first_line(exc)}") from None
                    finally:
                        with contextlib.suppress(OSError):
                            partial.unlink()
                    result.printed += 1

            workers = [asyncio.ensure_future(worker()) for _ in range(max(1, min(tabs, len(todo))))]
            try:
                await asyncio.gather(*workers)
            except BaseException:  # one tab failed: stop the others before the browser closes under them
                for task in workers:
                    task.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                raise
        finally:
            await browser.close()
    for job, cached in placed:
        _place(cached, site / job.pdf)
    return {cached.name for _, cached in placed}


def print_pdfs(site: Path, jobs: Iterable[Job], cache: Path, tabs: int | None = None) -> Printed:
    """Put the PDF of every job into ``site``, printing only those not in ``cache``; prune unused cache entries.

    ``tabs``: pages printed at once (default: one per processor). Nothing is pruned unless every job succeeded,
    so a failed build keeps the cache of the last good one.
    """
    started = time.perf_counter()
    jobs = list(jobs)
    result = Printed()
    if not jobs:
        return result
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeneratorError(f"无法创建 PDF 缓存目录 {cache}：{os_reason(exc)}") from None
    # In a thread of its own: the caller's thread may already run an event loop (Playwright's sync API does).
    work = _print_all(site, jobs, cache, _stylesheets(site), tabs or os.cpu_count() or 1, result)
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        used = thread.submit(asyncio.run, work).result()
    for old in cache.glob("*.pdf"):
        if old.name not in used:
            with contextlib.suppress(OSError):
                old.unlink()
    result.seconds = time.perf_counter() - started
    return result
