"""Output directories: which ones a build may replace, and how it replaces them.

Every directory a build creates (`site --out`, `render --out`) holds a marker file,
``.budget-build``. A build refuses an output that is the working directory or one of its
ancestors, the budgets directory, the guide (``docs/``), the package, ``.git`` — or any
existing non-empty directory without the marker — before anything is written.

A build writes its new tree into a private work directory next to the output
(``.site-<pid>-xxxx`` or ``.render-<pid>-xxxx``), then swaps it in. On Linux the swap is one
``renameat2(RENAME_EXCHANGE)`` system call: the output is never missing, not even for a
moment, and a crash leaves either the old tree or the new one. Where the file system does
not support the exchange, the old tree is renamed into the work directory and the new one
renamed into place; if a crash falls between those two renames, the next build restores the
old tree before doing anything else. Work directories of builds that are no longer running
(their process id is dead) are removed by the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from generator.core.errors import GeneratorError

MARKER = ".budget-build"
MARKER_TEXT = "本目录由 python -m generator 生成，下次构建会整个替换它；不要在这里存放其他文件。\n"
KINDS = ("site", "render")
# A work directory: .site-<pid>-<random> or .render-<pid>-<random> (random from tempfile.mkdtemp).
_WORK = re.compile(r"^\.(site|render)-(\d+)-[A-Za-z0-9_]+$")
PACKAGE = Path(str(resources.files("generator")))


def os_reason(exc: OSError) -> str:
    """A short Chinese reason for an operating-system error."""
    if isinstance(exc, socket.gaierror) or (exc.errno or 0) < 0:  # getaddrinfo's EAI_* codes are negative
        return "找不到这个主机名"
    reasons = {
        errno.ENOENT: "路径不存在，或不能在那里创建文件",
        errno.EACCES: "没有权限",
        errno.EPERM: "不允许这样操作",
        errno.EROFS: "文件系统只读",
        errno.ENOSPC: "磁盘空间不足",
        errno.EDQUOT: "超出磁盘配额",
        errno.EISDIR: "这是一个目录",
        errno.ENOTDIR: "路径中有一部分不是目录",
        errno.EEXIST: "已经存在",
        errno.ENOTEMPTY: "目录不是空的",
        errno.ENAMETOOLONG: "文件名太长",
        errno.EBUSY: "正被占用",
        errno.EADDRINUSE: "端口已被占用",
        errno.EADDRNOTAVAIL: "本机没有这个地址",
        errno.EXDEV: "不能跨文件系统移动",
        errno.ELOOP: "符号链接循环",
    }
    if exc.errno in reasons:
        return reasons[exc.errno]
    name = errno.errorcode.get(exc.errno or 0)
    return f"系统错误 {name}" if name else f"系统错误：{exc.strerror or type(exc).__name__}"


def describe_os_error(exc: OSError) -> str:
    """One line: which path, and why (used by the CLI for any unexpected I/O failure)."""
    path = exc.filename if exc.filename is not None else exc.filename2
    where = f"无法读写 {os.fsdecode(path)}" if path is not None else "系统错误"
    return f"{where}：{os_reason(exc)}"


# ---------------------------------------------------------------- which outputs are allowed


def _protected(root: Path, budgets: Path | None) -> list[tuple[Path, str]]:
    found = [(root / "docs", "编辑指南目录 docs/"), (root / "generator", "程序目录 generator/"),
             (root / ".git", "仓库的 .git/ 目录"), (PACKAGE, "程序目录 generator/")]
    if budgets is not None:
        found.insert(0, (budgets, f"预算目录 {budgets}/"))
    return [(p.resolve(), label) for p, label in found]


def has_marker(path: Path) -> bool:
    marker = path / MARKER
    return marker.is_file() and not marker.is_symlink()


def check_output(out: Path, budgets: Path | None = None) -> Path:
    """The resolved output directory, or GeneratorError if a build must not replace it.

    Only paths are looked at; nothing is written or deleted.
    """
    shown = str(out)
    resolved = out.resolve()
    cwd = Path.cwd().resolve()

    def refuse(reason: str) -> GeneratorError:
        return GeneratorError(f"拒绝输出到 {shown}：{reason}；构建会整个替换输出目录，请换一个 --out")

    if cwd == resolved:
        raise refuse("这是当前目录")
    if cwd.is_relative_to(resolved):
        raise refuse("这是当前目录的上级目录")
    for path, label in _protected(cwd, budgets):
        if resolved == path:
            raise refuse(f"这是{label}")
        if path.is_relative_to(resolved):
            raise refuse(f"它包含{label}")
        if resolved.is_relative_to(path):
            raise refuse(f"它在{label}里面")
    if resolved.exists() or resolved.is_symlink():
        if not resolved.is_dir():
            raise refuse("已有同名的文件，不是目录")
        if any(resolved.iterdir()) and not has_marker(resolved):
            raise GeneratorError(
                f"拒绝输出到 {shown}：这个目录不是空的，也不是本工具生成的（没有 {MARKER} 标记），"
                "构建会删除其中的全部文件；确认不再需要后先删除它，或换一个 --out")
    return resolved


def prepare(out: Path, budgets: Path | None = None) -> Path:
    """check_output, after recovering from an interrupted swap and removing dead builds' leftovers."""
    resolved = out.resolve()
    if resolved.parent.is_dir():
        check_output(out, budgets)  # the path rules first: never recover into a forbidden place
        recover(resolved)
    return check_output(out, budgets)


