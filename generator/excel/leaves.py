"""Which sheet carries which leaf: the profile's table specs, read back column by column.

Each sheet is one table spec (found by its title, :mod:`generator.excel.importer`); its row source
says what its rows are, and a column whose measure is a recorded leaf reads back into that leaf:

* function rows (7-digit 项): ``<fund>.personnel|public|project``, ``operating``, ``to_superior`` and
  ``to_subsidiary`` are leaves; a fund's ``basic`` without its split is recorded as 公用经费; what the
  all-fund ``basic`` and ``project`` (支出总表) show beyond the funds read elsewhere becomes 单位资金;
* economic rows: ``amount`` of a 款, or of 7-digit rows that become items of their 款 (by view);
* department rows: the facts that are leaves (income, 上年结转, 三公 …) from the department's own row;
  fact rows (政府采购): each item's fact; 年终结转结余: what each fund's income leaves unspent;
* projects, performance targets and department indicators: their fields, by measure. A target whose
  name is a project covers that project; otherwise the 款 whose sums give its 预算数 are searched (up to
  three, among 款 not yet covered) and used when exactly one combination fits, else 待补充.

Totals and subtotals are not read: the import compares them with the figures derived from the leaves.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from typing import Any

from generator.core import profiles, registry
from generator.core.errors import Severity
from generator.core.facts import FACTS
from generator.core.model import Income
from generator.core.money import CENT, ZERO, convert, total
from generator.core.specs import FactItem, FactsSource, PairSource
from generator.core.totals import PROJECT_FUND_FIELDS
from generator.core.vocabulary import FUNDS, INCOME_FUND_NAMES, INCOME_FUNDS, SPENDING_SOURCES, THREE_PUBLIC
from generator.excel.cells import NotANumber, code_text, foreign_digits, money, name_key
from generator.excel.sheets import Sheet, Workbook, code_of

E, W = Severity.ERROR, Severity.WARNING
PLACEHOLDER = "待补充"
INCOME_KEYS = tuple(Income.model_fields)
UNIT_FUND_INCOME = INCOME_KEYS[4:]  # 事业收入 … 其他收入: the income of 单位资金
LEAF_KINDS = ("personnel", "public", "project")
EXTRA = ("operating", "to_superior", "to_subsidiary")
KEEP = "_canonical_sources"  # on a line: the income sources whose split only the _canonical sheet knows


def _sheets(book: Workbook, rows: str, view: str | None = None) -> list[Sheet]:
    """The sheets whose row source is ``rows`` (and economic ``view``), in the profile's order."""
    return [s for s in book.sheets.values() if s.spec.source.rows == rows and getattr(s.spec.source, "view", None) == view]


def _rows(book: Workbook, sheet: Sheet | None) -> list[tuple[int, list[Any]]]:
    """The sheet's data rows, every money and number cell checked once (``xlsx-not-a-number``):
    money as an exact ``Decimal`` (blank is 0), numbers as ``Decimal`` or ``None`` when blank."""
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
                    value = _exact(convert(value or ZERO, sheet.unit, book.unit), book.unit)
            elif column.kind == "code" and foreign_digits(value):
                book.problem("xlsx-bad-code", E, f"{sheet.ref(rownum, i)}：编码“{value}”含有 0–9 以外的数字"
                                                 "（如全角数字），请改为半角数字")
            cells.append(value)
        out.append((rownum, cells))
    return out


def _cents(value: Decimal) -> Decimal:
    """977.4 read from a cell is written 977.40, as published; more decimals are kept for validate to flag."""
    exponent = value.as_tuple().exponent
    return value.quantize(CENT) if isinstance(exponent, int) and exponent >= -2 else value


def _exact(value: Decimal, unit: str) -> Decimal:
    """A figure in the file's unit as a file in that unit records it: whole 元 without decimals (21.56 万元 read
    from a 万元 sheet is 215600 元), 万元 with two (977.4 is 977.40)."""
    if unit == "元" and value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return _cents(value)


