"""Output directories: `site`/`render` replace only what a build created, builds at once stay apart,
a killed render or a crashed swap never leaves a mixed or missing tree, and bad paths give one-line errors.

Every CLI run here happens in a scratch copy of the project (its own generator/, docs/, budgets/,
mkdocs.yml), so a refusal that fails can only damage the copy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support import ROOT, SEED, CliResult, run_cli

sys.path.insert(0, str(ROOT / "bench"))

import synth

MARKER = ".budget-build"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project root: mkdocs.yml, a copy of the package and the guide, the seed budget, a .git."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "generator", root / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs", root / "docs")
    (root / "budgets" / "2023").mkdir(parents=True)
    shutil.copy(SEED, root / "budgets" / "2023" / "63002.yaml")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (hidden ones too) with the hash of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def one_line_error(result: CliResult) -> None:
    assert "Traceback" not in result.output, result.explain()
    lines = result.output.strip().splitlines()
    # Either the CLI's "错误：…" or a located problem ("path: error [slug] …"), on one line.
    assert len(lines) == 1 and (lines[0].startswith("错误：") or ": error [" in lines[0]), result.explain()


@pytest.mark.parametrize(("command", "out"), [
    ("site", "."),
    ("site", ".."),
    ("site", "budgets"),
    ("render", "budgets/2023"),
    ("render", "docs"),
    ("site", "docs/site"),
    ("render", "generator"),
    ("site", ".git"),
    ("render", "notes"),          # an existing non-empty directory without the marker
    ("site", "notes/todo.txt"),   # an existing file
])
def test_outputs_a_build_did_not_create_are_refused_untouched(project: Path, command: str, out: str) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("不要删", encoding="utf-8")
    before = tree(project.parent)
    result = run_cli(command, "--out", out, cwd=project, timeout=300)
    assert result.code == 1, result.explain()
    one_line_error(result)
    assert "拒绝输出到" in result.output, result.explain()
    assert tree(project.parent) == before, "a refused build changed files"
    assert sorted(p.name for p in project.parent.iterdir()) == ["project"]


def test_refuses_an_output_that_contains_the_budgets_dir(project: Path, tmp_path: Path) -> None:
    budgets = tmp_path / "elsewhere" / "budgets"
    shutil.copytree(project / "budgets", budgets)
    before = tree(tmp_path / "elsewhere")
    result = run_cli("render", "--budgets", budgets, "--out", tmp_path / "elsewhere", cwd=project)
    assert result.code == 1, result.explain()
    one_line_error(result)
    assert tree(tmp_path / "elsewhere") == before


def test_outputs_a_build_created_are_replaced(project: Path) -> None:
    """Empty or missing outputs are fine, so is the tool's own output on the next run (it carries the marker)."""
    (project / "empty").mkdir()
    for command, out in [("render", "md"), ("render", "md"), ("render", "empty"), ("site", "site"), ("site", "site")]:
        result = run_cli(command, "--out", out, cwd=project, timeout=300)
        assert result.code == 0, result.explain()
        assert (project / out / MARKER).is_file()
    assert (project / "site" / "index.html").is_file() and (project / "md" / "index.md").is_file()
    assert not list(project.glob(".site-*")) and not list(project.glob(".render-*"))


def _two_districts(project: Path) -> tuple[Path, Path]:
    a, b = project / "budgetsA", project / "budgetsB"
    synth.generate(a, departments=8, years=1)
    synth.generate(b, departments=3, years=1, seed=11)
    for path in b.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("示例区", "乙区"), encoding="utf-8")
    return a, b


