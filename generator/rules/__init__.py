"""The rule catalogue and the runner: every rule yields findings; a run reports them all.

Each rule has a stable slug (tests and CI annotations key on it), a severity, and a Chinese
title and explanation that the editors' guide prints. Rules are pure functions of a
:class:`Context` (model, source positions, registry, profile).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from generator.errors import Problem, Severity
from generator.loader import Document
from generator.model import Budget
from generator.profiles import Profile
from generator.registry import Registry

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """What a rule found: where (model paths), what, and the figures that disagree."""

    loc: Loc
    message: str
    expected: str | None = None
    actual: str | None = None
    related: tuple[Loc, ...] = ()


@dataclass
class Context:
    budget: Budget
    document: Document
    registry: Registry
    profile: Profile
    reason_threshold_pct: Decimal | None = None

    @property
    def threshold(self) -> Decimal:
        if self.reason_threshold_pct is not None:
            return self.reason_threshold_pct
        return self.profile.rules.reason_threshold_pct


@dataclass(frozen=True)
class Rule:
    slug: str
    severity: Severity
    title: str
    explanation: str
    check: Callable[[Context], Iterable[Finding]] = field(repr=False)


CATALOGUE: dict[str, Rule] = {}


def rule(slug: str, severity: Severity, title: str, explanation: str) -> Callable[
    [Callable[[Context], Iterable[Finding]]], Callable[[Context], Iterable[Finding]]
]:
    def register(fn: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        if slug in CATALOGUE:
            raise ValueError(f"duplicate rule slug {slug}")
        CATALOGUE[slug] = Rule(slug, severity, title, explanation, fn)
        return fn

    return register


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
    "unknown-profile": ("未知的地区模板", "profile 必须是 generator/profiles/ 下已有的模板名。"),
    "file-too-large": ("文件过大", "预算文件不能超过 5 MB（见“输入限制”）；错误指向超出限制的那一行。"),
    "amount-too-large": ("数值过大", "金额和面积须小于 10^15（一千万亿）；多半是多输了数字或把元当成了万元。"),
    "text-too-long": ("文字过长", "名称最多 200 个字符，说明、原因等文字最多 10,000 个字符。"),
    "invalid-text": ("文字含不可见字符", "文字中不能有控制字符（如 \\0、ESC、DEL）、零宽字符、"
                     "双向文字控制符（U+202A–202E、U+2066–2069）等看不见的字符；名称不能只有空白，也不能换行。"),
}


def run(ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for r in CATALOGUE.values():
        for finding in r.check(ctx):
            problems.append(to_problem(r.slug, r.severity, finding, ctx.document))
    return sort_problems(problems)


def to_problem(slug: str, severity: Severity, f: Finding, doc: Document) -> Problem:
    mark = doc.mark(f.loc)
    message = f.message
    related = sorted({doc.mark(loc).line for loc in f.related} - {mark.line})
    if related:
        message += "（相关行：" + "、".join(str(n) for n in related) + "）"
    return Problem(slug, severity, message, doc.path, mark.line, mark.column, f.expected, f.actual,
                   tuple(related))


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.slug))


def findings(ctx: Context, slug: str) -> Iterator[Finding]:
    """Run one rule (tests and docs use this)."""
    yield from CATALOGUE[slug].check(ctx)


# Register the rules (import for side effects, in catalogue order).
from generator.rules import codes, reconcile, text  # noqa: E402, F401
