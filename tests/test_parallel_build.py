"""MkDocs builds the department pages in forked workers (generator.publish.parallel): same site, same strictness."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from generator.publish import cache, parallel


def _project(tmp_path: Path, department_page: str) -> Path:
    docs = tmp_path / "docs"
    (docs / "2023" / "a").mkdir(parents=True)
    (docs / "2023" / "b").mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n\n[甲](2023/a/index.md#part-2)\n", encoding="utf-8")
    (docs / "2023" / "index.md").write_text("# 2023年\n", encoding="utf-8")
    (docs / "2023" / "a" / "index.md").write_text(department_page, encoding="utf-8")
    (docs / "2023" / "b" / "index.md").write_text("# 乙\n\n## 第二部分 { #part-2 }\n\n[首页](../../index.md)\n",
                                                  encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nstrict: true\nmarkdown_extensions: [attr_list, toc]\n"
                      "validation: {links: {not_found: warn, anchors: warn}}\n", encoding="utf-8")
    return config


def _build(config: Path, site: Path, workers: int) -> int:
    cfg = load_config(config_file=str(config), site_dir=str(site), strict=True)
    return parallel.build(cfg, workers)


def test_pages_built_by_workers_equal_pages_built_by_mkdocs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    config = _project(tmp_path, "# 甲\n\n## 第二部分 { #part-2 }\n\n<table><tr><td>1</td></tr></table>\n\n"
                                "[乙](../b/index.md#part-2)\n")
    assert _build(config, tmp_path / "one", 1) == 0
    assert _build(config, tmp_path / "two", 2) == 2  # both department pages, in the workers
    # (mkdocs' own theme writes the build time into the home page: the pages under the year are compared)
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one" / "2023").rglob("*.html"))
    assert len(one) == 3
    assert one == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two" / "2023").rglob("*.html"))
    for rel in one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel


@pytest.mark.parametrize("link", ["[缺](missing.md)", "[缺](../b/index.md#no-such-anchor)"])
def test_a_broken_link_in_a_worker_still_fails_strict_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           link: str) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    config = _project(tmp_path, f"# 甲\n\n{link}\n")
    with pytest.raises(Abort, match="strict mode"):
        _build(config, tmp_path / "site", 2)


def _html(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "2023").rglob("*.html")}


def test_department_pages_come_from_the_cache_until_their_source_or_the_environment_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    config = _project(tmp_path, "# 甲\n\n## 第二部分 { #part-2 }\n\n[乙](../b/index.md#part-2)\n")
    store = cache.Store(tmp_path / "cache", parallel.PAGE_CLASSES)

    def build(site: str, environment: bytes = b"env") -> int:
        cfg = load_config(config_file=str(config), site_dir=str(tmp_path / site), strict=True)
        return parallel.build(cfg, 2, cache.Store(store.folder, parallel.PAGE_CLASSES), environment)

    assert build("cold") == 2
    assert len(list(store.folder.glob("*.pickle"))) == 2
    assert build("warm") == 0  # both pages from the cache
    assert _html(tmp_path / "warm") == _html(tmp_path / "cold")
    page_b = tmp_path / "docs" / "2023" / "b" / "index.md"
    page_b.write_text(page_b.read_text(encoding="utf-8").replace("# 乙", "# 乙（改）"), encoding="utf-8")
    assert build("changed") == 1  # only 乙 is built again
    changed = _html(tmp_path / "changed")
    assert "乙（改）" in changed["2023/b/index.html"].decode()
    assert changed["2023/a/index.html"] == _html(tmp_path / "cold")["2023/a/index.html"]
    assert build("other", b"other environment") == 2
    assert len(list(store.folder.glob("*.pickle"))) == 2  # pruned: the entries of the last build only


def test_a_cached_page_with_a_broken_anchor_still_fails_strict_mode(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Anchors are checked after the pages are written: a cached page's links are checked again on every build."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    config = _project(tmp_path, "# 甲\n\n## 第二部分 { #part-2 }\n\n[乙](../b/index.md#part-2)\n")
    folder = tmp_path / "cache"

    def build(site: str) -> int:
        cfg = load_config(config_file=str(config), site_dir=str(tmp_path / site), strict=True)
        return parallel.build(cfg, 2, cache.Store(folder, parallel.PAGE_CLASSES), b"env")

    assert build("cold") == 2
    page_b = tmp_path / "docs" / "2023" / "b" / "index.md"
    page_b.write_text(page_b.read_text(encoding="utf-8").replace("{ #part-2 }", "{ #part-3 }"), encoding="utf-8")
    with pytest.raises(Abort, match="strict mode"):
        build("broken")  # 甲 comes from the cache, its link to 乙's part-2 is checked all the same
