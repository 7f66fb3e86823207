"""The canonical budget of one department-year, as typed pydantic models.

Only leaves are recorded: every subtotal, total, share and change is derived
elsewhere (see ``derive``). Amounts are exact decimals in the file's ``unit``.
Field descriptions are Chinese because they become the editors' JSON Schema hints.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 1

# Limits (docs/limits.md). A budget is a few thousand lines; these stop hostile or broken input
# (a 1 MB name, a 5,000-digit amount) long before it can slow or crash the build.
MAX_AMOUNT = Decimal(10) ** 15  # amounts must be below this, in the file's unit
MAX_NAME = 200  # characters in a name (department, code name, project, indicator, unit …)
MAX_TEXT = 10_000  # characters in a free-text field (duties, reasons, goals, errata)
MAX_COUNT = 10**9  # headcounts, vehicles, equipment
# The checks below raise PydanticCustomError typed by a problem slug (declared in generator.core.slugs.reading).

# Characters that never belong in published text: C0/C1 controls and DEL (\t and \n are allowed
# in free text only), Unicode format characters (zero-width, bidi embeddings/overrides/isolates,
# soft hyphen, BOM, invisible operators, tag characters …), line/paragraph separators and the
# noncharacters. Kept as ranges (general category Cf of Unicode 15); tests compare it with unicodedata.
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
           "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
           "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_BAD_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")
_BAD_IN_NAME = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")
# Letters that render as nothing (Hangul fillers, braille blank, combining grapheme joiner).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
_EXPONENT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+")


def _describe_char(char: str) -> str:
    return f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")


def _visible(value: str) -> bool:
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK_LOOKING for c in value)


def _check_text(value: str, *, name: bool, required: bool) -> str:
    limit = MAX_NAME if name else MAX_TEXT
    if len(value) > limit:
        raise PydanticCustomError(
            "text-too-long", "{kind}最长 {limit} 个字符，实际 {length} 个字符",
            {"kind": "名称" if name else "文字", "limit": limit, "length": len(value)})
    bad = (_BAD_IN_NAME if name else _BAD_IN_TEXT).search(value)
    if bad:
        where = "名称中" if name else ""
        raise PydanticCustomError(
            "invalid-text", "{where}含有控制字符或不可见字符 {char}（第 {pos} 个字符），请删除",
            {"where": where, "char": _describe_char(bad.group()), "pos": bad.start() + 1})
    if required and not _visible(value):
        raise PydanticCustomError("invalid-text", "内容只有空白或不可见字符", {})
    return value


def _name(value: str) -> str:
    return _check_text(value, name=True, required=True)


def _optional_name(value: str) -> str:
    return _check_text(value, name=True, required=False)


def _text(value: str) -> str:
    return _check_text(value, name=False, required=True)


def _optional_text(value: str) -> str:
    return _check_text(value, name=False, required=False)


def _to_decimal(value: Any) -> Any:
    if isinstance(value, str) and _EXPONENT.fullmatch(value.strip()):
        number = Decimal(value.strip())
        hint = f"，请写成 {number:f}" if abs(number.adjusted()) <= 20 else ""
        raise PydanticCustomError("wrong-type", "不支持科学计数法（指数形式）{actual}{hint}",
                                  {"actual": short_repr(value), "hint": hint})
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise PydanticCustomError("wrong-type", "应为数字，实际是 {actual}", {"actual": short_repr(value)})
    return Decimal(value)


def _clip(text: str) -> str:
    return text if len(text) <= 60 else f"{text[:40]}…（共 {len(text)} 个字符）"


def short_repr(value: Any) -> str:
    return _clip(repr(value))


def _check_size(value: Decimal) -> Decimal:
    if value >= MAX_AMOUNT:
        raise PydanticCustomError(
            "amount-too-large", "数值过大：须小于 10^15（一千万亿），实际有 {digits} 位整数",
            {"digits": value.adjusted() + 1})
    if value == 0:
        return abs(value)  # -0 and -0.00 are zero: never print a minus sign
    return value


def _check_decimals(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise PydanticCustomError(
            "too-many-decimals", "金额最多两位小数：{value}", {"value": _clip(str(value))}
        )
    return _check_size(value)


def _check_money(value: Decimal) -> Decimal:
    if value < 0:
        raise PydanticCustomError("negative-amount", "金额不能为负数：{value}", {"value": _clip(str(value))})
    return _check_decimals(value)


def _to_int(value: Any) -> Any:
    # pydantic would take True as 1 and "5" or 5.0 as 5; a count or a year is a plain integer.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("wrong-type", "应为整数，实际是 {actual}", {"actual": short_repr(value)})
    return value


def _to_code(value: Any) -> Any:
    # Editors often leave codes unquoted; YAML then reads them as integers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    AfterValidator(_check_money),
    Field(json_schema_extra={"type": "number", "minimum": 0, "multipleOf": 0.01, "exclusiveMaximum": 1e15}),
]
# ASCII digits only: pydantic's regex engine reads \d as any Unicode digit (６３００２, ٦٣٠٠٢, 𝟔𝟑𝟎𝟎𝟐).
Code = Annotated[str, BeforeValidator(_to_code), Field(pattern=r"^[0-9]{3}([0-9]{2}){0,2}$")]
DeptCode = Annotated[str, BeforeValidator(_to_code), Field(pattern=r"^[0-9]{2,12}$")]
# A name: one line, at most MAX_NAME characters, something visible.
Name = Annotated[str, Field(min_length=1, json_schema_extra={"maxLength": MAX_NAME}), AfterValidator(_name)]
OptName = Annotated[str, Field(json_schema_extra={"maxLength": MAX_NAME}), AfterValidator(_optional_name)]
# Free text: may span lines, at most MAX_TEXT characters.
Text = Annotated[str, Field(min_length=1, json_schema_extra={"maxLength": MAX_TEXT}), AfterValidator(_text)]
OptText = Annotated[str, Field(json_schema_extra={"maxLength": MAX_TEXT}), AfterValidator(_optional_text)]
Count = Annotated[int, BeforeValidator(_to_int), Field(ge=0, le=MAX_COUNT)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, validate_default=True)


# ---------------------------------------------------------------- metadata / Part 1


class Supervisor(Strict):
    code: DeptCode = Field(description="主管部门代码，如 63")
    name: Name = Field(description="主管部门名称，如 人社部门")


class Department(Strict):
    code: DeptCode = Field(description="部门（单位）代码，如 63002")
    name: Name = Field(description="部门全称")
    supervisor: Supervisor = Field(description="主管部门")
    affiliation: Name = Field(description="隶属关系，如 道里区政府")


class Duties(Strict):
    items: list[Text] = Field(min_length=1, description="主要职责，逐条")
    other: list[Text] = Field(default_factory=list, description="其他职责，如 承办……交办的其他任务")


class Establishment(Strict):
    administrative: Count = Field(0, description="行政编制")
    institutional: Count = Field(0, description="事业编制")
    worker: Count = Field(0, description="工勤编制")


class Headcount(Strict):
    current: Count = Field(description="本年实有人数")
    prior: Count | None = Field(None, description="上年预算人数")


class Staff(Strict):
    establishment: Establishment = Field(description="编制数，总数自动汇总")
    in_service: Headcount = Field(description="在职人员")
    retired: Headcount = Field(description="离退休人员")


class Overview(Strict):
    duties: Duties = Field(description="部门职责")
    internal_units: list[Name] = Field(default_factory=list, description="内设机构")
    subordinate_units: list[Name] = Field(default_factory=list, description="所属单位；为空则写“本部门无所属单位”")
    budget_units: list[Name] = Field(
        default_factory=list, description="纳入部门预算的所属预算单位；为空则仅含部门本级"
    )
    staff: Staff = Field(description="人员构成")


# ---------------------------------------------------------------- money views

class Change(Strict):
    """Prior-year amount and the editor's reason, attached to a published line."""

    prior: Money | None = Field(None, description="上年预算数；空表示不说明增减")
    reason: OptText | None = Field(None, description="增减变化的主要原因")
    prior_adjustment: OptText | None = Field(None, description="上年数与上年文件不一致的原因（如科目调整）")


