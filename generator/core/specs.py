"""A table is one spec: its columns and header levels, its row source, its total row, its unit and number format.

Specs are data. The table library (``profiles/_tables.yaml``) holds the standard tables; a locality
profile lists the tables it publishes, each a library key (with its own title or note) or a whole
spec written inline. Every later stage reads the spec and nothing else: the rows are built by the
row source it names (:mod:`generator.derive.sources`), the page, CSV, JSON and workbook lay it out
from its columns, the Excel import finds it by its title and reads each column back by its measure,
the figure diff labels its cells by the row source's identity. The fields are documented where they
are declared (attribute docstrings), and ``docs/profiles.md`` is generated from them.

A section of the 情况说明 is a spec too (:class:`SectionSpec`): its template, the list of lines it
explains one by one (an erratum may point at one of them) and the change its summary sentence states.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from generator.core.facts import FACTS
from generator.core.measures import KINDS, MEASURES, Kind
from generator.core.money import DEFAULT_FORMAT, FORMAT_PATTERN
from generator.core.recorded import RECORDED
from generator.core.slugs.internal import INVALID_PROFILE
from generator.core.vocabulary import FUNDS, SPENDING_SOURCES

MAX_HEADER_LEVELS = 4  # the Excel import looks for a header of one to four rows
Key = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Label = Annotated[str, Field(min_length=1, max_length=200)]
Note = Annotated[str, Field(max_length=10_000)]
NumberFormat = Annotated[str, Field(pattern=FORMAT_PATTERN)]
Fund = Literal["general_budget", "gov_fund", "state_capital", "special_account", "unit_funds"]
assert set(FUNDS) == set(Fund.__args__)  # type: ignore[attr-defined]
# Every block a function line can hold: the funds, and spending financed by a named income source
SpendingSource = Literal["general_budget", "gov_fund", "state_capital", "special_account", "unit_funds",
                         "business_income", "operating_income", "other_income"]
assert set(SPENDING_SOURCES) == set(SpendingSource.__args__)  # type: ignore[attr-defined]
# A printed text that may name the year: {year} (本年), {prior_year} (上年), {dept} (部门名称)
Template = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^(?:[^{}]|\{(?:year|prior_year|dept|unit)\})*$")]


def _known_fact(name: str) -> str:
    if name not in FACTS:
        guess = difflib.get_close_matches(name, list(FACTS), n=1, cutoff=0.6)
        raise PydanticCustomError(INVALID_PROFILE.slug, "未知的数字“{name}”{hint}（可用的数字见 docs/profiles.md）",
                                  {"name": name, "hint": f"，是不是“{guess[0]}”？" if guess else ""})
    return name


FactName = Annotated[str, AfterValidator(_known_fact)]


def _known_recorded(name: str) -> str:
    if name not in RECORDED:
        raise PydanticCustomError(INVALID_PROFILE.slug, "未知的数据“{name}”（可用：{known}）",
                                  {"name": name, "known": "、".join(RECORDED)})
    return name


# A recorded fact a locality may leave out (generator.core.recorded): staff, projects, purposes …
RecordedName = Annotated[str, AfterValidator(_known_recorded)]
# "{n}、" or "（{n}）": how a numbered item is labelled; {n} becomes 一, 二, 三 … counted within its list
NumberStyle = Annotated[str, Field(pattern=r"^[^{}]{0,5}\{n\}[^{}]{0,5}$")]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True)


# ---------------------------------------------------------------- row sources


class FunctionSource(_Spec):
    """支出功能分类的类、款、项，每行是其下各项之和；各金额列都为 0 的行不列出。"""

    rows: Literal["function"]
    """行来源：`function`。"""
    funds: list[SpendingSource] | None = None
    """只列出这些资金来源有支出的行（不填则看本表各金额列）。"""


class EconomicSource(_Spec):
    """部门预算支出经济分类的类、款（及 7 位细化科目），每行是其下各科目之和。"""

    rows: Literal["economic"]
    """行来源：`economic`。"""
    view: Literal["basic", "project"]
    """`basic`：一般公共预算基本支出（`basic_by_economic`）；`project`：项目支出（`project_by_economic`）。"""


class FactItem(_Spec):
    """一行固定的项目：名称和一个部门级数字。"""

    label: Label
    """项目名称，如 `本年收入合计`。"""
    fact: FactName
    """显示的数字（部门级数字的名称，如 `income.total`）。"""
    split: dict[SpendingSource, FactName] = {}
    """按资金来源分列的各列（量 `left.<来源>`、`right.<来源>`）显示的数字，如 `{general_budget: spending.general_budget}`。"""
    number: NumberStyle | None = None
    """编号样式，如 `"{n}、"` 或 `"（{n}）"`；`{n}` 按本列表中带编号的条目依次为一、二、三……"""
    optional: bool = False
    """为 `true` 时，数字为 0 则不列出这一行（如“其他收入”）。"""


class ClassItems(_Spec):
    """本部门有支出的每个功能分类“类”一行：名称为类名，金额为所列资金来源的支出。"""

    classes: list[SpendingSource] = Field(min_length=1)
    """计入金额的资金来源，如 `[general_budget, gov_fund, state_capital]`（按来源分列的列显示其中每一来源）。"""
    number: NumberStyle | None = None
    """编号样式，同上。"""


class PairBlock(_Spec):
    """两栏表的一段：左右两栏逐行并排，短的一栏补空。"""

    left: list[FactItem | ClassItems] = []
    """左栏（收入）的条目。"""
    right: list[FactItem | ClassItems] = []
    """右栏（支出）的条目。"""
    kind: Literal["leaf", "total"] = "leaf"
    """`total`：这一段是合计行（加粗）。"""


class PairSource(_Spec):
    """收支两栏并排的总表（收支总表、财政拨款收支总表）：左右两栏的条目本身也是数据。"""

    rows: Literal["pairs"]
    """行来源：`pairs`。"""
    blocks: list[PairBlock] = Field(min_length=1)
    """依次排列的各段。"""


class DepartmentSource(_Spec):
    """按单位列示：主管部门一行、本部门一行（各列为部门级数字），如收入总表、“三公”经费表。"""

    rows: Literal["department"]
    """行来源：`department`。"""
    empty_when_zero: bool = False
    """为 `true` 时，各数字都为 0 则只留合计行并注明本表无数据。"""


class ProjectSource(_Spec):
    """项目支出表：每个项目一行。"""

    rows: Literal["projects"]
    """行来源：`projects`。"""


class TargetSource(_Spec):
    """项目支出绩效表：每个绩效目标的每条指标一行，目标自身的列在各行重复（Excel 中合并）。"""

    rows: Literal["performance_targets"]
    """行来源：`performance_targets`。"""


class IndicatorSource(_Spec):
    """部门整体支出绩效指标：每条指标一行；没有部门整体绩效目标时本表无数据。"""

    rows: Literal["department_indicators"]
    """行来源：`department_indicators`。"""


class FactsSource(_Spec):
    """固定的若干行，每行一个名称和一个部门级数字（如政府采购的货物类、工程类、服务类各一行）；都为 0 时本表无数据。"""

    rows: Literal["facts"]
    """行来源：`facts`。"""
    items: list[FactItem] = Field(min_length=1)
    """各行。"""


Source = Annotated[FunctionSource | EconomicSource | PairSource | DepartmentSource | ProjectSource | TargetSource
                   | IndicatorSource | FactsSource, Field(discriminator="rows")]
SOURCE_MODELS: tuple[type[_Spec], ...] = (FunctionSource, EconomicSource, PairSource, DepartmentSource, ProjectSource,
                                          TargetSource, IndicatorSource, FactsSource)


# ---------------------------------------------------------------- columns, total row, table


class ColumnSpec(_Spec):
    """表格的一列。"""

    header: list[Label] = Field(min_length=1, max_length=MAX_HEADER_LEVELS)
    """表头各层，从最外层起，如 `[基本支出, 人员经费]`；相邻列相同的上层合并为一格，层数少的列向下占满。
    可含 `{year}`、`{prior_year}`（如 `"{year}年“三公”经费预算数"`）。"""
    measure: str
    """这一列显示的量，取决于行来源（见“行来源与可用的量”），如 `code`、`name`、`general_budget.personnel`。"""
    kind: Literal["text", "code", "money", "number"] | None = None
    """`text` 文字、`code` 编码、`money` 金额、`number` 数值；不填则取该量的类型。"""
    format: NumberFormat | None = None
    """这一列的数字格式，不填则用表格的 `format`。"""
    blank_zero: bool = False
    """为 `true` 时，金额为 0 的单元格留空（而不是 0.00）。"""


class TotalRow(_Spec):
    """合计行。"""

    position: Literal["top", "bottom", "none"] = "top"
    """`top` 在表头下第一行，`bottom` 在最后一行，`none` 不设合计行。"""
    label: Label = "合计"
    """合计行的名称。"""
    span: int | None = Field(None, ge=1)
    """名称横跨前几列（展开为文字表格时写在其中最后一列）；不填则为开头的文字、编码列数。"""
    blank_when_empty: bool = False
    """为 `true` 时，本表无数据则合计行的金额留空（而不是 0）。"""


class TableSpec(_Spec):
    """一张公开报表。"""

    key: Key
    """表格的 key（小写字母、数字、下划线）：CSV 文件名、页面锚点都由它得出。"""
    title: Title
    """表格标题；Excel 导入按标题找工作表。"""
    code: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    """表格编号，如 `部门公开表01`；不填则按顺序编为“表1”“表2”……"""
    heading: Template | None = None
    """印在表格上方的标题，可含 `{year}`（本年），如 `{year}年部门收入预算总表`；不填则为 `title`。"""
    caption: Template = "单位名称：{dept}　　单位：{unit}"
    """表格上方的一行：`{dept}` 为部门名称，`{unit}` 为金额单位，如 `编制部门：{dept}　　单位：{unit}`。"""
    source: Source
    """行来源及其参数，如 `{rows: function}`、`{rows: economic, view: basic}`。"""
    columns: list[ColumnSpec] = Field(min_length=1, max_length=60)
    """各列，从左到右。"""
    total: TotalRow = TotalRow()
    """合计行的位置、名称和横跨的列数。"""
    unit: Literal["万元", "元"] | None = None
    """金额单位；不填则用预算文件的 `display_unit`。"""
    format: NumberFormat = DEFAULT_FORMAT
    """金额的数字格式：`0.00`（两位小数，默认）、`#,##0.00`、`#,##0`（千分位、取整）、
    `shortest`（最多两位小数，末尾的 0 不写）。"""
    empty_note: Note = "注：本表无数据。"
    """本表无数据时表格下方的说明；可含 `{year}`。"""
    template: Key | None = None
    """自定义模板名（`generator/publish/templates/tables/<template>.md.j2`）；不填则用通用表格。"""
    needs: list[RecordedName] = []
    """本表另外要印出的数据（地区可能不公开的，如 `staff`）；行来源和各列本身需要的（如项目清单、
    人员经费/公用经费划分）自动计入。文件没有这些数据而地区模板列了本表时，校验报错 `missing-fact`。"""

    @model_validator(mode="after")
    def _columns_fit_source(self) -> TableSpec:
        for at, message in self.problems():
            raise PydanticCustomError(INVALID_PROFILE.slug, "{message}", {"message": message, "at": at})
        return self

    def problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(location inside this spec, Chinese message) of every column that does not fit the row source."""
        out: list[tuple[tuple[str | int, ...], str]] = []
        measures = MEASURES[self.source.rows]
        for i, column in enumerate(self.columns):
            measure = measures.get(column.measure)
            if measure is None:
                guess = difflib.get_close_matches(column.measure, list(measures), n=1, cutoff=0.6)
                out.append((("columns", i, "measure"),
                            f"第 {i + 1} 列：行来源 {self.source.rows} 没有“{column.measure}”这个量"
                            + (f"，是不是“{guess[0]}”？" if guess else "（可用的量见 docs/profiles.md）")))
            elif column.kind is not None and _numeric(column.kind) != _numeric(measure.kind):
                words = KIND_WORDS[measure.kind], KIND_WORDS[column.kind]
                out.append((("columns", i, "kind"), f"第 {i + 1} 列：“{column.measure}”是{words[0]}，不能作为{words[1]}列"))
        for i in range(len(self.columns) - 1):
            a, b = self.columns[i].header, self.columns[i + 1].header
            if a == b:
                out.append((("columns", i + 1, "header"), f"第 {i + 1}、{i + 2} 列的表头相同（“{' · '.join(a)}”）"))
            elif a[: min(len(a), len(b))] == b[: min(len(a), len(b))]:
                short = a if len(a) < len(b) else b
                out.append((("columns", i + 1, "header"),
                            f"第 {i + 1}、{i + 2} 列的表头冲突：“{' · '.join(short)}”既是一列的表头又是另一列的上层表头"))
        if self.total.span is not None and self.total.span > len(self.columns):
            out.append((("total", "span"), f"合计行名称横跨 {self.total.span} 列，但本表只有 {len(self.columns)} 列"))
        return out

    def required(self) -> list[str]:
        """The recorded facts this table prints (generator.core.recorded): its source's, its columns', its own."""
        out = list(self.needs)
        rows = self.source.rows
        if rows in ("projects", "performance_targets"):
            out.append(rows)
        if isinstance(self.source, EconomicSource):
            out.append("basic_by_economic" if self.source.view == "basic" else "project_by_economic")
        names = [c.measure for c in self.columns]
        if isinstance(self.source, PairSource):
            names += [i.fact for b in self.source.blocks for i in (*b.left, *b.right) if isinstance(i, FactItem)]
        if rows in ("function", "department", "pairs") and any(
                n.split(".")[-1] in ("personnel", "public") for n in names):
            out.append("personnel_split")
        return list(dict.fromkeys(out))

    def printed_title(self, year: int) -> str:
        """The title as printed above the table (``heading`` with its year filled in, else ``title``)."""
        return fill(self.heading or self.title, year=year)

    def kind_of(self, column: ColumnSpec) -> Kind:
        return column.kind or MEASURES[self.source.rows][column.measure].kind

    def label_span(self) -> int:
        """How many leading columns the total row's label spans."""
        if self.total.span is not None:
            return self.total.span
        span = 0
        for column in self.columns:
            if _numeric(self.kind_of(column)):
                break
            span += 1
        return max(span, 1)


