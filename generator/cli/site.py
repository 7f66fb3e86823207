"""``site [--out DIR] [--no-pdf]``: render, MkDocs, PDFs, Pagefind; swapped in only when it all succeeded."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli.options import CACHE_HELP, DEFAULT_BUDGETS, OUT_HELP
from generator.publish.site import build_site

NAME = "site"
HELP = "生成 markdown 并用 MkDocs 构建静态网站"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--budgets", type=Path, default=DEFAULT_BUDGETS)
    parser.add_argument("--out", type=Path, default=Path("site"), help=OUT_HELP + "，默认 site/")
    parser.add_argument("--no-pdf", dest="pdf", action="store_false",
                        help="不打印各部门的 PDF（页面和 datasets.json 也不链接 PDF）；打印 PDF 需要 Chromium")
    parser.add_argument("--no-cache", dest="cache", action="store_false", help=CACHE_HELP)


def run(args: argparse.Namespace) -> int:
    printed = build_site(args.budgets, args.out, pdf=args.pdf, use_cache=args.cache)
    done = f"网站已生成：{args.out}/index.html"
    if printed is not None:
        done += f"（PDF：新打印 {printed.printed} 份，{printed.reused} 份内容未变沿用）"
    print(done)
    return 0
