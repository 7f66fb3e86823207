"""A :class:`~generator.review.diff.DiffReport` as text, markdown or JSON: pure formatting, no I/O.

Every form starts with the verdict (✅/❌, error and warning counts, how many are new against the
base). The markdown form is the pull-request comment; its first line is :data:`MARKER` (an
invisible HTML comment by which the workflow finds and updates its one comment), the verdict
is the first visible line. Everything that comes from a budget file (names, reasons,
sentences, paths, messages) is data: escaped for GitHub markdown (:func:`gfm`), or stripped of
control characters in text (:func:`plain`).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from generator.check import rules
from generator.core import profiles
from generator.core.errors import Problem, Severity
from generator.core.money import fmt
from generator.load.leaves import NARRATIVE
from generator.review.diff import (
    NO_FIGURE_CHANGED,
    Delta,
    DepartmentDiff,
    DiffReport,
    Entry,
    FigureChange,
    LeafChange,
    SentenceChange,
)

MARKER = "<!-- budget-diff -->"
NEW = "🆕"
RECONCILIATION = frozenset(rules.FOLD_ORDER)


# ---------------------------------------------------------------- escaping

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Other C0/C1 controls, and the bidirectional overrides that reorder what a reader sees.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_GFM_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$])")


def plain(value: object) -> str:
    """Text for a terminal: one line, no escape sequences or other control characters."""
    text = _LINE_BREAKS.sub(" ", str(value)).replace("\t", " ")
    return _CONTROL.sub("", _ANSI.sub("", text))


def gfm(value: object) -> str:
    """Text for GitHub markdown that renders as exactly these characters, on one line.

    No markup survives (``<`` and ``&`` become entities, markdown punctuation is
    backslash-escaped), no line break can start a block (an HTML comment that would hide the
    rest of the comment, a heading, a quote), and ``@name`` notifies nobody.
    """
    text = plain(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _GFM_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "@\u200b")


def word_diff(old: str, new: str) -> list[tuple[str, str, str]]:
    """Segments ``(same, removed, added)`` of two sentences: numbers and words whole, Chinese by character.

    A single unchanged character between two changes joins them, so “减少19.49” → “增加20.00”
    reads as one change, not as a scatter of fragments.
    """
    a, b = _tokens(old), _tokens(new)
    out: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("".join(a[i1:i2]), "", ""))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if len(out) >= 2 and not out[-1][1] and not out[-1][2] and len(out[-1][0]) == 1 and (out[-2][1] or out[-2][2]):
            same = out.pop()[0]
            _, r, d = out.pop()
            removed, added = r + same + removed, d + same + added
        out.append(("", removed, added))
    return out


_TOKEN = re.compile(r"\d+(?:\.\d+)?%?|[A-Za-z]+|\s+|.", re.S)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def sentence_markdown(s: SentenceChange) -> str:
    if s.old is None:
        return f"<b>{gfm(s.new)}</b>（新增）"
    if s.new is None:
        return f"<del>{gfm(s.old)}</del>（删除）"
    parts = []
    for same, removed, added in word_diff(s.old, s.new):
        parts.append(gfm(same))
        parts.append(f"<del>{gfm(removed)}</del>" if removed else "")
        parts.append(f"<b>{gfm(added)}</b>" if added else "")
    return "".join(parts)


def sentence_text(s: SentenceChange) -> str:
    if s.old is None:
        return f"{{+{plain(s.new)}+}}（新增）"
    if s.new is None:
        return f"[-{plain(s.old)}-]（删除）"
    return "".join(plain(same) + (f"[-{plain(r)}-]" if r else "") + (f"{{+{plain(a)}+}}" if a else "")
                   for same, r, a in word_diff(s.old, s.new))


# ---------------------------------------------------------------- shared wording


def table_title(key: str, profile_key: str) -> str:
    if key == "totals":
        return "主要合计"
    if key == NARRATIVE:
        return NARRATIVE
    try:
        specs = profiles.load(profile_key).tables
    except KeyError:
        return key
    for i, spec in enumerate(specs, 1):
        if spec.key == key:
            return f"表{i} {spec.title}"
    return key


def value_text(value: object, money: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return fmt(value) if money else f"{value:f}"
    return str(value)


def delta_text(change: Delta, money: bool = False) -> tuple[str, str]:
    """(Δ, %) as shown: signed change and signed percentage, or 新增 / 删除."""
    d = change.delta
    if d is None:
        return "", ""
    shown = fmt(d) if money else f"{d:f}"
    sign = "+" if d > 0 else ""
    if change.old is None:
        pct = "新增"
    elif change.new is None:
        pct = "删除"
    elif change.pct is None:
        pct = "—"
    else:
        pct = f"{'+' if change.pct > 0 else ''}{change.pct:f}%"
    return sign + shown, pct


def headline(report: DiffReport) -> str:
    if report.figures_changed:
        n = sum(len(d.figure_changes) for d in report.departments)
        return f"{n} 个明细数有变化，新增 {len(report.added)} 个、删除 {len(report.removed)} 个部门预算。"
    return f"{NO_FIGURE_CHANGED}。"


def _count(problems: list[Problem], report: DiffReport, unit: str) -> str:
    fresh = sum(1 for p in problems if report.is_new(p))
    return f"{len(problems)} 个{unit}（新增 {fresh} 个）"


def verdict(report: DiffReport) -> str:
    """The first line of every form: can HEAD be published, and what did this change add."""
    counts = f"{_count(report.errors, report, '错误')}，{_count(report.warnings, report, '警告')}"
    if report.errors:
        return f"❌ 不能发布：{counts}"
    return f"✅ 校验通过：{counts}"


def validation_summary(report: DiffReport) -> str:
    errors = report.errors
    warnings = len(report.warnings)
    if errors:
        return f"❌ {len(errors)} 个错误，{warnings} 个警告"
    return f"✅ 没有错误（{warnings} 个警告）"


def _tables(leaf_tables: tuple[str, ...], profile: str) -> str:
    return "、".join(table_title(t, profile) for t in leaf_tables)


def _dept_title(d: DepartmentDiff) -> str:
    return f"{d.key[0]} {d.name}（{d.key[1]} 年）"


def _where(d: DepartmentDiff) -> str:
    moved = f"（原为 {d.old_path}）" if d.old_path != d.path else ""
    return f"{d.path}{moved}；明细数单位：{d.unit}，报表金额单位：{d.display_unit}"


def broken(report: DiffReport, d: DepartmentDiff) -> list[Problem]:
    """The reconciliations of this department that HEAD no longer satisfies."""
    return [p for p in report.errors if p.file == d.path and p.slug in RECONCILIATION]


def _ordered(report: DiffReport) -> list[Problem]:
    """New problems first, then errors before warnings, each in file order."""
    return sorted(report.problems, key=lambda p: (not report.is_new(p), p.severity is not Severity.ERROR))


# ---------------------------------------------------------------- text


def to_text(report: DiffReport) -> str:
    out = [verdict(report), f"预算数字变化：{plain(report.base)} → {plain(report.head)}", headline(report)]
    out += [f"新增部门：{plain(e.key[0])} {plain(e.name)}（{e.key[1]} 年，{plain(e.path)}）" for e in report.added]
    out += [f"删除部门：{plain(e.key[0])} {plain(e.name)}（{e.key[1]} 年，{plain(e.path)}）" for e in report.removed]
    for d in report.departments:
        out += ["", f"== {plain(_dept_title(d))}", f"   {plain(_where(d))}"]
        if d.figure_changes:
            out.append("改动的明细数：")
            out += [f"  {plain(d.path)}:{c.line}  {plain(_leaf_text(c, d.profile))}" for c in d.figure_changes]
        if broken(report, d):
            out.append("不再相等的数：")
            out += [f"  {plain(d.path)}:{p.line}  [{p.slug}] {plain(p.message)}" for p in broken(report, d)]
        if d.figures:
            out.append(f"随之变化的合计数（{len(d.figures)} 项）：")
            out += [f"  {plain(_figure_where(c, d.profile))}  {_change_text(c, money=True)}" for c in d.figures]
        if d.text_changes:
            out.append("改动的文字：")
            out += [
                f"  {plain(d.path)}:{c.line}  {plain(c.leaf.code)} {plain(c.leaf.name)}  {plain(c.leaf.label)}："
                f"{plain(value_text(c.old))} → {plain(value_text(c.new))}"
                for c in d.text_changes
            ]
        if d.sentences:
            out.append("改动的说明句子（[-删去-]{+加上+}）：")
            out += [f"  〔{plain(s.section)}〕{sentence_text(s)}" for s in d.sentences]
    out += ["", f"校验结果（{plain(report.head)}）：{validation_summary(report)}"]
    out += [f"  {'新增 ' if report.is_new(p) else ''}{plain(p.format())}" for p in _ordered(report)]
    out += [f"基准版本中无法读取：{plain(p.format())}" for p in report.base_problems]
    out += [f"注：{plain(n)}" for n in report.notes]
    return "\n".join(out) + "\n"


def _change_text(c: Delta, money: bool = False) -> str:
    d, pct = delta_text(c, money)
    return f"{plain(value_text(c.old, money))} → {plain(value_text(c.new, money))}  增减 {d}（{pct}）"


def _leaf_text(c: LeafChange, profile: str) -> str:
    leaf = c.leaf
    return (
        f"{leaf.code} {leaf.name}  {leaf.label}  [{_tables(leaf.tables, profile)}]  {_change_text(c)}".strip()
    )


def _figure_where(c: FigureChange, profile: str) -> str:
    f = c.figure
    return " · ".join(x for x in (table_title(f.table, profile), f.row, f.column) if x)


# ---------------------------------------------------------------- markdown


def _row(cells: list[object]) -> str:
    """A table row; every cell is data (escaped), except those already marked up (:class:`_Md`)."""
    return "| " + " | ".join(c if isinstance(c, _Md) else gfm(c) if c not in (None, "") else "" for c in cells) + " |"


class _Md(str):
    """A string that is already markdown (built from escaped parts)."""


def _loc(p: Problem) -> str:
    return p.file + (f":{p.line}" if p.line else "")


def to_markdown(report: DiffReport) -> str:
    out = [MARKER, f"**{gfm(verdict(report))}**", "",
           f"## 预算数字变化：{gfm(report.base)} → {gfm(report.head)}", "", gfm(headline(report)), ""]
    if report.added:
        out += ["### 新增部门", ""] + [
            f"- {gfm(e.key[0])} {gfm(e.name)}（{e.key[1]} 年）：{gfm(e.path)}" for e in report.added
        ]
        out.append("")
    if report.removed:
        out += ["### 删除部门", ""] + [
            f"- {gfm(e.key[0])} {gfm(e.name)}（{e.key[1]} 年）：{gfm(e.path)}" for e in report.removed
        ]
        out.append("")
    for d in report.departments:
        out += [f"### {gfm(_dept_title(d))}", "", f"文件：{gfm(_where(d))}", ""]
        if d.figure_changes:
            out += [
                "**改动的明细数**",
                "",
                _row(["行", "编码", "名称", "项目", "所在表", "原值", "新值", "增减", "增减率"]),
                "|---|---|---|---|---|--:|--:|--:|--:|",
            ]
            for c in d.figure_changes:
                out.append(_row([c.line, c.leaf.code, c.leaf.name, c.leaf.label, _tables(c.leaf.tables, d.profile),
                                 value_text(c.old), value_text(c.new), *delta_text(c)]))
            out.append("")
        if broken(report, d):
            out += ["**不再相等的数**（这次改动后不再勾稽的两个口径）", ""]
            out += [f"- {gfm(_loc(p))} `{p.slug}`：{gfm(p.message)}" for p in broken(report, d)]
            out.append("")
        if d.figures:
            out += [
                f"<details open><summary><b>随之变化的合计数</b>（{len(d.figures)} 项）</summary>",
                "",
                _row(["表", "行", "列", "原值", "新值", "增减", "增减率"]),
                "|---|---|---|--:|--:|--:|--:|",
            ]
            for f in d.figures:
                out.append(_row([table_title(f.figure.table, d.profile), f.figure.row, f.figure.column,
                                 value_text(f.old, True), value_text(f.new, True), *delta_text(f, True)]))
            out += ["", "</details>", ""]
        if d.text_changes:
            out += [
                "**改动的文字**",
                "",
                _row(["行", "编码", "名称", "项目", "原文", "新文"]),
                "|---|---|---|---|---|---|",
            ]
            out += [_row([c.line, c.leaf.code, c.leaf.name, c.leaf.label, value_text(c.old), value_text(c.new)])
                    for c in d.text_changes]
            out.append("")
        if d.sentences:
            out += ["**改动的说明句子**（删去的字划线，加上的字加粗）", ""]
            out += [f"- {gfm(s.section)}：{sentence_markdown(s)}" for s in d.sentences]
            out.append("")
    out += [f"### 校验结果（{gfm(report.head)}）", "", gfm(validation_summary(report)), ""]
    if report.problems:
        out += [_row(["", "级别", "规则", "位置", "说明"]), "|---|---|---|---|---|"]
        out += [
            _row([_Md(NEW + " 新增") if report.is_new(p) else "",
                  "错误" if p.severity is Severity.ERROR else "警告", _Md(f"`{p.slug}`"), _loc(p), p.message])
            for p in _ordered(report)
        ]
        out.append("")
    out += [f"> 基准版本中无法读取：{gfm(_loc(p))} `{p.slug}` {gfm(p.message)}" for p in report.base_problems]
    out += [f"> 注：{gfm(n)}" for n in report.notes]
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------- json


def _num(value: object) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _delta_json(c: Delta) -> dict[str, Any]:
    return {"old": _num(c.old), "new": _num(c.new), "delta": _num(c.delta), "pct": _num(c.pct)}


def _entry_json(e: Entry) -> dict[str, Any]:
    return {"code": e.key[0], "year": e.key[1], "name": e.name, "path": e.path}


def to_json(report: DiffReport) -> dict[str, Any]:
    def dept(d: DepartmentDiff) -> dict[str, Any]:
        return {
            "code": d.key[0],
            "year": d.key[1],
            "name": d.name,
            "path": d.path,
            "old_path": d.old_path,
            "unit": d.unit,
            "display_unit": d.display_unit,
            "leaves": [
                {
                    "key": list(c.leaf.key),
                    "line": c.line,
                    "code": c.leaf.code,
                    "name": c.leaf.name,
                    "label": c.leaf.label,
                    "tables": list(c.leaf.tables),
                    "numeric": c.numeric,
                    **_delta_json(c),
                }
                for c in d.leaves
            ],
            "figures": [
                {
                    "table": c.figure.table,
                    "table_title": table_title(c.figure.table, d.profile),
                    "row": c.figure.row,
                    "column": c.figure.column,
                    **_delta_json(c),
                }
                for c in d.figures
            ],
            "broken": [p.slug for p in broken(report, d)],
            "sentences": [{"section": s.section, "old": s.old, "new": s.new} for s in d.sentences],
        }

    return {
        "verdict": verdict(report),
        "base": report.base,
        "head": report.head,
        "figures_changed": report.figures_changed,
        "summary": headline(report),
        "added": [_entry_json(e) for e in report.added],
        "removed": [_entry_json(e) for e in report.removed],
        "departments": [dept(d) for d in report.departments],
        "validation": {
            "valid": report.valid,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "new_errors": sum(1 for p in report.errors if report.is_new(p)),
            "new_warnings": sum(1 for p in report.warnings if report.is_new(p)),
            "problems": [{**p.to_json(), "new": report.is_new(p)} for p in report.problems],
        },
        "base_problems": [p.to_json() for p in report.base_problems],
        "notes": report.notes,
    }


def _json_text(report: DiffReport) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"


FORMATTERS: dict[str, Callable[[DiffReport], str]] = {"text": to_text, "markdown": to_markdown, "json": _json_text}
