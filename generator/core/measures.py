"""What a table column can show, by row source: the measures a profile names in ``columns[].measure``.

A row source (``function``, ``economic``, ``projects`` …; built in :mod:`generator.derive.sources`)
turns a part of the budget into rows; each of its rows offers the measures listed here under its
name. A money measure of a tree source is computed on every recorded line and summed up the tree
(类/款 rows are the sums of their 项); a text or code measure is read from the row itself. Rows of
the ``department`` source show department-level facts (:mod:`generator.core.facts`).

``reads`` names the fields of the row's item that the measure shows (so a change to a leaf can be
traced to the tables that show it), ``leaf`` the one field it *is* (so an Excel import reads the
column back into that field). Everything here is a pure function of the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Literal

from generator.core import totals
from generator.core.facts import FACTS
from generator.core.money import ZERO
from generator.core.totals import PROJECT_FUND_FIELDS
from generator.core.vocabulary import FISCAL_FUNDS, FUND_NAMES, FUNDS, INCOME_FUND_NAMES, SPENDING_SOURCES

Kind = Literal["text", "code", "money", "number"]
Field = tuple[str, ...]
KINDS: tuple[Kind, ...] = ("text", "code", "money", "number")


@dataclass(frozen=True)
class Measure:
    name: str
    doc: str
    kind: Kind
    value: Callable[[Any], Any] | None = None  # on the source's item (a recorded line, a project …)
    reads: tuple[Field, ...] = ()
    leaf: Field | None = None


def _catalogue(*measures: Measure) -> dict[str, Measure]:
    return {m.name: m for m in measures}


def _attr(path: tuple[str, ...], item: Any) -> Any:
    for part in path:
        item = getattr(item, part)
    return item


def _code_part(start: int, end: int, row: Any) -> str:
    return str(row.code[start:end])


def _swap(fn: Callable[[Any, str], Decimal], fund: str, line: Any) -> Decimal:
    return fn(line, fund)


def _fund_amount(fund: str, kind: str, line: Any) -> Decimal:
    return totals.fund_amount(line, fund, kind)


_KINDS = ("personnel", "public", "project")
# code parts of a 类/款/项 code: 201 | 05 | 07 (a 款 row has no 项 part, a 类 row only its 类)
CODE_PARTS = {"code.class": (0, 3, "类"), "code.section": (3, 5, "款"), "code.item": (5, 7, "项")}


def _code_measures(view: str) -> list[Measure]:
    return [
        Measure("code", f"{view}科目编码（类 3 位、款 5 位、项 7 位，一列）", "code", lambda r: r.code, (("code",),)),
        *[Measure(name, f"{view}科目编码拆成三列时的“{word}”段，上级的编码照样重复（如 201 | 05 | 07）", "code",
                  partial(_code_part, a, b), (("code",),)) for name, (a, b, word) in CODE_PARTS.items()],
        Measure("name", f"{view}科目名称", "text", lambda r: r.name, (("name",),)),
    ]


SOURCE_NAMES = {**FUND_NAMES, **INCOME_FUND_NAMES}


def _group_amount(funds: tuple[str, ...], kind: str, line: Any) -> Decimal:
    if kind == "total":
        return sum((totals.line_fund_total(line, f) for f in funds), ZERO)
    if kind == "basic":
        return sum((totals.basic(line, f) for f in funds), ZERO)
    return sum((totals.fund_amount(line, f, kind) for f in funds), ZERO)


def _fiscal_measures() -> list[Measure]:
    """财政拨款: the three fiscal funds together (a table that shows 财政拨款 in one column)."""
    return [Measure(f"fiscal.{kind}", f"财政拨款（一般公共预算、政府性基金预算、国有资本经营预算）：{word}", "money",
                    partial(_group_amount, FISCAL_FUNDS, kind), tuple((f, k) for f in FISCAL_FUNDS for k in _KINDS))
            for kind, word in (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))]


def _fund_measures(fund: str) -> list[Measure]:
    name = SOURCE_NAMES[fund]
    return [
        Measure(f"{fund}.total", f"{name}：合计（基本支出 + 项目支出）", "money",
                partial(_swap, totals.line_fund_total, fund), tuple((fund, k) for k in _KINDS)),
        Measure(f"{fund}.basic", f"{name}：基本支出（人员经费 + 公用经费）", "money",
                partial(_swap, totals.basic, fund), ((fund, "personnel"), (fund, "public"))),
        *[Measure(f"{fund}.{kind}", f"{name}：{word}", "money",
                  partial(_fund_amount, fund, kind), ((fund, kind),), (fund, kind))
          for kind, word in (("personnel", "人员经费"), ("public", "公用经费"), ("project", "项目支出"))],
    ]


_EXTRA = (("operating", "事业单位经营支出"), ("to_superior", "上缴上级支出"), ("to_subsidiary", "对附属单位补助支出"))
_ALL_FUNDS = tuple((f, k) for f in FUNDS for k in _KINDS)

FUNCTION = _catalogue(
    *_code_measures("支出功能分类"),
    Measure("total", "支出合计（各资金来源的基本支出、项目支出，加经营、上缴上级、对附属单位补助支出）", "money",
            totals.line_total, (*_ALL_FUNDS, *((k,) for k, _ in _EXTRA))),
    Measure("basic", "基本支出（各资金来源）", "money", totals.line_basic,
            tuple((f, k) for f in FUNDS for k in ("personnel", "public"))),
    Measure("project", "项目支出（各资金来源）", "money", totals.line_project, tuple((f, "project") for f in FUNDS)),
    Measure("personnel", "人员经费（各资金来源）", "money",
            lambda x: sum((totals.fund_amount(x, f, "personnel") for f in FUNDS), ZERO), tuple((f, "personnel") for f in FUNDS)),
    Measure("public", "公用经费（各资金来源）", "money",
            lambda x: sum((totals.fund_amount(x, f, "public") for f in FUNDS), ZERO), tuple((f, "public") for f in FUNDS)),
    *[Measure(k, word, "money", partial(_attr, (k,)), ((k,),), (k,)) for k, word in _EXTRA],
    *[m for fund in SPENDING_SOURCES for m in _fund_measures(fund)],
    *_fiscal_measures(),
)


def _personnel(code: str, amount: Decimal) -> Decimal:
    return amount if totals.is_personnel(code) else ZERO


ECONOMIC = _catalogue(
    *_code_measures("部门预算支出经济分类"),
    Measure("amount", "金额（款或 7 位细化科目）", "money", lambda leaf: leaf[1], (("amount",), ("items",)), ("amount",)),
    Measure("personnel", "人员经费（301、303 类）", "money", lambda leaf: _personnel(*leaf), (("amount",), ("items",))),
    Measure("public", "公用经费（301、303 类以外）", "money", lambda leaf: leaf[1] - _personnel(*leaf),
            (("amount",), ("items",))),
)

PAIRS = _catalogue(
    Measure("left.label", "左半边（收入）的项目名称", "text"),
    Measure("left.amount", "左半边（收入）的金额", "money"),
    Measure("right.label", "右半边（支出）的项目名称", "text"),
    Measure("right.amount", "右半边（支出）的金额", "money"),
    *[Measure(f"{side}.{fund}", f"{word}按资金来源分列：{SOURCE_NAMES[fund]}（“类”条目为该类中这一来源的支出，"
              "固定条目为其 split 中这一来源的数字）", "money")
      for side, word in (("left", "左半边"), ("right", "右半边")) for fund in SPENDING_SOURCES],
)

DEPARTMENT = _catalogue(
    Measure("code", "部门（单位）代码；合计行为空，主管部门行为主管部门代码", "code", None,
            (("department", "code"), ("department", "supervisor", "code"))),
    Measure("name", "部门（单位）名称；合计行为“合计”", "text", None,
            (("department", "name"), ("department", "supervisor", "name"))),
    *[Measure(f.name, f.doc, "money", reads=f.reads, leaf=f.leaf) for f in FACTS.values()],
)

_PROJECT_FIELD_NAMES = {
    "general_budget": "本年拨款：一般公共预算", "gov_fund": "本年拨款：政府性基金预算",
    "state_capital": "本年拨款：国有资本经营预算", "carryover_general_budget": "财政拨款结转结余：一般公共预算",
    "carryover_gov_fund": "财政拨款结转结余：政府性基金预算", "carryover_state_capital": "财政拨款结转结余：国有资本经营预算",
    "special_account": "财政专户管理资金", "unit_funds": "单位资金",
}
# Items of the projects source: ``.project`` (the model's Project) and ``.department`` (the department's name).
PROJECTS = _catalogue(
    Measure("type", "项目类型", "text", lambda r: r.project.type, (("type",),), ("type",)),
    Measure("name", "项目名称", "text", lambda r: r.project.name, (("name",),), ("name",)),
    Measure("unit", "项目单位（未填时为本部门）", "text", lambda r: r.project.unit or r.department, (("unit",),), ("unit",)),
    Measure("total", "合计（各资金来源之和）", "money", lambda r: totals.project_total(r.project),
            tuple((f,) for f in _PROJECT_FIELD_NAMES)),
    *[Measure(f, word, "money", partial(_attr, ("project", f)), ((f,),), (f,)) for f, word in _PROJECT_FIELD_NAMES.items()],
)
assert tuple(_PROJECT_FIELD_NAMES) == PROJECT_FUND_FIELDS

_INDICATOR_FIELDS = (("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("operator", "指标性质"),
                     ("value", "指标值"), ("unit", "度量单位"))
# Items of the performance_targets source: ``.target``, ``.indicator``, and the target's ``.department``,
# ``.category`` and ``.budget`` (derived: generator.derive.sources).
TARGETS = _catalogue(
    Measure("department", "单位名称（本部门）", "text", lambda t: t.department),
    Measure("name", "绩效目标（项目）名称", "text", lambda t: t.target.name, (("name",),), ("name",)),
    Measure("execution_weight", "预算执行率权重（%）", "number", lambda t: t.target.execution_weight,
            (("execution_weight",),), ("execution_weight",)),
    Measure("category", "项目类别（未填时取对应项目的类型）", "text", lambda t: t.category, (("category",),)),
    Measure("budget", "预算数（covers 所指经济分类款或项目的金额之和）", "money", lambda t: t.budget, (("covers",),)),
    Measure("goal", "绩效目标", "text", lambda t: t.target.goal, (("goal",),), ("goal",)),
    *[Measure(f"indicator.{k}", f"绩效指标：{word}", "text", partial(_attr, ("indicator", k)), (("indicators",),))
      for k, word in _INDICATOR_FIELDS],
    Measure("indicator.weight", "绩效指标：权重（%），未填为空", "number",
            lambda t: t.indicator.weight if t.indicator.weight is not None else "", (("indicators",),)),
)

INDICATORS = _catalogue(
    *[Measure(k, word, "text", partial(_attr, (k,)), ((k,),), (k,)) for k, word in _INDICATOR_FIELDS],
    Measure("direction", "指标方向性", "text", lambda i: i.direction or "", (("direction",),), ("direction",)),
    Measure("note", "备注", "text", lambda i: i.note, (("note",),), ("note",)),
)

FACT_ROWS = _catalogue(
    Measure("label", "项目名称（条目的 label）", "text"),
    Measure("amount", "金额（条目的 fact）", "money"),
)

# Measures by row source (the ``rows`` of a table's ``source``).
MEASURES: dict[str, dict[str, Measure]] = {
    "function": FUNCTION,
    "economic": ECONOMIC,
    "pairs": PAIRS,
    "department": DEPARTMENT,
    "projects": PROJECTS,
    "performance_targets": TARGETS,
    "department_indicators": INDICATORS,
    "facts": FACT_ROWS,
}
