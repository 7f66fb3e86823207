"""Which sheet carries which leaf: standard-table rows → the canonical budget's leaves.

* function 项 by fund and personnel / public / project: 一般公共预算支出表; 政府性基金 and
  国有资本经营 tables (basic is not split there: it is recorded as 公用经费); the rest of
  支出总表 (基本/项目 not explained by the fiscal funds) becomes 单位资金, plus its
  经营 / 上缴 / 对附属 columns;
* basic economic: 一般公共预算基本支出表 (7-digit rows become items of their 款);
  project economic: 一般公共预算项目支出表; projects: 项目支出表; income and 上年结转:
  收入总表; 三公: the 三公 table; 年终结转结余: what each fund's income leaves unspent;
* performance: 项目支出绩效表 and 部门整体支出绩效目标表. A target whose name is a project
  covers that project; otherwise the 款 whose sums give its 预算数 are searched (up to three,
  among 款 not yet covered) and used when exactly one combination fits, else 待补充.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from itertools import combinations
from typing import Any

from generator.core import profiles, registry
from generator.core.errors import Severity
from generator.core.money import CENT, ZERO, total
from generator.core.totals import PROJECT_FUND_FIELDS
from generator.core.vocabulary import FUNDS
from generator.excel.scan import unescape
from generator.excel.sheets import Workbook

E, W = Severity.ERROR, Severity.WARNING
PLACEHOLDER = "待补充"
INCOME_KEYS = ("general_budget", "gov_fund", "state_capital", "special_account", "business", "operating",
               "superior_grant", "subsidiary", "other")
THREE_PUBLIC_COLUMNS = {"outbound": 3, "vehicle_purchase": 5, "vehicle_operation": 6, "reception": 7}


def code_text(value: Any) -> str:
    """A code cell as text: 2080101, 2080101.0 and "2080101 " all give "2080101". Only ASCII digits
    make a code: "６３００２" (full-width) is not one, and is never normalised into one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if text.isascii() and text.isdigit() else ""


def foreign_digits(value: Any) -> bool:
    """A code written with digits other than 0–9 (full-width, Arabic-Indic, mathematical …)."""
    text = str(value).strip() if isinstance(value, str) else ""
    return bool(text) and not text.isascii() and all(unicodedata.category(ch) == "Nd" for ch in text)


def name_key(value: Any) -> str:
    """A name as compared across export → Excel → import: XlsxWriter writes control characters as
    ``_xHHHH_`` and openpyxl drops every ``x005F_``; whitespace and control characters do not count."""
    if value is None:
        return ""
    text = unescape(str(value).replace("x005F_", ""))
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cc")


class NotANumber(ValueError):
    pass


def money(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "").replace("，", "")
    if text in ("", "-", "—", "－"):
        return Decimal(0)
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise NotANumber(text) from None
    if not result.is_finite():
        raise NotANumber(text)
    return result


def _is_code_column(label: str) -> bool:
    return label.endswith(("编码", "代码"))


def _rows(book: Workbook, key: str) -> list[tuple[int, list[Any]]]:
    """The sheet's data rows, every money and number cell checked once (``xlsx-not-a-number``):
    money as an exact ``Decimal`` (blank is 0), numbers as ``Decimal`` or ``None`` when blank."""
    sheet = book.sheets.get(key)
    if sheet is None:
        return []
    out = []
    for rownum, values in sheet.rows:
        cells: list[Any] = []
        for i, column in enumerate(sheet.columns):
            value = sheet.value(values, i)
            if column.kind in ("money", "number"):
                blank = value is None or (isinstance(value, str) and not value.strip())
                try:
                    value = None if blank and column.kind == "number" else money(value)
                except NotANumber:
                    book.problem("xlsx-not-a-number", E, f"{sheet.ref(rownum, i)}：“{value}”不是数字")
                    value = ZERO if column.kind == "money" else None
                if column.kind == "money":
                    value = _cents(value or ZERO)
            elif _is_code_column(column.path[-1]) and foreign_digits(value):
                book.problem("xlsx-bad-code", E, f"{sheet.ref(rownum, i)}：编码“{value}”含有 0–9 以外的数字"
                                                 "（如全角数字），请改为半角数字")
            cells.append(value)
        out.append((rownum, cells))
    return out


