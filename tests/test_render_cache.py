"""The render cache: a rebuild takes unchanged departments from disk, byte for byte what rendering them gives, and
renders again whatever a changed file, code list or generator touches; a planted entry cannot run code."""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import pytest

from generator.core.errors import ValidationFailed
from generator.publish import cache, parallel
from generator.publish.pages import OUTCOME_CLASSES, Renderer
from generator.publish.site import build_site, page_environment
from generator.publish.sync import render_tree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402


@pytest.fixture
def district(tmp_path: Path) -> Path:
    synth.generate(tmp_path / "budgets", departments=3, years=2)
    return tmp_path / "budgets"


def _render(budgets: Path, folder: Path | None) -> tuple[dict[str, bytes], Renderer]:
    renderer = Renderer(budgets, workers=1, cache_dir=folder)
    return renderer.render(), renderer


def test_a_rebuild_reuses_every_unchanged_department_byte_for_byte(district: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    cold, first = _render(district, folder)
    assert first.reused == 0
    assert len(list(folder.glob("*.pickle"))) == 3  # one entry per department
    warm, second = _render(district, folder)
    assert second.reused == 3
    assert warm == cold
    assert warm == _render(district, None)[0]  # and both are what rendering without a cache gives


def test_a_changed_file_is_rendered_again_and_its_downloads_change(district: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    before, _ = _render(district, folder)
    path = sorted(district.rglob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    name = text.split("  name: ", 1)[1].split("\n", 1)[0]
    path.write_text(text.replace(f"  name: {name}\n", f"  name: {name}改\n", 1), encoding="utf-8")
    after, renderer = _render(district, folder)
    assert renderer.reused == 2  # the other two departments
    assert after == _render(district, None)[0]
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    year, code = path.parent.name, path.stem
    assert f"{year}/{code}/index.md" in changed
    assert f"{year}/{code}/data/budget.json" in changed  # a changed YAML changes its downloads
    assert len(list(folder.glob("*.pickle"))) == 3  # the replaced entry is pruned


def test_a_changed_code_list_renders_everything_again(district: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _render(district, folder)
    (district / "_codes").mkdir()
    (district / "_codes" / "2020.yaml").write_text("function: []\neconomic: []\n", encoding="utf-8")
    assert _render(district, folder)[1].reused == 0


def test_a_failed_render_keeps_the_cache(district: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _render(district, folder)
    entries = sorted(folder.glob("*.pickle"))
    year = sorted(p for p in district.iterdir() if p.name.isdigit())[0]
    (year / "broken.yaml").write_text("department: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        _render(district, folder)
    assert set(entries) <= set(folder.glob("*.pickle"))  # nothing pruned by a build that failed


class _Planted:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch planted",))


def test_a_planted_entry_is_not_run_but_rendered_again(district: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cache"
    cold, _ = _render(district, folder)
    for entry in folder.glob("*.pickle"):
        entry.write_bytes(pickle.dumps(_Planted()))
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        cache.loads(pickle.dumps(_Planted()), OUTCOME_CLASSES)
    warm, renderer = _render(district, folder)
    assert renderer.reused == 0
    assert warm == cold
    assert not (tmp_path / "planted").exists()


def test_render_keeps_its_cache_beside_the_output_unless_told_not_to(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = render_tree(district, out)
    assert first.written > 0
    assert len(list(cache.cache_dir(out).glob("*.pickle"))) == 3
    again = render_tree(district, out)
    assert (again.written, again.unchanged) == (0, first.written)
    other = tmp_path / "other"
    render_tree(district, other, use_cache=False)
    assert not cache.cache_dir(other).exists()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("from_pages", [1, parallel.PARALLEL_FROM])  # department pages built in workers, or not
def test_a_site_rebuilt_from_the_cache_is_the_site_built_without_it(district: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   from_pages: int) -> None:
    monkeypatch.chdir(ROOT)  # mkdocs.yml and the theme
    monkeypatch.setattr(parallel, "PARALLEL_FROM", from_pages)
    reused: list[int] = []
    on_env = parallel.ParallelPages.on_env

    def counting(self: parallel.ParallelPages, env: object, **kwargs: object) -> object:
        reused.append(len(self.cached))
        return on_env(self, env, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel.ParallelPages, "on_env", counting)
    out = tmp_path / "site"
    build_site(district, out, pdf=False)
    before = _tree(out)
    path = sorted(district.glob("*/900000.yaml"))[-1]  # the newest year of a department
    synth.bump_file(path, cents=100)  # one more yuan: its totals, its year's and the home page's change
    build_site(district, out, pdf=False)
    pages = sum(1 for rel in before if rel[0].isdigit() and rel.count("/") == 2 and rel.endswith("/index.html"))
    # Built again: the department's two pages (each year's page charts every year); the others came from the cache,
    # though the home and year pages changed (the navigation names them itself).
    assert pages == 6 and reused == [0, pages - 2]
    after = _tree(out)
    assert after["index.html"] != before["index.html"]
    assert after[f"{path.parent.name}/index.html"] != before[f"{path.parent.name}/index.html"]
    build_site(district, tmp_path / "reference", pdf=False, use_cache=False)
    assert after == _tree(tmp_path / "reference")


def test_an_allowed_module_cannot_lend_another_name() -> None:
    """Protocol 4 resolves dotted names: ``generator.publish.site`` + ``subprocess.Popen`` would be a class that runs
    a program. Only the exact (module, name) pairs a store lists are classes an entry may hold."""
    planted = (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00"
               b"\x8c\x16generator.publish.site\x8c\x10subprocess.Popen\x93"
               b"\x8c\x04true\x85R.")
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        cache.loads(planted, OUTCOME_CLASSES | {("generator.publish.site", "subprocess")})
    with pytest.raises(pickle.UnpicklingError, match="refused"):  # and nothing is imported for an entry
        cache.loads(b"\x80\x04\x8c\x12generator.__main__\x8c\x04main\x93.", frozenset({("generator.__main__", "main")}))


def test_a_cached_outcome_cannot_place_files_outside_its_department(district: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    cold, _ = _render(district, folder)
    entry = sorted(folder.glob("*.pickle"))[0]
    outcome = cache.loads(entry.read_bytes(), OUTCOME_CLASSES)
    outcome.files["../../escaped.md"] = b"x"
    entry.write_bytes(cache.dumps(outcome))
    warm, renderer = _render(district, folder)
    assert renderer.reused == 2 and warm == cold  # the tampered entry was rendered again


def test_a_cache_that_cannot_be_written_or_listed_only_costs_time(district: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    files, renderer = _render(district, blocked / "cache")  # cannot be created
    assert files == _render(district, None)[0] and renderer.reused == 0
    files, renderer = _render(district, blocked)  # cannot be listed
    assert files == _render(district, None)[0] and renderer.reused == 0
    assert blocked.read_text(encoding="utf-8") == ""


def test_pages_are_built_again_when_the_site_address_changes(monkeypatch: pytest.MonkeyPatch, district: Path,
                                                             tmp_path: Path) -> None:
    """mkdocs.yml reads site_url from SITE_URL: every page's canonical link shows it."""
    from mkdocs.config import load_config

    monkeypatch.chdir(ROOT)
    digests = set()
    for url in ("", "https://budget.example.org/"):
        monkeypatch.setenv("SITE_URL", url)
        config = load_config(str(ROOT / "mkdocs.yml"), docs_dir=str(tmp_path))  # (a build has its own docs_dir)
        digests.add(page_environment(district, {}, config))
    assert len(digests) == 2


def test_outcomes_with_problems_come_from_the_cache_too(tmp_path: Path) -> None:
    """The repository's budgets (the seed and Shanghai's two years) carry warnings: their outcomes are cached whole."""
    cold, first = _render(ROOT / "budgets", tmp_path / "cache")
    warm, second = _render(ROOT / "budgets", tmp_path / "cache")
    assert first.problems and second.reused == 2 and warm == cold  # two departments
    assert [(p.slug, p.file, p.line) for p in second.problems] == [(p.slug, p.file, p.line) for p in first.problems]