# ---------------------------------------------------------------- leftovers and recovery


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftovers(parent: Path) -> list[Path]:
    """Work directories in ``parent`` whose build is no longer running."""
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            match = _WORK.match(entry.name)
            if match and entry.is_dir(follow_symlinks=False) and not _alive(int(match.group(2))):
                found.append(Path(entry.path))
    return sorted(found)


def _legacy_site(path: Path) -> bool:
    """A site the previous version moved aside as <out>.old (it wrote no marker)."""
    return all((path / name).is_file() for name in ("index.html", "sitemap.xml", "pagefind/pagefind.js"))


def recover(out: Path) -> None:
    """Undo an interrupted swap (restore the old tree if ``out`` is missing), then remove leftovers."""
    dead = leftovers(out.parent)
    legacy = out.with_name(out.name + ".old")
    legacy_ok = legacy.is_dir() and not legacy.is_symlink()
    if not os.path.lexists(out):
        # The fallback swap moves the old tree to <work>/old first.
        olds = [w / "old" for w in dead if has_marker(w / "old")]
        if legacy_ok and has_marker(legacy):
            olds.append(legacy)
        if olds:
            newest = max(olds, key=lambda p: p.stat().st_mtime_ns)
            with contextlib.suppress(OSError):
                os.rename(newest, out)
    for work in dead:
        shutil.rmtree(work, ignore_errors=True)
    if os.path.lexists(out) and legacy_ok and (has_marker(legacy) or _legacy_site(legacy)):
        shutil.rmtree(legacy, ignore_errors=True)


@contextlib.contextmanager
def workdir(out: Path, kind: str) -> Iterator[Path]:
    """A private directory next to ``out`` (same file system, so the swap is a rename); removed afterwards."""
    assert kind in KINDS
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{kind}-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise GeneratorError(f"无法在 {out.parent} 中创建临时目录：{os_reason(exc)}") from None
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- the swap

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _libc_renameat2() -> object | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return getattr(libc, "renameat2", None)
    except OSError:
        return None


_RENAMEAT2 = _libc_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux renameat2 RENAME_EXCHANGE).

    False when the system or file system cannot do it; OSError (ENOENT…) when a path is missing.
    """
    if _RENAMEAT2 is None:
        return False
    rc = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)  # type: ignore[operator]
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def swap_in(new: Path, out: Path, aside: Path) -> None:
    """Put the tree ``new`` at ``out``; the previous tree (if any) ends up at ``new`` or ``aside``.

    Both are inside the caller's work directory, which the caller removes.
    """
    for _ in range(10):  # another build may be swapping the same output at the same moment
        if not os.path.lexists(out):
            try:
                os.rename(new, out)
                return
            except OSError as exc:
                if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                    continue
                raise
        try:
            if exchange(new, out):
                return
        except FileNotFoundError:
            continue
        try:  # no exchange here: rename aside, then in (a crash in between is undone by recover())
            os.rename(out, aside)
        except FileNotFoundError:
            continue
        try:
            os.rename(new, out)
            return
        except OSError:
            if not os.path.lexists(out):
                os.rename(aside, out)
            raise
    raise GeneratorError(f"无法替换 {out}：另一个构建一直在同时替换它")


def mark(directory: Path) -> None:
    (directory / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
