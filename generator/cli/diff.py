"""``diff BASE [HEAD]``: the figure diff of two git revisions, as text, markdown or JSON.

Reads the two sides with ``gitio``, compares them with :mod:`generator.review.diff` and prints the
report formatted by :mod:`generator.review.format` (whose ``MARKER`` opens the pull-request comment).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.load import gitio
from generator.review.diff import compare
from generator.review.format import FORMATTERS

NAME = "diff"
HELP = "比较两个 git 版本的预算数字（用于审阅合并请求）"
WORKTREE = "工作区"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", help="基准版本（提交、分支或标签），如 origin/main")
    parser.add_argument("head", nargs="?", default=None, help="对比版本，默认是当前工作区（含未提交的改动）")
    parser.add_argument("--format", choices=list(FORMATTERS), default="text")
    parser.add_argument("--repo", type=Path, default=Path("."), help="git 仓库位置，默认当前目录")
    parser.add_argument("--budgets", default=gitio.BUDGETS_DIR, help="预算文件目录（相对仓库根目录），默认 budgets")


def run(args: argparse.Namespace) -> int:
    """Exit 0 when HEAD validates, 1 when it has errors (the report is printed either way)."""
    root = gitio.repo_root(args.repo)
    head_label = WORKTREE if args.head is None else args.head
    sides: list[dict[str, bytes]] = []
    missing: list[tuple[gitio.NoBudgetsDir, str]] = []
    for rev, meaning in ((args.base, "全部视为新增"), (args.head, "全部视为删除")):
        try:
            sides.append(gitio.worktree_files(root, args.budgets) if rev is None
                         else gitio.revision_files(root, rev, args.budgets))
        except gitio.NoBudgetsDir as exc:
            # One side without budgets: the change adds (or removes) all of them. Neither: a wrong --budgets.
            sides.append({})
            missing.append((exc, meaning))
    if len(missing) == 2:
        raise gitio.NoBudgetsDir(f"{args.base} 和 {head_label} 中都没有预算目录 {args.budgets}/（用 --budgets 指定）")
    report = compare(sides[0], sides[1], args.base, head_label)
    report.notes += [f"{exc}，{meaning}" for exc, meaning in missing]
    print(FORMATTERS[args.format](report), end="")
    return 0 if report.valid else 1