class IncomeLine(Strict):
    amount: Money = Field(description="本年预算数")
    reason: OptText | None = Field(None, description="收入增减的主要原因（第三部分说明一）")


class Income(Strict):
    general_budget: IncomeLine | None = Field(None, description="一般公共预算拨款收入")
    gov_fund: IncomeLine | None = Field(None, description="政府性基金预算拨款收入")
    state_capital: IncomeLine | None = Field(None, description="国有资本经营预算拨款收入")
    special_account: IncomeLine | None = Field(None, description="财政专户管理资金收入")
    business: IncomeLine | None = Field(None, description="事业收入")
    operating: IncomeLine | None = Field(None, description="事业单位经营收入")
    superior_grant: IncomeLine | None = Field(None, description="上级补助收入")
    subsidiary: IncomeLine | None = Field(None, description="附属单位上缴收入")
    other: IncomeLine | None = Field(None, description="其他收入")


class Balances(Strict):
    general_budget: Money = Field(Decimal(0), description="一般公共预算")
    gov_fund: Money = Field(Decimal(0), description="政府性基金预算")
    state_capital: Money = Field(Decimal(0), description="国有资本经营预算")
    special_account: Money = Field(Decimal(0), description="财政专户管理资金")
    unit_funds: Money = Field(Decimal(0), description="单位资金")


