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
import itertools
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from support import ROOT, header_paths, html_tables, run_cli

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"
DEPT = "/2023/63002/"
DESKTOP = {"width": 1366, "height": 900}
MOBILE = {"width": 390, "height": 844}
# The five kinds of page a reader meets; the guide's page with tables among them.
PAGES = {"home": "/", "year": "/2023/", "department": DEPT, "errata": "/2023/63002/errata/", "guide": "/guide/search/"}
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
        w = Watched(browser, base_url, **({"viewport": DESKTOP} | context))
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


# Is every character of `term` inside a <mark> somewhere in the results that lead to the department page itself
# (the page or one of its sections: not its errata page, whose quotations would hide a page that shows the term
# nowhere in its results)?
_COVERED = """([term, dept]) => {
  const items = [...document.querySelectorAll('.md-search-result__item')]
    .filter(li => new URL(li.querySelector('a').href).pathname === dept);
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


def _csv_link(page: Any, heading: str) -> str:
    return page.evaluate("""id => {
      const h = document.getElementById(id);
      const link = [...document.querySelectorAll('a.download-csv')]
        .find(a => h.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
      return link.href;
    }""", heading)


def test_csv_download_matches_table_on_page(watched: Any) -> None:
    page = watched().open(DEPT)
    shown = next(t for t in html_tables(page.content()) if t.label == "一般公共预算支出表")
    # The CSV's one header row is the page's merged header read back, its levels joined with " · ".
    rows = [[" · ".join(path) for path in header_paths(shown.head)], *shown.rows]
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
    page = watched(viewport=MOBILE).open(DEPT)
    wraps = page.evaluate("""() => [...document.querySelectorAll('article .table-scroll')].map(w => ({
      scroll: w.scrollWidth, client: w.clientWidth, overflow: getComputedStyle(w).overflowX}))""")
    assert wraps, "tables are not wrapped for scrolling"
    scrollable = [w for w in wraps if w["scroll"] > w["client"]]
    assert scrollable, wraps
    assert all(w["overflow"] in ("auto", "scroll") for w in scrollable)
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(width) <= MOBILE["width"], width


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
    assert page.locator("article > .table-scroll table").first.is_visible()  # the summary above is not printed
    assert page.locator("article h1").first.is_visible()


# ---------------------------------------------------------------- issue 14: reading, accessibility, search


AXE = """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                resultTypes: ['violations']})"""


def axe_problems(page: Any) -> list[str]:
    """Serious or critical WCAG 2 A/AA violations found by axe-core (axe.min.js from the axe-playwright-python wheel)."""
    from importlib.resources import files

    page.add_script_tag(path=str(files("axe_playwright_python") / "axe.min.js"))
    result = page.evaluate(AXE)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def open_search(page: Any) -> Any:
    """The search box as a reader opens it: typed into on a wide screen, the magnifier first on a phone."""
    if page.viewport_size["width"] < 1220:  # Material's breakpoint: the box opens from its icon
        page.locator("label.md-header__button[for=__search]").click()
    box = page.locator("input.md-search__input")
    box.click()
    return box


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_pages_have_no_serious_accessibility_violations(watched: Any, kind: str, viewport: dict[str, int]) -> None:
    page = watched(viewport=viewport).open(PAGES[kind])
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{kind}-{viewport['width']}.png"), full_page=kind != "guide")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page itself scrolls sideways: {width}px"
    assert axe_problems(page) == []


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_search_results_have_no_serious_accessibility_violations(watched: Any, viewport: dict[str, int]) -> None:
    page = watched(viewport=viewport).open(DEPT)
    box = open_search(page)
    box.type("租赁费")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    assert page.locator(".md-search").get_attribute("aria-label") == "搜索"
    page.screenshot(path=str(ARTIFACTS / f"search-open-{viewport['width']}.png"))
    assert axe_problems(page) == []


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_department_page_loads_no_material_bundle_and_search_still_works(watched: Any, viewport: dict[str, int]) -> None:
    w = watched(viewport=viewport)
    page = w.open(DEPT)
    page.wait_for_load_state("networkidle")
    scripts = [u for u in w.requests if u.endswith(".js")]
    assert not [u for u in scripts if "bundle" in u], scripts
    assert page.evaluate("() => document.documentElement.classList.contains('js')")
    open_search(page).type("三公")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    assert page.locator(".md-search-result__item").first.is_visible()


def test_department_page_uses_the_full_width(watched: Any) -> None:
    page = watched().open(DEPT)
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".md-sidebar--secondary").is_visible()
    assert page.locator("article").bounding_box()["width"] > 1100


def test_every_table_is_a_labelled_region_the_keyboard_can_scroll(watched: Any) -> None:
    page = watched(viewport=MOBILE).open(DEPT)
    regions = page.evaluate("""() => [...document.querySelectorAll('article table')].map(t => {
      const r = t.closest('.table-scroll');
      return r && [r.getAttribute('role'), r.tabIndex, r.getAttribute('aria-label')];
    })""")
    assert regions and all(r is not None and r[0] == "region" and r[1] == 0 and r[2].startswith("表格：") for r in regions)
    labels = [r[2] for r in regions]
    assert len(set(labels)) == len(labels)
    region = page.locator("#table-income-summary ~ .table-scroll").first
    region.focus()
    assert page.evaluate("() => document.activeElement.getAttribute('role')") == "region"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5000)


def test_search_results_say_department_year_and_section(watched: Any) -> None:
    page = watched().open("/")
    search(page, "三公")
    contexts = page.locator(".md-search-result__context").all_inner_texts()
    assert any(DEPT_NAME in c and "2023年" in c for c in contexts), contexts
    sections = page.locator(".md-search-result__item h2").all_inner_texts()
    assert any("三公" in s for s in sections), sections


def test_the_editors_guide_is_not_in_the_public_search(watched: Any) -> None:
    page = watched().open("/")
    search(page, "校验")  # all over the guide; the disclosures never say it
    hrefs = page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")
    assert not [h for h in hrefs if "/guide/" in h], hrefs


def test_summary_links_reach_their_tables_and_explanations(watched: Any) -> None:
    page = watched().open(DEPT)
    links = page.locator(".budget-summary a[href^='#']")
    assert links.count() >= 10
    for href in set(links.evaluate_all("els => els.map(e => e.getAttribute('href'))")):
        assert page.locator(f"[id='{href[1:]}']").count() == 1, href
    pdf = page.locator(".budget-summary a.download-pdf")
    assert page.request.get(pdf.evaluate("a => a.href")).body().startswith(b"%PDF-")


def test_print_shows_the_document_only(watched: Any) -> None:
    page = watched().open(DEPT)
    page.emulate_media(media="print")
    for selector in (".budget-summary", ".budget-charts", "a.download-csv", ".md-top"):
        loc = page.locator(selector)
        assert all(not loc.nth(i).is_visible() for i in range(loc.count())), selector
    assert page.locator("#table-income-summary").evaluate("h => getComputedStyle(h).page") == "wide"
    assert page.locator("#table-fiscal-summary").evaluate("h => getComputedStyle(h).page") == "auto"


# A district: the seed and 14 synthetic departments (their names include 水务局, which Chromium's word
# segmentation splits into single characters), built without PDFs.


@pytest.fixture(scope="session")
def district_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import shutil
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    root = tmp_path_factory.mktemp("district")
    synth.generate(root / "budgets", departments=14, years=1)
    shutil.copy(ROOT / "budgets" / "2023" / "63002.yaml", root / "budgets" / "2023" / "63002.yaml")
    out = root / "site"
    result = run_cli("site", "--budgets", root / "budgets", "--out", out, "--no-pdf", timeout=600)
    assert result.code == 0, result.explain()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def district_page(browser: Any, district_url: str) -> Iterator[Watched]:
    w = Watched(browser, district_url, viewport=DESKTOP)
    yield w
    w.context.close()
    w.check()


def test_a_department_name_finds_its_page_first(district_page: Watched) -> None:
    page = district_page.open("/")
    names = page.request.get(district_page.base_url + "/departments.json").json()["departments"]
    assert len(names) == 15
    for d in names:
        box = page.locator("input.md-search__input")
        box.fill("")
        box.click()
        box.type(d["name"])
        page.wait_for_function("n => { const a = document.querySelector('.md-search-result__item h1');"
                               " return a && a.textContent.startsWith(n); }", arg=d["name"], timeout=15000)
        first = page.locator(".md-search-result__item a").first.evaluate("a => new URL(a.href).pathname")
        assert first == f"/{d['years'][0]}/{d['code']}/", (d["name"], first)
    box = page.locator("input.md-search__input")
    box.fill("")
    box.type("水务局")  # the short name alone: Pagefind by itself returned nothing for it
    page.wait_for_function("() => [...document.querySelectorAll('.search-departments h1')]"
                           ".some(h => h.textContent.includes('水务局'))", timeout=15000)
    found = page.locator(".search-departments h1").all_inner_texts()
    assert found and all("水务局" in t for t in found), found


def test_year_page_sorts_by_any_column_with_a_button(district_page: Watched) -> None:
    page = district_page.open("/2023/")
    table = page.locator(".sortable table")

    def column(n: int) -> list[str]:
        return table.locator(f"tbody tr td:nth-child({n})").all_inner_texts()

    supervisors = column(1)
    runs = [name for name, _ in itertools.groupby(supervisors)]
    assert len(runs) == len(set(runs)) > 1, f"not grouped by 主管部门: {supervisors}"
    head = table.locator("thead th").nth(3)
    assert "支出合计" in head.inner_text()
    head.locator("button").click()
    assert head.get_attribute("aria-sort") == "ascending"
    amounts = [float(x) for x in column(4)]
    assert amounts == sorted(amounts)
    head.locator("button").focus()
    page.keyboard.press("Enter")
    assert head.get_attribute("aria-sort") == "descending"
    assert [float(x) for x in column(4)] == sorted(amounts, reverse=True)
    rate = table.locator("thead th").nth(5)
    rate.locator("button").click()
    rates = [x for x in column(6) if x.endswith("%")]
    assert rates and [float(x[:-1]) for x in rates] == sorted(float(x[:-1]) for x in rates)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "year-sorted-1366.png"))
    assert page.locator(".md-typeset table").first.is_visible()
    assert "全区合计" in page.locator("#district-totals").inner_text()


def test_home_page_lists_every_department_by_supervisor(district_page: Watched) -> None:
    page = district_page.open("/")
    links = page.locator(".dept-group li > a:first-child")
    assert links.count() == 15
    hrefs = links.evaluate_all("els => els.map(a => new URL(a.href).pathname)")
    assert "/2023/63002/" in hrefs
    page.screenshot(path=str(ARTIFACTS / "home-district-1366.png"), full_page=True)


# ---------------------------------------------------------------- the official tables (issue 14, part B)


def test_merged_header_cells_on_the_page(watched: Any) -> None:
    page = watched().open(DEPT)
    spans = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('table.budget-table')].map(t =>
      [t.getAttribute('aria-label'), [...t.tHead.rows].map(r => [...r.cells].map(c =>
        [c.textContent.trim(), c.colSpan, c.rowSpan, c.getAttribute('scope')]))]))""")
    assert spans["收入总表"][0] == [["部门(单位)代码", 1, 2, "col"], ["部门(单位)名称", 1, 2, "col"], ["合计", 1, 2, "col"],
                                   ["本年收入", 10, 1, "colgroup"], ["上年结转结余", 6, 1, "colgroup"]]
    assert len(spans["收入总表"][1]) == 16
    assert [c[0] for c in spans["支出总表"][0]] == ["科目编码", "科目名称", "合计", "基本支出", "项目支出",
                                                  "事业单位经营支出", "上缴上级支出", "对附属单位补助支出"]
    assert len(spans["支出总表"]) == 1 and {(c[1], c[2]) for c in spans["支出总表"][0]} == {(1, 1)}
    assert spans["一般公共预算支出表"][0][3] == ["基本支出", 3, 1, "colgroup"]


