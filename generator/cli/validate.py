"""``validate [PATH...]``: check budget files; exit 0 clean (warnings allowed), 1 with errors."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.check.validate import validate_paths
from generator.check.worktree import explain
from generator.cli.options import DEFAULT_BUDGETS
from generator.cli.report import emit_problems

NAME = "validate"
HELP = "校验预算 YAML（勾稽关系、编码、文字）"


def _threshold(text: str) -> Decimal:
    """A percentage threshold: a number ≥ 0 (``Infinity`` turns the check off); NaN and negatives are usage errors."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"不是数字：{text}") from None
    if value.is_nan():
        raise argparse.ArgumentTypeError(f"不是数字：{text}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"不能为负数：{text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_BUDGETS], help="文件或目录，默认 budgets/")
    parser.add_argument("--format", choices=["text", "json", "github"], default="text")
    parser.add_argument("--reason-threshold", type=_threshold, default=None,
                        help="增减幅度（%%）超过此值须说明原因，默认取地区模板设置")
    parser.add_argument("--fix-hints", action=argparse.BooleanOptionalAction, default=None,
                        help="文本格式下在每个问题的下一行显示改法；默认在终端中显示，输出到文件或管道时不显示")


def run(args: argparse.Namespace) -> int:
    report = validate_paths(args.paths, args.reason_threshold)
    report.problems = explain(report.problems)  # the line changed since git HEAD first
    if args.format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        summary = f"检查了 {report.files} 个文件：{len(report.errors)} 个错误，{len(report.warnings)} 个警告"
        hints = sys.stdout.isatty() if args.fix_hints is None else args.fix_hints
        emit_problems(report.problems, args.format, summary, fix_hints=hints)
    return 0 if report.valid else 1
