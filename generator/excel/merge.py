"""Exported workbooks: text from the ``_canonical`` sheet, figures from the standard sheets.

Lines are matched by code (function 项, economic 款) or by name (projects). A line the
sheets no longer show keeps its text and prior-year figure with this year's amounts at
zero; a line only the sheets show is added. Where a sheet cannot tell two leaves apart
(personnel vs public in the fund tables, 财政专户 vs 单位资金) the canonical split is kept
when its sums still agree with the sheet.
"""

from __future__ import annotations

from typing import Any

from generator.core.errors import Severity
from generator.core.model import Budget
from generator.core.money import ZERO, total
from generator.core.specs import FactItem, FactsSource, PairSource
from generator.core.totals import PROJECT_FUND_FIELDS
from generator.core.vocabulary import INCOME_FUNDS, SPENDING_SOURCES, THREE_PUBLIC
from generator.excel.cells import name_key
from generator.excel.leaves import INCOME_KEYS, KEEP
from generator.excel.sheets import Workbook

W = Severity.WARNING


def same_text(canonical: Any, shown: Any) -> Any:
    """The canonical text when the sheet shows the same (as Excel writes it back), else the sheet's edit."""
    return canonical if canonical is not None and name_key(canonical) == name_key(shown) else shown


def _zero_fund(block: dict[str, Any] | None) -> dict[str, Any] | None:
    if block is None:
        return None
    return {**block, "personnel": ZERO, "public": ZERO, "project": ZERO,
            "basic": None if block.get("basic") is None else ZERO}


