"""``python -m generator diff BASE [HEAD]``: the figure diff of two git revisions, as text, markdown or JSON.

Reads the two sides with ``gitio``, compares them with ``generator.diff`` and prints the report
formatted by ``generator.diff_format`` (whose :data:`MARKER` opens the pull-request comment).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from generator import gitio
from generator.diff import compare
from generator.diff_format import FORMATTERS
from generator.diff_format import MARKER as MARKER  # re-exported: the workflow tests find the comment by it

WORKTREE = "工作区"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("diff", help="比较两个 git 版本的预算数字（用于审阅合并请求）")
    p.add_argument("base", help="基准版本（提交、分支或标签），如 origin/main")
    p.add_argument("head", nargs="?", default=None, help="对比版本，默认是当前工作区（含未提交的改动）")
    p.add_argument("--format", choices=list(FORMATTERS), default="text")
    p.add_argument("--repo", type=Path, default=Path("."), help="git 仓库位置，默认当前目录")
    p.add_argument(
        "--budgets", default=gitio.BUDGETS_DIR, help="预算文件目录（相对仓库根目录），默认 budgets"
    )


def cmd_diff(args: argparse.Namespace) -> int:
    root = gitio.repo_root(args.repo)
    base = gitio.revision_files(root, args.base, args.budgets)
    if args.head is None:
        head, head_label = gitio.worktree_files(root, args.budgets), WORKTREE
    else:
        head, head_label = gitio.revision_files(root, args.head, args.budgets), args.head
    report = compare(base, head, args.base, head_label)
    print(FORMATTERS[args.format](report), end="")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"diff": cmd_diff}
