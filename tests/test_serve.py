"""`generator serve`: re-renders once per real change, stays idle otherwise, shows problems in the page,
and survives anything a save can throw at it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from support import ROOT, SEED

from generator.check.validate import validate_paths

TICKS = os.sysconf("SC_CLK_TCK")


@pytest.fixture
def budgets(tmp_path: Path) -> Path:
    root = tmp_path / "budgets"
    shutil.copytree(ROOT / "budgets", root)
    return root


def wait(condition: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_watcher_ignores_reads_touches_and_unchanged_saves(budgets: Path) -> None:
    from generator.publish.preview import watch_budgets

    calls: list[float] = []
    observer = watch_budgets(budgets, lambda: calls.append(time.monotonic()))
    observer.start()
    try:
        path = budgets / "2023" / "63002.yaml"
        text = path.read_bytes()
        for _ in range(20):  # what a re-render does: open and read every file
            for p in budgets.rglob("*.yaml"):
                p.read_bytes()
        for _ in range(3):  # saved without a change: in place (truncate, write), or write aside and rename
            path.write_bytes(text)
            time.sleep(0.05)
            aside = path.with_name(".63002.yaml.swp")
            aside.write_bytes(text)
            os.replace(aside, path)
        path.touch()
        (budgets / "2023" / "notes.txt").write_text("不是预算文件", encoding="utf-8")
        time.sleep(1.5)
        assert calls == [], "reads, touches, unchanged saves or other files triggered a re-render"
        path.write_bytes(text.replace("reason: 压减经费".encode(), "reason: 压减房租".encode()))
        assert wait(lambda: len(calls) > 0, 5), "a real change was not noticed"
    finally:
        observer.stop()
        observer.join(timeout=5)


def test_preview_reports_problems_and_survives_exceptions(budgets: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish.preview import BANNER_ID, Preview, Shown, inject

    monkeypatch.chdir(ROOT)
    preview = Preview(budgets, tmp_path / "work")
    preview.start()
    assert preview.update() is False  # nothing changed: nothing done
    path = budgets / "2023" / "63002.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("personnel: 140.71", "personnel: 140.72"), encoding="utf-8")
    assert preview.update() is True
    assert any("[fund-balance-mismatch]" in p.message for p in preview.problems)
    assert BANNER_ID.encode() in preview.banner()

    preview.problems = [Shown("budgets/<b>.yaml:3", "<script>alert(1)</script>")]
    page = inject(b"<html><body class=x><p>old</p></body></html>", preview.banner())
    assert b"<script>alert(1)" not in page and b"&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.index(BANNER_ID.encode()) < page.index(b"<p>old</p>")

    def crash() -> dict[str, bytes]:
        raise RuntimeError("boom")

    monkeypatch.setattr(preview.renderer, "render", crash)
    path.write_text(good, encoding="utf-8")
    assert preview.update() is True  # no exception escapes
    (problem,) = preview.problems
    assert problem.where == "budgets/2023/63002.yaml" and "preview-crashed" in problem.message
    monkeypatch.undo()
    monkeypatch.chdir(ROOT)
    path.write_text(good.replace("reason: 压减经费", "reason: 压减房租"), encoding="utf-8")
    assert preview.update() is True
    assert preview.problems == [] and preview.banner() == b""
    assert "压减房租" in (tmp_path / "work" / "site" / "2023" / "63002" / "index.html").read_text(encoding="utf-8")


def test_preview_pages_link_no_pdf_it_does_not_print(budgets: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish.preview import Preview

    monkeypatch.chdir(ROOT)
    preview = Preview(budgets, tmp_path / "work")
    preview.start()
    page = (tmp_path / "work" / "site" / "2023" / "63002" / "index.html").read_text(encoding="utf-8")
    assert "63002" in page and ".pdf" not in page
    assert not list((tmp_path / "work").rglob("*.pdf"))


class Served:
    """`generator serve` in a subprocess, its output collected line by line."""

    def __init__(self, budgets: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--budgets", str(budgets), "--addr", f"127.0.0.1:{self.port}"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            env={k: v for k, v in os.environ.items() if k != "BUDGET_DEBUG"})
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def page(self, path: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            return ""

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def cpu_seconds(self, over: float) -> float:
        def ticks() -> int:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)

        start = ticks()
        time.sleep(over)
        return (ticks() - start) / TICKS

    def log(self) -> str:
        return "\n".join(self.lines[-60:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def test_serve_logs_once_stays_idle_shows_a_banner_and_keeps_watching(budgets: Path) -> None:
    path = budgets / "2023" / "63002.yaml"
    good = SEED.read_text(encoding="utf-8")
    served = Served(budgets)
    url = "/2023/63002/"
    try:
        assert wait(lambda: "压减经费" in served.page(url), 120), "preview did not come up\n" + served.log()
        assert served.cpu_seconds(3) < 0.3, "busy while nothing changes\n" + served.log()

        # An invalid save: logged once, shown in the page, the last good page kept, the process idle.
        bad = good.replace("personnel: 140.71", "personnel: 140.72")
        path.write_text(bad, encoding="utf-8")
        # Whichever rule reports the slip (findings of one discrepancy are folded into one).
        expected = validate_paths([budgets], root=budgets.parent).errors[0]
        tag = f"[{expected.slug}]"
        assert wait(lambda: served.count(tag) > 0, 30), served.log()
        cpu = served.cpu_seconds(3)
        assert served.count(tag) == 1, served.log()
        assert cpu < 0.3, f"{cpu:.2f} s of CPU in 3 s after an invalid save\n" + served.log()
        page = served.page(url)
        assert 'id="budget-preview-problems"' in page and f"{expected.file}:{expected.line}" in page, page[-3000:]
        assert "压减经费" in page  # the last good page, under the banner

        # A valid save: picked up, the banner goes.
        path.write_text(good.replace("reason: 压减经费", "reason: 压减房租"), encoding="utf-8")
        assert wait(lambda: "压减房租" in served.page(url), 30), served.log()
        assert 'id="budget-preview-problems"' not in served.page(url)

        # An input that makes rendering throw: reported, and the preview keeps watching.
        errors = served.count("ERROR")
        path.write_text(good.replace("  - section: fiscal_summary", "  - section: no_such_section"), encoding="utf-8")
        assert wait(lambda: served.count("ERROR") > errors, 30), served.log()
        assert served.proc.poll() is None, served.log()
        assert 'id="budget-preview-problems"' in served.page(url)
        path.write_text(good.replace("reason: 压减经费", "reason: 压减物业费"), encoding="utf-8")
        assert wait(lambda: "压减物业费" in served.page(url), 30), "the preview froze\n" + served.log()
        assert "Traceback" not in served.log() and "dirty" not in served.log(), served.log()
        assert served.cpu_seconds(3) < 0.3, served.log()
    finally:
        served.stop()