def fill(text: str, year: int, dept: str = "", unit: str = "") -> str:
    """A profile text with its placeholders ({year}, {prior_year}, {dept}, {unit}) filled in (no other braces)."""
    for name, value in (("{year}", str(year)), ("{prior_year}", str(year - 1)), ("{dept}", dept), ("{unit}", unit)):
        text = text.replace(name, value)
    return text


KIND_WORDS = {"text": "文字", "code": "编码", "money": "金额", "number": "数值"}
assert set(KIND_WORDS) == set(KINDS)


def _numeric(kind: str) -> bool:
    return kind in ("money", "number")


# ---------------------------------------------------------------- header levels → merged cells


@dataclass(frozen=True)
class HeaderCell:
    """One cell of a multi-level header: its label, its top-left position and how far it spans."""

    label: str
    row: int
    column: int
    colspan: int
    rowspan: int


def header_cells(paths: list[tuple[str, ...]] | list[list[str]]) -> list[list[HeaderCell]]:
    """The header as rows of merged cells: equal adjacent prefixes merge across, a path shorter than the
    deepest one spans down to the last header row (as a printed budget table draws it)."""
    depth = max((len(p) for p in paths), default=0)
    rows: list[list[HeaderCell]] = []
    for level in range(depth):
        cells: list[HeaderCell] = []
        col = 0
        while col < len(paths):
            path = paths[col]
            if level >= len(path):
                col += 1
                continue
            end = col
            while (end + 1 < len(paths) and len(paths[end + 1]) > level
                   and tuple(paths[end + 1][: level + 1]) == tuple(path[: level + 1])):
                end += 1
            rowspan = 1 if level < len(path) - 1 else depth - level
            cells.append(HeaderCell(path[level], level, col, end - col + 1, rowspan))
            col = end + 1
        rows.append(cells)
    return rows


