"""The package's shape: stages as subpackages, imports one way, no cycle, small modules.

The layers themselves are an import-linter contract in pyproject.toml (``[tool.importlinter]``); these
tests run it and add what a layers contract cannot see: cycles inside a layer, imports hidden in
functions, and modules that have grown into two.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from support import ROOT

PACKAGE = ROOT / "generator"
MAX_LINES = 450


def test_import_contract_is_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint is not None, "lint-imports is not installed (pip install -e '.[test]')"
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout, done.stdout


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit on a deep graph)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    out.append(sorted(component))
    return out


@pytest.mark.parametrize(("graph", "cycles"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"a"}}, []),  # a module importing itself is not a cycle between modules
])
def test_strongly_connected_finds_cycles(graph: dict[str, set[str]], cycles: list[list[str]]) -> None:
    assert [c for c in strongly_connected(graph) if len(c) > 1] == cycles


def test_no_import_cycle_between_modules() -> None:
    g = grimp.build_graph("generator", cache_dir=None)
    graph = {m: set(g.find_modules_directly_imported_by(m)) for m in g.modules}
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == [], "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_stages_are_subpackages() -> None:
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert len(packages) >= 5, packages
    assert {"core", "load", "check", "derive", "publish", "cli"} <= set(packages), packages


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_too_long() -> None:
    lengths = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules()}
    assert max(lengths.values()) > 100, lengths  # the files were read
    long = {name: n for name, n in lengths.items() if n > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines (split them along their concepts): {long}"


def function_level_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of the package inside a function body."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                names = [inner.module]
            elif isinstance(inner, ast.ImportFrom):  # a relative import is always one of ours
                names = ["." * inner.level + (inner.module or "")]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            found += [(inner.lineno, n) for n in names if n == "generator" or n.startswith(("generator.", "."))]
    return found


def test_function_level_import_check_can_fail() -> None:
    source = "import json\n\ndef f():\n    from generator.core import money\n    import generator.load\n    import json\n"
    assert function_level_imports(source) == [(4, "generator.core"), (5, "generator.load")]


def test_package_modules_are_imported_at_module_top_only() -> None:
    hidden = {p.relative_to(ROOT).as_posix(): found for p in _modules()
              if (found := function_level_imports(p.read_text(encoding="utf-8")))}
    assert hidden == {}, f"imports of generator inside functions (one that dodges a cycle is a cycle): {hidden}"
