"""The renderer loads, checks and renders one department at a time (all its years together), in worker processes
for a district: the same problems as ``validate``, the same pages as a one-process render."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from generator.authoring.scaffold import scaffold_text
from generator.check import rules
from generator.check.validate import validate_paths
from generator.core.errors import ValidationFailed
from generator.publish import pages
from generator.publish.pages import Renderer

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "budgets" / "2023" / "63002.yaml"
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402


def _key(problems: list) -> list[tuple]:
    return [(p.slug, p.severity.value, p.file, p.line, p.message) for p in problems]


def test_worker_processes_render_exactly_what_one_process_renders(tmp_path: Path) -> None:
    synth.generate(tmp_path / "budgets", departments=6, years=3)  # 18 files: spread over processes
    assert len(list((tmp_path / "budgets").rglob("*.yaml"))) >= pages.PARALLEL_FROM
    parallel = Renderer(tmp_path / "budgets", workers=2)
    serial = Renderer(tmp_path / "budgets", workers=1)
    files = parallel.render()
    assert files == serial.render()
    assert any(name.endswith("/index.md") and "c-trend" in data.decode() for name, data in files.items())
    assert _key(parallel.problems) == _key(serial.problems)


def _misnamed(root: Path) -> Path:
    """The seed as budgets/2023/63002.yaml and its 2024 scaffold filed under another name (a warning):
    the department's two years are in files of different names."""
    (root / "2023").mkdir(parents=True)
    (root / "2024").mkdir()
    shutil.copy(SEED, root / "2023" / "63002.yaml")
    path = root / "2024" / "shebao.yaml"
    path.write_text(scaffold_text(SEED, 2024), encoding="utf-8")
    return path


def test_a_department_split_over_file_names_is_checked_and_charted_whole(tmp_path: Path) -> None:
    root = tmp_path / "budgets"
    _misnamed(root)
    renderer = Renderer(root, publishing=False, workers=1)
    files = renderer.render()
    expected = validate_paths([root], root=tmp_path).problems
    assert _key(renderer.problems) == _key(expected)
    assert "file-path-mismatch" in {p.slug for p in expected}
    assert "c-trend" in files["2024/63002/index.md"].decode()  # the 2023 file's year is in the 2024 trend


def test_a_prior_that_disagrees_across_misnamed_files_stops_the_render(tmp_path: Path) -> None:
    root = tmp_path / "budgets"
    path = _misnamed(root)
    text = path.read_text(encoding="utf-8")
    assert "prior: 170.43" in text
    path.write_text(text.replace("prior: 170.43", "prior: 170.00", 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        Renderer(root, publishing=False, workers=1).render()
    expected = [p for p in validate_paths([root], root=tmp_path).problems if p.severity.value == "error"]
    assert "prior-year-mismatch" in {p.slug for p in expected}
    assert _key(exc.value.problems) == _key(expected)


def test_publishing_problems_match_validate(tmp_path: Path) -> None:
    """A draft blocks publishing: the render refuses with the errors ``validate`` would give when publishing."""
    root = tmp_path / "budgets"
    _misnamed(root)
    with pytest.raises(ValidationFailed) as exc:
        Renderer(root, workers=1).render()
    published = rules.for_publishing(validate_paths([root], root=tmp_path).problems)
    assert _key(exc.value.problems) == _key([p for p in published if p.severity.value == "error"])


def test_a_preview_renders_again_only_the_department_that_changed(tmp_path: Path) -> None:
    synth.generate(tmp_path / "budgets", departments=3, years=2)
    renderer = Renderer(tmp_path / "budgets", workers=1)
    first = renderer.render()
    before = dict(renderer.outcomes)
    changed = sorted((tmp_path / "budgets").rglob("*.yaml"))[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("示例区", "示范区", 1), encoding="utf-8")
    second = renderer.render()
    kept = [key for key in renderer.outcomes if key in before]
    assert len(kept) == len(before) - 1  # the other departments' outcomes were reused, not made again
    assert all(renderer.outcomes[key] is before[key] for key in kept)
    assert first != second