# ---------------------------------------------------------------- sections


LINES = {**{f"function.{f}": f for f in FUNDS}, "function.fiscal": "fiscal", "economic.basic": "basic",
         "economic.project": "project"}


def _known_lines(name: str) -> str:
    if name not in LINES:
        raise PydanticCustomError(INVALID_PROFILE.slug, "未知的逐项说明“{name}”（可用：{known}）",
                                  {"name": name, "known": "、".join(LINES)})
    return name


class Change(_Spec):
    """小节总述句中的增减：本年数和上年数（部门级数字的名称）。"""

    current: FactName
    """本年数，如 `spending.total`。"""
    prior: FactName
    """上年数，如 `spending.prior`。"""


# A sentence form: text with {name} placeholders the section template fills in (names: lower case, digits, _)
FormText = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^(?:[^{}]|\{[a-z0-9_]{1,40}\})*$")]
_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


# The figures of a department page's summary (generator.derive.summary) that a section can explain.
SummaryFigure = Literal["expenditure_summary", "fiscal_summary", "three_public", "operating_costs"]


class SectionSpec(_Spec):
    """情况说明的一节。"""

    key: Key
    """小节 key；勘误的 `section` 填它。"""
    title: Title
    """小节标题；可含 `{year}`、`{prior_year}`、`{dept}`，如 `一、{year}年“三公”经费预算情况说明`。"""
    template: Key | None = None
    """模板名（`generator/publish/templates/sections/<template>.md.j2`），不填则与 key 相同。"""
    lines: Annotated[str, AfterValidator(_known_lines)] | None = None
    """逐项说明的科目列表：`function.<资金来源>`（功能分类，如 `function.general_budget`；`function.fiscal`
    为财政拨款三项合计，带各行的用途和上年执行数）或
    `economic.basic`、`economic.project`（经济分类）；勘误的 `code` 必须是其中之一。"""
    change: Change | None = None
    """总述句所说的增减，勘误页据此列出算式。"""
    needs: list[RecordedName] = []
    """本节要印出的数据（地区可能不公开的，如 `staff`、`unit_counts`）；文件没有而地区模板列了本节时，校验报错 `missing-fact`。"""
    forms: dict[Key, FormText] = {}
    """改写小节模板中有名字的句式：名称 → 句式，`{占位符}` 处由模板填入数字（可用的名称和占位符见小节模板，
    写错由 `validate` 报错），如 `{unit_counts: "本部门中，行政单位 {administrative} 家，参公单位{civil_service}家，……"}`。"""
    formats: dict[Key, NumberFormat] = {}
    """改写小节模板中有名字的数字格式：名称 → 数字格式，如 `{summary: "0.00"}`（总述中的万元数不用千分位）。"""
    explains: list[SummaryFigure] = []
    """部门页摘要中由本节说明的数字（摘要“详见”的“说明”链接到本节）：`expenditure_summary`（支出合计、基本和项目支出）、
    `fiscal_summary`（财政拨款支出）、`three_public`（“三公”经费）、`operating_costs`（机关运行经费）；同名小节不用写。"""

    @property
    def template_name(self) -> str:
        return self.template or self.key

    def form(self, name: str, default: str, **values: object) -> str:
        """The sentence form ``name`` (the profile's, else the template's ``default``) with its placeholders filled.
        A placeholder the template does not supply is left as written (``validate`` reports it first)."""
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), self.forms.get(name, default))

    def style(self, name: str, default: str) -> str:
        """The number format ``name`` (the profile's, else the template's ``default``)."""
        return self.formats.get(name, default)


class PartSpec(_Spec):
    """公开文本的一个部分（目录中的一项）：标题和其中依次排列的小节，或全部报表。"""

    title: Title
    """目录中的名称，如 `部门主要职能`；页面上写作“一、部门主要职能”。"""
    sections: list[Key] = []
    """本部分依次排列的小节（`sections` 中的 key）。"""
    tables: bool = False
    """为 `true` 时，本部分是全部公开报表（按 `tables` 的顺序，标题前编号 1. 2. ……）。"""
