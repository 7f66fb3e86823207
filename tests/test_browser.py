"""The public site in a real browser: Debian's Chromium driven by Playwright against the built site.

The site is built once per session with the README's command (``python -m generator site --out DIR``)
and served on 127.0.0.1. Every page a test opens is watched: a console error or a request to any
host other than the local server fails the test. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from support import ROOT, run_cli

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"
DEPT = "/2023/63002/"
DEPT_NAME = "哈尔滨市道里区社会保险经办服务中心"
SEARCH_TERMS = ["租赁费", "三公", "公务接待", "接待", "工会经费"]
MONEY = re.compile(r"^-?[\d,]+\.\d{2}$")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    result = run_cli("site", "--out", out, timeout=600)
    assert result.code == 0, result.explain()
    assert (out / "pagefind" / "pagefind.js").is_file(), "search index missing"
    return out


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("缺少 /usr/bin/chromium：运行 bash scripts/install-system-deps.sh（make test 会自动运行）")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watched:
    """A page whose console errors and requests are recorded."""

    def __init__(self, browser: Any, base_url: str, **context: Any) -> None:
        self.base_url = base_url
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def open(self, path: str) -> Any:
        self.page.goto(self.base_url + path, wait_until="load")
        return self.page

    def check(self) -> None:
        local = urlsplit(self.base_url).netloc
        foreign = [u for u in self.requests if urlsplit(u).scheme not in ("data", "blob")
                   and urlsplit(u).netloc != local]
        assert not foreign, f"requests left 127.0.0.1: {foreign}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def watched(browser: Any, base_url: str) -> Iterator[Any]:
    made: list[Watched] = []

    def make(**context: Any) -> Watched:
        w = Watched(browser, base_url, **({"viewport": {"width": 1280, "height": 900}} | context))
        made.append(w)
        return w

    yield make
    for w in made:
        w.context.close()
    for w in made:
        w.check()


def test_department_page_loads_locally_without_errors(watched: Any) -> None:
    w = watched()
    page = w.open(DEPT)
    assert DEPT_NAME in page.locator("h1").first.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "department-2023-63002.png"), full_page=True)
    w.open("/")
    w.open("/2023/")
    w.check()
    assert any(u.endswith(DEPT) for u in w.requests)


# Is every character of `term` inside a <mark> somewhere in the results that lead to the department page?
_COVERED = """([term, dept]) => {
  const items = [...document.querySelectorAll('.md-search-result__item')]
    .filter(li => new URL(li.querySelector('a').href).pathname.startsWith(dept));
  for (const li of items) {
    const p = li.querySelector('p');
    if (!p) continue;
    let text = '', mask = [];
    const walk = (node, marked) => {
      for (const child of node.childNodes) {
        if (child.nodeType === 3) {
          const t = child.textContent.replace(/\\u200b/g, '');
          text += t; for (const _ of t) mask.push(marked);
        } else walk(child, marked || child.nodeName === 'MARK');
      }
    };
    walk(p, false);
    const chars = [...text];
    for (let i = 0; i + term.length <= chars.length; i++)
      if (chars.slice(i, i + term.length).join('') === term && mask.slice(i, i + term.length).every(Boolean))
        return true;
  }
  return false;
}"""


def search(page: Any, term: str) -> None:
    box = page.locator("input.md-search__input")
    box.click()
    box.type(term)
    box.press("End")
    page.wait_for_function(
        "() => document.querySelectorAll('.md-search-result__item').length > 0"
        " || /没有找到/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=15000)


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_finds_department_with_term_highlighted(watched: Any, term: str) -> None:
    w = watched()
    page = w.open("/")
    search(page, term)
    links = page.locator(".md-search-result__item a")
    hrefs = [urlsplit(h).path for h in links.evaluate_all("els => els.map(e => e.href)")]
    assert DEPT in hrefs, f"{term}: {hrefs}"
    titles = page.locator(".md-search-result__item h1").all_inner_texts()
    assert any(DEPT_NAME in t for t in titles)
    assert page.evaluate(_COVERED, [term, DEPT]), f"{term} not highlighted in the department's results"
    if term == "公务接待":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search-公务接待.png"))
    # the result opens the page with the words highlighted in it
    page.locator(".md-search-result__item a").nth(hrefs.index(DEPT)).click()
    page.wait_for_url(re.compile(r"/2023/63002/\?highlight="))
    page.wait_for_function("() => document.querySelectorAll('article mark.pagefind-highlight').length > 0",
                           timeout=10000)


def test_charts_are_drawn_with_titles(watched: Any) -> None:
    page = watched().open(DEPT)
    charts = page.locator("figure.budget-chart svg")
    assert charts.count() >= 3
    for i in range(charts.count()):
        svg = charts.nth(i)
        box = svg.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 20
        assert svg.locator("title").text_content().strip()
        assert svg.locator("rect").count() >= 2
        assert svg.evaluate("s => s.getBBox().width") > 0


def _table_rows(page: Any, heading: str) -> list[list[str]]:
    return page.evaluate("""id => {
      const h = document.getElementById(id);
      const table = [...document.querySelectorAll('article table')]
        .find(t => h.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
      return [...table.querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.textContent.trim()));
    }""", heading)


def _csv_link(page: Any, heading: str) -> str:
    return page.evaluate("""id => {
      const h = document.getElementById(id);
      const link = [...document.querySelectorAll('a.download-csv')]
        .find(a => h.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
      return link.href;
    }""", heading)


def test_csv_download_matches_table_on_page(watched: Any) -> None:
    page = watched().open(DEPT)
    rows = _table_rows(page, "table-general-budget-expenditure")
    href = _csv_link(page, "table-general-budget-expenditure")
    assert href.endswith("/data/general_budget_expenditure.csv")
    response = page.request.get(href)
    assert response.ok
    body = response.body()
    assert body.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    records = list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))
    assert records == rows
    # 977.40 / 232.11 / 745.29 万元: the totals row of 表5 in the published document
    assert records[1][2:5] == ["977.40", "232.11", "200.79"] and records[1][6] == "745.29"


def test_narrow_screen_scrolls_tables_not_page(watched: Any) -> None:
    page = watched(viewport={"width": 375, "height": 800}).open(DEPT)
    wraps = page.evaluate("""() => [...document.querySelectorAll('.md-typeset__scrollwrap')].map(w => ({
      scroll: w.scrollWidth, client: w.clientWidth, overflow: getComputedStyle(w).overflowX}))""")
    assert wraps, "tables are not wrapped for scrolling"
    scrollable = [w for w in wraps if w["scroll"] > w["client"]]
    assert scrollable, wraps
    assert all(w["overflow"] in ("auto", "scroll") for w in scrollable)
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(width) <= 375, width


def test_tables_have_header_cells_and_right_aligned_money(watched: Any) -> None:
    page = watched().open(DEPT)
    tables = page.evaluate("""() => [...document.querySelectorAll('article table')].map(t => ({
      th: t.querySelectorAll('thead th').length,
      money: [...t.querySelectorAll('tbody td')].filter(td => /^-?[\\d,]+\\.\\d{2}$/.test(td.textContent.trim()))
        .map(td => getComputedStyle(td).textAlign)}))""")
    assert len(tables) >= 13
    assert all(t["th"] > 0 for t in tables)
    aligns = [a for t in tables for a in t["money"]]
    assert len(aligns) > 100
    assert set(aligns) == {"right"}


def test_source_button_opens_the_budget_yaml(watched: Any) -> None:
    page = watched().open(DEPT)
    href = page.locator("a.md-content__button[rel=edit]").get_attribute("href")
    assert href.endswith("/blob/main/budgets/2023/63002.yaml"), href


def test_print_hides_navigation_and_search(watched: Any) -> None:
    page = watched().open(DEPT)
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-search", "input.md-search__input",
                     ".md-content__button"):
        loc = page.locator(selector)
        assert all(not loc.nth(i).is_visible() for i in range(loc.count())), selector
    assert page.locator("article table").first.is_visible()
    assert page.locator("article h1").first.is_visible()
