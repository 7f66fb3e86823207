"""Pages across departments and years: year index, district rollup, trend, dataset index, incremental sync."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from support import seed_and_second

from generator.authoring.scaffold import scaffold_text
from generator.publish.pages import render_all
from generator.publish.sync import sync

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "budgets" / "2023" / "63002.yaml"


@pytest.fixture
def district(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed, a second department (same figures, other code), and a scaffolded 2024 for the seed.

    The 2024 file is an unfilled draft, which ``site``/``render`` refuse to publish; the tests below
    render the district as the preview does (``publishing=False``).
    """
    monkeypatch.chdir(ROOT)
    budgets = tmp_path / "budgets"
    seed_and_second(budgets)
    (budgets / "2024").mkdir()
    (budgets / "2024" / "63002.yaml").write_text(scaffold_text(budgets / "2023" / "63002.yaml", 2024),
                                                 encoding="utf-8")
    return budgets


def test_scaffold_drops_last_years_errata(district: Path) -> None:
    assert "errata" not in (district / "2024" / "63002.yaml").read_text(encoding="utf-8")


def test_year_page_lists_departments_with_district_rollup(district: Path) -> None:
    files = render_all(district, publishing=False)
    year = files["2023/index.md"].decode()
    assert "[哈尔滨市道里区社会保险经办服务中心](63002/index.md)" in year
    assert "[道里区测试中心](63003/index.md)" in year
    assert "全区汇总：按支出功能分类（类）" in year
    # two departments with the seed's figures: 208 社会保障和就业支出 = 2 × 938.32
    assert f"| 208 | 社会保障和就业支出 | {2 * Decimal('938.32')} |" in year
    assert f"| 302 | 商品和服务支出 | {2 * (Decimal('31.32') + Decimal('745.29'))} |" in year
    single = files["2024/index.md"].decode()
    assert "全区汇总" not in single  # one department: nothing to roll up


def test_trend_chart_only_with_several_years(district: Path) -> None:
    files = render_all(district, publishing=False)
    assert "历年支出预算" in files["2024/63002/index.md"].decode()
    assert "历年支出预算" not in files["2023/63003/index.md"].decode()


def test_dataset_index_lists_every_department_year(district: Path) -> None:
    data = json.loads(render_all(district, publishing=False)["datasets.json"])
    keys = {(d["year"], d["department_code"]) for d in data["datasets"]}
    assert keys == {(2023, "63002"), (2023, "63003"), (2024, "63002")}
    seed = next(d for d in data["datasets"] if d["department_code"] == "63002" and d["year"] == 2023)
    assert seed["total"] == "977.40" and seed["tables"]["projects"]["csv"] == "2023/63002/data/projects.csv"


def test_incremental_sync_rewrites_only_what_changed(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = sync(render_all(district, publishing=False), out)
    assert first.written > 0 and first.unchanged == 0
    stamp = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    for p in stamp:
        os.utime(p, ns=(1, 1))  # make any rewrite visible
    again = sync(render_all(district, publishing=False), out)
    assert (again.written, again.removed) == (0, 0)
    path = district / "2023" / "63003.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reason: 压减经费", "reason: 压减租赁经费"),
                    encoding="utf-8")
    changed = sync(render_all(district, publishing=False), out)
    rewritten = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.stat().st_mtime_ns != 1}
    assert changed.written == len(rewritten) > 0
    assert all(r.startswith("2023/63003/") for r in rewritten), rewritten


def test_a_preview_sync_removes_what_it_wrote_and_no_longer_has(tmp_path: Path) -> None:
    """With ``known`` (the preview's memory of what it wrote) a file no longer rendered is removed, and the
    directory it leaves empty, without walking the whole tree again."""
    out, known = tmp_path / "out", {}
    a, b, c = b"a", b"b", b"c"
    sync({"2023/x/index.md": a, "2023/y/index.md": b, "2023/y/data/t.csv": c}, out, known)
    stray = out / "2023" / "stray.md"  # not the preview's: a full walk would remove it, the known list does not see it
    stray.write_text("", encoding="utf-8")
    result = sync({"2023/x/index.md": a}, out, known)
    assert (result.written, result.unchanged, result.removed) == (0, 1, 2)
    assert not (out / "2023" / "y").exists() and stray.exists() and set(known) == {"2023/x/index.md"}


