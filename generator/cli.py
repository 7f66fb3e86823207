"""The command line: the only place that prints, picks exit codes and exits.

Exit codes: 0 success (warnings allowed), 1 the input has errors, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from generator.errors import GeneratorError, InputError, Problem, ValidationFailed

DEFAULT_BUDGETS = Path("budgets")
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = fn
        return fn

    return register


def _decimal(text: str) -> Decimal:
    """A percentage threshold: a number ≥ 0 (``Infinity`` turns the check off); NaN and negatives are usage errors."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"不是数字：{text}") from None
    if value.is_nan():
        raise argparse.ArgumentTypeError(f"不是数字：{text}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"不能为负数：{text}")
    return value


def _emit_problems(problems: Sequence[Problem], fmt: str, summary: str | None = None) -> None:
    import re

    def printable(text: str) -> str:
        # C0/C1 controls and DEL (a file name can hold ESC or a newline) are shown as \xNN,
        # never sent to a terminal or a log.
        return re.sub("[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)

    def gh_data(text: str) -> str:
        # A workflow command's message, escaped as GitHub's toolkit does (escapeData).
        return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))

    def gh_property(text: str) -> str:
        # A property value (file=, title=): also ':' and ',', which would end it (escapeProperty).
        return gh_data(text).replace(":", "%3A").replace(",", "%2C")

    if fmt == "github":
        for p in problems:
            level = "error" if p.severity.value == "error" else "warning"
            loc = f"file={gh_property(p.file)}" + (f",line={p.line}" if p.line else "") \
                + (f",col={p.column}" if p.column else "")
            print(f"::{level} {loc},title={gh_property(p.slug)}::{gh_data(p.message)}")
    else:
        for p in problems:
            print(printable(p.format()))
    if summary:
        print(summary, file=sys.stderr if fmt == "github" else sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="部门预算公开：校验、生成与发布")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="校验预算 YAML（勾稽关系、编码、文字）")
    p.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_BUDGETS], help="文件或目录，默认 budgets/")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.add_argument("--reason-threshold", type=_decimal, default=None,
                   help="增减幅度（%%）超过此值须说明原因，默认取地区模板设置")

    p = sub.add_parser("schema", help="输出预算文件的 JSON Schema")
    p.add_argument("--out", type=Path, default=None)

    out_help = "输出目录：必须是空目录、不存在，或是本工具以前生成的（有 .budget-build 标记），整个替换"
    p = sub.add_parser("render", help="把 budgets/ 生成为 markdown 页面")
    p.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    p.add_argument("--out", type=Path, required=True, help=out_help)

    p = sub.add_parser("site", help="生成 markdown 并用 MkDocs 构建静态网站")
    p.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    p.add_argument("--out", type=Path, default=Path("site"), help=out_help + "，默认 site/")

    p = sub.add_parser("serve", help="本地预览网站，YAML 改动后自动重新生成，错误显示在页面上")
    p.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    p.add_argument("--addr", default="127.0.0.1:8000", help="主机:端口，默认 127.0.0.1:8000")

    p = sub.add_parser("docs", help="重新生成编辑指南中由代码产生的部分（YAML 参考、规则目录）")
    p.add_argument("--check", action="store_true", help="只检查是否最新，不写文件")

    for extra in _extensions():
        extra(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:  # type: ignore[type-arg]
    """Subcommands contributed by other modules (diff, Excel, scaffold)."""
    from generator import cli_extra

    return cli_extra.PARSERS


@command("validate")
def cmd_validate(args: argparse.Namespace) -> int:
    from generator.validate import validate_paths
    from generator.worktree import explain

    report = validate_paths(args.paths, args.reason_threshold)
    report.problems = explain(report.problems)  # 改法, and the line changed since git HEAD first
    if args.format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        summary = f"检查了 {report.files} 个文件：{len(report.errors)} 个错误，{len(report.warnings)} 个警告"
        _emit_problems(report.problems, args.format, summary)
    return 0 if report.valid else 1


@command("schema")
def cmd_schema(args: argparse.Namespace) -> int:
    from generator.schema import schema_json

    text = schema_json()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


@command("render")
def cmd_render(args: argparse.Namespace) -> int:
    from generator.render import render_tree

    result = render_tree(args.budgets, args.out)
    print(f"生成 {result.written} 个文件（{result.unchanged} 个未变）到 {args.out}")
    return 0


@command("site")
def cmd_site(args: argparse.Namespace) -> int:
    from generator.site import build_site

    build_site(args.budgets, args.out)
    print(f"网站已生成：{args.out}/index.html")
    return 0


@command("serve")
def cmd_serve(args: argparse.Namespace) -> int:
    from generator.preview import parse_addr
    from generator.site import serve

    try:
        parse_addr(args.addr)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    serve(args.budgets, args.addr)
    return 0


@command("docs")
def cmd_docs(args: argparse.Namespace) -> int:
    from generator.guide import write_generated_docs

    stale = write_generated_docs(check=args.check)
    if args.check and stale:
        print("以下文件不是最新，请运行 python -m generator docs：" + "、".join(stale))
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    # MkDocs and the preview report through logging; show warnings (strict-build causes) on stderr.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    handler = COMMANDS.get(args.command)
    if handler is None:
        from generator import cli_extra

        handler = cli_extra.COMMANDS[args.command]
    try:
        return handler(args)
    except ValidationFailed as exc:
        _emit_problems(exc.problems, "text", f"有 {len(exc.problems)} 个错误，未生成任何文件")
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
        from generator.outputs import describe_os_error

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
        import traceback

        traceback.print_exc()
