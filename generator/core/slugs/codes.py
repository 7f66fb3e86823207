"""分类编码: each code exists in the year's registry, at the right level, with its name (generator.check.rules.codes)."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

E = Severity.ERROR
W = Severity.WARNING

GROUP = Group("codes", "分类编码")

CODE_LEVEL = Slug(
    GROUP, "code-level", E, "科目层级不对",
    "支出功能分类按“项”（7 位）填写；经济分类按“款”（5 位）填写，地方细化科目（7 位）写在款的 items 中，"
    "且必须以所属款的编码开头。",
    '支出功能分类写到“项”（如 "2080101"）；经济分类写“款”（如 "30101"），7 位细化科目放进该款的 items，'
    '并以款的编码开头（如 "3010101"）。')
UNKNOWN_CODE = Slug(
    GROUP, "unknown-code", W, "编码不在分类编码表中",
    "每个科目编码及其上级（类、款）应在该年度的政府收支分类科目编码表中：程序自带的编码表（generator/core/reference/）加上仓库自"
    "己的编码表（budgets/_codes/<年度>.yaml）。不在表中的编码照样校验和发布，名称用文件中写的；但上级（类、款）的名称无从得知，报"
    "表中的类、款行会缺名称。",
    "先核对编码是否抄错；确是正式科目而编码表缺少时，把它（及其类、款）连同名称补进仓库的 budgets/_codes/<年度>.yaml（写法见编辑"
    "指南“编辑预算文件”），不用改程序。")
CODE_NAME_MISMATCH = Slug(
    GROUP, "code-name-mismatch", E, "科目名称与编码表不符",
    "科目名称必须与分类编码表中的名称（或登记的地方写法）一致；只是括号全角、半角不同（如 维修(护)费 与 维修（护）费）算同一个名"
    "称。",
    "把 name 改为信息中给出的标准名称；本地区确有固定的不同写法时，登记到 generator/core/reference/<年度>.yaml。")
MISSING_CODE_DESCRIPTION = Slug(
    GROUP, "missing-code-description", W, "科目没有科目说明",
    "第四部分名词解释会逐条解释本部门用到的支出功能分类（项）；编码表中这一项还没有科目说明，名词解释里就会缺这一条。"
    "请在 generator/core/reference/<年度>.yaml 中补上官方的科目说明。"
    "名词解释不附科目说明的地区（profile 的 rules.code_descriptions: false）不做这项检查。",
    "在 generator/core/reference/<年度>.yaml 中该编码下补上 description（官方科目说明原文）；预算文件本身不用改。")
