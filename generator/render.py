"""Markdown for the site: every page of every department-year, rendered by Jinja.

Two phases (as pelican does): every budget is loaded, validated and rendered in memory
first, so a failure writes nothing; then the output tree is synchronised, writing only the
files whose bytes changed (untouched files keep their modification time) and removing
files that no budget produces any more.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator import downloads, profiles, registry
from generator.errors import ValidationFailed
from generator.mdtext import cell, md_escape
from generator.model import Budget
from generator.pagedata import page_context
from generator.tables import cn_index
from generator.validate import Loaded, validate_paths

TEMPLATES = Path(str(resources.files("generator") / "templates"))
GUIDE_DIR = "guide"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # markdown, not HTML: every YAML string goes through the `cell` filter
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["cell"] = cell
    env.filters["md"] = md_escape
    env.globals["cn"] = cn_index
    return env


_ENV = environment()


def dept_dir(b: Budget) -> str:
    return f"{b.year}/{b.department.code}"


def render_department(item: Loaded, source_url: str | None = None, extra: dict[str, Any] | None = None) -> dict[str, bytes]:
    """All files of one department-year, relative to the output root."""
    b = item.budget
    reg = registry.for_year(b.year)
    profile = profiles.load(b.profile)
    base = dept_dir(b)
    ctx = page_context(b, reg, profile)
    files = downloads.department_files(b, reg, profile, ctx["tables"])
    ctx.update(
        source_url=source_url,
        errata_link="errata.md" if b.errata else None,
        downloads={k: Markup(v) for k, v in downloads.links(profile, ctx["tables"]).items()},
        table_templates=set(_ENV.list_templates()),
        charts=(extra or {}).get("charts", ""),
    )
    out = {f"{base}/{name}": data for name, data in files.items()}
    out[f"{base}/index.md"] = _tidy(_ENV.get_template("department.md.j2").render(ctx)).encode()
    if b.errata:
        from generator.errata import errata_page

        out[f"{base}/errata.md"] = errata_page(b, reg, profile, _ENV).encode()
    return out


def _tidy(markdown: str) -> str:
    """Collapse the blank lines that template blocks leave behind."""
    return re.sub(r"\n{3,}", "\n\n", markdown)


@dataclass
class RenderResult:
    written: int
    unchanged: int
    removed: int


def load_all(budgets_dir: Path) -> list[Loaded]:
    report = validate_paths([budgets_dir], root=budgets_dir.parent)
    if not report.valid:
        raise ValidationFailed(report.errors)
    return sorted(report.budgets, key=lambda x: (x.budget.year, x.budget.department.code))


def render_all(budgets_dir: Path, source_base: str | None = None) -> dict[str, bytes]:
    from generator import indexes

    loaded = load_all(budgets_dir)
    files: dict[str, bytes] = {}
    for item in loaded:
        rel = item.path.resolve().relative_to(budgets_dir.resolve().parent).as_posix()
        source_url = f"{source_base.rstrip('/')}/{rel}" if source_base else None
        files.update(render_department(item, source_url, {"charts": indexes.department_charts(item, loaded)}))
    files.update(indexes.index_pages(loaded, _ENV))
    files.update(guide_pages())
    return files


def guide_pages() -> dict[str, bytes]:
    """The hand-written editors' guide (docs/) is published under guide/."""
    docs = Path("docs")
    if not docs.is_dir():
        return {}
    return {f"{GUIDE_DIR}/{p.relative_to(docs).as_posix()}": p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def sync(files: dict[str, bytes], out: Path) -> RenderResult:
    """Make ``out`` hold exactly ``files``, rewriting only what changed."""
    out.mkdir(parents=True, exist_ok=True)
    written = unchanged = removed = 0
    for rel, data in sorted(files.items()):
        target = out / rel
        if target.is_file() and target.read_bytes() == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        written += 1
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return RenderResult(written, unchanged, removed)


def render_tree(budgets_dir: Path, out: Path, source_base: str | None = None) -> RenderResult:
    return sync(render_all(budgets_dir, source_base), out)
