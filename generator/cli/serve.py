"""``serve [--addr HOST:PORT]``: local preview, re-rendered when a YAML under budgets/ changes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.options import DEFAULT_BUDGETS
from generator.publish.preview import parse_addr, serve

NAME = "serve"
HELP = "本地预览网站，YAML 改动后自动重新生成，错误显示在页面上"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    parser.add_argument("--addr", default="127.0.0.1:8000", help="主机:端口，默认 127.0.0.1:8000")


def run(args: argparse.Namespace) -> int:
    try:
        parse_addr(args.addr)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    serve(args.budgets, args.addr)
    return 0