def _cents(value: Decimal) -> Decimal:
    """977.4 read from a cell is written 977.40, as published; more decimals are kept for validate to flag."""
    exponent = value.as_tuple().exponent
    return value.quantize(CENT) if isinstance(exponent, int) and exponent >= -2 else value


def _coded(book: Workbook, key: str, lengths: tuple[int, ...]) -> dict[str, tuple[str, list[Any]]]:
    out: dict[str, tuple[str, list[Any]]] = {}
    for _rownum, cells in _rows(book, key):
        code = code_text(cells[0])
        if len(code) in lengths:
            out.setdefault(code, (str(cells[1] or "").strip(), cells))
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _function_lines(book: Workbook) -> list[dict[str, Any]]:
    summary = _coded(book, "expenditure_summary", (7,))
    general = _coded(book, "general_budget_expenditure", (7,))
    funds = {"gov_fund": _coded(book, "gov_fund", (7,)), "state_capital": _coded(book, "state_capital", (7,))}
    lines = []
    for code in sorted({*summary, *general, *funds["gov_fund"], *funds["state_capital"]}):
        sources = [summary, general, *funds.values()]
        name = next(s[code][0] for s in sources if code in s)
        line: dict[str, Any] = {"code": code, "name": name}
        basic = project = ZERO
        if code in general:
            g = general[code][1]
            line["general_budget"] = {"personnel": g[4], "public": g[5], "project": g[6]}
            basic, project = g[4] + g[5], g[6]
        for fund, rows in funds.items():
            if code in rows:
                f = rows[code][1]
                line[fund] = {"public": f[3], "project": f[4]}
                basic, project = basic + f[3], project + f[4]
        if code in summary:
            s = summary[code][1]
            rest_basic, rest_project = max(s[3] - basic, ZERO), max(s[4] - project, ZERO)
            if rest_basic or rest_project:
                line["unit_funds"] = {"public": rest_basic, "project": rest_project}
            line.update(operating=s[5], to_superior=s[6], to_subsidiary=s[7])
        if any(_amounts(line)):
            lines.append(line)
    return lines


def _amounts(line: dict[str, Any]) -> list[Decimal]:
    out = [line.get(k, ZERO) for k in ("operating", "to_superior", "to_subsidiary")]
    for fund in FUNDS:
        out += list((line.get(fund) or {}).values())
    return out


def _economic_lines(book: Workbook, key: str, year: int) -> list[dict[str, Any]]:
    rows = _coded(book, key, (5, 7))
    reg = registry.for_year(year)
    lines = []
    for code in sorted({c[:5] for c in rows}):
        items = [{"code": c, "name": rows[c][0], "amount": rows[c][1][2]} for c in sorted(rows)
                 if len(c) == 7 and c.startswith(code)]
        name = rows[code][0] if code in rows else (reg.economic_name(code) or PLACEHOLDER)
        line: dict[str, Any] = {"code": code, "name": name}
        if items:
            line["items"] = items
        else:
            line["amount"] = rows[code][1][2]
        lines.append(line)
    return lines


def _projects(book: Workbook, department: str) -> list[dict[str, Any]]:
    out = []
    for _rownum, cells in _rows(book, "projects"):
        name = _text(cells[1])
        if not name:
            continue  # the 合计 row
        if book.canonical is not None:
            name = str(cells[1])  # as shown, to be matched with the canonical names (generator.excel.merge)
        project: dict[str, Any] = {"type": _text(cells[0]) or PLACEHOLDER, "name": name}
        unit = _text(cells[2]).replace(" ", "")
        if unit and name_key(unit) != name_key(department):
            project["unit"] = unit
        project.update({f: cells[4 + i] for i, f in enumerate(PROJECT_FUND_FIELDS) if cells[4 + i]})
        out.append(project)
    return out


