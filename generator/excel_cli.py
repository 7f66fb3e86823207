"""``export-xlsx`` and ``import-xlsx``: the command-line edge of the Excel round trip.

Neither command overwrites a file unless told to (``--force``), and never its own input; a
directory, a missing folder or an unwritable place is a one-line error. Output is written to a
temporary file beside the target and renamed over it, so a failure leaves no half-written file.
"""

from __future__ import annotations

import argparse
import errno
import os
import tempfile
from pathlib import Path

from generator.errors import InputError, Problem, ValidationFailed

DEFAULT_BUDGETS = Path("budgets")
_OS_ERRORS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "文件系统是只读的",
              errno.ENOSPC: "磁盘空间不足", errno.ENOENT: "无法在该目录中创建文件", errno.ENOTDIR: "路径中有一段不是目录",
              errno.EISDIR: "输出路径是一个目录", errno.ENAMETOOLONG: "文件名太长"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export-xlsx", help="把预算 YAML 导出为公开报表格式的 Excel 工作簿")
    p.add_argument("budget", type=Path, help="预算 YAML 文件")
    p.add_argument("out", type=Path, help="输出的 .xlsx 文件（所在目录须已存在）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件（输入文件永远不会被覆盖）")

    p = sub.add_parser("import-xlsx", help="把公开报表格式的 Excel 工作簿导入为预算 YAML（只取明细，核对合计）")
    p.add_argument("workbook", type=Path, help="输入的 .xlsx 文件")
    p.add_argument("--out", type=Path, default=None, help="输出的 YAML（所在目录须已存在），默认 budgets/<年度>/<部门代码>.yaml")
    p.add_argument("--year", type=int, default=None, help="预算年度（工作簿中看不出年度时必填）")
    p.add_argument("--profile", default="harbin-13", help="地区模板，默认 harbin-13")
    p.add_argument("--force", action="store_true", help="覆盖已存在的 YAML 文件（输入文件永远不会被覆盖）")


def _print(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format())


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


def cmd_export(args: argparse.Namespace) -> int:
    from generator.excel_export import export_bytes
    from generator.loader import load
    from generator.validate import parse_budget

    if not args.budget.is_file():
        raise InputError("missing-file", "文件不存在", file=str(args.budget))
    check_out(args.out, args.budget, args.force)
    budget, problems = parse_budget(load(args.budget))
    if budget is None:
        raise ValidationFailed(problems)
    try:
        data = export_bytes(budget)
    except KeyError:
        raise InputError("unknown-profile", f"未知的地区模板“{budget.profile}”", file=str(args.budget)) from None
    except InputError as exc:
        raise exc.at(str(args.budget)) from None
    write_file(args.out, data)
    print(f"已导出：{args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from generator.excel_import import ImportFailed, import_workbook
    from generator.validate import validate_paths
    from generator.yaml_writer import dumps_model

    if args.out is not None:
        check_out(args.out, args.workbook, args.force)
    try:
        budget, problems = import_workbook(args.workbook, args.profile, args.year)
    except ImportFailed as exc:
        _print(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity.value == "error")
        print(f"导入失败：{errors} 个错误，未写入任何文件")
        return 1
    out = args.out or DEFAULT_BUDGETS / str(budget.year) / f"{budget.department.code}.yaml"
    check_out(out, args.workbook, args.force, make_parent=args.out is None)
    _print(problems)
    write_file(out, dumps_model(budget).encode("utf-8"), make_parent=args.out is None)
    report = validate_paths([out])
    _print(report.problems)
    print(f"已写入：{out}（校验：{len(report.errors)} 个错误，{len(report.warnings)} 个警告；“待补充”处请补写）")
    return 0


COMMANDS = {"export-xlsx": cmd_export, "import-xlsx": cmd_import}
