"""Page weight of the seed department page, as Chromium loads it.

    python bench/page_weight.py [--site DIR] [--page /2023/63002/] [--limit-kb 300]

Serves the built site on 127.0.0.1, opens the page in Debian's Chromium (/usr/bin/chromium) and sums the
uncompressed body of every response: HTML, CSS, JS, fonts, images. The search index (pagefind/) is loaded
only when someone searches and is reported apart. Without --site the site is built first into a temporary
directory with ``python -m generator site``. Exits 1 when the page is heavier than the limit.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _kind(url: str, content_type: str) -> str:
    path = urlsplit(url).path
    if "/pagefind/" in path:
        return "search"
    for kind, marks in (("html", ("text/html",)), ("css", ("text/css",)), ("js", ("javascript",)),
                        ("image", ("image/",)), ("font", ("font", "woff"))):
        if any(m in content_type for m in marks):
            return kind
    return "other"


def measure(site: Path, page: str) -> list[tuple[str, str, int]]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows: list[tuple[str, str, int]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            responses: list[Any] = []
            tab.on("response", lambda r: responses.append(r))
            tab.goto(base + page, wait_until="networkidle")
            for r in responses:
                body = r.body() if r.status < 300 else b""
                rows.append((_kind(r.url, r.headers.get("content-type", "")), urlsplit(r.url).path, len(body)))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


def report(rows: list[tuple[str, str, int]], limit_kb: int) -> int:
    by_kind: dict[str, int] = defaultdict(int)
    for kind, path, size in rows:
        by_kind[kind] += size
        print(f"{size / 1024:9.1f} KB  {kind:6}  {path}")
    page = sum(v for k, v in by_kind.items() if k != "search")
    print("-" * 60)
    for kind in sorted(by_kind):
        print(f"{by_kind[kind] / 1024:9.1f} KB  {kind}")
    print(f"{page / 1024:9.1f} KB  页面合计（不含搜索索引），上限 {limit_kb} KB")
    if page > limit_kb * 1024:
        print(f"页面过重：{page / 1024:.1f} KB 超过 {limit_kb} KB", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="部门页面重量（HTML+CSS+JS+图片，未压缩，不含搜索索引）")
    ap.add_argument("--site", type=Path, help="已生成的网站目录；省略时先生成到临时目录")
    ap.add_argument("--page", default="/2023/63002/")
    ap.add_argument("--limit-kb", type=int, default=300)
    args = ap.parse_args(argv)
    if not Path("/usr/bin/chromium").exists():
        print("缺少 /usr/bin/chromium：运行 bash scripts/install-system-deps.sh", file=sys.stderr)
        return 2
    if args.site:
        if not (args.site / "index.html").is_file():
            print(f"不是已生成的网站：{args.site}", file=sys.stderr)
            return 2
        return report(measure(args.site, args.page), args.limit_kb)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        proc = subprocess.run([sys.executable, "-m", "generator", "site", "--out", str(out)], cwd=ROOT)
        if proc.returncode != 0:
            return 2
        return report(measure(out, args.page), args.limit_kb)


if __name__ == "__main__":
    sys.exit(main())
