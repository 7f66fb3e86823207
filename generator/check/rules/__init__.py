"""The rule catalogue and the runner: every rule yields findings; a run reports them all.

Each rule has a stable slug (tests and CI annotations key on it), a severity, a Chinese title
and explanation that the editors' guide prints, and a how-to-fix line (改法) that both the
guide and the problem JSON carry. Rules are pure functions of a :class:`Context` (model,
source positions, registry, profile).

Two things happen between the rules and the report:

* one discrepancy, one finding: reconciliation findings with the same gap (相差) whose
  candidate lines overlap are caused by the same slip, so they are folded into one problem,
  located at a line every one of them names (“同一处差额还影响：…”);
* some warnings block publishing (``blocks_publishing``): a draft may be validated and
  previewed, but ``site``/``render`` treat them as errors (:func:`for_publishing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import Decimal

from generator.check.rules import codes, draft, errata, facts, reconcile, text
from generator.check.rules.catalogue import CATALOGUE, Context, Finding, Loc, Rule, related_note, rule
from generator.core import facts as fact_catalogue
from generator.core.errors import Problem, Severity
from generator.load.loader import Document

# The rule modules register their rules when imported; the catalogue (and so the guide) lists them in this order.
MODULES = (codes, facts, reconcile, text, errata, draft)
_RANK = {m.__name__: i for i, m in enumerate(MODULES)}
for _rule in sorted(CATALOGUE.values(), key=lambda r: _RANK[r.check.__module__]):
    CATALOGUE[_rule.slug] = CATALOGUE.pop(_rule.slug)

# Rules that the loader and the schema enforce before any rule above can run.
SCHEMA_RULES: dict[str, tuple[str, str]] = {
    "yaml-syntax": ("YAML 格式错误", "文件不是合法的 YAML（缩进、冒号、引号等）。"),
    "not-utf8": ("文件编码不是 UTF-8", "预算文件必须以 UTF-8 编码保存。"),
    "duplicate-key": ("键重复", "同一层级中同一个键出现了两次，后一个会悄悄覆盖前一个，因此一律拒绝。"),
    "unknown-key": ("未知字段", "字段名拼写错误或不属于该位置；完整字段见 YAML 参考。"),
    "missing-field": ("缺少必填字段", "该位置要求的字段没有填写。"),
    "wrong-type": ("类型错误", "例如金额处填了文字，或列表处填了单个值。"),
    "too-many-decimals": ("小数位过多", "金额最多两位小数（元为分，万元为百元）。"),
    "negative-amount": ("金额为负数", "本年数与上年数都不能为负数。"),
    "invalid-value": ("取值不合法", "编码格式、枚举取值（如指标性质）或范围不符合要求。"),
    "unknown-profile": ("未知的地区模板", "profile 必须是 generator/core/profiles/ 下已有的模板名。"),
    "file-too-large": ("文件过大", "预算文件不能超过 5 MB（见“输入限制”）；错误指向超出限制的那一行。"),
    "amount-too-large": ("数值过大", "金额和面积须小于 10^15（一千万亿）；多半是多输了数字或把元当成了万元。"),
    "text-too-long": ("文字过长", "名称最多 200 个字符，说明、原因等文字最多 10,000 个字符。"),
    "invalid-text": ("文字含不可见字符", "文字中不能有控制字符（如 \\0、ESC、DEL）、零宽字符、"
                     "双向文字控制符（U+202A–202E、U+2066–2069）等看不见的字符；名称不能只有空白，也不能换行。"),
}

# How to fix the problems that do not come from a catalogue rule (schema and cross-file checks).
FIXES: dict[str, str] = {
    "yaml-syntax": "看所指行及其上一行：冒号要用英文半角“:”且后面跟一个空格，缩进只用空格（不用 Tab），"
                   "引号成对；改完再运行 validate。",
    "not-utf8": "用编辑器把文件“另存为 UTF-8”编码（不要用 GBK/GB2312），再运行 validate。",
    "duplicate-key": "删去重复的那一个键，或把两处的内容合并到一个键下。",
    "unknown-key": "按提示改正拼写（如 personal → personnel），或删去该字段；可用的字段见 YAML 字段参考。",
    "missing-field": "在所指位置补上该字段（写法见 YAML 字段参考）。",
    "wrong-type": "按 YAML 字段参考填写正确的类型：金额写数字（如 54.06，不带“万元”），列表每项以“- ”开头。",
    "too-many-decimals": "把金额四舍五入到两位小数，并确认各表合计仍然相等。",
    "negative-amount": "改为正数或 0；减少的部分由程序根据上年数计算，不要写成负数。",
    "invalid-value": "按提示的要求改正取值：编码是加引号的数字（如 \"2080101\"），枚举只能取字段参考中列出的值。",
    "unknown-profile": "把 profile 改为 generator/core/profiles/ 下已有模板的文件名（不含 .yaml），如 harbin-13。",
    "duplicate-department-year": "删去其中一个文件，或改正其中一个文件的 department.code 或 year。",
    "file-path-mismatch": "把文件移到 budgets/<year>/ 目录下，或改正文件中的 year。",
    "missing-file": "检查命令行中文件路径的拼写。",
    "unreadable-file": "确认它是普通文件而不是目录（目录名不要以 .yaml 结尾），并有读取权限；符号链接请改为真正的文件。",
    "wrong-extension": "把文件改名为小写的 .yaml（如 63002.yml → 63002.yaml）；不需要的文件请删除。",
    "invalid-file-name": "把文件改名为 <部门代码>.yaml（只用数字、字母和常见汉字），所在目录名为四位年份。",
    "file-outside-budgets": "把文件复制到 budgets/<年度>/ 下，不要用指向仓库以外的符号链接。",
    "errata-unknown-section": "把 section 改为地区模板中情况说明小节的 key（见 YAML 字段参考的“勘误”一节），或删去该条勘误。",
    "errata-unknown-code": "改正 code 为该小节说明的科目编码；整节总述的勘误删去 code。",
    "profile-unknown-table": "把地区模板中该表格的 key 改为信息中列出的可用报表之一（多半是拼写错误）。",
    "profile-unknown-section": "把地区模板中该小节的 key 改为信息中列出的可用小节之一；新的小节要先在 "
                               "generator/publish/templates/sections/ 下加上同名模板。",
    "internal-error": "这不是编辑者的错误：请把文件和这条信息报告给维护者；在修复之前该文件不会发布。",
    "file-too-large": "预算文件不应这么大：检查是否误把其他内容（如整份文档、表格导出）粘贴进了文件，删去后再运行 validate。",
    "amount-too-large": "核对该金额的位数和单位（文件的 unit 是万元还是元），改为正确的数。",
    "text-too-long": "把文字压缩到限制以内（名称 200 字、说明 10,000 字）；名称过长多半是误粘贴了正文。",
    "invalid-text": "删去文字中看不见的字符：在编辑器中重新输入该段文字（不要从网页或 Word 直接粘贴），名称写在一行内。",
    "prior-year-mismatch": "把本年文件中该行的 prior 改为上年文件所列的数；确因科目调整等原因不同的，"
                           "在该行填写 prior_adjustment 说明原因。",
}


def fix_for(slug: str) -> str | None:
    r = CATALOGUE.get(slug)
    if r is not None and r.fix:
        return r.fix
    return FIXES.get(slug)


def with_fixes(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem with its rule's how-to-fix line (改法) filled in where it has none yet."""
    return [p if p.fix else replace(p, fix=fix_for(p.slug)) for p in problems]


