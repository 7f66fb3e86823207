"""``render --out DIR``: the markdown tree of every page, with the CSV and JSON downloads (the same code path as
``site``; the Excel workbooks only with ``--xlsx``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli.options import CACHE_HELP, DEFAULT_BUDGETS, OUT_HELP
from generator.publish.sync import render_tree

NAME = "render"
HELP = "把 budgets/ 生成为 markdown 页面"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    parser.add_argument("--out", type=Path, required=True, help=OUT_HELP)
    parser.add_argument("--xlsx", action="store_true",
                        help="同时生成每个部门的 Excel 工作簿 budget.xlsx（默认只由 site 生成）")
    parser.add_argument("--no-cache", dest="cache", action="store_false", help=CACHE_HELP)


def run(args: argparse.Namespace) -> int:
    result = render_tree(args.budgets, args.out, workbooks=args.xlsx, use_cache=args.cache)
    print(f"生成 {result.written} 个文件（{result.unchanged} 个未变）到 {args.out}")
    return 0
