"""``docs [--check]``: regenerate the parts of the editors' guide made from code (or check they are current)."""

from __future__ import annotations

import argparse

from generator.authoring.guide import write_generated_docs

NAME = "docs"
HELP = "重新生成编辑指南中由代码产生的部分（YAML 参考、规则目录）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="只检查是否最新，不写文件")


def run(args: argparse.Namespace) -> int:
    stale = write_generated_docs(check=args.check)
    if args.check and stale:
        print("以下文件不是最新，请运行 python -m generator docs：" + "、".join(stale))
        return 1
    return 0