def publish_blocking() -> frozenset[str]:
    return frozenset(slug for slug, r in CATALOGUE.items() if r.blocks_publishing)


def for_publishing(problems: Iterable[Problem]) -> list[Problem]:
    """The problems as ``site``/``render`` see them: warnings that block publishing become errors."""
    blocking = publish_blocking()
    return [replace(p, severity=Severity.ERROR, message=f"不能发布：{p.message}")
            if p.slug in blocking and p.severity is Severity.WARNING else p for p in problems]


def run(ctx: Context) -> list[Problem]:
    found: list[tuple[Rule, Finding]] = []
    for r in CATALOGUE.values():
        if fact_catalogue.present(ctx.budget, r.needs):  # a rule that needs a fact the file leaves out does not run
            found += [(r, finding) for finding in r.check(ctx)]
    return sort_problems(to_problem(r.slug, r.severity, f, ctx.document, r.fix or None) for r, f in fold(found))


# Which of several folded findings speaks for the group: comparisons of two views before balances.
FOLD_ORDER = ("function-economic-mismatch", "project-list-mismatch", "three-public-economic-mismatch",
              "operating-cost-mismatch", "fund-balance-mismatch", "income-expenditure-mismatch")


def fold(found: list[tuple[Rule, Finding]]) -> list[tuple[Rule, Finding]]:
    """One discrepancy, one finding: fold reconciliation findings with the same cause into one.

    Findings with the same ``gap`` whose candidate locations overlap join one group while the
    locations common to all of them stay non-empty; a single slip is in every candidate list, so
    the group is located at the first common location and lists only the other common ones.
    """
    rank = {slug: i for i, slug in enumerate(FOLD_ORDER)}
    gapped = sorted((x for x in found if x[1].gap is not None),
                    key=lambda x: rank.get(x[0].slug, len(rank)))
    groups: list[tuple[Decimal, set[Loc], list[tuple[Rule, Finding]]]] = []
    for r, f in gapped:
        locs = {f.loc, *f.related}
        for gap, common, members in groups:
            if gap == f.gap and common & locs:
                common &= locs
                members.append((r, f))
                break
        else:
            assert f.gap is not None
            groups.append((f.gap, locs, [(r, f)]))
    out = [x for x in found if x[1].gap is None]
    for _gap, common, members in groups:
        r, f = members[0]
        if len(members) > 1:
            ordered = [loc for loc in (f.loc, *f.related) if loc in common]
            others = "；".join(f"[{m.slug}] {g.message}" for m, g in members[1:])
            f = replace(f, loc=ordered[0], related=tuple(ordered[1:]),
                        message=f"{f.message}；同一处差额还影响：{others}",
                        folded=tuple(m.slug for m, _ in members[1:]))
        out.append((r, f))
    return out


def to_problem(slug: str, severity: Severity, f: Finding, doc: Document, fix: str | None = None) -> Problem:
    mark = doc.mark(f.loc)
    related = sorted({doc.mark(loc).line for loc in f.related} - {mark.line})
    message = f.message + related_note(related)
    return Problem(slug, severity, message, doc.path, mark.line, mark.column, f.expected, f.actual,
                   tuple(related), fix, f.folded)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.slug))


def findings(ctx: Context, slug: str) -> Iterator[Finding]:
    """Run one rule (tests and docs use this)."""
    yield from CATALOGUE[slug].check(ctx)


__all__ = [
    "CATALOGUE", "FIXES", "FOLD_ORDER", "MODULES", "SCHEMA_RULES", "Context", "Finding", "Loc", "Rule", "codes", "draft",
    "errata", "facts",
    "findings", "fix_for", "fold", "for_publishing", "publish_blocking", "reconcile", "related_note", "rule", "run",
    "sort_problems", "text", "to_problem", "with_fixes",
]