def _merge_function(c: dict[str, Any], s: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(c)
    s = s or {}
    out["name"] = same_text(c["name"], s.get("name", c["name"]))
    for k in ("operating", "to_superior", "to_subsidiary"):
        out[k] = s.get(k, ZERO)
    for fund in SPENDING_SOURCES:
        out[fund] = _zero_fund(c[fund])
    g = s.get("general_budget")
    if g:
        out["general_budget"] = {**(out["general_budget"] or {}), **g}
    for source in INCOME_FUNDS:  # spending financed by 事业收入 …, where the sheets show it by source
        if f := s.get(source):
            out[source] = {**(out[source] or {}), **f}
        elif source in s.get(KEEP, ()):  # the sheets show only the sources' sum: the canonical split, checked later
            out[source] = c[source]
    for fund in ("gov_fund", "state_capital"):
        if f := s.get(fund):
            block = dict(c[fund] or {})
            if "basic" in f:  # a locality that records 基本支出 whole
                block.update(basic=f["basic"])
            elif not block or block["personnel"] + block["public"] != f["public"]:
                block.update(personnel=ZERO, public=f["public"])
            else:
                block.update(personnel=c[fund]["personnel"], public=c[fund]["public"])
            out[fund] = {**block, "project": f.get("project", ZERO)}
    rest = s.get("unit_funds") or {"public": ZERO, "project": ZERO}
    own = [c[f] for f in ("special_account", "unit_funds") if c[f]]
    if rest["public"] or rest["project"] or own:
        same = (total(b["personnel"] + b["public"] for b in own) == rest["public"]
                and total(b["project"] for b in own) == rest["project"])
        if same:
            out["special_account"], out["unit_funds"] = c["special_account"], c["unit_funds"]
        else:
            out["unit_funds"] = {**(c["unit_funds"] or {}), "personnel": ZERO, **rest}
    return out


def _merge_economic(c: dict[str, Any], s: dict[str, Any] | None) -> dict[str, Any]:
    if s is None:
        return {**c, "amount": ZERO, "items": []}
    old = {i["code"]: i for i in c.get("items") or []}
    items = [{**old.get(i["code"], {}), **i, "name": same_text(old.get(i["code"], {}).get("name"), i["name"])}
             for i in s.get("items", [])]
    return {**c, "name": same_text(c["name"], s["name"]), "items": items, "amount": s.get("amount")}


def _match_projects(canon: list[dict[str, Any]], shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The canonical project for each project the sheet shows: same name exactly, else the same
    :func:`name_key` (trailing spaces, control characters as Excel writes them), each used once."""
    free = list(range(len(canon)))
    out: list[dict[str, Any]] = []
    for p in shown:
        pick = next((i for i in free if canon[i]["name"] == p["name"]), None)
        if pick is None:
            pick = next((i for i in free if name_key(canon[i]["name"]) == name_key(p["name"])), None)
        if pick is None:
            out.append({})
        else:
            free.remove(pick)
            out.append(canon[pick])
    return out


def _merge_list(c_lines: list[dict[str, Any]], s_lines: list[dict[str, Any]], key: str, fn: Any) -> list[Any]:
    by_key = {x[key]: x for x in s_lines}
    out = [fn(c, by_key.pop(c[key], None)) for c in c_lines]
    return out + list(by_key.values())


def _shows(book: Workbook, prefixes: tuple[str, ...]) -> bool:
    """Whether a sheet of the workbook shows a department-level figure named with one of ``prefixes``."""
    for sheet in book.sheets.values():
        source = sheet.spec.source
        names = [c.measure for c in sheet.spec.columns]
        if isinstance(source, PairSource):
            names += [i.fact for b in source.blocks for i in (*b.left, *b.right) if isinstance(i, FactItem)]
        elif isinstance(source, FactsSource):
            names += [i.fact for i in source.items]
        if any(n.startswith(prefixes) for n in names):
            return True
    return False


def merge_canonical(book: Workbook, s: dict[str, Any], canon: Budget) -> dict[str, Any]:
    """The canonical file's text with the standard sheets' figures (lines matched by code or project name)."""
    c = canon.model_dump()
    if canon.unit != book.unit or canon.display_unit != book.unit:
        book.problem("xlsx-canonical-unit", W, f"文件以 {canon.unit} 记录而报表以 {book.unit} 显示：数字取自 _canonical 页，"
                                               "报表页只作核对")
        return c
    for k in INCOME_KEYS:
        got = s["income"].get(k)
        if c["income"][k] is not None:
            c["income"][k]["amount"] = got["amount"] if got else ZERO
        elif got:
            c["income"][k] = got
    if _shows(book, ("carryover.", "year_end.")):  # else no sheet tells them: the canonical balances stay
        c["carryover"], c["year_end_balance"] = s["carryover"], s["year_end_balance"]
    c["expenditure"] = _merge_list(c["expenditure"], s["expenditure"], "code", _merge_function)
    for line in c["expenditure"]:
        if line.pop(KEEP, None):  # a line only the sheets show: no canonical split to keep
            book.problem("xlsx-not-recoverable", Severity.ERROR,
                         f"{line['code']} {line.get('name', '')}：几种收入安排的支出各自的基本支出、项目支出无法从工作簿分出，"
                         "请在 YAML 中填写")
    for view in ("basic_by_economic", "project_by_economic"):
        c[view] = _merge_list(c[view], s[view], "code", _merge_economic)
    dept = canon.department.name
    projects = []
    for p, old in zip(s["projects"], _match_projects(c["projects"], s["projects"]), strict=True):
        if p.get("unit") and name_key(p["unit"]) == name_key(dept):
            p = {k: v for k, v in p.items() if k != "unit"}  # the department itself, as the sheet shows it
        unit = same_text(old.get("unit"), p["unit"]) if p.get("unit") else (
            old.get("unit") if old.get("unit") in (None, dept) else None)
        text = {f: same_text(old.get(f), p[f]) for f in ("type", "name") if f in p}
        projects.append({**old, **{f: ZERO for f in PROJECT_FUND_FIELDS}, **p, **text, "unit": unit})
    c["projects"] = projects
    for k in THREE_PUBLIC:
        c["three_public"][k]["amount"] = s["three_public"][k]["amount"]
    if ("operating_costs", "amount") in book.read:  # a sheet showed 机关运行经费 (else the canonical figure stays)
        c["operating_costs"]["amount"] = s["operating_costs"]["amount"]
    if "procurement" in s:  # a sheet of the workbook showed the procurement figures (its spec reads them)
        c["procurement"] = {**c["procurement"], **s["procurement"]}
    return c