def _unit_rows(book: Workbook, key: str) -> tuple[list[Any] | None, list[tuple[str, str]]]:
    """The figures row of a per-unit table (the department's row, else 合计) and its (code, name) rows."""
    coded, figures = [], None
    for _rownum, cells in _rows(book, key):
        code = code_text(cells[0])
        if code:
            coded.append((code, _text(cells[1]), cells))
        elif _text(cells[1]) == "合计" and figures is None:
            figures = cells
    if coded:
        longest = max(len(c[0]) for c in coded)
        figures = next(c[2] for c in coded if len(c[0]) == longest)
    return figures, [(c[0], c[1]) for c in sorted(coded, key=lambda c: len(c[0]))]


def _cover_basic(amount: Decimal, basic: list[dict[str, Any]], used: set[str]) -> list[str] | None:
    sums = {x["code"]: total(i["amount"] for i in x["items"]) if x.get("items") else x["amount"] for x in basic}
    free = [c for c in sums if c not in used]
    for size in (1, 2, 3):
        fits = [combo for combo in combinations(free, size) if total(sums[c] for c in combo) == amount]
        if len(fits) == 1:
            return list(fits[0])
        if fits:
            return None
    return None


def _indicator(cells: list[Any], filled: dict[str, str]) -> dict[str, Any]:
    for key, col in (("level1", 6), ("level2", 7)):
        filled[key] = _text(cells[col]) or filled.get(key, PLACEHOLDER)
    out: dict[str, Any] = {"level1": filled["level1"], "level2": filled["level2"], "name": _text(cells[8]),
                           "operator": _text(cells[9]), "value": _text(cells[10]), "unit": _text(cells[11])}
    if cells[12] is not None:
        out["weight"] = cells[12]
    return out