def _coded(book: Workbook, sheet: Sheet | None, lengths: tuple[int, ...]) -> dict[str, tuple[str, list[Any]]]:
    out: dict[str, tuple[str, list[Any]]] = {}
    if sheet is None:
        return out
    for _rownum, cells in _rows(book, sheet):
        code = code_of(sheet, cells, code_text)
        if len(code) in lengths:
            out.setdefault(code, (str(sheet.get(cells, "name") or "").strip(), cells))
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _function_lines(book: Workbook) -> list[dict[str, Any]]:
    coded = [(sheet, _coded(book, sheet, (7,))) for sheet in _sheets(book, "function")]
    # A locality none of whose tables splits 基本支出 into 人员经费/公用经费 records each line's 基本支出 whole.
    whole = not any("personnel_split" in s.spec.required() for s in book.sheets.values())
    lines = []
    for code in sorted({c for _, rows in coded for c in rows}):
        name = next(rows[code][0] for _, rows in coded if code in rows)
        shown: dict[str, Decimal] = {}  # measure → figure, from the first sheet (in the profile's order) showing it
        where: dict[str, str] = {}  # measure → the sheet showing it (for a problem's location)
        for sheet, rows in coded:
            if code in rows:
                for column, value in zip(sheet.columns, rows[code][1], strict=True):
                    if column.kind == "money" and column.measure not in shown:
                        shown[column.measure], where[column.measure] = value, sheet.name
        line: dict[str, Any] = {"code": code, "name": name}
        basic = project = ZERO
        for fund in FUNDS:
            block = {k: shown[f"{fund}.{k}"] for k in LEAF_KINDS if f"{fund}.{k}" in shown}
            if f"{fund}.basic" in shown and not ({"personnel", "public"} & set(block)):
                block = {"basic" if whole else "public": shown[f"{fund}.basic"], **block}  # a table without the split
            if whole and not block.get("basic"):
                block.pop("basic", None)  # absent, as the locality records a line without 基本支出
            if block:
                line[fund] = block
                basic += block.get("personnel", ZERO) + block.get("public", ZERO) + block.get("basic", ZERO)
                project += block.get("project", ZERO)
        rest_basic = max(shown.get("basic", basic) - basic, ZERO)
        rest_project = max(shown.get("project", project) - project, ZERO)
        sources = [src for src in INCOME_FUNDS if shown.get(f"{src}.total")]
        if (rest_basic or rest_project) and len(sources) > 1 and book.canonical is not None:
            line[KEEP] = sources  # the _canonical sheet's split stays; every cell is then checked against it
        elif (rest_basic or rest_project) and len(sources) > 1:
            book.problem("xlsx-not-recoverable", E,
                         f"{where.get(f'{sources[0]}.total', '')}：{code} {name} 由 " + "、".join(
                             INCOME_FUND_NAMES[x] for x in sources) + " 安排的支出各自的基本支出、项目支出无法从工作簿分出，"
                         "请在 YAML 中填写")
        elif sources and (rest_basic or rest_project):
            split = {"basic" if whole else "public": rest_basic, "project": rest_project}
            line[sources[0]] = {k: v for k, v in split.items() if v or k == "project"}
        elif "unit_funds" not in line and (rest_basic or rest_project):
            line["unit_funds"] = {"public": rest_basic, "project": rest_project}
        line.update({k: shown[k] for k in EXTRA if k in shown})
        if any(_amounts(line)):
            lines.append(line)
    return lines


def _amounts(line: dict[str, Any]) -> list[Decimal]:
    out = [line.get(k, ZERO) for k in ("operating", "to_superior", "to_subsidiary")]
    for fund in SPENDING_SOURCES:
        out += list((line.get(fund) or {}).values())
    return out


def _economic_lines(book: Workbook, view: str, year: int) -> list[dict[str, Any]]:
    sheet = next(iter(_sheets(book, "economic", view)), None)
    at = sheet.index("amount") if sheet else None
    if sheet is None or at is None:
        return []
    rows = _coded(book, sheet, (5, 7))
    reg = registry.for_year(year)
    lines = []
    for code in sorted({c[:5] for c in rows}):
        items = [{"code": c, "name": rows[c][0], "amount": rows[c][1][at]} for c in sorted(rows)
                 if len(c) == 7 and c.startswith(code)]
        name = rows[code][0] if code in rows else (reg.economic_name(code) or PLACEHOLDER)
        line: dict[str, Any] = {"code": code, "name": name}
        if items:
            line["items"] = items
        else:
            line["amount"] = rows[code][1][at]
        lines.append(line)
    return lines


def _projects(book: Workbook, department: str) -> list[dict[str, Any]]:
    out = []
    for sheet in _sheets(book, "projects")[:1]:
        for _rownum, cells in _rows(book, sheet):
            shown = sheet.get(cells, "name")
            name = _text(shown)
            if not name:
                continue  # the 合计 row
            if book.canonical is not None:
                name = str(shown)  # as shown, to be matched with the canonical names (generator.excel.merge)
            project: dict[str, Any] = {"type": _text(sheet.get(cells, "type")) or PLACEHOLDER, "name": name}
            unit = _text(sheet.get(cells, "unit")).replace(" ", "")
            if unit and name_key(unit) != name_key(department):
                project["unit"] = unit
            project.update({f: v for f in PROJECT_FUND_FIELDS if (v := sheet.get(cells, f))})
            out.append(project)
    return out