def test_published_workbook_imports_back_to_the_same_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site's budget.xlsx carries the YAML as written, and import-xlsx reads the same model back."""
    from generator.excel.importer import import_workbook
    from generator.load.budget import parse_budget
    from generator.load.loader import load

    monkeypatch.chdir(ROOT)
    files = render_all(ROOT / "budgets")
    path = tmp_path / "budget.xlsx"
    path.write_bytes(files["2023/63002/data/budget.xlsx"])
    budget, problems = import_workbook(path)
    seed, _ = parse_budget(load(SEED))
    assert not [p for p in problems if p.severity.value == "error"], problems
    assert budget.model_dump() == seed.model_dump()  # type: ignore[union-attr]


def test_code_passes_lint_and_type_check() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "ruff", "check", "generator", "tests", "bench"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    typed = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)  # [tool.mypy]
    assert typed.returncode == 0, typed.stdout + typed.stderr


def test_invalid_budget_leaves_the_previous_site_untouched(district: Path, tmp_path: Path) -> None:
    """An error stops the build before anything is written: the published site stays as it was."""
    from support import run_cli

    out = tmp_path / "site"
    out.mkdir()
    (out / ".budget-build").write_text("", encoding="utf-8")  # a site the tool built
    (out / "index.html").write_text("previous site", encoding="utf-8")
    path = district / "2023" / "63003.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("personnel: 140.71", "personnel: 140.72"), encoding="utf-8")
    result = run_cli("site", "--budgets", district, "--out", out, cwd=ROOT)
    assert result.code == 1, result.explain()
    assert "Traceback" not in result.output and "fund-balance-mismatch" in result.output, result.explain()
    assert sorted(p.name for p in out.iterdir()) == [".budget-build", "index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous site"


def test_csv_text_cannot_become_a_spreadsheet_formula(tmp_path: Path) -> None:
    from generator.derive.tables import Column, Row, Table
    from generator.publish.downloads import table_csv

    rows = [Row(['=HYPERLINK("http://x","y")', Decimal("-1.50")]), Row(["@SUM(A1)", Decimal("2")]),
            Row(["水费", Decimal("0")])]
    table = Table("t", [Column(("项目名称",), "text"), Column(("金额",))], rows)
    text = table_csv(table).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-1.50", "'@SUM(A1),2.00", "水费,0.00"]


def test_serve_previews_and_rerenders_after_a_save(district: Path) -> None:
    """`generator serve` shows the budgets and picks up a saved YAML without a restart."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--budgets", str(district),
                             "--addr", f"127.0.0.1:{port}"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/2023/63003/"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            return ""

    def wait_for(text: str, seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if text in page():
                return True
            time.sleep(0.2)
        return False

    try:
        assert wait_for("压减经费", 120), "preview did not come up"
        path = district / "2023" / "63003.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("reason: 压减经费", "reason: 压减房租"),
                        encoding="utf-8")
        assert wait_for("压减房租", 30), "preview did not pick up the saved YAML"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_built_site_never_runs_markup_from_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end through MkDocs and the theme (titles, navigation, search box): YAML text stays text."""
    import sys

    from support import run_cli

    sys.path.insert(0, str(ROOT / "tests"))
    from test_render import HOSTILE, _hostile_everywhere

    budgets = tmp_path / "budgets" / "2023"
    budgets.mkdir(parents=True)
    (budgets / "63002.yaml").write_text(_hostile_everywhere(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp_path / "site"
    result = run_cli("site", "--budgets", tmp_path / "budgets", "--out", out, cwd=ROOT)
    assert result.code == 0, result.explain()
    pages = list(out.rglob("*.html"))
    assert pages
    for page in pages:
        assert "<script>alert(1)" not in page.read_text(encoding="utf-8"), page
    dept = (out / "2023" / "63002" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dept and HOSTILE not in dept
