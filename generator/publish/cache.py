"""What a department's render gave, kept on disk between builds and found again by content.

``render`` and ``site`` keep, beside their output (``.build-cache-<output name>/``), the outcome of each group of
budget files (:class:`generator.publish.pages.Outcome`: its problems, index figures and files, workbooks
included) under a key made of everything the outcome depends on:

- the group's files (name, bytes, source link) and the build's flags (publishing, workbooks, PDF links);
- :func:`environment`: every file of the ``generator`` package (code, templates, profiles, the code reference),
  the repository's own code lists (``_codes/``), the Python version and every installed distribution's version.

So a rebuild after a pull request that changed one department checks and renders that department only, and a
change anywhere in the generator renders everything again. Entries not used by a successful build are removed.

An entry is a pickle written by this module; it is read by an unpickler that accepts only the few classes its
store names (already imported; no function, no import), so a planted file cannot run code, and its users check
what they read (a department's files stay under its own directory). An entry that cannot be read or does not
check is made again, never an error; a cache that cannot be written or listed only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import inspect
import io
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from generator.load.codes import CODES_DIR
from generator.publish.outputs import PACKAGE

VERSION = b"1"  # bump when the entry format changes


def cache_dir(out: Path, kind: str = "build") -> Path:
    """Where a cache of builds into ``out`` is kept (``.build-cache-<name>``, the PDFs' ``.pdf-cache-<name>``):
    beside it, never inside the tree that is swapped in."""
    return out.parent / f".{kind}-cache-{out.name}"


def _tree_digest(digest: Any, root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:  # reported where it is read (an unreadable code list is a located problem)
                digest.update(os.urandom(16))  # and never matches a stored entry


def environment(budgets_dir: Path) -> bytes:
    """Everything besides a group's own files that its outcome depends on, as one digest."""
    digest = hashlib.sha256(VERSION + b"\0" + sys.version.encode() + b"\0")
    versions = sorted({(d.metadata["Name"] or "", d.version) for d in importlib.metadata.distributions()})
    digest.update(repr(versions).encode())
    _tree_digest(digest, PACKAGE)
    root = budgets_dir.resolve()
    digest.update(str(root).encode() + b"\0")
    folders = {root / CODES_DIR, root.parent / CODES_DIR, *root.rglob(CODES_DIR)}
    for folder in sorted(f for f in folders if f.is_dir()):
        digest.update(str(folder).encode() + b"\0")
        _tree_digest(digest, folder)
    return digest.digest()


class _Restricted(pickle.Unpickler):
    """Only the classes ``allowed`` names, as ``(module, name)``, from modules already imported: an entry can
    neither name a function nor make Python import anything."""

    def __init__(self, data: bytes, allowed: frozenset[tuple[str, str]]) -> None:
        super().__init__(io.BytesIO(data))
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        found = getattr(sys.modules.get(module), name, None) if (module, name) in self.allowed else None
        if not inspect.isclass(found):
            raise pickle.UnpicklingError(f"refused global {module}.{name}")
        return found


def loads(data: bytes, allowed: frozenset[tuple[str, str]]) -> Any:
    """An entry's value, made of plain values and the classes ``allowed`` names."""
    return _Restricted(data, allowed).load()


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class Store:
    """A directory of entries named by key (hex), each written whole (temporary file, then renamed)."""

    def __init__(self, folder: Path, allowed: frozenset[tuple[str, str]]) -> None:
        self.folder = folder
        self.allowed = allowed  # the classes an entry may hold, as (module, name)
        self.used: set[str] = set()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        """The entry's value, or None when there is none or it cannot be read."""
        self.used.add(key)
        try:
            return loads(self._path(key).read_bytes(), self.allowed)
        except Exception:  # whatever is wrong with an entry, it is made again
            return None

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` (from :func:`dumps`); a cache that cannot be written only costs time."""
        self.used.add(key)
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self._path(key))
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def prune(self) -> int:
        """Remove the entries this build did not use; how many were removed."""
        removed = 0
        stale = time.time() - 3600  # a temporary file of a build killed an hour ago or more
        try:
            entries = list(self.folder.iterdir())
        except OSError:  # no cache yet, or one that cannot be listed: nothing to remove
            return 0
        for path in entries:
            unused = path.name.endswith(".pickle") and path.name.removesuffix(".pickle") not in self.used
            if unused or (path.name.startswith(".tmp-") and _mtime(path) < stale):
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def key(environment_digest: bytes, *parts: Any) -> str:
    digest = hashlib.sha256(environment_digest)
    digest.update(repr(parts).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
