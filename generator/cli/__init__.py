"""The command line: the only place that prints, picks exit codes and exits.

Exit codes: 0 success (warnings allowed), 1 the input has errors, 2 usage error.

Every command is one module of this package, registered the same way: it defines ``NAME``,
``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``, and is listed in :data:`COMMANDS`
(in the order ``--help`` shows them). Library code raises the project's exceptions; :func:`main`
turns them into one-line messages and exit codes.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Protocol

from generator.cli import diff, docs, export_xlsx, import_xlsx, new, render, schema, serve, site, validate
from generator.cli.report import emit_problems
from generator.core.errors import GeneratorError, InputError, ValidationFailed
from generator.publish.outputs import describe_os_error


class Command(Protocol):
    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: tuple[Command, ...] = (validate, schema, render, site, serve, docs, diff, export_xlsx, import_xlsx, new)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="部门预算公开：校验、生成与发布")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_arguments(sub.add_parser(command.NAME, help=command.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    # MkDocs and the preview report through logging; show warnings (strict-build causes) on stderr.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    command = next(c for c in COMMANDS if c.NAME == args.command)
    try:
        return command.run(args)
    except ValidationFailed as exc:
        emit_problems(exc.problems, "text", f"有 {len(exc.problems)} 个错误，未生成任何文件")
        return 1
    except InputError as exc:
        print(exc.problem.format())
        return 1
    except GeneratorError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # a path that cannot be read or written: the user's to fix, not a bug
        _debug_traceback()
        print(f"错误：{describe_os_error(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # the safety net: a bug, reported in one line (BUDGET_DEBUG=1 shows the traceback)
        _debug_traceback()
        text = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        print(f"内部错误：{text}。请报告这个问题（设置环境变量 BUDGET_DEBUG=1 再运行可看到出错位置）", file=sys.stderr)
        return 1


def _debug_traceback() -> None:
    if os.environ.get("BUDGET_DEBUG"):
        traceback.print_exc()