def test_two_site_builds_at_once_publish_only_their_own_sources(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish.pages import render_all

    a, b = _two_districts(project)
    monkeypatch.chdir(project)
    expected = {name: {k: v for k, v in render_all(budgets).items() if k.startswith("2023/")}
                for name, budgets in (("outA", a), ("outB", b))}
    for _ in range(2):
        with ThreadPoolExecutor(2) as pool:
            runs = list(pool.map(lambda args: run_cli("site", "--budgets", args[0], "--out", args[1], cwd=project,
                                                      timeout=600), [(a, "outA"), (b, "outB")]))
        for result in runs:
            assert result.code == 0, result.explain()
        for name, files in expected.items():
            out = project / name
            departments = {p.name for p in (out / "2023").iterdir() if p.is_dir()}
            assert departments == {rel.split("/")[1] for rel in files if rel.count("/") > 1}, name
            for rel, data in files.items():
                if "/data/" in rel:  # budget.json, budget.xlsx, the CSVs: byte for byte this build's own
                    assert (out / rel).read_bytes() == data, f"{name}/{rel} is not from its own budgets"
            names = "乙区" if name == "outB" else "示例区"
            page = (out / "2023" / "900000" / "index.html").read_text(encoding="utf-8")
            assert names in page, name


# ---------------------------------------------------------------- interruption

# Runs the CLI with a hook: SIGKILL itself after N writes under a directory, or right after
# renaming a given path away. The hook only wraps io.open / os.rename, so it works on any code.
HOOK = textwrap.dedent("""
    import io, os, signal, sys
    mode, arg, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    args = sys.argv[4:]
    count = [0]
    if mode == "writes":
        real_open = io.open
        def hooked_open(file, mode="r", *a, **k):
            path = os.readlink(f"/proc/self/fd/{file}") if isinstance(file, int) else os.fspath(file)
            if any(c in mode for c in "wax") and os.path.abspath(path).startswith(arg):
                count[0] += 1
                if count[0] > limit:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real_open(file, mode, *a, **k)
        io.open = hooked_open
    else:
        try:
            import generator.publish.outputs as outputs
            outputs.exchange = lambda a, b: False   # a file system without RENAME_EXCHANGE
        except ImportError:
            pass
        real_rename = os.rename
        def hooked_rename(src, dst, *a, **k):
            real_rename(src, dst, *a, **k)
            if os.path.abspath(src) == arg:
                os.kill(os.getpid(), signal.SIGKILL)
        os.rename = hooked_rename
    from generator.cli import main
    sys.exit(main(args))
""")


def run_hooked(project: Path, mode: str, arg: Path, limit: int, *args: str | Path) -> int:
    proc = subprocess.run([sys.executable, "-c", HOOK, mode, str(arg), str(limit), *map(str, args)],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode


def test_render_killed_midway_leaves_the_old_or_the_new_tree(project: Path) -> None:
    a, b = project / "budgetsA", project / "budgetsB"
    synth.generate(a, departments=3, years=1)
    shutil.copytree(a, b)
    for path in b.rglob("*.yaml"):  # every department page changes, the assets and the guide do not
        path.write_text(path.read_text(encoding="utf-8").replace("示例区", "乙区"), encoding="utf-8")
    out = project / "out" / "md"
    assert run_cli("render", "--budgets", a, "--out", out, cwd=project).code == 0
    old = tree(out)
    assert run_cli("render", "--budgets", b, "--out", project / "refB", cwd=project).code == 0
    new = tree(project / "refB")
    assert old != new
    killed = 0
    for limit in (0, 3, 10, 25, 60):
        code = run_hooked(project, "writes", out.parent, limit, "render", "--budgets", a, "--out", out)
        assert code in (0, -9)
        code = run_hooked(project, "writes", out.parent, limit, "render", "--budgets", b, "--out", out)
        killed += code == -9
        assert tree(out) in (old, new), f"killed after {limit} writes: a mixed tree"
    assert killed >= 3, "the hook never interrupted the render"
    result = run_cli("render", "--budgets", b, "--out", out, cwd=project)
    assert result.code == 0, result.explain()
    assert tree(out) == new
    # beside the output only the render cache (generator.publish.cache), which a killed render cannot spoil
    assert sorted(p.name for p in out.parent.iterdir()) == [".build-cache-md", "md"], "leftovers of the killed renders"


def test_rerender_keeps_unchanged_files_bytes_and_mtime(project: Path) -> None:
    out = project / "md"
    assert run_cli("render", "--out", out, cwd=project).code == 0
    for p in out.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(1, 1))
    seed = project / "budgets" / "2023" / "63002.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("reason: 压减经费", "reason: 压减租赁经费"), encoding="utf-8")
    result = run_cli("render", "--out", out, cwd=project)
    assert result.code == 0, result.explain()
    changed = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.stat().st_mtime_ns != 1}
    assert changed and all(rel.startswith("2023/63002/") or rel == MARKER for rel in changed), changed
    assert "压减租赁经费" in (out / "2023" / "63002" / "index.md").read_text(encoding="utf-8")


