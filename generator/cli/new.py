"""``new --from FILE --year Y``: scaffold next year's budget file from last year's (the command-line edge of scaffold)."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.authoring.scaffold import YEARS, default_path, scaffold_text
from generator.cli.options import DEFAULT_BUDGETS
from generator.core.errors import InputError
from generator.load.loader import parse

NAME = "new"
HELP = "由上年预算文件生成新年度草稿（上年数自动填入）"


def _year(text: str) -> int:
    """A budget year the model accepts (checked before anything is written)."""
    try:
        year = int(text) if text.strip().isascii() else None
    except ValueError:
        year = None
    if year is None:
        raise argparse.ArgumentTypeError(f"年度应为整数：{text}")
    if year not in YEARS:
        raise argparse.ArgumentTypeError(f"年度应在 {YEARS.start}–{YEARS.stop - 1} 之间：{text}")
    return year


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", type=Path, required=True, help="上年的预算 YAML")
    parser.add_argument("--year", type=_year, required=True, help="新的预算年度")
    parser.add_argument("--out", type=Path, default=None, help="输出文件，默认 budgets/<年度>/<部门代码>.yaml")
    parser.add_argument("--force", action="store_true", help="覆盖已存在的文件")


def run(args: argparse.Namespace) -> int:
    if not args.source.is_file():
        raise InputError("missing-file", "文件不存在", file=str(args.source))
    text = scaffold_text(args.source, args.year)
    out = args.out
    if out is None:
        code = str(parse(text).data["department"]["code"])
        out = default_path(DEFAULT_BUDGETS, args.year, code)
    if out.exists() and not args.force:
        print(f"{out}: error [file-exists] 文件已存在；确认覆盖请加 --force")
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"已生成 {args.year} 年草稿：{out}（上年数已填入；本年数为 0 并标注“待填写”，原因待补写）")
    return 0
