"""Pages that span departments: the home page, one page per year, charts, the dataset index."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

import jinja2

from generator.core import profiles, recorded, registry, totals
from generator.core.money import ZERO, convert, fmt, total, year_change
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


def _wan(item: Loaded, value: Decimal) -> Decimal:
    """Cross-department figures are shown in 万元 whatever each file records."""
    return convert(value, item.budget.unit, "万元")


def year_rows(items: list[Loaded]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        b = item.budget
        t = totals_of(item)
        prior = totals.stated_prior(b, "spending", t.prior_spending)  # the total the document states, if recorded
        change = year_change(t.spending, prior) if prior is not None else None
        rows.append({
            "code": b.department.code,
            "name": b.department.name,
            "link": f"{b.department.code}/index.md",
            "total": fmt(_wan(item, t.spending)),
            "basic": fmt(_wan(item, t.basic)),
            "project": fmt(_wan(item, t.project)),
            "change": _change_text(item, change),
        })
    return rows


def _change_text(item: Loaded, change: Any) -> str:
    if change is None:
        return "—"
    delta = fmt(_wan(item, abs(change.delta)))
    return {
        "up": f"增加 {delta} 万元（{change.pct}%）",
        "down": f"减少 {delta} 万元（{change.pct}%）",
        "same": "持平",
        "new": "新增",
        "gone": f"减少 {delta} 万元（100.00%）",
        "none": "—",
    }[change.direction]


def _classes(item: Loaded) -> tuple[list[tuple[str, str, Decimal]], list[tuple[str, str, Decimal]]]:
    """(code, name, amount in 万元) of the department's function classes and economic classes."""
    b = item.budget
    reg = registry.for_year(b.year)
    func = [(r.code, r.name, _wan(item, r.values[0]))
            for r in trees.function_tree(b, reg, [totals.line_total]) if r.level == 0]
    codes = totals.economic_by_code([*b.basic_by_economic, *b.project_by_economic])
    econ = [(c, reg.economic_name(c), _wan(item, v)) for c, v in codes.items() if len(c) == 3]
    return func, econ


def rollup(items: list[Loaded]) -> dict[str, list[tuple[str, str, str]]]:
    """District totals by function class and by economic class (general budget, basic + project)."""
    sums: dict[str, dict[str, Decimal]] = {"function": defaultdict(lambda: ZERO), "economic": defaultdict(lambda: ZERO)}
    names: dict[str, str] = {}
    for item in items:
        for view, rows in zip(("function", "economic"), _memo("classes", item, lambda i=item: _classes(i)), strict=True):
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
    profile = profiles.load(b.profile).for_year(b.year)
    published = {spec.key: spec.title for spec in profile.tables}

    def table(key: str) -> tuple[str | None, str | None]:
        """The link to a table of the page, when the department's profile publishes it."""
        return (f"#table-{key.replace('_', '-')}", published[key]) if key in published else (None, None)

    def numbers(key: str | None, recorded: str = b.unit) -> charts.Numbers:
        """A chart prints its amounts in the unit and number format of the table it links to (the profile's)."""
        return charts.Numbers(recorded, *profile.money_style(key if key in published else None, b.display_unit))

    classes = [(r.name, r.values[0]) for r in trees.function_tree(b, reg, [totals.line_total]) if r.level == 0]
    parts = [
        charts.bars("c-func", "支出按功能分类（类）构成", classes, numbers("expenditure_summary"),
                    *table("expenditure_summary")),
        charts.bars("c-bp", "基本支出与项目支出", [("基本支出", t.basic), ("项目支出", t.project)],
                    numbers("expenditure_summary"), *table("expenditure_summary")),
    ]
    if recorded.present(b, ("personnel_split",)):  # a locality that does not split 基本支出 has no such chart
        parts.append(charts.bars("c-pp", "基本支出中的人员经费与公用经费",
                                 [("人员经费", t.personnel), ("公用经费", t.public)], numbers("general_budget_basic"),
                                 *table("general_budget_basic")))
    lines = sorted(b.expenditure, key=lambda x: totals.line_total(x), reverse=True)[:8]
    cmp = [(x.name, totals.line_prior(x), totals.line_total(x)) for x in lines]
    if any(p is not None for _, p, _ in cmp):
        parts.append(charts.compare("c-yoy", "主要支出项目：本年与上年预算", cmp, numbers("general_budget_expenditure"),
                                    *table("general_budget_expenditure")))
    if history is None:
        history = trend(x.budget for x in loaded if x.budget.department.code == b.department.code)
    if len(history) > 1:
        series = [(f"{row['year']}年", row["total"]) for row in history]
        parts.append(charts.bars("c-trend", "历年支出预算", series, numbers(None, "万元")))  # trend rows are in 万元
    body = "\n\n".join(parts)
    return (f'<details class="budget-charts" open markdown="0">\n<summary>图表：支出构成与上年比较</summary>\n\n'
            f'{body}\n\n</details>')


def index_pages(loaded: list[Loaded], env: jinja2.Environment) -> dict[str, bytes]:
    by_year: dict[int, list[Loaded]] = defaultdict(list)
    for item in loaded:
        by_year[item.budget.year].append(item)
    files: dict[str, bytes] = {}
    years = sorted(by_year, reverse=True)
    summaries = []
    for year in years:
        items = by_year[year]
        spend = total(_wan(x, totals_of(x).spending) for x in items)
        summaries.append({"year": year, "count": len(items), "total": fmt(spend)})
        page = env.get_template("year.md.j2").render(
            year=year, rows=year_rows(items), rollup=rollup(items) if len(items) > 1 else None,
            total=fmt(spend))
        files[f"{year}/index.md"] = page.encode()
    files["index.md"] = env.get_template("home.md.j2").render(years=summaries).encode()
    files["datasets.json"] = datasets(loaded)
    return files


def datasets(loaded: list[Loaded]) -> bytes:
    entries = []
    for item in loaded:
        b = item.budget
        base = f"{b.year}/{b.department.code}"
        t = totals_of(item)
        entries.append({
            "year": b.year,
            "department_code": b.department.code,
            "department_name": b.department.name,
            "unit": "万元",
            "total": fmt(_wan(item, t.spending)),
            "page": f"{base}/",
            "json": f"{base}/data/budget.json",
            "xlsx": f"{base}/data/budget.xlsx",
            "tables": {key: {"csv": f"{base}/data/{key}.csv"}
                       for key in _table_keys(b)},
        })
    return (json.dumps({"datasets": entries}, ensure_ascii=False, indent=1) + "\n").encode()


def _table_keys(b: Any) -> list[str]:
    return [s.key for s in profiles.load(b.profile).for_year(b.year).tables]
