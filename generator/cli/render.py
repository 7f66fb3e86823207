"""``render --out DIR``: the markdown tree of every page (the same code path as ``site``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli.options import DEFAULT_BUDGETS, OUT_HELP
from generator.publish.sync import render_tree

NAME = "render"
HELP = "把 budgets/ 生成为 markdown 页面"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    parser.add_argument("--out", type=Path, required=True, help=OUT_HELP)


def run(args: argparse.Namespace) -> int:
    result = render_tree(args.budgets, args.out)
    print(f"生成 {result.written} 个文件（{result.unchanged} 个未变）到 {args.out}")
    return 0