class FundSpending(Change):
    personnel: Money = Field(Decimal(0), description="基本支出·人员经费")
    public: Money = Field(Decimal(0), description="基本支出·公用经费")
    project: Money = Field(Decimal(0), description="项目支出")


class FunctionLine(Strict):
    """One 项 (7-digit function code) of spending, split by fund source."""

    code: Code = Field(description="支出功能分类科目编码（项，7位）")
    name: Name = Field(description="科目名称，须与分类编码表一致")
    general_budget: FundSpending | None = Field(None, description="一般公共预算")
    gov_fund: FundSpending | None = Field(None, description="政府性基金预算")
    state_capital: FundSpending | None = Field(None, description="国有资本经营预算")
    special_account: FundSpending | None = Field(None, description="财政专户管理资金")
    unit_funds: FundSpending | None = Field(None, description="单位资金")
    operating: Money = Field(Decimal(0), description="事业单位经营支出")
    to_superior: Money = Field(Decimal(0), description="上缴上级支出")
    to_subsidiary: Money = Field(Decimal(0), description="对附属单位补助支出")


class EconomicItem(Strict):
    code: Code = Field(description="经济分类科目编码（7位地方细化科目）")
    name: Name
    amount: Money


class EconomicLine(Change):
    """One 款 (5-digit economic code); either an amount or its 7-digit items."""

    code: Code = Field(description="部门预算支出经济分类科目编码（款，5位）")
    name: Name
    amount: Money | None = Field(None, description="金额；有细化科目时不填，由 items 汇总")
    items: list[EconomicItem] = Field(default_factory=list, description="7位细化科目")


class Project(Strict):
    type: Name = Field(description="项目类型，如 其他运转类")
    name: Name = Field(description="项目名称（部门内唯一）")
    unit: OptName | None = Field(None, description="项目单位；默认本部门")
    general_budget: Money = Field(Decimal(0), description="本年拨款·一般公共预算")
    gov_fund: Money = Field(Decimal(0), description="本年拨款·政府性基金预算")
    state_capital: Money = Field(Decimal(0), description="本年拨款·国有资本经营预算")
    carryover_general_budget: Money = Field(Decimal(0), description="财政拨款结转结余·一般公共预算")
    carryover_gov_fund: Money = Field(Decimal(0), description="财政拨款结转结余·政府性基金预算")
    carryover_state_capital: Money = Field(Decimal(0), description="财政拨款结转结余·国有资本经营预算")
    special_account: Money = Field(Decimal(0), description="财政专户管理资金")
    unit_funds: Money = Field(Decimal(0), description="单位资金")


class AmountChange(Change):
    amount: Money = Field(Decimal(0), description="本年预算数")


class ThreePublic(Strict):
    """一般公共预算“三公”经费, by category; checked against the economic views."""

    outbound: AmountChange = Field(default_factory=AmountChange, description="因公出国（境）费")
    vehicle_purchase: AmountChange = Field(default_factory=AmountChange, description="公务用车购置费")
    vehicle_operation: AmountChange = Field(default_factory=AmountChange, description="公务用车运行维护费")
    reception: AmountChange = Field(default_factory=AmountChange, description="公务接待费")
    reason: OptText | None = Field(None, description="“三公”经费合计增减的主要原因")


class Indicator(Strict):
    level1: Name = Field(description="一级指标")
    level2: Name = Field(description="二级指标")
    name: Name = Field(description="三级指标")
    operator: Literal["等于", "大于等于", "小于等于", "大于", "小于", "定性"] = Field(description="指标性质")
    value: Annotated[OptName, BeforeValidator(lambda v: str(v) if isinstance(v, (int, Decimal)) else v)] = Field(
        description="指标值", json_schema_extra={"type": ["string", "number"]}
    )
    unit: OptName = Field("", description="度量单位")
    weight: Money | None = Field(None, description="权重（%）")
    direction: Literal["正向", "反向"] | None = Field(None, description="指标方向性")
    note: OptText = Field("", description="备注")


class Covers(Strict):
    economic: list[Code] = Field(default_factory=list, description="覆盖的基本支出经济分类（款）")
    project: OptName | None = Field(None, description="对应的项目名称")


class PerformanceTarget(Strict):
    name: Name = Field(description="项目名称")
    category: OptName | None = Field(None, description="项目类别；项目默认取项目类型")
    covers: Covers = Field(description="预算数来源：经济分类款或项目，预算数自动汇总")
    execution_weight: Money = Field(Decimal(10), description="预算执行率权重（%）")
    goal: Text = Field(description="绩效目标")
    indicators: list[Indicator] = Field(min_length=1)


class Task(Strict):
    name: Name
    content: Text


