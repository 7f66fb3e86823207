"""``site [--out DIR]``: render, build with MkDocs, index with Pagefind; swapped in only when it all succeeded."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli.options import DEFAULT_BUDGETS, OUT_HELP
from generator.publish.site import build_site

NAME = "site"
HELP = "生成 markdown 并用 MkDocs 构建静态网站"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    parser.add_argument("--out", type=Path, default=Path("site"), help=OUT_HELP + "，默认 site/")


def run(args: argparse.Namespace) -> int:
    build_site(args.budgets, args.out)
    print(f"网站已生成：{args.out}/index.html")
    return 0