def _unit_rows(book: Workbook, sheet: Sheet | None) -> tuple[list[Any] | None, list[tuple[str, str]]]:
    """The figures row of a per-unit table (the department's row, else 合计) and its (code, name) rows."""
    coded, figures = [], None
    rows = _rows(book, sheet)
    if sheet is not None and not sheet.identified:
        return (rows[0][1] if len(rows) == 1 else None), []  # one row of the department's figures
    for _rownum, cells in rows:
        assert sheet is not None
        code = code_text(sheet.get(cells, "code"))
        if code:
            coded.append((code, _text(sheet.get(cells, "name")), cells))
        elif _text(sheet.get(cells, "name")) == sheet.spec.total.label and figures is None:
            figures = cells
    if coded:
        longest = max(len(c[0]) for c in coded)
        figures = next(c[2] for c in coded if len(c[0]) == longest)
    return figures, [(c[0], c[1]) for c in sorted(coded, key=lambda c: len(c[0]))]


def _put(data: dict[str, Any], leaf: tuple[str, ...], value: Any) -> None:
    """Set a department-level leaf (``("income", "business", "amount")``, ``("carryover", "gov_fund")`` …)."""
    if leaf[0] == "income":
        if value:  # an income line is written only when there is one
            data["income"][leaf[1]] = {"amount": value}
        return
    node = data
    for part in leaf[:-1]:
        node = node.setdefault(part, {})
    node[leaf[-1]] = value


def _department_leaves(book: Workbook, data: dict[str, Any]) -> set[tuple[str, ...]]:
    """The facts that are leaves, from each department table's own row, each fact table's items and each two-sided
    table's fixed items (a label and its figure, such as 1. 一般公共预算资金): the leaves read."""
    read: set[tuple[str, ...]] = set()

    def put(leaf: tuple[str, ...], value: Any) -> None:
        _put(data, leaf, value)
        read.add(leaf)

    for sheet in _sheets(book, "department"):
        figures, _ = _unit_rows(book, sheet)
        for i, column in enumerate(sheet.columns):
            fact = FACTS.get(column.measure)
            if figures is not None and fact is not None and fact.leaf is not None and column.kind == "money":
                put(fact.leaf, figures[i])
    for sheet in _sheets(book, "facts"):
        source = sheet.spec.source
        assert isinstance(source, FactsSource)
        shown = {_text(sheet.get(cells, "label")): sheet.get(cells, "amount") for _, cells in _rows(book, sheet)}
        for item in source.items:
            if (leaf := FACTS[item.fact].leaf) is not None and item.label in shown:
                put(leaf, shown[item.label] or ZERO)
    for sheet in _sheets(book, "pairs"):
        source = sheet.spec.source
        assert isinstance(source, PairSource)
        rows = _rows(book, sheet)
        for side in ("left", "right"):
            shown = {_text(sheet.get(cells, f"{side}.label")): sheet.get(cells, f"{side}.amount") for _, cells in rows}
            for block in source.blocks:
                for item in getattr(block, side):
                    leaf = FACTS[item.fact].leaf if isinstance(item, FactItem) else None
                    if leaf is not None and leaf not in read and item.label in shown:
                        put(leaf, shown[item.label] or ZERO)
    return read


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


def _indicator(sheet: Sheet, cells: list[Any], filled: dict[str, str]) -> dict[str, Any]:
    for key in ("level1", "level2"):
        filled[key] = _text(sheet.get(cells, f"indicator.{key}")) or filled.get(key, PLACEHOLDER)
    out: dict[str, Any] = {"level1": filled["level1"], "level2": filled["level2"]}
    out.update({k: _text(sheet.get(cells, f"indicator.{k}")) for k in ("name", "operator", "value", "unit")})
    if (weight := sheet.get(cells, "indicator.weight")) is not None:
        out["weight"] = weight
    return out


