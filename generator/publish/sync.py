"""Writing the rendered files: a whole new tree swapped in at once, or a tree updated in place.

``render_tree`` (``generator render --out``) writes the whole new tree next to the output and
swaps it in at once (see :mod:`generator.publish.outputs`): files whose bytes did not change are
hard links to the previous ones, so they keep their modification time. ``sync`` instead updates a
tree in place, file by file (the preview's private sources, where nobody else reads a
half-updated tree).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import GeneratorError
from generator.publish import cache, outputs
from generator.publish.pages import render_all


@dataclass
class RenderResult:
    written: int
    unchanged: int
    removed: int


def sync(files: dict[str, bytes], out: Path, known: dict[str, bytes] | None = None) -> RenderResult:
    """Make ``out`` hold exactly ``files`` (and the build marker), rewriting only what changed.

    ``known`` (kept by a long-running preview) remembers what was last written, so unchanged
    files are recognised without reading them back, and after the first sync (which walks ``out``)
    only the files it lists are looked at for removal. A non-empty ``out`` without the marker is
    refused: this deletes every file it did not produce.
    """
    if out.is_dir() and any(out.iterdir()) and not outputs.has_marker(out):
        raise GeneratorError(f"拒绝更新 {out}：这个目录不是本工具生成的（没有 {outputs.MARKER} 标记）")
    out.mkdir(parents=True, exist_ok=True)
    if not outputs.has_marker(out):
        outputs.mark(out)
    written = unchanged = removed = 0
    # ``known`` lists every file of ``out`` once a first sync has filled it: only those it lists can be stale.
    listed = bool(known)
    for rel, data in sorted(files.items()):
        if known is not None and known.get(rel) is data:
            unchanged += 1
            continue
        target = out / rel
        if target.is_file() and target.read_bytes() == data:
            unchanged += 1
            if known is not None:
                known[rel] = data
            continue
        if known is not None:
            known[rel] = data
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        written += 1
    if known is not None and listed:
        for rel in sorted(set(known) - set(files), reverse=True):
            del known[rel]
            path = out / rel
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
            for parent in path.parents:  # the directories it leaves empty
                if parent == out or not parent.is_dir() or any(parent.iterdir()):
                    break
                parent.rmdir()
        return RenderResult(written, unchanged, removed)
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if rel == outputs.MARKER:
            continue
        if (path.is_file() or path.is_symlink()) and rel not in files:
            path.unlink()
            removed += 1
        elif path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
    return RenderResult(written, unchanged, removed)


def replace_tree(files: dict[str, bytes], out: Path, kind: str = "render") -> RenderResult:
    """Write ``files`` as a new tree next to ``out`` and swap it in (``out`` must have passed outputs.prepare).

    A file whose bytes are unchanged is hard-linked from the old tree (copied with its times
    where links are impossible), so it keeps its modification time.
    """
    written = unchanged = 0
    with outputs.workdir(out, kind) as work:
        new = work / "tree"
        new.mkdir()
        # Plain os calls on strings, each directory made once: a district is some 15,000 files.
        new_s, out_s, had_out = str(new), str(out), out.is_dir()
        made: set[str] = set()
        for rel, data in sorted(files.items()):
            target, old = os.path.join(new_s, rel), os.path.join(out_s, rel)
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            if had_out and _same_file(old, data):
                try:
                    os.link(old, target)
                except OSError:
                    shutil.copy2(old, target)
                unchanged += 1
            else:
                Path(target).write_bytes(data)
                written += 1
        try:  # the marker too keeps its time when it is unchanged
            if (out / outputs.MARKER).read_text(encoding="utf-8") != outputs.MARKER_TEXT:
                raise OSError
            os.link(out / outputs.MARKER, new / outputs.MARKER)
        except (OSError, UnicodeDecodeError):
            outputs.mark(new)
        removed = 0
        if out.is_dir():
            removed = sum(1 for p in out.rglob("*") if (p.is_file() or p.is_symlink())
                          and p.relative_to(out).as_posix() not in files and p.name != outputs.MARKER)
        outputs.swap_in(new, out, work / "old")
    return RenderResult(written, unchanged, removed)


def _same_file(path: str, data: bytes) -> bool:
    """A regular file (not a link) holding exactly ``data``."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
        return False
    with open(path, "rb") as fh:
        return fh.read() == data


def render_tree(budgets_dir: Path, out: Path, source_base: str | None = None, workbooks: bool = False,
                use_cache: bool = True) -> RenderResult:
    """``generator render --out``: refuse an output that is not ours, render everything, swap the tree in.

    The Excel workbooks (``budget.xlsx``, half the rendering time) are left to ``site`` unless ``workbooks``.
    ``use_cache``: departments whose files (and the generator) are unchanged since the last render into ``out``
    are taken from its cache (:mod:`generator.publish.cache`) instead of being rendered again."""
    target = outputs.prepare(out, budgets_dir)
    found = cache.cache_dir(target) if use_cache else None
    return replace_tree(render_all(budgets_dir, source_base, workbooks=workbooks, cache_dir=found), target)
