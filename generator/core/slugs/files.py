"""The files themselves and between files: names, places, reading, 勘误 entries, one file per department-year,
and the prior-year figures of consecutive years (generator.check.files, crossfile, continuity)."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

E = Severity.ERROR
W = Severity.WARNING

FILES = Group("files", "文件", "还检查文件本身：名称、位置、能否读取。")
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
    "（功能分类按资金来源、经济分类款、“三公”经费各项、机关运行经费、人员数）；"
    "确因科目调整等原因不同时，在该行填写 prior_adjustment 说明原因。上年有金额的功能分类（项）"
    "在本年文件中整行消失也报错：本年取消的科目要保留该行、本年数为 0、只填上年数。",
    "把本年文件中该行的 prior 改为上年文件所列的数；确因科目调整等原因不同的，在该行填写 prior_adjustment 说明原因。")
