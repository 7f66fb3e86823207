"""Pages that span departments: the home page, one page per year, charts, the dataset and department indexes."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jinja2

from generator.core import profiles, recorded, registry, totals
from generator.core.facts import Facts
from generator.core.money import ZERO, YearChange, convert, fmt
from generator.derive import district, trees
from generator.derive.trend import trend
from generator.load.budget import Loaded
from generator.publish import charts
from generator.publish.pdf import site_path

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
    supervisor: tuple[str, str]  # (code, name) of its 主管部门, or district.NO_SUPERVISOR
    unit: str
    profile: str
    totals: totals.Totals
    headline: district.Headline
    classes: Classes  # (code, name, amount in 万元) of the function classes, then of the economic classes
    pdf: str  # where its printed PDF goes in the site


def entry(item: Loaded, facts: Facts | None = None) -> Entry:
    """``facts``: the budget's facts when the caller has them already (its page's)."""
    b = item.budget
    return Entry(year=b.year, code=b.department.code, name=b.department.name,
                 supervisor=district.supervisor(b.department), unit=b.unit, profile=b.profile,
                 totals=facts.totals if facts is not None else totals_of(item),
                 headline=district.headline(b, facts), classes=_classes(item), pdf=site_path(b))


def _wan(e: Entry, value: Decimal) -> Decimal:
    """Cross-department figures are shown in 万元 whatever each file records."""
    return convert(value, e.unit, "万元")


def _signed(value: Decimal) -> str:
    return f"+{fmt(value)}" if value > 0 else fmt(value)


def delta_text(change: YearChange | None) -> str:
    """比上年增减 in 万元, signed ("+12.34"), sortable as a number; "—" without a prior."""
    return "—" if change is None else _signed(change.delta)


def rate_text(change: YearChange | None) -> str:
    """增减率 ("+5.67%", "-3.20%"), or what stands in for it when last year had nothing."""
    if change is None:
        return "—"
    if change.pct is None:
        return {"new": "新增", "none": "—"}.get(change.direction, "—")
    return f"+{change.pct:f}%" if change.delta > 0 else (f"-{change.pct:f}%" if change.delta < 0 else "0.00%")


def change_text(change: YearChange | None) -> str:
    if change is None:
        return "未记录上年数"
    delta = fmt(abs(change.delta))
    return {
        "up": f"增加 {delta} 万元（增长 {change.pct}%）",
        "down": f"减少 {delta} 万元（下降 {change.pct}%）",
        "same": "持平",
        "new": "上年未安排，本年新增",
        "gone": f"减少 {delta} 万元（下降 100.00%）",
        "none": "上年和本年均未安排",
    }[change.direction]


def year_rows(items: list[Entry]) -> list[dict[str, Any]]:
    """The departments of a year, grouped by 主管部门 (then by code): the year page's sortable table."""
    rows = []
    for e in items:
        h = e.headline
        rows.append({
            "supervisor": h.supervisor,
            "supervisor_code": h.supervisor_code,
            "code": h.code,
            "name": h.name,
            "link": f"{h.code}/index.md",
            "total": fmt(h.spending.current),
            "delta": delta_text(h.spending.change),
            "rate": rate_text(h.spending.change),
            "three_public": fmt(h.three_public.current),
            "operating_costs": fmt(h.operating_costs.current),
        })
    return sorted(rows, key=lambda r: (r["supervisor_code"], r["supervisor"], r["code"]))


def totals_rows(figures: list[district.DistrictTotal]) -> list[dict[str, str]]:
    return [{"label": f.label, "total": fmt(f.current), "change": change_text(f.change),
             "compared": f"{f.compared} / {f.departments}"} for f in figures]


def supervisor_rows(items: list[Entry]) -> list[dict[str, str]]:
    rows = []
    for group in district.by_supervisor([e.headline for e in items]):
        spending, three, operating = group.totals
        rows.append({"name": group.name, "count": str(len(group.departments)), "total": fmt(spending.current),
                     "change": change_text(spending.change), "three_public": fmt(three.current),
                     "operating_costs": fmt(operating.current)})
    return rows


