"""Classification codes: each code exists in the year's registry, at the right level, with its name."""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.rules.catalogue import Context, Finding, Loc, rule
from generator.core.errors import Severity, quoted
from generator.core.registry import CodeEntry, lineage

E = Severity.ERROR


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


@rule("code-level", E, "科目层级不对",
      "支出功能分类按“项”（7 位）填写；经济分类按“款”（5 位）填写，地方细化科目（7 位）写在款的 items 中，"
      "且必须以所属款的编码开头。",
      fix="支出功能分类写到“项”（如 \"2080101\"）；经济分类写“款”（如 \"30101\"），7 位细化科目放进该款的 items，"
          "并以款的编码开头（如 \"3010101\"）。")
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


@rule("unknown-code", Severity.WARNING, "编码不在分类编码表中",
      "每个科目编码及其上级（类、款）应在该年度的政府收支分类科目编码表中：程序自带的编码表"
      "（generator/core/reference/）加上仓库自己的编码表（budgets/_codes/<年度>.yaml）。不在表中的编码照样校验和发布，"
      "名称用文件中写的；但上级（类、款）的名称无从得知，报表中的类、款行会缺名称。",
      fix="先核对编码是否抄错；确是正式科目而编码表缺少时，把它（及其类、款）连同名称补进仓库的 "
          "budgets/_codes/<年度>.yaml（写法见编辑指南“编辑预算文件”），不用改程序。")
def unknown_code(ctx: Context) -> Iterator[Finding]:
    for loc, code, name, kind, _length in _coded(ctx):
        table = _table(ctx, kind)
        missing = [c for c in lineage(code) if c not in table]
        if missing:
            label = "支出功能分类" if kind == "function" else "经济分类"
            which = "编码" if missing[-1] == code else "上级编码"
            yield Finding(loc, f"{label}{which} {'、'.join(missing)} 不在 {ctx.registry.year} 年分类编码表中"
                               f"（文件中的名称：{quoted(name)}）", actual=code)


@rule("code-name-mismatch", E, "科目名称与编码表不符",
      "科目名称必须与分类编码表中的名称（或登记的地方写法）一致；只是括号全角、半角不同（如 维修(护)费 与 "
      "维修（护）费）算同一个名称。",
      fix="把 name 改为信息中给出的标准名称；本地区确有固定的不同写法时，登记到 generator/core/reference/<年度>.yaml。")
def code_name(ctx: Context) -> Iterator[Finding]:
    for loc, code, name, kind, _length in _coded(ctx):
        entry = _table(ctx, kind).get(code)
        if entry and not entry.accepts(name):
            yield Finding(loc[:-1] + ("name",), f"编码 {code} 的名称应为“{entry.name}”，文件中是“{name}”",
                          expected=entry.name, actual=name)


@rule("missing-code-description", Severity.WARNING, "科目没有科目说明",
      "第四部分名词解释会逐条解释本部门用到的支出功能分类（项）；编码表中这一项还没有科目说明，"
      "名词解释里就会缺这一条。请在 generator/core/reference/<年度>.yaml 中补上官方的科目说明。"
      "名词解释不附科目说明的地区（profile 的 rules.code_descriptions: false）不做这项检查。",
      fix="在 generator/core/reference/<年度>.yaml 中该编码下补上 description（官方科目说明原文）；预算文件本身不用改。")
def missing_description(ctx: Context) -> Iterator[Finding]:
    if not ctx.profile.rules.code_descriptions:  # the locality's glossary does not print them
        return
    for i, line in enumerate(ctx.budget.expenditure):
        entry = ctx.registry.function.get(line.code)
        if entry is not None and not entry.description:
            yield Finding(("expenditure", i, "code"), f"支出功能分类 {line.code} {entry.name} 在编码表中没有科目说明")
