"""``schema [--out FILE]``: the JSON Schema of a budget file."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.authoring.schema import schema_json

NAME = "schema"
HELP = "输出预算文件的 JSON Schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None)


def run(args: argparse.Namespace) -> int:
    text = schema_json()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