_BOXES = """label => {
  const t = document.querySelector(`table.budget-table[aria-label="${label}"]`);
  const r = t.closest('.table-scroll');
  const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const body = t.tBodies[0].rows[1];
  return {region: box(r), head: box(t.tHead.rows[0].cells[3]), first: box(body.cells[0]), second: box(body.cells[1]),
          figure: box(body.cells[2]), scroll: [r.scrollLeft, r.scrollTop, r.scrollWidth - r.clientWidth,
          r.scrollHeight - r.clientHeight]};
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1366", "390"])
def test_label_columns_stay_when_a_wide_table_scrolls_sideways(watched: Any, viewport: dict[str, int]) -> None:
    page = watched(viewport=viewport).open(DEPT)
    region = page.locator('.table-scroll:has(table[aria-label="收入总表"])')
    region.scroll_into_view_if_needed()
    before = page.evaluate(_BOXES, "收入总表")
    assert before["scroll"][2] > 200, before  # 19 columns: wider than the region at both widths
    region.evaluate("r => { r.scrollLeft = 200; }")
    after = page.evaluate(_BOXES, "收入总表")
    assert after["scroll"][0] == pytest.approx(200, abs=2)
    assert after["first"][0] == pytest.approx(after["region"][0], abs=2)  # the code stays at the left edge
    assert after["second"][0] == pytest.approx(after["first"][2], abs=2)  # the name stays right of it
    assert after["figure"][0] == pytest.approx(before["figure"][0] - 200, abs=2)  # the figures scrolled
    assert after["head"][0] == pytest.approx(before["head"][0] - 200, abs=2)
    page.screenshot(path=str(ARTIFACTS / f"table-scrolled-{viewport['width']}.png"))


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1366", "390"])
def test_header_rows_stay_when_a_long_table_scrolls_down(watched: Any, viewport: dict[str, int]) -> None:
    page = watched(viewport=viewport).open(DEPT)
    label = page.evaluate("""() => [...document.querySelectorAll('table.budget-table')].map(t => t.closest('.table-scroll'))
      .filter(r => r.scrollHeight > r.clientHeight + 100).map(r => r.querySelector('table').getAttribute('aria-label'))[0]""")
    assert label, "no table taller than its region"
    page.locator(f'.table-scroll:has(table[aria-label="{label}"])').scroll_into_view_if_needed()
    page.evaluate("""label => document.querySelector(`table.budget-table[aria-label="${label}"]`)
      .closest('.table-scroll').scrollTop = 100""", label)
    boxes = page.evaluate("""label => {
      const t = document.querySelector(`table.budget-table[aria-label="${label}"]`);
      const b = e => e.getBoundingClientRect();
      return [b(t.closest('.table-scroll')).top, b(t.tHead.rows[0].cells[0]).top, t.closest('.table-scroll').scrollTop];
    }""", label)
    assert boxes[2] == pytest.approx(100, abs=2)
    assert boxes[1] == pytest.approx(boxes[0], abs=2), boxes  # the header row at the top of the region


def test_tab_reaches_each_table_region_by_its_name(watched: Any) -> None:
    page = watched().open(DEPT)
    page.locator("#table-income-summary a.headerlink").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => [document.activeElement.getAttribute('role'), document.activeElement.tabIndex,
      document.activeElement.getAttribute('aria-label'), !!document.activeElement.querySelector('table.budget-table')]""")
    assert focused == ["region", 0, "表格：收入总表", True]
    names = page.evaluate("""() => [...document.querySelectorAll('table.budget-table')].map(t =>
      [t.getAttribute('aria-label'), t.closest('[role=region]').getAttribute('aria-label')])""")
    assert len(names) >= 11 and all(region == f"表格：{label}" for label, region in names)
