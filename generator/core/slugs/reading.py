"""Reading a budget file: YAML, encoding and the schema (the loader and the model), before any rule runs."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

E = Severity.ERROR

GROUP = Group("reading", "读取与格式检查",
              "文件先按 YAML 读取、再按字段参考检查，任何一项不通过都是错误，此时后面的规则不会运行。")

YAML_SYNTAX = Slug(
    GROUP, "yaml-syntax", E, "YAML 格式错误", "文件不是合法的 YAML（缩进、冒号、引号等）。",
    "看所指行及其上一行：冒号要用英文半角“:”且后面跟一个空格，缩进只用空格（不用 Tab），引号成对；改完再运行 validate。")
NOT_UTF8 = Slug(
    GROUP, "not-utf8", E, "文件编码不是 UTF-8", "预算文件必须以 UTF-8 编码保存。",
    "用编辑器把文件“另存为 UTF-8”编码（不要用 GBK/GB2312），再运行 validate。")
DUPLICATE_KEY = Slug(
    GROUP, "duplicate-key", E, "键重复", "同一层级中同一个键出现了两次，后一个会悄悄覆盖前一个，因此一律拒绝。",
    "删去重复的那一个键，或把两处的内容合并到一个键下。")
UNKNOWN_KEY = Slug(
    GROUP, "unknown-key", E, "未知字段", "字段名拼写错误或不属于该位置；完整字段见 YAML 参考。",
    "按提示改正拼写（如 personal → personnel），或删去该字段；可用的字段见 YAML 字段参考。")
MISSING_FIELD = Slug(
    GROUP, "missing-field", E, "缺少必填字段", "该位置要求的字段没有填写。",
    "在所指位置补上该字段（写法见 YAML 字段参考）。")
WRONG_TYPE = Slug(
    GROUP, "wrong-type", E, "类型错误", "例如金额处填了文字，或列表处填了单个值。",
    "按 YAML 字段参考填写正确的类型：金额写数字（如 54.06，不带“万元”），列表每项以“- ”开头。")
TOO_MANY_DECIMALS = Slug(
    GROUP, "too-many-decimals", E, "小数位过多", "金额最多两位小数（元为分，万元为百元）。",
    "把金额四舍五入到两位小数，并确认各表合计仍然相等。")
NEGATIVE_AMOUNT = Slug(
    GROUP, "negative-amount", E, "金额为负数", "本年数与上年数都不能为负数。",
    "改为正数或 0；减少的部分由程序根据上年数计算，不要写成负数。")
INVALID_VALUE = Slug(
    GROUP, "invalid-value", E, "取值不合法", "编码格式、枚举取值（如指标性质）或范围不符合要求。",
    "按提示的要求改正取值：编码是加引号的数字（如 \"2080101\"），枚举只能取字段参考中列出的值。")
UNKNOWN_PROFILE = Slug(
    GROUP, "unknown-profile", E, "未知的地区模板", "profile 必须是 generator/core/profiles/ 下已有的模板名。",
    "把 profile 改为 generator/core/profiles/ 下已有模板的文件名（不含 .yaml），如 harbin-13。")
FILE_TOO_LARGE = Slug(
    GROUP, "file-too-large", E, "文件过大", "预算文件不能超过 5 MB（见“输入限制”）；错误指向超出限制的那一行。",
    "预算文件不应这么大：检查是否误把其他内容（如整份文档、表格导出）粘贴进了文件，删去后再运行 validate。")
AMOUNT_TOO_LARGE = Slug(
    GROUP, "amount-too-large", E, "数值过大", "金额和面积须小于 10^15（一千万亿）；多半是多输了数字或把元当成了万元。",
    "核对该金额的位数和单位（文件的 unit 是万元还是元），改为正确的数。")
TEXT_TOO_LONG = Slug(
    GROUP, "text-too-long", E, "文字过长", "名称最多 200 个字符，说明、原因等文字最多 10,000 个字符。",
    "把文字压缩到限制以内（名称 200 字、说明 10,000 字）；名称过长多半是误粘贴了正文。")
INVALID_TEXT = Slug(
    GROUP, "invalid-text", E, "文字含不可见字符",
    "文字中不能有控制字符（如 \\0、ESC、DEL）、零宽字符、双向文字控制符（U+202A–202E、U+2066–2069）等看不见的字符；"
    "名称不能只有空白，也不能换行。",
    "删去文字中看不见的字符：在编辑器中重新输入该段文字（不要从网页或 Word 直接粘贴），名称写在一行内。")
