"""The canonical budget of one department-year, as typed pydantic models.

Only leaves are recorded: every subtotal, total, share and change is derived
elsewhere (see ``derive``). Amounts are exact decimals in the file's ``unit``.
Field descriptions are Chinese because they become the editors' JSON Schema hints.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from generator.core.erratum import Erratum
from generator.core.fields import (  # noqa: F401  (re-exported: the model's value types and limits)
    _BAD_IN_TEXT,
    MAX_AMOUNT,
    MAX_COUNT,
    MAX_NAME,
    MAX_TEXT,
    Area,
    Code,
    Count,
    DeptCode,
    DeptId,
    Money,
    Name,
    OptName,
    OptText,
    Strict,
    Text,
    _to_decimal,
    _to_int,
    short_repr,
)

SCHEMA_VERSION = 1


# ---------------------------------------------------------------- metadata / Part 1


class Supervisor(Strict):
    code: DeptCode = Field(description="主管部门代码，如 63")
    name: Name = Field(description="主管部门名称，如 人社部门")


class Department(Strict):
    code: DeptId = Field(description="部门（单位）代码，如 63002；地区不公开部门代码时填一个稳定的小写拼音标识"
                                     "（如 putuo-wanli），只用作文件名和网址，不印在公开文本中")
    name: Name = Field(description="部门全称")
    short_name: OptName | None = Field(None, description="部门简称，如 万里街道（说明中“万里街道本部”等处使用）；不用时不填")
    supervisor: Supervisor | None = Field(None, description="主管部门；地区不公开时不填")
    affiliation: Name | None = Field(None, description="隶属关系，如 道里区政府；地区不公开时不填")


class Duties(Strict):
    intro: OptText | None = Field(None, description="逐条职责之前的总述句，如 “……是普陀区政府的派出机关，……”；没有时不填")
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


class UnitCounts(Strict):
    """纳入部门预算的单位数，按单位类型（含部门本级）；公开文本只给出家数、不列各单位类型时填这里。"""

    administrative: Count = Field(0, description="行政单位（家）")
    civil_service: Count = Field(0, description="参照公务员法管理的事业单位（参公单位，家）")
    institutional: Count = Field(0, description="其他事业单位（家）")


class Overview(Strict):
    duties: Duties = Field(description="部门职责")
    internal_units: list[Name] = Field(default_factory=list, description="内设机构")
    subordinate_units: list[Name] = Field(default_factory=list, description="所属单位；为空则写“本部门无所属单位”")
    budget_units: list[Name] = Field(
        default_factory=list, description="纳入部门预算的所属预算单位；为空则仅含部门本级"
    )
    unit_counts: UnitCounts | None = Field(
        None, description="纳入部门预算的单位数（含本级），按类型；合计须等于 1 + budget_units 的个数；不公开时不填")
    staff: Staff | None = Field(None, description="人员构成；地区不公开编制数和实有人数时整项不填（不要填 0）")


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
    basic: Money | None = Field(
        None, description="基本支出（不分人员经费、公用经费）：地区只按功能分类公开基本支出合计时填此项，"
                          "此时不填 personnel、public；人员经费、公用经费只在经济分类中区分")
    project: Money = Field(Decimal(0), description="项目支出")
    prior_actual: Money | None = Field(
        None, description="上年预算执行数：公开文本逐项与上年执行数（而不是上年预算数）比较时填；reason 说明与它相比的增减")


class FunctionLine(Strict):
    """One 项 (7-digit function code) of spending, split by fund source."""

    code: Code = Field(description="支出功能分类科目编码（项，7位）")
    name: Name = Field(description="科目名称，须与分类编码表一致")
    purpose: OptText | None = Field(None, description="主要用途，接在“主要用于”之后的文字；说明不逐项写用途的地区不填")
    general_budget: FundSpending | None = Field(None, description="一般公共预算")
    gov_fund: FundSpending | None = Field(None, description="政府性基金预算")
    state_capital: FundSpending | None = Field(None, description="国有资本经营预算")
    special_account: FundSpending | None = Field(None, description="财政专户管理资金")
    unit_funds: FundSpending | None = Field(None, description="单位资金（不再细分收入来源时）")
    business_income: FundSpending | None = Field(
        None, description="由事业收入安排的支出（收入预算按功能分类、分来源公开的地区；与 income.business 对应）")
    operating_income: FundSpending | None = Field(
        None, description="由事业单位经营收入安排的支出（与 income.operating 对应）")
    other_income: FundSpending | None = Field(None, description="由其他收入安排的支出（与 income.other 对应）")
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
    vehicle_reason: OptText | None = Field(None, description="公务用车购置及运行费（小计）增减的主要原因")


class OperatingUnits(Strict):
    administrative: Count = Field(description="机关（行政单位）家数")
    civil_service: Count = Field(0, description="参照公务员法管理的事业单位家数")


class OperatingCosts(AmountChange):
    """机关运行经费：公开文本所列的数（事实），及其所含的单位。"""

    units: OperatingUnits | None = Field(None, description="机关运行经费所含的机关、参公单位家数（公开文本写明时填）")


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
    weight_inferred: bool = Field(
        False, description="权重为推算：公开表此格为空，按权重合计 100 推得（页面上标注“推算”）")
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
    sme_reserved: Money | None = Field(None, description="面向中小企业预留的政府采购项目预算金额；不公开时不填")
    small_micro_reserved: Money | None = Field(
        None, description="其中预留给小型和微型企业的政府采购项目预算金额；不公开时不填")


class VehicleCategories(Strict):
    """车辆按用途分类（八类）的台数；合计须等于 vehicles。"""

    ministerial: Count = Field(0, description="部级领导干部用车")
    principal: Count = Field(0, description="主要领导干部用车")
    confidential: Count = Field(0, description="机要通信用车")
    emergency: Count = Field(0, description="应急保障用车")
    law_enforcement: Count = Field(0, description="执法执勤用车")
    special: Count = Field(0, description="特种专业技术用车")
    retired_cadres: Count = Field(0, description="离退休干部用车")
    other: Count = Field(0, description="其他用车")


class AssetCounts(Strict):
    value: Money = Field(Decimal(0), description="金额")
    buildings_m2: Area = Field(Decimal(0), description="房屋（平方米）")
    vehicles: Count = Field(0, description="车辆（台）")
    equipment_over_1m: Count = Field(0, description="单价100万元（含）以上设备（台/套）")
    equipment_over_500k: Count = Field(0, description="单价50万元（含）以上设备（台/套）")
    as_of: datetime.date | None = Field(None, description="统计截至日期，如 2024-08-31（公开文本写明“截至……”时填）")
    vehicle_categories: VehicleCategories | None = Field(
        None, description="车辆按用途分类的台数（公开文本分类列示时填）")


class Assets(Strict):
    holdings: AssetCounts = Field(default_factory=AssetCounts, description="上年末固定资产占有")
    planned: AssetCounts = Field(default_factory=AssetCounts, description="本年拟购置")


class PerformanceSummary(Strict):
    """绩效目标编报情况（只公开家数、个数和金额的地区）。"""

    units: Count = Field(description="开展绩效目标编报的预算单位（家）")
    projects: Count = Field(description="编报绩效目标的项目（个）")
    amount: Money = Field(description="涉及的项目预算资金（与项目支出合计不一定相等，不做核对）")


class NoteSection(Strict):
    heading: Name = Field(description="小标题，如 一、项目概况")
    paragraphs: list[Text] = Field(default_factory=list, description="正文，逐段")
    quarterly_plan: Annotated[list[Money], Field(min_length=4, max_length=4)] | None = Field(
        None, description="分季度用款计划：第一至第四季度的金额（本节是年度预算安排时填）")


class ProjectNote(Strict):
    """项目经费情况说明：一个项目的分节说明。"""

    name: Name = Field(description="项目名称，如 万里街道社区公共服务中心新建工程")
    sections: list[NoteSection] = Field(min_length=1, description="各节，按公开顺序")


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
    unlisted: Balances | None = Field(
        None, description="已知的差额：上年有、但公开文本未按科目列出的上年数，按资金来源填写（如上年有、本年取消的科目）。"
        "填写后，各科目上年数 + 此数必须正好等于上面的合计，否则为错误（单位同 unit）")
    unit: Literal["万元", "元"] | None = Field(
        None, description="以上各数的记录单位；公开文本只给到万元时填 万元，不填则与本文件的 unit 相同")


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
    carryover: Balances = Field(default_factory=Balances, description="上年结转结余；不公开的地区整项不写")
    year_end_balance: Balances = Field(default_factory=Balances, description="年终结转结余；不公开的地区整项不写")
    expenditure: list[FunctionLine] = Field(description="支出功能分类（项）明细，按资金来源分列")
    basic_by_economic: list[EconomicLine] = Field(
        default_factory=list, description="一般公共预算基本支出经济分类（款）；不公开的地区整项不写"
    )
    project_by_economic: list[EconomicLine] = Field(
        default_factory=list, description="一般公共预算项目支出经济分类（款）；不公开的地区整项不写"
    )
    projects: list[Project] = Field(
        default_factory=list, description="项目支出表；不公开项目清单的地区整项不写（空列表表示没有项目）")
    three_public: ThreePublic = Field(default_factory=ThreePublic, description="“三公”经费上年数与原因")
    operating_costs: OperatingCosts = Field(default_factory=OperatingCosts, description="机关运行经费")
    procurement: Procurement = Field(default_factory=Procurement, description="政府采购预算")
    assets: Assets = Field(default_factory=Assets, description="国有资产占有与购置")
    performance_targets: list[PerformanceTarget] = Field(
        default_factory=list, description="项目支出绩效表；不公开的地区整项不写")
    performance_summary: PerformanceSummary | None = Field(
        None, description="绩效目标编报情况（只公开单位数、项目数和金额的地区）")
    department_performance: DepartmentPerformance | None = Field(None, description="部门整体支出绩效目标")
    project_notes: list[ProjectNote] = Field(default_factory=list, description="项目经费情况说明（逐个项目、分节）")
    explanations: Explanations = Field(default_factory=Explanations, description="说明中的原因文字")
    prior_totals: PriorTotals | None = Field(None, description="公开文本所述的上年合计（事实；比较句以此为准）")
    errata: list[Erratum] = Field(
        default_factory=list,
        description="已公开文本中的全部差错：与数据矛盾的句子、印错的单元格和数字、错字与措辞（生成勘误页）")
