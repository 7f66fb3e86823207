"""The words of a budget, defined once: fund sources, 三公 items, income lines, the parts of a budget file.

Keys are the YAML field names; values are the Chinese names messages, tables and diffs print.
"""

from __future__ import annotations

# Every source a function line's spending can come from (the FundSpending blocks of a line).
FUNDS: tuple[str, ...] = ("general_budget", "gov_fund", "state_capital", "special_account", "unit_funds")
FUND_NAMES = {
    "general_budget": "一般公共预算",
    "gov_fund": "政府性基金预算",
    "state_capital": "国有资本经营预算",
    "special_account": "财政专户管理资金",
    "unit_funds": "单位资金",
}
FISCAL_FUNDS = ("general_budget", "gov_fund", "state_capital")  # 财政拨款
# Spending a line finances from a named income source (where the 收入预算总表 is classified by function and
# split by source: 事业收入 / 事业单位经营收入 / 其他收入); Harbin-style files record these as unit_funds.
INCOME_FUNDS: tuple[str, ...] = ("business_income", "operating_income", "other_income")
INCOME_FUND_NAMES = {"business_income": "事业收入", "operating_income": "事业单位经营收入", "other_income": "其他收入"}
# The income line each of them spends (Income field).
INCOME_FUND_SOURCE = {"business_income": "business", "operating_income": "operating", "other_income": "other"}
SPENDING_SOURCES: tuple[str, ...] = FUNDS + INCOME_FUNDS  # every block a function line can hold

# 一般公共预算“三公”经费, in the order the tables list them, and the economic 款 each must equal.
THREE_PUBLIC = {"outbound": "因公出国（境）费", "vehicle_purchase": "公务用车购置费",
                "vehicle_operation": "公务用车运行维护费", "reception": "公务接待费"}
THREE_PUBLIC_ECONOMIC = {
    "outbound": "30212",
    "reception": "30217",
    "vehicle_operation": "30231",
    "vehicle_purchase": "31013",
}

# Income lines as the 收入总表 names them (in its order), and the 财政拨款 among them.
INCOME_LABELS = [
    ("general_budget", "一般公共预算拨款收入"),
    ("gov_fund", "政府性基金预算拨款收入"),
    ("state_capital", "国有资本经营预算拨款收入"),
    ("special_account", "财政专户管理资金收入"),
    ("business", "事业收入"),
    ("superior_grant", "上级补助收入"),
    ("subsidiary", "附属单位上缴收入"),
    ("operating", "事业单位经营收入"),
]
FISCAL_LABELS = [
    ("general_budget", "一般公共预算拨款"),
    ("gov_fund", "政府性基金预算拨款"),
    ("state_capital", "国有资本经营预算拨款"),
]

# The top-level parts of a budget file, as people call them.
SECTION_LABELS = {
    "income": "收入",
    "carryover": "上年结转结余",
    "year_end_balance": "年终结转结余",
    "expenditure": "支出功能分类",
    "basic_by_economic": "基本支出经济分类",
    "project_by_economic": "项目支出经济分类",
    "projects": "项目支出",
    "three_public": "“三公”经费",
    "operating_costs": "机关运行经费",
    "procurement": "政府采购",
    "assets": "国有资产",
    "performance_targets": "项目绩效目标",
    "department_performance": "部门整体绩效",
    "explanations": "说明文字",
    "overview": "部门概况",
    "department": "部门",
}

CN_NUMERALS = "一二三四五六七八九十"


def cn_index(i: int) -> str:
    """1 → 一, 11 → 十一: the numbering of lists in the standard document (一、 （一）)."""
    if i <= 10:
        return CN_NUMERALS[i - 1]
    if i < 20:
        return "十" + CN_NUMERALS[i - 11]
    tens, ones = divmod(i, 10)
    return CN_NUMERALS[tens - 1] + "十" + (CN_NUMERALS[ones - 1] if ones else "")


# The comment ``new`` writes after every figure still to be filled in; a line is unfilled until it is deleted
# (generator.check.rules.markers reads it, the guide quotes it).
TODO = "待填写"
MARKER = f"# {TODO}"

# The 勘误 page: the parts of a published document an erratum can point at, and the kinds of slip.
ERRATUM_PARTS = {
    "overview": "第一部分 部门概况",
    "tables": "第二部分 部门预算公开报表",
    "sections": "第三部分 部门预算情况说明",
    "glossary": "第四部分 名词解释",
}
ERRATUM_CATEGORIES = {
    "arithmetic": "计算错误",
    "precision": "精度",
    "wording": "文字",
    "contradiction": "自相矛盾",
    "itemisation": "分项与预算数不符",
}
