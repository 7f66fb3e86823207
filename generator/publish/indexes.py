"""Pages that span departments: the home page, one page per year, charts, the dataset index."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jinja2

from generator.core import profiles, recorded, registry, totals
from generator.core.money import ZERO, YearChange, convert, fmt, total, year_change
from generator.derive import trees
from generator.derive.trend import trend
from generator.load.budget import Loaded
from generator.publish import charts

_MEMO: dict[tuple[str, str], Any] = {}


def _memo(kind: str, item: Loaded, compute: Any) -> Any:
    """Per-file results reused across pages and across a preview's re-renders (keyed by content)."""
    if not item.digest:
        return compute()
    key = (kind, item.digest)
    if key not in _MEMO:
        if len(_MEMO) > 50_000:
            _MEMO.clear()
        _MEMO[key] = compute()
    return _MEMO[key]


def totals_of(item: Loaded) -> totals.Totals:
    return _memo("totals", item, lambda: totals.totals(item.budget))  # type: ignore[no-any-return]


Classes = tuple[tuple[tuple[str, str, Decimal], ...], tuple[tuple[str, str, Decimal], ...]]


@dataclass(frozen=True)
class Entry:
    """One published department-year as the pages spanning departments see it.

    Built where the department's own page is rendered (a worker process, for a district), so that only
    these few figures, not the whole budget, travel back to the process that writes the index pages."""

    year: int
    code: str
    name: str
    unit: str
    profile: str
    totals: totals.Totals
    change: YearChange | None  # total spending against the prior total the document states; None if none
    classes: Classes  # (code, name, amount in 万元) of the function classes, then of the economic classes


def entry(item: Loaded) -> Entry:
    b = item.budget
    t = totals_of(item)
    prior = totals.stated_prior(b, "spending", t.prior_spending)  # the total the document states, if recorded
    return Entry(year=b.year, code=b.department.code, name=b.department.name, unit=b.unit, profile=b.profile,
                 totals=t, change=year_change(t.spending, prior) if prior is not None else None,
                 classes=_classes(item))


def _wan(e: Entry, value: Decimal) -> Decimal:
    """Cross-department figures are shown in 万元 whatever each file records."""
    return convert(value, e.unit, "万元")


def year_rows(entries: list[Entry]) -> list[dict[str, Any]]:
    return [{
        "code": e.code,
        "name": e.name,
        "link": f"{e.code}/index.md",
        "total": fmt(_wan(e, e.totals.spending)),
        "basic": fmt(_wan(e, e.totals.basic)),
        "project": fmt(_wan(e, e.totals.project)),
        "change": _change_text(e, e.change),
    } for e in entries]


def _change_text(e: Entry, change: YearChange | None) -> str:
    if change is None:
        return "—"
    delta = fmt(_wan(e, abs(change.delta)))
    return {
        "up": f"增加 {delta} 万元（{change.pct}%）",
        "down": f"减少 {delta} 万元（{change.pct}%）",
        "same": "持平",
        "new": "新增",
        "gone": f"减少 {delta} 万元（100.00%）",
        "none": "—",
    }[change.direction]


def _classes(item: Loaded) -> Classes:
    """(code, name, amount in 万元) of the department's function classes and economic classes."""
    b = item.budget
    reg = registry.for_year(b.year)
    func = tuple((r.code, r.name, convert(r.values[0], b.unit, "万元"))
                 for r in trees.function_tree(b, reg, [totals.line_total]) if r.level == 0)
    codes = totals.economic_by_code([*b.basic_by_economic, *b.project_by_economic])
    econ = tuple((c, reg.economic_name(c), convert(v, b.unit, "万元")) for c, v in codes.items() if len(c) == 3)
    return func, econ


def rollup(entries: list[Entry]) -> dict[str, list[tuple[str, str, str]]]:
    """District totals by function class and by economic class (general budget, basic + project)."""
    sums: dict[str, dict[str, Decimal]] = {"function": defaultdict(lambda: ZERO), "economic": defaultdict(lambda: ZERO)}
    names: dict[str, str] = {}
    for e in entries:
        for view, rows in zip(("function", "economic"), e.classes, strict=True):
            for code, name, amount in rows:
                sums[view][code] += amount
                names[f"{view}{code}"] = name
    return {view: [(c, names[f"{view}{c}"], fmt(v)) for c, v in sorted(sums[view].items())] for view in sums}


