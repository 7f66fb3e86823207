"""Errata: what a published document got wrong, recorded so that the validator can check each entry.

The YAML records only leaves, so a figure the published document printed wrongly (a subtotal cell, a
stated change, a percentage) cannot be written into the data; it is recorded here, with where it was
printed and what was printed. The validator recomputes every entry from the data (``check.rules.errata``)
and the 勘误 page prints the published text, the correct text and the arithmetic.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.core.fields import Area, Code, Key, OptName, OptText, Strict

ErratumKind = Literal["sentence", "cell", "figure", "path", "sum", "glossary", "empty_note", "wording"]
Measure = Literal["amount", "change", "change_pct"]
TotalKey = Literal["income", "spending", "fiscal", "general_budget", "gov_fund", "state_capital"]

# The fields each kind needs (check.rules.errata reports a missing one, located at the erratum).
REQUIRED: dict[str, tuple[str, ...]] = {
    "sentence": ("section", "published"),
    "cell": ("table", "row", "column", "printed"),
    "figure": ("section", "measure", "printed", "published"),
    "path": ("section", "code", "printed", "published"),
    "sum": ("section", "printed", "terms", "published"),
    "glossary": ("row", "published"),
    "empty_note": ("table", "published"),
    "wording": ("section", "published", "correct"),
}


class Erratum(Strict):
    """One slip of the published document (for the 勘误 page); ``kind`` says what is checked."""

    kind: ErratumKind = Field(
        "sentence",
        description="差错类型：sentence 与数据矛盾的说明句（勘误页按数据重新生成该句）；cell 报表中印错的单元格；"
                    "figure 说明中印错的数字；path 说明中印错的科目路径（类、款、项名称）；sum 原文自己的数字相加不符；"
                    "glossary 名词解释与地区模板不符；empty_note 有数据的表格印了“本表为空表”；wording 错字、标点")
    section: Key | None = Field(None, description="所在的情况说明小节 key（sentence、figure、path、sum、wording 必填）")
    table: Key | None = Field(None, description="所在表格的 key（cell、empty_note 必填），如 expenditure_summary")
    code: Code | None = Field(
        None, description="所指的科目编码：sentence 可选（整节总述句不填）；path 必填；figure 的 amount、change_pct 必填")
    row: OptName | None = Field(
        None, description="cell：所在行，科目编码（类 3 位、款 5 位、项 7 位）或“合计”；glossary：名词，如 财政拨款收入")
    column: OptName | None = Field(
        None, description="cell：所在列的表头，如 合计、基本支出、项目支出、财政拨款收入、人员经费、类、款、项")
    measure: Measure | None = Field(
        None, description="figure：数字的含义：amount 该科目本年数；change 某一合计比上年的增减额（total 指明哪一个）；"
                          "change_pct 该科目比上年（有 prior_actual 时为上年执行数）的增减幅度")
    total: TotalKey | None = Field(None, description="figure 的 change：哪一合计，与 prior_totals 的键相同，如 fiscal")
    unit: Literal["万元", "元"] | None = Field(None, description="printed 的金额单位；不填则为本文件的 display_unit")
    printed: OptName | None = Field(None, description="原文印出的数字或文字，照抄，如 94,995,790、3,355.65、100.00%")
    terms: list[Area] | None = Field(None, description="sum：原文中相加应得 printed 的各数，如 [7998, 105]")
    published: OptText | None = Field(None, description="公开文本原文（整句或整段）")
    correct: OptText | None = Field(None, description="wording：正确的写法（整句或整段）")
    note: OptText | None = Field(None, description="补充说明：为什么是差错")