def _performance(book: Workbook, data: dict[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    projects = {p["name"]: p for p in data["projects"]}
    targets: list[dict[str, Any]] = []
    head: list[Any] = [None] * 6
    amounts: dict[str, Decimal] = {}
    filled: dict[str, str] = {}
    for _rownum, cells in _rows(book, "project_performance"):
        if _text(cells[1]) and _text(cells[1]) != _text(head[1]):
            head, filled = list(cells[:6]), {}
            name = _text(cells[1])
            target: dict[str, Any] = {"name": name, "execution_weight": 10 if cells[2] is None else cells[2],
                                      "goal": _text(cells[5]) or PLACEHOLDER, "indicators": []}
            category = _text(cells[3])
            if category and not (name in projects and projects[name]["type"] == category):
                target["category"] = category
            amounts[name] = cells[4]
            targets.append(target)
        if targets:
            targets[-1]["indicators"].append(_indicator(cells, filled))
    used: set[str] = set()
    unresolved: set[str] = set()
    for target in targets:
        name = target["name"]
        if name in projects:
            target["covers"] = {"project": name}
            continue
        codes = _cover_basic(amounts[name], data["basic_by_economic"], used)
        if codes is None and book.canonical is not None:
            continue  # covers come from the _canonical sheet
        if codes is None:
            target["covers"] = {"project": f"{PLACEHOLDER}（预算数 {amounts[name]}）"}
            unresolved.add(name)
            book.problem("xlsx-covers-unresolved", W,
                         f"项目支出绩效表“{name}”的预算数 {amounts[name]} 无法唯一对应到基本支出的款，covers 标为待补充")
        else:
            used.update(codes)
            target["covers"] = {"economic": codes}
    return targets, unresolved


def _department_performance(book: Workbook) -> dict[str, Any] | None:
    rows = _rows(book, "department_performance")
    if not rows:
        return None
    filled: dict[str, str] = {}
    indicators = []
    for _rownum, c in rows:
        filled["level1"] = _text(c[0]) or filled.get("level1", PLACEHOLDER)
        filled["level2"] = _text(c[1]) or filled.get("level2", PLACEHOLDER)
        ind = {"level1": filled["level1"], "level2": filled["level2"], "name": _text(c[2]),
               "operator": _text(c[3]), "value": _text(c[5]), "unit": _text(c[6]), "note": _text(c[7])}
        if _text(c[4]):
            ind["direction"] = _text(c[4])
        indicators.append(ind)
    return {"annual_goal": PLACEHOLDER, "indicators": indicators, "summary": PLACEHOLDER}


def _balances(data: dict[str, Any]) -> dict[str, Decimal]:
    """年终结转结余 per fund: income + 上年结转 − spending (the fund-balance rule, solved for the balance)."""
    lines = data["expenditure"]
    income = {k: v["amount"] for k, v in data["income"].items()}

    def spent(fund: str) -> Decimal:
        return total(v for x in lines for v in (x.get(fund) or {}).values())

    out = {}
    for fund in FUNDS:
        if fund == "unit_funds":
            got = total(income.get(k, ZERO) for k in INCOME_KEYS[4:])
            extra = total(x.get(k, ZERO) for x in lines for k in ("operating", "to_superior", "to_subsidiary"))
        else:
            got, extra = income.get(fund, ZERO), ZERO
        out[fund] = max(got + data["carryover"][fund] - spent(fund) - extra, ZERO)
    return out


def leaves(book: Workbook) -> tuple[dict[str, Any], set[str]]:
    """The budget's leaves as plain data (text the tables cannot carry marked 待补充), and unresolved targets."""
    if book.year is None:
        book.problem("xlsx-missing-year", E, "无法从工作簿判断预算年度，请用 --year 指定")
    figures, units = _unit_rows(book, "income_summary")
    if not units:
        book.problem("xlsx-missing-department", E, "收入总表中没有部门（单位）代码行，无法确定部门")
    dept_code, dept_name = units[-1] if units else ("00", "")
    sup_code, sup_name = units[0] if len(units) > 1 else (dept_code[:2], PLACEHOLDER)
    name = book.department_name or dept_name or PLACEHOLDER
    figures = figures or [ZERO] * 19
    year = book.year or 2000
    data: dict[str, Any] = {
        "schema_version": 1, "year": year, "profile": book.profile, "unit": book.unit,
        "display_unit": book.unit,
        "department": {"code": dept_code, "name": name, "supervisor": {"code": sup_code, "name": sup_name or PLACEHOLDER},
                       "affiliation": PLACEHOLDER},
        "overview": {"duties": {"items": [PLACEHOLDER]},
                     "staff": {"establishment": {}, "in_service": {"current": 0}, "retired": {"current": 0}}},
        "income": {k: {"amount": figures[4 + i]} for i, k in enumerate(INCOME_KEYS) if figures[4 + i]},
        "carryover": {f: figures[14 + i] for i, f in enumerate(FUNDS)},
        "expenditure": _function_lines(book),
        "basic_by_economic": _economic_lines(book, "general_budget_basic", year),
        "project_by_economic": _economic_lines(book, "general_budget_project", year),
    }
    data["projects"] = _projects(book, name)
    data["year_end_balance"] = _balances(data)
    tp, _ = _unit_rows(book, "three_public")
    data["three_public"] = {k: {"amount": tp[col] if tp else ZERO} for k, col in THREE_PUBLIC_COLUMNS.items()}
    basis = profiles.load(book.profile).rules.operating_costs_basis
    public = total((x.get("general_budget") or {}).get("public", ZERO) for x in data["expenditure"])
    data["operating_costs"] = {"amount": public if basis == "basic_public" else ZERO}
    data["performance_targets"], unresolved = _performance(book, data)
    data["department_performance"] = _department_performance(book)
    return data, unresolved
