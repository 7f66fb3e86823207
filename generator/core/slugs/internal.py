"""Problems of the tool itself, reported as data so that one bug neither hides the other files nor stops a preview."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

E = Severity.ERROR

GROUP = Group("internal", "程序内部错误", "这一组不是编辑者的错误，而是程序本身出了问题；报告出来是为了不影响其他文件。")

INTERNAL_ERROR = Slug(
    GROUP, "internal-error", E, "校验程序内部错误",
    "校验这个文件时程序本身出错（不是编辑者的错误）。文件不会发布；请把文件和这条信息报告给维护者。",
    "这不是编辑者的错误：请把文件和这条信息报告给维护者；在修复之前该文件不会发布。")
PREVIEW_CRASHED = Slug(
    GROUP, "preview-crashed", E, "生成预览时程序出错",
    "`python -m generator serve` 更新预览时程序本身出错（不是编辑者的错误）；预览停留在上一次成功生成的版本，"
    "问题显示在终端和预览页底部的提示条中。",
    "请把文件和这条信息报告给维护者；设置环境变量 BUDGET_DEBUG=1 再运行 serve 可以看到出错位置。")
INVALID_PROFILE = Slug(
    GROUP, "invalid-profile", E, "地区模板或表格库有误",
    "地区模板（generator/core/profiles/ 下的 YAML）或其表格库 _tables.yaml 不合规：未知字段、未知的行来源或度量、"
    "表头层级不对、表格或小节的键重复等。这是维护者改模板时出的错，编辑预算文件的人不会遇到。",
    "按提示的文件和行改正该模板：字段、行来源和度量的可用取值见 docs/profiles.md；改完运行 validate。")