def directory(entries: list[Entry]) -> list[dict[str, Any]]:
    """Every department, grouped by its (latest) 主管部门: name, code and the years published, newest first."""
    latest: dict[str, Entry] = {}
    years: dict[str, list[int]] = defaultdict(list)
    for e in entries:  # sorted by year, then code: the last one seen is the newest year
        latest[e.code] = e
        years[e.code].append(e.year)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for code, e in latest.items():
        group = e.supervisor
        groups[group].append({"code": code, "name": e.name, "supervisor": group[1],
                              "years": sorted(years[code], reverse=True)})
    return [{"supervisor": name, "departments": sorted(members, key=lambda m: m["code"])}
            for (_, name), members in sorted(groups.items())]


def departments_json(groups: list[dict[str, Any]]) -> bytes:
    """departments.json: what the search box lists above Pagefind's results when a department's name matches."""
    entries = [{"code": m["code"], "name": m["name"], "supervisor": m["supervisor"], "years": m["years"]}
               for g in groups for m in g["departments"]]
    entries.sort(key=lambda m: m["code"])
    return (json.dumps({"departments": entries}, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _classes(item: Loaded) -> Classes:
    """(code, name, amount in 万元) of the department's function classes and economic classes."""
    b = item.budget
    reg = registry.for_year(b.year)
    func = tuple((r.code, r.name, convert(r.values[0], b.unit, "万元"))
                 for r in trees.function_tree(b, reg, [totals.line_total]) if r.level == 0)
    codes = totals.economic_by_code([*b.basic_by_economic, *b.project_by_economic])
    econ = tuple((c, reg.economic_name(c), convert(v, b.unit, "万元")) for c, v in codes.items() if len(c) == 3)
    return func, econ


def rollup(items: list[Entry]) -> dict[str, list[tuple[str, str, str]]]:
    """District totals by function class and by economic class (general budget, basic + project)."""
    sums: dict[str, dict[str, Decimal]] = {"function": defaultdict(lambda: ZERO), "economic": defaultdict(lambda: ZERO)}
    names: dict[str, str] = {}
    for e in items:
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


def index_pages(entries: list[Entry], env: jinja2.Environment, pdf: bool = True) -> dict[str, bytes]:
    by_year: dict[int, list[Entry]] = defaultdict(list)
    for e in entries:
        by_year[e.year].append(e)
    files: dict[str, bytes] = {}
    years = sorted(by_year, reverse=True)
    summaries = []
    for year in years:
        items = by_year[year]
        figures = district.district_totals([e.headline for e in items])
        spend = figures[0].current
        summaries.append({"year": year, "count": len(items), "total": fmt(spend),
                          "three_public": fmt(figures[1].current), "operating_costs": fmt(figures[2].current)})
        page = env.get_template("year.md.j2").render(
            year=year, rows=year_rows(items), rollup=rollup(items) if len(items) > 1 else None,
            total=fmt(spend), totals=totals_rows(figures), supervisors=supervisor_rows(items))
        files[f"{year}/index.md"] = page.encode()
    groups = directory(entries)
    latest = {"year": years[0], "totals": totals_rows(district.district_totals(
        [e.headline for e in by_year[years[0]]]))} if years else None
    files["index.md"] = env.get_template("home.md.j2").render(years=summaries, latest=latest, groups=groups, pdf=pdf).encode()
    files["datasets.json"] = datasets(entries, pdf)
    files["departments.json"] = departments_json(groups)
    return files


def datasets(entries: list[Entry], pdf: bool = True) -> bytes:
    rows = []
    for e in entries:
        base = f"{e.year}/{e.code}"
        row: dict[str, Any] = {
            "year": e.year,
            "department_code": e.code,
            "department_name": e.name,
            "unit": "万元",
            "total": fmt(_wan(e, e.totals.spending)),
            "page": f"{base}/",
            "json": f"{base}/data/budget.json",
            "xlsx": f"{base}/data/budget.xlsx",
        }
        if pdf:
            row["pdf"] = e.pdf
        row["tables"] = {key: {"csv": f"{base}/data/{key}.csv"} for key in _table_keys(e.profile, e.year)}
        rows.append(row)
    return (json.dumps({"datasets": rows}, ensure_ascii=False, indent=1) + "\n").encode()


def _table_keys(profile: str, year: int) -> list[str]:
    return [s.key for s in profiles.load(profile).for_year(year).tables]