def test_site_swap_never_leaves_the_site_missing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish.site import build_site

    monkeypatch.chdir(project)
    out = project / "site"
    build_site(Path("budgets"), out)
    seen: list[bool] = []
    real_rename = os.rename

    def watching_rename(src: str | Path, dst: str | Path) -> None:
        seen.append((out / "index.html").is_file())
        real_rename(src, dst)
        seen.append((out / "index.html").is_file())

    monkeypatch.setattr(os, "rename", watching_rename)
    build_site(Path("budgets"), out)
    assert all(seen), "the site was missing between two renames"
    assert (out / "index.html").is_file() and (out / MARKER).is_file()


def test_a_crash_between_the_swap_renames_is_recovered(project: Path) -> None:
    """Without RENAME_EXCHANGE the old site is moved aside first; a crash right then is undone by the next run."""
    out = project / "site"
    assert run_cli("site", "--out", out, cwd=project, timeout=300).code == 0
    before = tree(out)
    code = run_hooked(project, "rename", out, 0, "site", "--out", out)
    assert code == -9, "the hook did not fire"
    seed = project / "budgets" / "2023" / "63002.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("personnel: 140.71", "personnel: 140.72"), encoding="utf-8")
    result = run_cli("site", "--out", out, cwd=project, timeout=300)
    assert result.code == 1 and "fund-balance-mismatch" in result.output, result.explain()
    assert tree(out) == before, "the previous site was not restored"
    assert not [p.name for p in project.iterdir() if p.name.startswith(".site-") or p.name.endswith(".old")]


def test_leftovers_of_dead_builds_are_removed_and_ignored_by_git(project: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftovers = [f".site-{dead.pid}-abcd1234", f".render-{dead.pid}-x1y2z3w4", "site.old"]
    for name in leftovers:
        (project / name / "2023").mkdir(parents=True)
        (project / name / MARKER).write_text("", encoding="utf-8")
    running = project / f".site-{os.getpid()}-busy0000"  # a build still running: left alone
    running.mkdir()
    assert run_cli("render", "--out", "md", cwd=project).code == 0
    assert run_cli("site", "--out", "site", cwd=project, timeout=300).code == 0
    remaining = sorted(p.name for p in project.iterdir() if p.name.startswith(".") or p.name.endswith(".old"))
    # the render and PDF caches are kept between builds
    assert remaining == [".build-cache-md", ".build-cache-site", ".git", ".pdf-cache-site", running.name]
    kept = [".build-cache-site/x.pickle", ".pdf-cache-site/x.pdf"]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *leftovers, "md/2023/.tmp-k60rmbll", *kept],
                             cwd=ROOT, capture_output=True, text=True)
    assert ignored.stdout.split() == [*leftovers, "md/2023/.tmp-k60rmbll", *kept], ignored.stdout + ignored.stderr


# ---------------------------------------------------------------- bad paths and ports: one line, no traceback


def test_unwritable_outputs_give_one_line_errors(project: Path, tmp_path: Path) -> None:
    for args in [("render", "--out", "/proc/x"), ("schema", "--out", "/proc/x.json")]:
        result = run_cli(*args, cwd=project)
        assert result.code == 1, result.explain()
        one_line_error(result)
    workbook = tmp_path / "seed.xlsx"
    assert run_cli("export-xlsx", "budgets/2023/63002.yaml", workbook, cwd=project).code == 0
    result = run_cli("import-xlsx", workbook, "--out", "/proc/x.yaml", cwd=project)
    assert result.code == 1, result.explain()
    one_line_error(result)


def test_serve_with_a_bad_address_or_a_busy_port_gives_one_line_errors(project: Path) -> None:
    for addr in ["127.0.0.1:99999", "127.0.0.1", "127.0.0.1:http"]:
        result = run_cli("serve", "--addr", addr, cwd=project)
        assert result.code == 2, result.explain()
        one_line_error(result)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_cli("serve", "--addr", f"127.0.0.1:{busy.getsockname()[1]}", cwd=project, timeout=120)
    assert result.code == 1, result.explain()
    one_line_error(result)
    assert "端口" in result.output


def test_unexpected_exceptions_are_one_line_internal_errors(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from generator import cli

    def boom(args: object) -> int:
        raise RuntimeError("模拟的程序错误\n第二行")

    monkeypatch.setattr(cli.validate, "run", boom)
    monkeypatch.delenv("BUDGET_DEBUG", raising=False)
    assert cli.main(["validate"]) == 1
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("内部错误：") and "RuntimeError" in lines[0], lines
    assert "请报告" in lines[0] and "Traceback" not in captured.err
    monkeypatch.setenv("BUDGET_DEBUG", "1")
    assert cli.main(["validate"]) == 1
    assert "Traceback" in capsys.readouterr().err
