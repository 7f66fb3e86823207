"""The PDF of each department-year: printed by `site` with Chromium, complete, printable, re-made only when changed.

The PDFs are read back with poppler's pdftotext and pdfinfo (scripts/install-system-deps.sh installs them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import ROOT, run_cli, seed_and_second

from generator.core.errors import GeneratorError
from generator.publish import pdf

PDF = "2023/63002/data/63002-2023.pdf"
OTHER_PDF = "2023/63003/data/63003-2023.pdf"
CHROME = ["搜索部门或词语", "编辑指南", "预算数据（GitHub）", "本页摘要", "下载：", "数据来源"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"缺少 {name}：运行 bash scripts/install-system-deps.sh（make test 会自动运行）")
    return path


def pdftext(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run([_tool("pdftotext"), "-raw", *pages, str(path), "-"], capture_output=True, text=True,
                          encoding="utf-8", check=True)
    return done.stdout


def page_sizes(path: Path) -> list[tuple[float, float]]:
    done = subprocess.run([_tool("pdfinfo"), "-f", "1", "-l", "999", str(path)], capture_output=True, text=True,
                          check=True)
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", done.stdout)]


class _Cells(HTMLParser):
    """Text of the <th> and <td> cells inside the page's <article>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.cell: list[str] | None = None
        self.kind = ""
        self.cells: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        elif self.depth and tag in ("th", "td"):
            self.cell, self.kind = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        elif self.cell is not None and tag in ("th", "td"):
            self.cells.append((self.kind, "".join(self.cell)))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def cells(html: str) -> list[tuple[str, str]]:
    """(th|td, text) of the document's tables, the summary above it left out (it is not printed)."""
    html = re.sub(r'<div class="budget-summary".*?</div>', "", html, flags=re.S)
    parser = _Cells()
    parser.feed(html)
    return [(kind, re.sub(r"\s+", "", text)) for kind, text in parser.cells if text.strip()]


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed and a second department (the seed's figures under another code and name)."""
    budgets = tmp_path_factory.mktemp("pdf") / "budgets"
    seed_and_second(budgets)
    return budgets


def build(budgets: Path, out: Path, *extra: str) -> str:
    result = run_cli("site", "--budgets", budgets, "--out", out, *extra, timeout=600)
    assert result.code == 0, result.explain()
    return result.stdout


@pytest.fixture(scope="module")
def site(district: Path) -> Path:
    out = district.parent / "site"
    build(district, out)
    return out


pytestmark = pytest.mark.browser


def test_each_department_year_has_a_pdf_at_a_fixed_address_linked_and_listed(site: Path) -> None:
    for path in (PDF, OTHER_PDF):
        assert (site / path).read_bytes().startswith(b"%PDF-"), path
    html = (site / "2023" / "63002" / "index.html").read_text(encoding="utf-8")
    assert 'href="data/63002-2023.pdf"' in html
    listed = {(d["department_code"], d["pdf"]) for d in json.loads((site / "datasets.json").read_text())["datasets"]}
    assert listed == {("63002", PDF), ("63003", OTHER_PDF)}


def test_pdf_has_every_table_header_and_figure_of_the_page(site: Path) -> None:
    html = (site / "2023" / "63002" / "index.html").read_text(encoding="utf-8")
    found = cells(html)
    assert sum(1 for kind, _ in found if kind == "th") > 100
    printed = re.sub(r"\s+", "", pdftext(site / PDF))
    # Every header text at least as often as the page has it (a table cut at the page edge loses some),
    # every figure as often: nothing of a table is left out of the PDF.
    for kind in ("th", "td"):
        want = Counter(text for k, text in found if k == kind and (kind == "th" or re.fullmatch(r"-?[\d,]+\.\d{2}", text)))
        missing = {text: n for text, n in want.items() if printed.count(text) < n}
        assert not missing, f"{kind} texts missing from the PDF: {missing}"


def test_pdf_starts_with_the_document_and_has_no_site_chrome(site: Path) -> None:
    first = pdftext(site / PDF, 1)
    assert "哈尔滨市道里区社会保险经办服务中心2023年部门预算" in first
    assert "第一部分" in first and "一、部门职责" in first  # page 1 is not a blank or title-only page
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", first)  # the page number, from the page margin
    whole = pdftext(site / PDF)
    assert not [text for text in CHROME if text in whole]


def test_wide_tables_are_printed_on_landscape_pages(site: Path) -> None:
    sizes = page_sizes(site / PDF)
    landscape = [i for i, (w, h) in enumerate(sizes, 1) if w > h]
    assert landscape and len(landscape) < len(sizes)
    # 表2 收入总表 (19 columns) is on a landscape page, with its header
    assert any("二、收入总表" in pdftext(site / PDF, i) for i in landscape)
    assert all(abs(w - 595) < 2 or abs(h - 595) < 2 for w, h in sizes)  # A4 either way


def test_rebuild_prints_only_the_department_years_that_changed(district: Path, tmp_path: Path) -> None:
    budgets = tmp_path / "budgets"
    shutil.copytree(district, budgets)
    out = tmp_path / "site"
    assert "新打印 2 份，0 份内容未变沿用" in build(budgets, out)
    cache = pdf.cache_dir(out)
    first = {p.name for p in cache.glob("*.pdf")}
    assert len(first) == 2 and cache.parent == out.parent  # the cache is beside the swapped site, not in it
    assert "新打印 0 份，2 份内容未变沿用" in build(budgets, out)
    path = budgets / "2023" / "63003.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reason: 压减经费", "reason: 压减租赁经费"), encoding="utf-8")
    assert "新打印 1 份，1 份内容未变沿用" in build(budgets, out)
    second = {p.name for p in cache.glob("*.pdf")}
    assert len(second) == 2 and len(first & second) == 1  # the old 63003 print is pruned
    assert "压减租赁经费" in re.sub(r"\s+", "", pdftext(out / OTHER_PDF))


