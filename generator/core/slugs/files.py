"""The files themselves and between files: names, places, reading, the profile a file names, 勘误 entries,
one file per department-year, and the prior-year figures of consecutive years (generator.check.files, crossfile, continuity)."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

E = Severity.ERROR
W = Severity.WARNING

FILES = Group("files", "文件", "还检查文件本身：名称、位置、能否读取。")
PROFILE = Group("profile", "地区模板",
                "地区模板（generator/core/profiles/<名称>.yaml）和预算文件一样校验：格式错误（未知字段、类型错误等）"
                "以地区模板文件的行号报告。")
ERRATA = Group("errata", "勘误", "勘误条目（errata）要对得上地区模板的情况说明小节和本文件逐项说明的科目。")
CROSS_FILE = Group("cross-file", "跨文件检查",
                   "一次校验多个文件时，还检查文件之间的关系，包括同一部门相邻两年的文件。")

MISSING_FILE = Slug(
    FILES, "missing-file", E, "文件不存在",
    "命令行指定的文件不存在（检查路径拼写），或符号链接指向的文件不存在。",
    "检查命令行中文件路径的拼写。")
UNREADABLE_FILE = Slug(
    FILES, "unreadable-file", E, "文件无法读取",
    "名为 *.yaml 的是目录、管道或设备而不是普通文件，没有读取权限，或符号链接形成循环。",
    "确认它是普通文件而不是目录（目录名不要以 .yaml 结尾），并有读取权限；符号链接请改为真正的文件。")
WRONG_EXTENSION = Slug(
    FILES, "wrong-extension", E, "扩展名不是 .yaml",
    "budgets/ 下扩展名为 .yml、.YAML 等的文件不会被读取，也不会发布；请改名为小写的 .yaml。",
    "把文件改名为小写的 .yaml（如 63002.yml → 63002.yaml）；不需要的文件请删除。")
INVALID_FILE_NAME = Slug(
    FILES, "invalid-file-name", E, "文件名无法显示",
    "文件名（含所在目录名）含有不是 UTF-8 的字节或控制字符（如换行），无法可靠地显示和发布；"
    "错误信息中这些字符以 `\\xNN`、`\\n` 等形式显示。请改名为 <部门代码>.yaml。",
    "把文件改名为 <部门代码>.yaml（只用数字、字母和常见汉字），所在目录名为四位年份。")
FILE_OUTSIDE_BUDGETS = Slug(
    FILES, "file-outside-budgets", E, "符号链接指向预算目录之外",
    "budgets/ 下的符号链接只能指向 budgets/ 内的文件（命令行直接指定的文件：只能指向同一目录内），"
    "否则不读取也不发布，以免把仓库以外的文件公开出去。",
    "把文件复制到 budgets/<年度>/ 下，不要用指向仓库以外的符号链接。")

PROFILE_UNKNOWN_SECTION = Slug(
    PROFILE, "profile-unknown-section", E, "地区模板列了没有模板的说明小节",
    "地区模板 sections 中的模板名（template，不填则为 key）必须在 generator/publish/templates/sections/ 下有同名模板；"
    "版式尚未配置的地区模板（publish: false）只校验数据，不检查这一条。",
    "把地区模板中该小节的 key 改为信息中列出的可用小节之一；新的小节要先在 "
    "generator/publish/templates/sections/ 下加上同名模板。")

ERRATA_UNKNOWN_SECTION = Slug(
    ERRATA, "errata-unknown-section", E, "勘误的小节不存在",
    "errata 中的 section 必须是地区模板中情况说明小节的 key（如 general_budget_expenditure），"
    "勘误页据此重新计算该小节的句子。",
    "把 section 改为地区模板中情况说明小节的 key（见 YAML 字段参考的“勘误”一节），或删去该条勘误。")
ERRATA_UNKNOWN_CODE = Slug(
    ERRATA, "errata-unknown-code", E, "勘误的科目不存在",
    "填了 code 的勘误，section 必须是逐科目说明的小节（一般公共预算支出表、基本支出表、项目支出表、"
    "政府性基金、国有资本经营），且 code 必须是本文件该小节说明的科目之一；整节总述的勘误不填 code。",
    "改正 code 为该小节说明的科目编码；整节总述的勘误删去 code。")
PUBLISHED_SLIP = Slug(
    ERRATA, "published-slip", W, "公开文本有差错（勘误）",
    "errata 中记录的差错，按数据重新计算后确认原文有误：报表单元格、说明中的数字、科目路径、原文自身的加总、名词解释、空表说明或"
    "文字。每条都列在该部门该年度的勘误页上（原文、正确写法、算式）；这是原文的问题，不是预算文件的问题。",
    "不用改预算文件：确认勘误页上的原文和正确写法无误即可；原文已更正时删去这条勘误。")
ERRATUM_NOT_A_SLIP = Slug(
    ERRATA, "erratum-not-a-slip", E, "勘误与计算结果相同",
    "errata 中记录的“差错”按数据重新计算后与原文一致：要么原文并没有错，要么预算文件的数据抄成了原文的错数。",
    "核对原文与数据：原文无误则删去这条勘误；数据抄错了则改正数据（只填叶子，合计由程序计算）。")
ERRATUM_UNRESOLVED = Slug(
    ERRATA, "erratum-unresolved", E, "勘误无法核对",
    "errata 中的一条缺少它那一类必填的字段（见 YAML 参考“勘误”），或者所指的表格、小节、行、列、科目、名词在本文件或地区模板中不"
    "存在，因而无法按数据核对。",
    "按提示补上缺少的字段，或把 table、section、row、column、code 改为本文件和地区模板中实有的那一个。")

DUPLICATE_DEPARTMENT_YEAR = Slug(
    CROSS_FILE, "duplicate-department-year", E, "同一部门同一年度有两个文件",
    "每个部门每年只能有一个预算文件；两个文件的 department.code 与 year 相同时，后一个报错。",
    "删去其中一个文件，或改正其中一个文件的 department.code 或 year。")
FILE_PATH_MISMATCH = Slug(
    CROSS_FILE, "file-path-mismatch", W, "文件位置或文件名与内容不符",
    "文件应放在 budgets/<year>/<部门代码>.yaml；目录名是年份而与文件中的 year 不同，"
    "或文件名与 department.code 不同时给出警告。",
    "把文件移到 budgets/<year>/ 目录下，或改正文件中的 year。")
PRIOR_YEAR_MISMATCH = Slug(
    CROSS_FILE, "prior-year-mismatch", E, "上年数与上年预算文件不一致",
    "同一部门相邻两年都有预算文件时，本年文件中各行的上年数（prior）必须等于上年文件中同一行的本年数"
    "（功能分类按资金来源、经济分类款、“三公”经费各项、机关运行经费、人员数），公开文本所述的上年合计"
    "（prior_totals）也必须等于上年文件的合计；"
    "确因科目调整等原因不同时，在该行填写 prior_adjustment 说明原因。上年有金额的功能分类（项）"
    "在本年文件中整行消失也报错：本年取消的科目要保留该行、本年数为 0、只填上年数"
    "（文件不记各行上年数的地区不查这一条）。",
    "把本年文件中该行的 prior 改为上年文件所列的数；确因科目调整等原因不同的，在该行填写 prior_adjustment 说明原因。")
