"""Writing what the Excel commands produce: never over their own input, never half a file.

Neither command overwrites a file unless told to (``--force``), and never its own input; a
directory, a missing folder or an unwritable place is a one-line error (:class:`InputError`).
Output is written to a temporary file beside the target and renamed over it, so a failure
leaves no half-written file.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from generator.core.errors import InputError

_OS_ERRORS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "文件系统是只读的",
              errno.ENOSPC: "磁盘空间不足", errno.ENOENT: "无法在该目录中创建文件", errno.ENOTDIR: "路径中有一段不是目录",
              errno.EISDIR: "输出路径是一个目录", errno.ENAMETOOLONG: "文件名太长"}


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop
        return False


def check_out(out: Path, source: Path, force: bool, make_parent: bool = False) -> None:
    """Refuse an output path that would destroy something or cannot be written (:class:`InputError`)."""
    shown = str(out)
    if _same(out, source):
        raise InputError("out-is-input", f"输出文件就是输入文件“{source}”，拒绝覆盖；请换一个输出文件名", file=shown)
    if out.is_dir():
        raise InputError("out-is-directory", "输出路径是一个目录；请给出文件名", file=shown)
    if (out.exists() or out.is_symlink()) and not force:
        raise InputError("file-exists", "文件已存在；确认覆盖请加 --force", file=shown)
    if not make_parent and not out.parent.is_dir():
        raise InputError("out-dir-missing", f"输出目录“{out.parent}”不存在，请先创建", file=shown)


def write_file(out: Path, data: bytes, make_parent: bool = False) -> None:
    """Write ``data`` to ``out`` through a temporary file in the same folder (atomic rename)."""
    tmp: str | None = None
    try:
        if make_parent:
            out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        reason = _OS_ERRORS.get(exc.errno or 0, f"系统错误 {errno.errorcode.get(exc.errno or 0, type(exc).__name__)}")
        raise InputError("write-failed", f"无法写入：{reason}", file=str(out)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
