"""Classification codes: each code exists in the year's registry, at the right level, with its name."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.rules.catalogue import Context, Finding, Loc, rule
from generator.core.errors import quoted
from generator.core.registry import CodeEntry, lineage
from generator.core.slugs.codes import CODE_LEVEL, CODE_NAME_MISMATCH, MISSING_CODE_DESCRIPTION, UNKNOWN_CODE


def _coded(ctx: Context) -> Iterator[tuple[Loc, str, str, str, int]]:
    """(loc, code, name, kind, expected length) of every coded line in the file."""
    b = ctx.budget
    for i, x in enumerate(b.expenditure):
        yield ("expenditure", i, "code"), x.code, x.name, "function", 7
    for view in ("basic_by_economic", "project_by_economic"):
        for i, line in enumerate(getattr(b, view)):
            yield (view, i, "code"), line.code, line.name, "economic", 5
            for j, item in enumerate(line.items):
                yield (view, i, "items", j, "code"), item.code, item.name, "economic", 7


def _table(ctx: Context, kind: str) -> dict[str, CodeEntry]:
    return ctx.registry.function if kind == "function" else ctx.registry.economic


@rule(CODE_LEVEL)
def code_level(ctx: Context) -> Iterator[Finding]:
    for loc, code, _name, kind, length in _coded(ctx):
        if len(code) != length:
            level = "项（7位）" if kind == "function" else ("款（5位）" if length == 5 else "细化科目（7位）")
            yield Finding(loc, f"编码 {code} 应为{level}", expected=f"{length} 位", actual=code)
    for view in ("basic_by_economic", "project_by_economic"):
        for i, line in enumerate(getattr(ctx.budget, view)):
            for j, item in enumerate(line.items):
                if not item.code.startswith(line.code):
                    yield Finding((view, i, "items", j, "code"), f"细化科目 {item.code} 不属于款 {line.code}",
                                  expected=f"{line.code}xx", actual=item.code)


@rule(UNKNOWN_CODE)
def unknown_code(ctx: Context) -> Iterator[Finding]:
    for loc, code, name, kind, _length in _coded(ctx):
        table = _table(ctx, kind)
        missing = [c for c in lineage(code) if c not in table]
        if missing:
            label = "支出功能分类" if kind == "function" else "经济分类"
            which = "编码" if missing[-1] == code else "上级编码"
            yield Finding(loc, f"{label}{which} {'、'.join(missing)} 不在 {ctx.registry.year} 年分类编码表中"
                               f"（文件中的名称：{quoted(name)}）", actual=code)


@rule(CODE_NAME_MISMATCH)
def code_name(ctx: Context) -> Iterator[Finding]:
    for loc, code, name, kind, _length in _coded(ctx):
        entry = _table(ctx, kind).get(code)
        if entry and not entry.accepts(name):
            yield Finding(loc[:-1] + ("name",), f"编码 {code} 的名称应为“{entry.name}”，文件中是“{name}”",
                          expected=entry.name, actual=name)


@rule(MISSING_CODE_DESCRIPTION)
def missing_description(ctx: Context) -> Iterator[Finding]:
    if not ctx.profile.rules.code_descriptions:  # the locality's glossary does not print them
        return
    for i, line in enumerate(ctx.budget.expenditure):
        entry = ctx.registry.function.get(line.code)
        if entry is not None and not entry.description:
            yield Finding(("expenditure", i, "code"), f"支出功能分类 {line.code} {entry.name} 在编码表中没有科目说明")
