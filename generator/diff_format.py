"""A :class:`~generator.diff.DiffReport` as text, markdown or JSON: pure formatting, no I/O.

The markdown form is the pull-request comment; its first line is :data:`MARKER`, by which the
workflow finds and updates its one comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from generator import profiles
from generator.diff import (
    NO_FIGURE_CHANGED,
    Delta,
    DepartmentDiff,
    DiffReport,
    Entry,
    FigureChange,
    LeafChange,
)
from generator.diff_leaves import NARRATIVE
from generator.errors import Problem, Severity
from generator.money import fmt

MARKER = "<!-- budget-diff -->"


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


def validation_summary(report: DiffReport) -> str:
    errors = [p for p in report.problems if p.severity is Severity.ERROR]
    warnings = len(report.problems) - len(errors)
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


# ---------------------------------------------------------------- text


def to_text(report: DiffReport) -> str:
    out = [f"预算数字变化：{report.base} → {report.head}", headline(report)]
    out += [f"新增部门：{e.key[0]} {e.name}（{e.key[1]} 年，{e.path}）" for e in report.added]
    out += [f"删除部门：{e.key[0]} {e.name}（{e.key[1]} 年，{e.path}）" for e in report.removed]
    for d in report.departments:
        out += ["", f"== {_dept_title(d)}", f"   {_where(d)}"]
        if d.figure_changes:
            out.append("改动的明细数：")
            out += [f"  {d.path}:{c.line}  {_leaf_text(c, d.profile)}" for c in d.figure_changes]
        if d.figures:
            out.append(f"随之变化的合计数（{len(d.figures)} 项）：")
            out += [f"  {_figure_where(c, d.profile)}  {_change_text(c, money=True)}" for c in d.figures]
        if d.text_changes:
            out.append("改动的文字：")
            out += [
                f"  {d.path}:{c.line}  {c.leaf.code} {c.leaf.name}  {c.leaf.label}："
                f"{value_text(c.old)} → {value_text(c.new)}"
                for c in d.text_changes
            ]
        if d.sentences:
            out.append("改动的说明句子：")
            out += [f"  〔{s.section}〕{s.old or '（无）'} → {s.new or '（删除）'}" for s in d.sentences]
    out += ["", f"校验结果（{report.head}）：{validation_summary(report)}"]
    out += [f"  {p.format()}" for p in report.problems]
    out += [f"基准版本中无法读取：{p.format()}" for p in report.base_problems]
    out += [f"注：{n}" for n in report.notes]
    return "\n".join(out) + "\n"


def _change_text(c: Delta, money: bool = False) -> str:
    d, pct = delta_text(c, money)
    return f"{value_text(c.old, money)} → {value_text(c.new, money)}  增减 {d}（{pct}）"


def _leaf_text(c: LeafChange, profile: str) -> str:
    leaf = c.leaf
    return (
        f"{leaf.code} {leaf.name}  {leaf.label}  [{_tables(leaf.tables, profile)}]  {_change_text(c)}".strip()
    )


def _figure_where(c: FigureChange, profile: str) -> str:
    f = c.figure
    return " · ".join(x for x in (table_title(f.table, profile), f.row, f.column) if x)


# ---------------------------------------------------------------- markdown


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ") if value not in (None, "") else ""


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def to_markdown(report: DiffReport) -> str:
    out = [MARKER, f"## 预算数字变化：`{report.base}` → `{report.head}`", "", headline(report), ""]
    if report.added:
        out += ["### 新增部门", ""] + [
            f"- {e.key[0]} {e.name}（{e.key[1]} 年）：`{e.path}`" for e in report.added
        ]
        out.append("")
    if report.removed:
        out += ["### 删除部门", ""] + [
            f"- {e.key[0]} {e.name}（{e.key[1]} 年）：`{e.path}`" for e in report.removed
        ]
        out.append("")
    for d in report.departments:
        out += [f"### {_dept_title(d)}", "", f"文件：{_where(d)}", ""]
        if d.figure_changes:
            out += [
                "**改动的明细数**",
                "",
                _row(["行", "编码", "名称", "项目", "所在表", "原值", "新值", "增减", "增减率"]),
                "|---|---|---|---|---|--:|--:|--:|--:|",
            ]
            for c in d.figure_changes:
                out.append(
                    _row(
                        [
                            c.line,
                            c.leaf.code,
                            c.leaf.name,
                            c.leaf.label,
                            _tables(c.leaf.tables, d.profile),
                            value_text(c.old),
                            value_text(c.new),
                            *delta_text(c),
                        ]
                    )
                )
            out.append("")
        if d.figures:
            out += [
                f"<details open><summary><b>随之变化的合计数</b>（{len(d.figures)} 项）</summary>",
                "",
                _row(["表", "行", "列", "原值", "新值", "增减", "增减率"]),
                "|---|---|---|--:|--:|--:|--:|",
            ]
            for f in d.figures:
                out.append(
                    _row(
                        [
                            table_title(f.figure.table, d.profile),
                            f.figure.row,
                            f.figure.column,
                            value_text(f.old, True),
                            value_text(f.new, True),
                            *delta_text(f, True),
                        ]
                    )
                )
            out += ["", "</details>", ""]
        if d.text_changes:
            out += [
                "**改动的文字**",
                "",
                _row(["行", "编码", "名称", "项目", "原文", "新文"]),
                "|---|---|---|---|---|---|",
            ]
            out += [
                _row([c.line, c.leaf.code, c.leaf.name, c.leaf.label, value_text(c.old), value_text(c.new)])
                for c in d.text_changes
            ]
            out.append("")
        if d.sentences:
            out += ["**改动的说明句子**", ""]
            out += [
                f"- {s.section}："
                + (f"~~{s.old}~~ " if s.old else "")
                + ("→ " + s.new if s.new else "（删除）")
                for s in d.sentences
            ]
            out.append("")
    out += [f"### 校验结果（`{report.head}`）", "", validation_summary(report), ""]
    if report.problems:
        out += [_row(["级别", "规则", "位置", "说明"]), "|---|---|---|---|"]
        out += [
            _row(
                ["错误" if p.severity is Severity.ERROR else "警告", f"`{p.slug}`", f"`{_loc(p)}`", p.message]
            )
            for p in report.problems
        ]
        out.append("")
    out += [f"> 基准版本中无法读取：`{_loc(p)}` [{p.slug}] {p.message}" for p in report.base_problems]
    out += [f"> 注：{n}" for n in report.notes]
    return "\n".join(out).rstrip("\n") + "\n"


def _loc(p: Problem) -> str:
    return p.file + (f":{p.line}" if p.line else "")


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
            "sentences": [{"section": s.section, "old": s.old, "new": s.new} for s in d.sentences],
        }

    errors = [p for p in report.problems if p.severity is Severity.ERROR]
    return {
        "base": report.base,
        "head": report.head,
        "figures_changed": report.figures_changed,
        "summary": headline(report),
        "added": [_entry_json(e) for e in report.added],
        "removed": [_entry_json(e) for e in report.removed],
        "departments": [dept(d) for d in report.departments],
        "validation": {
            "valid": not errors,
            "errors": len(errors),
            "warnings": len(report.problems) - len(errors),
            "problems": [p.to_json() for p in report.problems],
        },
        "base_problems": [p.to_json() for p in report.base_problems],
        "notes": report.notes,
    }


def _json_text(report: DiffReport) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"


FORMATTERS: dict[str, Callable[[DiffReport], str]] = {"text": to_text, "markdown": to_markdown, "json": _json_text}
