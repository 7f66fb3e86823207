"""``docs/profiles.md``: how a locality profile lists its tables and sections, generated from the spec model.

Every field of a table spec, column, total row and section spec is described where it is declared
(attribute docstrings in :mod:`generator.core.specs`); every row source with its parameters and the
measures its rows offer (:mod:`generator.core.measures`); every department-level figure (fact) a
profile may name (:mod:`generator.core.facts`); and the tables of the library. So the page lists
exactly what ``validate`` accepts in a profile.
"""

from __future__ import annotations

from pydantic import BaseModel

from generator.authoring.guide import HEADER, _cell, _rows
from generator.core import profiles
from generator.core.facts import FACTS
from generator.core.measures import MEASURES
from generator.core.specs import SOURCE_MODELS, SectionSpec, TableSpec

TABLE_HEAD = "\n| 键 | 类型 | 是否必填 | 说明 |\n| --- | --- | --- | --- |\n"
KIND_WORDS = {"text": "文字", "code": "编码", "money": "金额", "number": "数值"}


# Types the model states as patterns or unions, in the words of this page.
WORDS = {"key": "文字（小写字母、数字、下划线）", "template": "文字（小写字母、数字、下划线）",
         "source": "映射（行来源及其参数，见下文）", "format": "数字格式（见说明）", "columns[].format": "数字格式（见说明）"}


def _fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> str:
    rows = [r for r in _rows(model, "", {}) if r[0].strip("`").split(".")[0].rstrip("[]") not in skip]
    for row in rows:
        row[1] = WORDS.get(row[0].strip("`"), "true 或 false" if row[1] == "bool" else row[1])
    return TABLE_HEAD + "".join("| " + " | ".join(_cell(c) for c in row) + " |\n" for row in rows)


def _source(model: type[BaseModel]) -> str:
    tag = model.model_fields["rows"].annotation.__args__[0]  # type: ignore[union-attr]
    out = [f"\n### `{tag}`\n\n{_cell((model.__doc__ or '').strip())}\n"]
    if len(model.model_fields) > 1:
        out.append("\n参数（写在 `source` 中）：\n" + _fields(model, skip=("rows",)))
    out.append("\n| 量（`measure`） | 类型 | 含义 |\n| --- | --- | --- |\n")
    out += [f"| `{m.name}` | {KIND_WORDS[m.kind]} | {_cell(m.doc)} |\n" for m in MEASURES[tag].values()
            if tag != "department" or m.name in ("code", "name")]
    if tag == "department":
        out.append("| 部门级数字的名称 | 金额 | 见下文“部门级数字” |\n")
    return "".join(out)


def profiles_page() -> str:
    out = [HEADER, "# 地区模板与表格定义\n\n",
           "地区模板（`generator/core/profiles/<模板名>.yaml`）决定一个地区公开哪些表格和情况说明、顺序和标题，"
           "以及校验阈值。一张表格就是一份**表格定义**：它的各列（表头各层、显示的量）、行怎样生成（行来源）、"
           "合计行、金额单位和数字格式都写在这一处；页面、CSV、JSON、Excel 工作簿、Excel 导入、"
           "数字对比（diff）和勘误都从这份定义读取，不需要改任何程序。本页由程序根据表格定义的模型自动生成。\n\n",
           "- `tables:` 中只写 `key`（可另设 `title`、`code`、`empty_note`）的条目引用表格库 "
           "`generator/core/profiles/_tables.yaml` 中的表格；写出 `source` 和 `columns` 的条目是一份完整的表格定义。\n"
           "- 给一个地区增加一张表格，只需在模板中加一个条目（如 `- {key: procurement}`），"
           "或写出它的完整定义；只有需要特殊排版时才另加一个模板文件。\n"
           "- 模板中的错误（未知字段、未知的行来源或量、表头冲突、key 重复）由 `validate` 报告为 "
           "[`invalid-profile`](rules.md#invalid-profile)，指明模板文件和行号。\n\n",
           "## 表格定义\n", _fields(TableSpec),
           "\n表头 `header` 是从外到内的各层名称：相邻列相同的上层合并为一格，层数少的列向下占满。"
           "网页和 CSV 中各层以“ · ”连接为一行，Excel 工作簿中按层合并单元格。\n",
           "\n## 行来源与可用的量\n\n"
           "`source.rows` 选择行来源，`columns[].measure` 从该行来源提供的量中选择。"
           "金额量在每个记录行上计算，再按类、款逐级汇总。\n"]
    out += [_source(m) for m in SOURCE_MODELS]
    out.append("\n## 部门级数字\n\n"
               "部门级数字（本部门的合计数）供 `department` 行来源的列、两栏表和 `facts` 行来源的条目（`fact`）"
               "以及情况说明的增减（`change`）使用；同一个数字在表格和文字中只定义一次。"
               "以 `.prior` 结尾的是上年数（没有记录上年数时为空）。\n\n"
               "| 名称 | 含义 |\n| --- | --- |\n")
    out += [f"| `{f.name}` | {_cell(f.doc)} |\n" for f in FACTS.values()]
    out.append("\n## 情况说明小节\n" + _fields(SectionSpec))
    out.append("\n## 表格库中的表格\n\n| key | 标题 | 行来源 | 列数 |\n| --- | --- | --- | ---: |\n")
    out += [f"| `{s.key}` | {_cell(s.title)} | `{s.source.rows}` | {len(s.columns)} |\n"
            for s in profiles.library().values()]
    return "".join(out)