def _performance(book: Workbook, data: dict[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    projects = {p["name"]: p for p in data["projects"]}
    targets: list[dict[str, Any]] = []
    current = ""
    amounts: dict[str, Decimal] = {}
    filled: dict[str, str] = {}
    sheet = next(iter(_sheets(book, "performance_targets")), None)
    for _rownum, cells in _rows(book, sheet):
        assert sheet is not None
        name = _text(sheet.get(cells, "name"))
        if name and name != current:
            current, filled = name, {}
            weight = sheet.get(cells, "execution_weight")
            target: dict[str, Any] = {"name": name, "execution_weight": 10 if weight is None else weight,
                                      "goal": _text(sheet.get(cells, "goal")) or PLACEHOLDER, "indicators": []}
            category = _text(sheet.get(cells, "category"))
            if category and not (name in projects and projects[name]["type"] == category):
                target["category"] = category
            amounts[name] = sheet.get(cells, "budget") or ZERO
            targets.append(target)
        if targets:
            targets[-1]["indicators"].append(_indicator(sheet, cells, filled))
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
                         f"{sheet.spec.title if sheet else ''}“{name}”的预算数 {amounts[name]} "
                         "无法唯一对应到基本支出的款，covers 标为待补充")
        else:
            used.update(codes)
            target["covers"] = {"economic": codes}
    return targets, unresolved


def _department_performance(book: Workbook) -> dict[str, Any] | None:
    sheet = next(iter(_sheets(book, "department_indicators")), None)
    rows = _rows(book, sheet)
    if not rows or sheet is None:
        return None
    filled: dict[str, str] = {}
    indicators = []
    for _rownum, c in rows:
        filled["level1"] = _text(sheet.get(c, "level1")) or filled.get("level1", PLACEHOLDER)
        filled["level2"] = _text(sheet.get(c, "level2")) or filled.get("level2", PLACEHOLDER)
        ind = {"level1": filled["level1"], "level2": filled["level2"]}
        ind.update({k: _text(sheet.get(c, k)) for k in ("name", "operator", "value", "unit", "note")})
        if direction := _text(sheet.get(c, "direction")):
            ind["direction"] = direction
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
            got = total(income.get(k, ZERO) for k in UNIT_FUND_INCOME)
            extra = total(x.get(k, ZERO) for x in lines for k in ("operating", "to_superior", "to_subsidiary"))
            extra += total(spent(source) for source in INCOME_FUNDS)  # spending financed by 事业收入 … by source
        else:
            got, extra = income.get(fund, ZERO), ZERO
        out[fund] = max(got + data["carryover"][fund] - spent(fund) - extra, ZERO)
    return out


def leaves(book: Workbook) -> tuple[dict[str, Any], set[str]]:
    """The budget's leaves as plain data (text the tables cannot carry marked 待补充), and unresolved targets."""
    if book.year is None:
        book.problem("xlsx-missing-year", E, "无法从工作簿判断预算年度，请用 --year 指定")
    first = next((s for s in _sheets(book, "department") if s.identified), None)
    _, units = _unit_rows(book, first)
    if not units and book.canonical is None:  # an exported workbook names the department in its _canonical sheet
        book.problem("xlsx-missing-department", E,
                     f"{first.spec.title if first else '各表'}中没有部门（单位）代码行，无法确定部门"
                     + ("" if first else "（本地区的报表不印部门代码，只能导入本项目导出的、带 _canonical 页的工作簿）"))
    dept_code, dept_name = units[-1] if units else ("00", "")
    sup_code, sup_name = units[0] if len(units) > 1 else (dept_code[:2], PLACEHOLDER)
    name = book.department_name or dept_name or PLACEHOLDER
    year = book.year or 2000
    data: dict[str, Any] = {
        "schema_version": 1, "year": year, "profile": book.profile, "unit": book.unit,
        "display_unit": book.unit,
        "department": {"code": dept_code, "name": name, "supervisor": {"code": sup_code, "name": sup_name or PLACEHOLDER},
                       "affiliation": PLACEHOLDER},
        "overview": {"duties": {"items": [PLACEHOLDER]},
                     "staff": {"establishment": {}, "in_service": {"current": 0}, "retired": {"current": 0}}},
        "income": {}, "carryover": {f: ZERO for f in FUNDS},
        "three_public": {k: {"amount": ZERO} for k in THREE_PUBLIC},
        "expenditure": _function_lines(book),
        "basic_by_economic": _economic_lines(book, "basic", year),
        "project_by_economic": _economic_lines(book, "project", year),
    }
    read = book.read = _department_leaves(book, data)
    data["income"] = {k: data["income"][k] for k in INCOME_KEYS if k in data["income"]}
    data["projects"] = _projects(book, name)
    data["year_end_balance"] = _balances(data)
    basis = profiles.load(book.profile).rules.operating_costs_basis
    public = total((x.get("general_budget") or {}).get("public", ZERO) for x in data["expenditure"])
    if ("operating_costs", "amount") not in read:  # a table showing 机关运行经费 gave it; else it is derived
        data["operating_costs"] = {"amount": public if basis == "basic_public" else ZERO}
    data["performance_targets"], unresolved = _performance(book, data)
    data["department_performance"] = _department_performance(book)
    return data, unresolved
