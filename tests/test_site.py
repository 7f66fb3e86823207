"""The built site: the search index is Pagefind's chunked one, and the page-weight benchmark works."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, run_cli


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = run_cli("site", "--out", out, timeout=600)
    assert result.code == 0, result.explain()
    return out


def test_search_index_holds_the_disclosures_only(built: Path) -> None:
    """Citizens search disclosures: the editors' guide and the 404 page are not indexed."""
    import json

    entries = json.loads((built / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language,) = entries["languages"].values()
    # home, then each year page and each department-year's page and errata page (every budget has errata)
    disclosures = ["index.html"] + [p.relative_to(built).as_posix() for p in sorted(built.glob("[0-9]*/**/*.html"))]
    assert len(disclosures) == 1 + 3 + 3 + 3, disclosures  # 2023 (Harbin seed), 2024 and 2025 (Shanghai)
    assert language["page_count"] == len(disclosures)
    assert (built / "guide" / "index.html").is_file()


def test_search_index_is_chunked_pagefind(built: Path) -> None:
    assert (built / "pagefind" / "pagefind.js").is_file()
    chunks = list((built / "pagefind" / "index").glob("*.pf_index"))
    fragments = list((built / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert chunks and len(fragments) >= 3  # home, year, department at least
    # Material's single index is not built, and no page asks Material's bundle to fetch it
    assert not (built / "search" / "search_index.json").exists()
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<form[^>]*name=\"search\"", html), page
        if "md-header" in html:
            assert "data-pagefind-search" in html, page


def test_department_page_has_search_box_and_source_link(built: Path) -> None:
    html = (built / "2023" / "63002" / "index.html").read_text(encoding="utf-8")
    assert 'class="md-search__input"' in html
    assert re.search(r'href="[^"]*/blob/main/budgets/2023/63002\.yaml"[^>]*rel="edit"', html)
    assert 'data-md-component="source"' not in html  # would fetch repository facts from api.github.com


@pytest.mark.browser
def test_page_weight_benchmark_reports_and_enforces_its_limit(built: Path) -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("缺少 /usr/bin/chromium：运行 bash scripts/install-system-deps.sh")
    script = ROOT / "bench" / "page_weight.py"

    def run(limit: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(script), "--site", str(built), "--limit-kb", str(limit)],
                              cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)

    ok = run(100_000)
    assert ok.returncode == 0, ok.stderr
    html_size = (built / "2023" / "63002" / "index.html").stat().st_size
    assert f"{html_size / 1024:9.1f} KB  html    /2023/63002/" in ok.stdout
    total = re.search(r"([\d.]+) KB  页面合计", ok.stdout)
    assert total and float(total.group(1)) * 1024 > html_size
    assert "/pagefind/" not in ok.stdout  # the index is fetched only when someone searches
    assert run(1).returncode == 1
    # the limit: Material's JavaScript bundle is not loaded on department pages (front matter `lean`)
    within = run(300)
    assert within.returncode == 0, within.stdout + within.stderr
    assert "/bundle." not in within.stdout
