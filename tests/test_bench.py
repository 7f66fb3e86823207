"""The benchmark works (not timed): the synthetic district validates and chains, bench/run --tiny reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.check.validate import validate_paths
from generator.core import totals

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("district")
    synth.generate(out, departments=3, years=2)
    return out


def test_synthetic_district_validates_without_problems(district: Path) -> None:
    report = validate_paths([district], root=district)
    assert report.files == 6
    assert [(p.slug, p.file, p.line) for p in report.problems] == []


def test_synthetic_district_is_seed_shaped(district: Path) -> None:
    b = validate_paths([district / "2023" / "900001.yaml"]).budgets[0].budget
    assert len(b.expenditure) == 20
    assert len(b.basic_by_economic) + len(b.project_by_economic) == 30
    assert len(b.projects) == 10
    assert len([t for t in b.performance_targets if t.covers.project]) == 10
    assert "30214" in {x.code for x in b.project_by_economic}  # 租赁费, the benchmark's search term


def test_priors_chain_from_previous_year(district: Path) -> None:
    old = validate_paths([district / "2022" / "900002.yaml"]).budgets[0].budget
    new = validate_paths([district / "2023" / "900002.yaml"]).budgets[0].budget
    for a, b in zip(old.expenditure, new.expenditure, strict=True):
        assert b.general_budget is not None and b.general_budget.prior == totals.line_total(a)
    for a, b in zip(old.basic_by_economic, new.basic_by_economic, strict=True):
        assert b.prior == totals.economic_amount(a)
    assert new.operating_costs.prior == old.operating_costs.amount


def test_generation_is_deterministic(tmp_path: Path, district: Path) -> None:
    synth.generate(tmp_path, departments=3, years=2)
    for path in district.rglob("*.yaml"):
        assert (tmp_path / path.relative_to(district)).read_bytes() == path.read_bytes()


def test_bumped_file_still_reconciles(tmp_path: Path) -> None:
    synth.generate(tmp_path, departments=1, years=1)
    path = tmp_path / "2023" / "900000.yaml"
    before = path.read_bytes()
    synth.bump_file(path, cents=100)
    assert path.read_bytes() != before
    report = validate_paths([tmp_path], root=tmp_path)
    assert report.errors == []


def test_synth_refuses_budgets_dir() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), str(ROOT / "budgets" / "9999")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert not (ROOT / "budgets" / "9999").exists()


def test_bench_run_tiny_writes_results(tmp_path: Path) -> None:
    proc = subprocess.run([str(ROOT / "bench" / "run"), "--tiny", "--no-browser", "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert {"nproc", "memory_gb", "cpu", "versions", "date"} <= results["machine"].keys()
    (size,) = results["sizes"]
    assert size["department_years"] == 3
    assert size["validate"]["errors"] == 0
    for stage in ("validate", "render", "rerender", "site", "resite", "pdf"):
        assert {"seconds", "peak_mb", "cpu_seconds"} <= size[stage].keys()
    assert size["render"]["seconds_unchanged"] > 0
    pdf = size["pdf"]
    assert (pdf["printed"], pdf["files"]) == (3, 3) and pdf["bytes"] > 3 * 10_000
    assert (pdf["rebuild_printed"], pdf["rebuild_reused"]) == (1, 2)  # only the changed department-year is printed again
    inc = size["render"]["incremental"]
    assert inc["untouched_kept_mtime"] is True
    # Only the touched department-year and the pages that show its totals are rewritten.
    assert inc["changed_count"] >= 2
    assert all(f.startswith("2023/900000/") or f in {"index.md", "2023/index.md", "datasets.json"}
               for f in inc["changed_files"])
    site = size["site"]
    assert site["pages"] > 0 and site["avg_page_bytes"] > 0
    assert (tmp_path / "RESULTS.md").is_file()
    assert not (ROOT / "budgets" / "2023" / "900000.yaml").exists()