def department_trend(items: list[Loaded]) -> list[dict[str, Any]]:
    """``trend`` of one department's files, from the totals the index pages keep anyway."""
    by_budget = {id(x.budget): x for x in items}
    return trend((x.budget for x in items), lambda b: totals_of(by_budget[id(b)]))


def department_charts(item: Loaded, loaded: list[Loaded], history: list[dict[str, Any]] | None = None) -> str:
    """The department page's charts; ``history`` is the department's ``trend`` over every year, when the caller
    has computed it already (once per department, not once per year and page)."""
    b = item.budget
    reg = registry.for_year(b.year)
    t = totals_of(item)
    unit = b.display_unit

    def d(v: Decimal) -> Decimal:
        return convert(v, b.unit, unit)

    published = {spec.key: spec.title for spec in profiles.load(b.profile).tables}

    def table(key: str) -> tuple[str | None, str | None]:
        """The link to a table of the page, when the department's profile publishes it."""
        return (f"#table-{key.replace('_', '-')}", published[key]) if key in published else (None, None)

    classes = [(r.name, d(r.values[0])) for r in trees.function_tree(b, reg, [totals.line_total]) if r.level == 0]
    parts = [
        charts.bars("c-func", "支出按功能分类（类）构成", classes, unit, *table("expenditure_summary")),
        charts.bars("c-bp", "基本支出与项目支出", [("基本支出", d(t.basic)), ("项目支出", d(t.project))], unit,
                    *table("expenditure_summary")),
    ]
    if recorded.present(b, ("personnel_split",)):  # a locality that does not split 基本支出 has no such chart
        parts.append(charts.bars("c-pp", "基本支出中的人员经费与公用经费",
                                 [("人员经费", d(t.personnel)), ("公用经费", d(t.public))], unit,
                                 *table("general_budget_basic")))
    lines = sorted(b.expenditure, key=lambda x: totals.line_total(x), reverse=True)[:8]
    cmp = [(x.name, d(p) if (p := totals.line_prior(x)) is not None else None, d(totals.line_total(x)))
           for x in lines]
    if any(p is not None for _, p, _ in cmp):
        parts.append(charts.compare("c-yoy", "主要支出项目：本年与上年预算", cmp, unit,
                                    *table("general_budget_expenditure")))
    if history is None:
        history = trend(x.budget for x in loaded if x.budget.department.code == b.department.code)
    if len(history) > 1:
        series = [(f"{row['year']}年", row["total"]) for row in history]
        parts.append(charts.bars("c-trend", "历年支出预算", series, "万元"))
    body = "\n\n".join(parts)
    return (f'<details class="budget-charts" open markdown="0">\n<summary>图表：支出构成与上年比较</summary>\n\n'
            f'{body}\n\n</details>')


def index_pages(entries: list[Entry], env: jinja2.Environment) -> dict[str, bytes]:
    by_year: dict[int, list[Entry]] = defaultdict(list)
    for e in entries:
        by_year[e.year].append(e)
    files: dict[str, bytes] = {}
    years = sorted(by_year, reverse=True)
    summaries = []
    for year in years:
        items = by_year[year]
        spend = total(_wan(e, e.totals.spending) for e in items)
        summaries.append({"year": year, "count": len(items), "total": fmt(spend)})
        page = env.get_template("year.md.j2").render(
            year=year, rows=year_rows(items), rollup=rollup(items) if len(items) > 1 else None,
            total=fmt(spend))
        files[f"{year}/index.md"] = page.encode()
    files["index.md"] = env.get_template("home.md.j2").render(years=summaries).encode()
    files["datasets.json"] = datasets(entries)
    return files


def datasets(entries: list[Entry]) -> bytes:
    rows = []
    for e in entries:
        base = f"{e.year}/{e.code}"
        rows.append({
            "year": e.year,
            "department_code": e.code,
            "department_name": e.name,
            "unit": "万元",
            "total": fmt(_wan(e, e.totals.spending)),
            "page": f"{base}/",
            "json": f"{base}/data/budget.json",
            "xlsx": f"{base}/data/budget.xlsx",
            "tables": {key: {"csv": f"{base}/data/{key}.csv"}
                       for key in _table_keys(e.profile)},
        })
    return (json.dumps({"datasets": rows}, ensure_ascii=False, indent=1) + "\n").encode()


def _table_keys(profile: str) -> list[str]:
    return [s.key for s in profiles.load(profile).tables]
