"""Budget files of a git revision, or of the working tree, read into memory.

This is the I/O edge of ``diff``: it runs ``git ls-tree`` and ``git cat-file --batch`` and
returns ``{path relative to the repository root: text}``; nothing is checked out or written.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from generator.core.errors import GeneratorError
from generator.load.loader import decode as loader_decode

BUDGETS_DIR = "budgets"
Files = dict[str, str]


class GitError(GeneratorError):
    """A git command failed: not a repository, unknown revision, git missing."""


class NoBudgetsDir(GitError):
    """The revision (or the working tree) has no budgets directory at the given prefix."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("找不到 git 命令，请先安装 git") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        command = next(a for a in args if not a.startswith("-"))
        raise GitError(f"git {command} 失败：{detail[0] if detail else done.returncode}")
    return done.stdout


def repo_root(start: Path) -> Path:
    """The top of the git work tree containing ``start``."""
    return Path(_git(start, "rev-parse", "--show-toplevel").decode("utf-8").strip())


def is_budget_path(path: str, prefix: str = BUDGETS_DIR) -> bool:
    """Same selection as ``generator.check.files.budget_files``: ``*.yaml`` under the prefix, no hidden or ``_`` parts."""
    parts = PurePosixPath(path).parts
    prefix_parts = PurePosixPath(prefix).parts
    if parts[: len(prefix_parts)] != prefix_parts or not path.endswith(".yaml"):
        return False
    return not any(p.startswith((".", "_")) for p in parts[len(prefix_parts) :])


decode = loader_decode  # one UTF-8 policy for files on disk and in git


def revision_files(root: Path, rev: str, prefix: str = BUDGETS_DIR) -> dict[str, bytes]:
    """Raw bytes of every budget file in ``rev``, read from the object store."""
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"找不到 git 版本“{rev}”（不是提交、分支或标签，或当前目录不在 git 仓库中）") from None
    listing = _git(root, "--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix)
    if not listing:
        raise NoBudgetsDir(f"git 版本“{rev}”中没有预算目录 {prefix}/")
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode != "120000" and is_budget_path(path, prefix):
            entries.append((path, sha))
    if not entries:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{sha}\n" for _, sha in entries).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for path, _sha in entries:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        start = header_end + 1
        blobs[path] = out[start : start + size]
        pos = start + size + 1  # content is followed by a newline
    return dict(sorted(blobs.items()))


def worktree_files(root: Path, prefix: str = BUDGETS_DIR) -> dict[str, bytes]:
    """Raw bytes of every budget file on disk under ``root/prefix`` (tracked or not)."""
    base = root / prefix
    if not base.is_dir():
        raise NoBudgetsDir(f"工作区中没有预算目录 {prefix}/")
    out: dict[str, bytes] = {}
    for path in sorted(base.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and is_budget_path(rel, prefix):
            out[rel] = path.read_bytes()
    return out


def changed_since_head(root: Path, paths: list[str]) -> set[str]:
    """Which of ``paths`` (relative to ``root``) differ between HEAD and the working tree."""
    if not paths:
        return set()
    out = _git(root, "--literal-pathspecs", "diff", "--name-only", "-z", "HEAD", "--", *paths)
    return {name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name}


def head_file(root: Path, path: str) -> bytes:
    """The bytes of ``path`` (relative to ``root``) as committed in HEAD."""
    return _git(root, "cat-file", "blob", f"HEAD:{path}")