def test_site_without_pdfs_neither_prints_nor_links_them(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    stdout = build(district, out, "--no-pdf")
    assert "PDF" not in stdout
    assert not list(out.rglob("*.pdf")) and not pdf.cache_dir(out).exists()
    assert ".pdf" not in (out / "2023" / "63002" / "index.html").read_text(encoding="utf-8")
    assert all("pdf" not in d for d in json.loads((out / "datasets.json").read_text())["datasets"])


def test_key_follows_what_is_printed_not_the_navigation() -> None:
    page = '<html><title>T</title><nav>{}</nav><article class="md-content__inner">{}</article></html>'
    base = pdf.key(page.format("2023年", "表"), b"css", "156")
    assert pdf.key(page.format("2024年 2023年", "表"), b"css", "156") == base  # a year added to the navigation
    assert pdf.key(page.format("2023年", "表 改"), b"css", "156") != base
    assert pdf.key(page.format("2023年", "表"), b"css2", "156") != base
    assert pdf.key(page.format("2023年", "表"), b"css", "157") != base


def test_missing_chromium_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "CHROMIUM", tmp_path / "no-chromium")
    (tmp_path / "site" / "2023" / "63002").mkdir(parents=True)
    (tmp_path / "site" / "2023" / "63002" / "index.html").write_text("<article></article>", encoding="utf-8")
    with pytest.raises(GeneratorError) as err:
        pdf.print_pdfs(tmp_path / "site", [pdf.Job("2023/63002/", PDF)], tmp_path / "cache")
    assert "Chromium" in str(err.value) and "--no-pdf" in str(err.value) and "\n" not in str(err.value)


def test_the_readme_commands_install_chromium() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^site: .*system-deps", makefile, re.M)
    script = (ROOT / "scripts" / "install-system-deps.sh").read_text(encoding="utf-8")
    assert "chromium" in script and "poppler-utils" in script


def _pages(site: Path, texts: dict[str, str]) -> list[pdf.Job]:
    jobs = []
    for page, text in texts.items():
        (site / page).mkdir(parents=True)
        (site / page / "index.html").write_text(f"<html><title>{page}</title><article>{text}</article></html>",
                                                encoding="utf-8")
        jobs.append(pdf.Job(page, f"{page}data/x.pdf"))
    return jobs


def test_pages_print_in_parallel_tabs_and_alike_ones_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    texts = {f"2023/{n}/": f"<p>部门 {n}</p>" for n in range(5)}
    jobs = _pages(site, texts)
    jobs.append(pdf.Job("2023/0/", "2023/0/data/copy.pdf"))  # the same page again: one cache entry, two PDFs
    printed = pdf.print_pdfs(site, jobs, tmp_path / "cache", tabs=3)
    assert (printed.printed, printed.reused) == (5, 0), printed
    for job in jobs:
        n = job.page.split("/")[1]
        assert f"部门 {n}" in pdftext(site / job.pdf), job
    assert len(list((tmp_path / "cache").iterdir())) == 5


def test_a_page_that_fails_to_print_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    jobs = _pages(site, {f"2023/{n}/": f"<p>部门 {n}</p>" for n in range(4)})
    real = pdf._print

    async def failing(tab: object, html: Path, target: Path) -> None:
        if "2023/2/" in html.as_posix():
            await real(tab, html.with_name("missing.html"), target)  # Chromium cannot open it
        await real(tab, html, target)

    monkeypatch.setattr(pdf, "_print", failing)
    with pytest.raises(GeneratorError) as err:
        pdf.print_pdfs(site, jobs, tmp_path / "cache", tabs=2)
    assert "2023/2/" in str(err.value) and "\n" not in str(err.value)
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]


def test_printing_works_when_the_caller_runs_an_event_loop(tmp_path: Path) -> None:
    import asyncio
    import concurrent.futures

    site = tmp_path / "site"
    jobs = _pages(site, {"2023/1/": "<p>部门 1</p>"})

    async def inside_a_loop() -> pdf.Printed:  # as when Playwright's sync API is in use in the same thread
        return pdf.print_pdfs(site, jobs, tmp_path / "cache")

    # In a thread of its own: the browser tests' Playwright session may be running a loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result().printed == 1
    assert "部门 1" in pdftext(site / jobs[0].pdf)
