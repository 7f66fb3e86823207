"""The parts of the editors' guide (docs/) that are generated from code.

``docs/schema/budget.schema.json`` comes from :mod:`generator.authoring.schema`, ``docs/yaml-reference.md``
from the pydantic model, ``docs/profiles.md`` from the table and section spec model (fields, row sources and
their measures, facts, library tables), ``docs/rules.md`` and the slug table of ``docs/excel.md`` from the slug
catalogue (:mod:`generator.core.slugs`), so the guide cannot drift from what the tool actually accepts and reports.
Output is deterministic (no timestamps).
"""

from __future__ import annotations

import datetime
import types
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.authoring.schema import schema_json
from generator.check import rules
from generator.core import profiles, slugs
from generator.core.facts import FACTS
from generator.core.measures import MEASURES
from generator.core.model import Budget
from generator.core.recorded import RECORDED
from generator.core.slugs.excel import EXCEL, OUTPUT
from generator.core.slugs.files import MISSING_FILE
from generator.core.slugs.reading import UNKNOWN_PROFILE
from generator.core.specs import SOURCE_MODELS, PartSpec, SectionSpec, TableSpec

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HEADER = "<!-- 本文件由 python -m generator docs 生成，请勿手工修改。 -->\n\n"
SEVERITY = {"error": "错误", "warning": "警告"}

# Identities that hold because totals are computed, never typed: no rule is needed for them.
IDENTITIES: tuple[tuple[str, str], ...] = (
    ("基本支出 = 人员经费 + 公用经费",
     "每一功能分类（项）、每一资金来源都只填 personnel 和 public，基本支出由程序相加。"),
    ("支出合计 = 基本支出 + 项目支出 + 事业单位经营支出 + 上缴上级支出 + 对附属单位补助支出",
     "按项逐行计算，再汇总到款、类和合计行。"),
    ("类、款金额 = 所属各项（或细化科目）之和",
     "功能分类和经济分类的类、款两级都由所填的叶子汇总，文件里没有它们的金额。"),
    ("款金额 = 细化科目 items 之和",
     "款下列了 7 位细化科目时，款的金额由 items 汇总（不能再填 amount）。"),
    ("本年收入合计 = 各来源收入之和；收入总计 = 本年收入合计 + 上年结转结余",
     "支出一侧同理：支出总计 = 本年支出合计 + 年终结转结余。"),
    ("编制总数 = 行政编制 + 事业编制 + 工勤编制", "只填三类编制数。"),
    ("实有人数 = 在职人数 + 离退休人数", "本年与上年各自相加，增减人数也由程序计算。"),
    ("“三公”经费合计 = 各项之和",
     "因公出国（境）费、公务用车购置费、公务用车运行维护费、公务接待费四项相加；"
     "公务用车购置及运行维护费 = 购置费 + 运行维护费。"),
    ("上年合计 = 各行上年数之和", "支出总预算、财政拨款等的上年数由各行 prior 汇总，不单独填写。"),
    ("增减额 = 本年数 − 上年数；增减幅度 = |增减额| ÷ 上年数 × 100%",
     "四舍五入到两位小数，句式见[情况说明的句式规则](narrative-rules.md)。"),
    ("占比 = 部分 ÷ 合计 × 100%", "如收入总表说明中的“占100.00%”，四舍五入到两位小数。"),
    ("项目支出表合计 = 各项目各列之和", "每个项目只填各资金来源的金额。"),
    ("绩效表预算数 = covers 所指经济分类（款）或项目的金额之和", "绩效目标不填预算数。"),
)

# Fields the model leaves without a description (JSON Schema hints fall back to the key name).
FALLBACK_DESCRIPTIONS = {
    ("Budget", "department"): "部门（单位）基本信息",
    ("Budget", "overview"): "第一部分 部门概况",
    ("Budget", "income"): "收入预算，按来源填本年数",
    ("EconomicLine", "name"): "款名称，须与分类编码表一致",
    ("EconomicItem", "name"): "细化科目名称，须与分类编码表一致",
    ("EconomicItem", "amount"): "本年预算数",
    ("PerformanceTarget", "indicators"): "绩效指标，逐条",
    ("DepartmentPerformance", "indicators"): "部门整体绩效指标，逐条",
    ("Task", "name"): "任务名称",
    ("Task", "content"): "主要内容",
}