class DepartmentPerformance(Strict):
    annual_goal: Text = Field(description="年度目标")
    tasks: list[Task] = Field(default_factory=list, description="年度主要任务")
    indicators: list[Indicator] = Field(default_factory=list)
    summary: Text = Field(description="第三部分说明十五：部门年度绩效目标概述")


class Procurement(Strict):
    goods: Money = Field(Decimal(0), description="货物类")
    works: Money = Field(Decimal(0), description="工程类")
    services: Money = Field(Decimal(0), description="服务类")


class AssetCounts(Strict):
    value: Money = Field(Decimal(0), description="金额")
    buildings_m2: Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0), AfterValidator(_check_decimals)] = Field(
        Decimal(0), description="房屋（平方米）"
    )
    vehicles: Count = Field(0, description="车辆（台）")
    equipment_over_1m: Count = Field(0, description="单价100万元（含）以上设备（台/套）")
    equipment_over_500k: Count = Field(0, description="单价50万元（含）以上设备（台/套）")


class Assets(Strict):
    holdings: AssetCounts = Field(default_factory=AssetCounts, description="上年末固定资产占有")
    planned: AssetCounts = Field(default_factory=AssetCounts, description="本年拟购置")


class Explanations(Strict):
    expenditure_reason: OptText | None = Field(None, description="支出总预算增减的主要原因（说明一）")
    fiscal_reason: OptText | None = Field(None, description="财政拨款收支增减的主要原因（说明四）")


class PriorTotals(Strict):
    """Prior-year totals as the published document states them: facts the editor copies, not sums.

    The comparison sentences (比上年预算增加X万元) compare against these; when the recorded line priors
    do not add up to them, that is reported rather than the headline being rewritten from the lines.
    """

    income: Money | None = Field(None, description="上年收入合计（公开文本所述）")
    spending: Money | None = Field(None, description="上年支出合计（公开文本所述）")
    fiscal: Money | None = Field(None, description="上年财政拨款收支合计（公开文本所述）")
    general_budget: Money | None = Field(None, description="上年一般公共预算拨款（公开文本所述）")
    gov_fund: Money | None = Field(None, description="上年政府性基金预算拨款（公开文本所述）")
    state_capital: Money | None = Field(None, description="上年国有资本经营预算拨款（公开文本所述）")


class Erratum(Strict):
    """A sentence of the published document that the data contradicts (for the 勘误 page)."""

    section: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")] = Field(
        description="情况说明的小节 key，如 general_budget_expenditure")
    code: Code | None = Field(None, description="该句对应的科目编码；整节总述句不填")
    published: Text = Field(description="公开文本原文")
    note: OptText | None = Field(None, description="补充说明")


class Budget(Strict):
    """One department's budget for one year (one YAML file)."""

    schema_version: Annotated[Literal[1], BeforeValidator(_to_int)] = Field(description="文件格式版本")
    year: Annotated[int, BeforeValidator(_to_int), Field(ge=2000, le=2100)] = Field(description="预算年度")
    # A key of a shipped profile, never a path: profiles.load refuses anything but profiles.available().
    profile: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,64}$")] = Field(
        description="地区公开模板（表格与说明的组成），如 harbin-13")
    unit: Literal["万元", "元"] = Field(description="本文件金额的记录单位")
    display_unit: Literal["万元", "元"] = Field("万元", description="公开报表的金额单位")
    department: Department
    overview: Overview
    income: Income
    carryover: Balances = Field(default_factory=Balances, description="上年结转结余")
    year_end_balance: Balances = Field(default_factory=Balances, description="年终结转结余")
    expenditure: list[FunctionLine] = Field(description="支出功能分类（项）明细，按资金来源分列")
    basic_by_economic: list[EconomicLine] = Field(
        default_factory=list, description="一般公共预算基本支出经济分类（款）"
    )
    project_by_economic: list[EconomicLine] = Field(
        default_factory=list, description="一般公共预算项目支出经济分类（款）"
    )
    projects: list[Project] = Field(default_factory=list, description="项目支出表")
    three_public: ThreePublic = Field(default_factory=ThreePublic, description="“三公”经费上年数与原因")
    operating_costs: AmountChange = Field(default_factory=AmountChange, description="机关运行经费")
    procurement: Procurement = Field(default_factory=Procurement, description="政府采购预算")
    assets: Assets = Field(default_factory=Assets, description="国有资产占有与购置")
    performance_targets: list[PerformanceTarget] = Field(default_factory=list, description="项目支出绩效表")
    department_performance: DepartmentPerformance | None = Field(None, description="部门整体支出绩效目标")
    explanations: Explanations = Field(default_factory=Explanations, description="说明中的原因文字")
    prior_totals: PriorTotals | None = Field(None, description="公开文本所述的上年合计（事实；比较句以此为准）")
    errata: list[Erratum] = Field(default_factory=list, description="已公开文本中与数据矛盾的句子（生成勘误页）")