PATTERNS = {
    r"^[0-9]{3}([0-9]{2}){0,2}$": "科目编码（3、5 或 7 位半角数字，加引号）",
    r"^[0-9]{2,12}$": "代码（2–12 位半角数字，加引号）",
    r"^[a-z0-9-]{1,64}$": "模板名（generator/core/profiles/ 下已有的文件名，如 harbin-13）",
    r"^[a-z0-9_]{1,64}$": "表格或小节的 key（小写字母、数字、下划线）",
    r"^([0-9]{2,12}|[a-z][a-z0-9-]{0,62}[a-z0-9])$": "代码（2–12 位半角数字）或小写拼音标识（如 putuo-wanli），加引号",
}


# ---------------------------------------------------------------- types in words


def _flatten(extra: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for item in extra:
        if isinstance(item, FieldInfo):
            out += item.metadata
            if isinstance(item.json_schema_extra, dict):
                out.append(item.json_schema_extra)
        else:
            out.append(item)
    return out


def _bounds(meta: list[Any]) -> str:
    ge = next((m.ge for m in meta if isinstance(m, Ge)), None)
    le = next((m.le for m in meta if isinstance(m, Le)), None)
    if ge is not None and le is not None:
        return f"{ge}–{le}"
    return f"≥{ge}" if ge is not None else ""


def type_words(tp: Any, meta: list[Any]) -> str:
    """The type of a field in the words an editor uses (金额、整数、文字、列表…)."""
    origin = get_origin(tp)
    if origin is Annotated:
        base, *extra = get_args(tp)
        return type_words(base, meta + _flatten(tuple(extra)))
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return type_words(args[0], meta) if len(args) == 1 else "、".join(type_words(a, []) for a in args)
    if origin is Literal:
        return "取值之一：" + "、".join(f"`{v}`" for v in get_args(tp))
    if origin is list:
        (item,) = get_args(tp)
        inner = "映射，字段见下" if _model(item) else type_words(item, [])
        least = next((m.min_length for m in meta if isinstance(m, MinLen)), 0)
        most = next((m.max_length for m in meta if isinstance(m, MaxLen)), None)
        count = f"，共 {least} 项" if least and least == most else ("，至少一项" if least == 1 else
                                                                    f"，至少 {least} 项" if least else "")
        return f"列表（每项：{inner}）" + count
    if _model(tp):
        return "映射，字段见下"
    if tp is bool:
        return "是否（`true` / `false`）"
    if tp is datetime.date:
        return "日期（年-月-日，如 2024-08-31）"
    if tp is Decimal:
        if any(isinstance(m, dict) and "multipleOf" in m for m in meta):
            return "金额（≥0，最多两位小数）"
        return "数值（≥0）" if _bounds(meta) == "≥0" else "数值"
    if tp is int:
        bounds = _bounds(meta)
        return f"整数（{bounds}）" if bounds else "整数"
    if tp is str:
        pattern = next((m.pattern for m in meta if getattr(m, "pattern", None)), None)
        if pattern:
            return PATTERNS.get(pattern, f"文字，格式 `{pattern}`")
        if any(isinstance(m, dict) and m.get("type") == ["string", "number"] for m in meta):
            return "文字或数字"
        limit = next((m["maxLength"] for m in meta if isinstance(m, dict) and "maxLength" in m), None)
        words = ["不能为空"] if any(isinstance(m, MinLen) for m in meta) else []
        words += [f"最多 {limit:,} 字"] if limit else []
        return f"文字（{'，'.join(words)}）" if words else "文字"
    return getattr(tp, "__name__", str(tp))


def _model(tp: Any) -> type[BaseModel] | None:
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _nested(tp: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model inside a field's type (if any) and whether it is a list of them."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _nested(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return _nested(args[0]) if len(args) == 1 else (None, False)
    if origin is list:
        model, _ = _nested(get_args(tp)[0])
        return model, True
    return _model(tp), False


def _field_meta(info: FieldInfo) -> list[Any]:
    meta = list(info.metadata)
    if isinstance(info.json_schema_extra, dict):
        meta.append(info.json_schema_extra)
    return meta


def required_words(info: FieldInfo) -> str:
    if info.is_required():
        return "必填"
    default = info.default_factory() if info.default_factory is not None else info.default  # type: ignore[call-arg]
    if default is None or default == "":
        return "可不填"
    if isinstance(default, list):
        return "可不填，默认为空"
    if isinstance(default, BaseModel):
        return "可不填，各项取默认值"
    return f"可不填，默认 `{default}`"


def description(model: type[BaseModel], name: str, info: FieldInfo) -> str:
    return info.description or FALLBACK_DESCRIPTIONS.get((model.__name__, name), "")


# ---------------------------------------------------------------- yaml-reference.md


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(model: type[BaseModel], prefix: str, seen: dict[type[BaseModel], str],
          only: str | None = None) -> Iterator[list[str]]:
    for name, info in model.model_fields.items():
        if only is not None and name != only:
            continue
        path = f"{prefix}.{name}" if prefix else name
        nested, many = _nested(info.annotation)
        key = path + ("[]" if many else "")
        words = type_words(info.annotation, _field_meta(info))
        if nested is not None and nested in seen:
            words = words.replace("字段见下", f"字段同 `{seen[nested]}`")
        text = description(model, name, info)
        if words.startswith("金额") and "%" in text:
            words = words.replace("金额", "数值", 1)  # weights are percentages typed like money
        yield [f"`{path}`", words, required_words(info), text]
        if nested is not None and nested not in seen:
            seen[nested] = key
            yield from _rows(nested, key, seen)


def yaml_reference() -> str:
    out = [HEADER, "# YAML 字段参考\n\n",
           "本页由预算模型自动生成，列出预算文件 `budgets/<年度>/<部门代码>.yaml` 中可以填写的全部字段。"
           "金额按文件顶部 `unit` 所写的单位（万元或元）记录；编码一律加引号（如 `\"2080101\"`）。"
           "写在这里以外的字段会被拒绝（`unknown-key`）。\n\n",
           "`a.b` 表示映射 `a` 下的键 `b`；`a[]` 表示列表 `a` 的每一项。"
           "所有小计、合计、占比和增减都由程序计算，"
           "因此这里没有任何“合计”字段。编辑器补全与提示见 [编辑指南](editing.md)，"
           "对应的 JSON Schema 在 [`schema/budget.schema.json`](schema/budget.schema.json)。\n"]
    fields = Budget.model_fields
    scalars = [n for n, i in fields.items() if _nested(i.annotation)[0] is None]
    table_head = "\n| 键 | 类型 | 是否必填 | 说明 |\n| --- | --- | --- | --- |\n"
    out.append("\n## 文件头\n" + table_head)
    for name in scalars:
        info = fields[name]
        out.append("| " + " | ".join(_cell(c) for c in [
            f"`{name}`", type_words(info.annotation, _field_meta(info)), required_words(info),
            description(Budget, name, info)]) + " |\n")
    for name, info in fields.items():
        if name in scalars:
            continue
        out.append(f"\n## `{name}` {description(Budget, name, info)}\n" + table_head)
        for row in _rows(Budget, "", {}, only=name):
            out.append("| " + " | ".join(_cell(c) for c in row) + " |\n")
    return "".join(out)


# ---------------------------------------------------------------- rules.md and the slug table of excel.md


def _rule_block(kind: slugs.Slug) -> str:
    level = SEVERITY[kind.severity.value] + ("（发布时为错误）" if kind.blocks_publishing else "")
    rule = rules.CATALOGUE.get(kind.slug)
    needs = rule.needs if rule is not None else ()
    needed = ("\n\n需要的数据：" + "、".join(f"{RECORDED[k].label}（`{k}`）" for k in needs)
              + "；文件中没有（本地区不公开）时不做这项检查。") if needs else ""
    return f"\n### {kind.slug}\n\n**{level}** · {kind.title}\n\n{kind.explanation}{needed}\n\n改法：{kind.fix}\n"


def rules_page() -> str:
    out = [HEADER, "# 校验规则目录\n\n",
           "`python -m generator validate` 报告的每个问题都带有一个稳定的英文标识（slug），格式为\n\n"
           "```text\n文件:行:列: 级别 [slug] 信息（相关行：…）\n```\n\n"
           "级别为 error（错误）或 warning（警告）。"
           "有错误时命令以 1 退出，网站不会生成；警告只提示，不阻止发布——"
           "标明“发布时为错误”的几条除外（如没有填完的草稿），`site` 和 `render` 遇到它们同样拒绝生成。"
           "行号指向编辑者应当修改的那一行，“相关行”列出参与同一笔计算的其他行。"
           "同一处差额使几条勾稽关系同时不成立时，只报告一条，其余写在“同一处差额还影响：”之后。"
           "在 git 仓库中，如果这些行里有你（相对于最近一次提交）改动过的行，问题就指向那一行，"
           "并以“你改动的第N行（……）可能是原因”开头。\n\n"
           "每个问题都附有“改法”：`validate --format json` 输出的每个问题带有同样的 `fix` 字段，"
           "在终端里运行 `validate`（或加 `--fix-hints`）时，改法显示在每个问题的下一行。"
           "下面按类别列出工具可能报告的全部问题，包括 Excel 导入导出时的问题。\n"]
    for group in slugs.GROUPS:
        out.append(f"\n## {group.title}\n" + (f"\n{group.intro}\n" if group.intro else ""))
        out += [_rule_block(kind) for kind in slugs.in_group(group)]
    out.append("\n## 由构造保证、无需校验的关系\n\n预算文件只记录明细（叶子），下列合计都由程序计算，"
               "文件里根本没有可以填错的地方，所以没有对应的规则：\n\n| 关系 | 说明 |\n| --- | --- |\n")
    for relation, note in IDENTITIES:
        out.append(f"| {_cell(relation)} | {_cell(note)} |\n")
    return "".join(out)


# The slugs import-xlsx and export-xlsx report: their own groups, and the two they share with validate and new.
EXCEL_SLUGS = (EXCEL, OUTPUT)
EXCEL_ALSO = (UNKNOWN_PROFILE, MISSING_FILE)
EXCEL_TABLE_START = "<!-- 下表由 python -m generator docs 从问题目录生成，请勿手工修改。 -->\n"
EXCEL_TABLE_END = "<!-- 生成的表到此为止 -->\n"


def excel_slug_table() -> str:
    kinds = [k for group in EXCEL_SLUGS for k in slugs.in_group(group)] + list(EXCEL_ALSO)
    kinds.sort(key=lambda k: k.severity is not slugs.Severity.ERROR)  # errors first, each in catalogue order
    rows = [f"| [`{k.slug}`](rules.md#{k.slug}) | {SEVERITY[k.severity.value]} | {_cell(k.title)} |\n" for k in kinds]
    return "| 标识 | 级别 | 含义 |\n| --- | --- | --- |\n" + "".join(rows)


def excel_page(current: str) -> str:
    """docs/excel.md with the part between the two markers regenerated (the rest is written by hand)."""
    head, start, rest = current.partition(EXCEL_TABLE_START)
    _, end, tail = rest.partition(EXCEL_TABLE_END)
    if not (start and end):
        raise ValueError(f"docs/excel.md has lost the markers around its slug table: {EXCEL_TABLE_START.strip()}")
    return head + start + excel_slug_table() + end + tail


# ---------------------------------------------------------------- profiles.md: the table and section spec model

PROFILE_TABLE_HEAD = "\n| 键 | 类型 | 是否必填 | 说明 |\n| --- | --- | --- | --- |\n"
MEASURE_KIND_WORDS = {"text": "文字", "code": "编码", "money": "金额", "number": "数值"}


# Types the model states as patterns or unions, in the words of this page.
WORDS = {"key": "文字（小写字母、数字、下划线）", "template": "文字（小写字母、数字、下划线）",
         "heading": "文字，可含 `{year}`、`{prior_year}`、`{dept}`、`{unit}`",
         "caption": "文字，可含 `{year}`、`{prior_year}`、`{dept}`、`{unit}`",
         "needs": "列表（每项：地区可能不公开的数据名，见下文）", "sections": "列表（每项：小节的 key）",
         "source": "映射（行来源及其参数，见下文）", "format": "数字格式（见说明）", "columns[].format": "数字格式（见说明）"}


def _fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> str:
    rows = [r for r in _rows(model, "", {}) if r[0].strip("`").split(".")[0].rstrip("[]") not in skip]
    for row in rows:
        row[1] = WORDS.get(row[0].strip("`"), "true 或 false" if row[1] == "bool" else row[1])
    return PROFILE_TABLE_HEAD + "".join("| " + " | ".join(_cell(c) for c in row) + " |\n" for row in rows)


def _source(model: type[BaseModel]) -> str:
    tag = model.model_fields["rows"].annotation.__args__[0]  # type: ignore[union-attr]
    out = [f"\n### `{tag}`\n\n{_cell((model.__doc__ or '').strip())}\n"]
    if len(model.model_fields) > 1:
        out.append("\n参数（写在 `source` 中）：\n" + _fields(model, skip=("rows",)))
    out.append("\n| 量（`measure`） | 类型 | 含义 |\n| --- | --- | --- |\n")
    out += [f"| `{m.name}` | {MEASURE_KIND_WORDS[m.kind]} | {_cell(m.doc)} |\n" for m in MEASURES[tag].values()
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
    out.append("\n## 公开文本的各部分（`parts`）\n\n"
               "地区模板可以用 `parts` 列出公开文本的各部分及其顺序（即目录）：每部分是若干小节，或全部报表。"
               "不写 `parts` 时为标准的四部分（部门概况、公开报表、情况说明、名词解释）。"
               "写法示例见[为本地区建立公开模板](locality-template.md)。\n" + _fields(PartSpec))
    out.append("\n## 各年度的版式（`variants`）\n\n"
               "同一地区的公开模板逐年变化时，`variants` 的每一项写出若干年度（`since`、`until`）与基本版式不同的"
               "表格和小节：`tables`、`sections` 的每项写 `key`（基本版式中已有的）和要改的字段，其余字段沿用基本版式；"
               "适用于某一年度的各项依次套用。表头各层可含 `{year}`、`{prior_year}`。小节的句式（`forms`）和数字格式"
               "（`formats`）只能用小节模板中有名字的那些。写法示例见[为本地区建立公开模板](locality-template.md)。\n"
               + _fields(profiles.Variant, skip=("tables", "sections"))
               + "| `tables` | 列表（每项：`key` 和要改的表格定义字段） | 可不填 | 与基本版式不同的表格。 |\n"
               "| `sections` | 列表（每项：`key` 和要改的小节字段） | 可不填 | 与基本版式不同的小节。 |\n")
    out.append("\n## 地区可能不公开的数据\n\n"
               "表格的 `needs`、小节的 `needs` 和 `rules.requires` 中可用的名称；文件没有这些数据而地区模板要印出它们时，"
               "校验报错 [`missing-fact`](rules.md#missing-fact)。\n\n| 名称 | 含义 |\n| --- | --- |\n")
    out += [f"| `{k}` | {_cell(r.label)} |\n" for k, r in RECORDED.items()]
    out.append("\n## 表格库中的表格\n\n| key | 标题 | 行来源 | 列数 |\n| --- | --- | --- | ---: |\n")
    out += [f"| `{s.key}` | {_cell(s.title)} | `{s.source.rows}` | {len(s.columns)} |\n"
            for s in profiles.library().values()]
    return "".join(out)


# ---------------------------------------------------------------- writing


def generated() -> dict[Path, str]:
    out = {
        DOCS / "schema" / "budget.schema.json": schema_json(),
        DOCS / "yaml-reference.md": yaml_reference(),
        DOCS / "rules.md": rules_page(),
        DOCS / "profiles.md": profiles_page(),
    }
    excel = DOCS / "excel.md"
    if excel.is_file():  # written by hand around its generated table
        out[excel] = excel_page(excel.read_text(encoding="utf-8"))
    return out


def write_generated_docs(check: bool = False) -> list[str]:
    """Write the generated docs; with ``check`` only report (as repo-relative paths) those that are stale."""
    stale: list[str] = []
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path.relative_to(ROOT).as_posix())
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return stale
