"""Excel import and export (generator.excel, generator.publish.xlsx), and the output files both commands write."""

from __future__ import annotations

from generator.core.slugs.base import Group, Severity, Slug

E = Severity.ERROR
W = Severity.WARNING

EXCEL = Group("excel", "Excel 导入与导出",
              "`import-xlsx` 和 `export-xlsx` 报告的问题；信息中给出工作表和单元格（如 `支出总表!C4`），"
              "详见 [Excel 导入与导出](excel.md)。有错误时不写任何文件。")
OUTPUT = Group("output", "输出文件", "`import-xlsx` 和 `export-xlsx` 不会悄悄覆盖文件，也不会留下写了一半的文件。")

XLSX_TOTAL_MISMATCH = Slug(
    EXCEL, "xlsx-total-mismatch", E, "工作簿中的小计或合计与明细不符",
    "导入只读取明细，小计、合计由程序重新计算，再与工作簿中显示的数逐格比较；任何一格不一致都报错，"
    "给出工作表、单元格、工作簿的数和按明细汇总应得的数，不会自动改正。",
    "找出是明细错了还是合计错了，在 Excel 中改正后重新导入。")
XLSX_NOT_A_NUMBER = Slug(
    EXCEL, "xlsx-not-a-number", E, "单元格不是数字",
    "金额、预算执行率权重、指标权重单元格中是“二十”“(22.50)”之类不是数字的内容（给出单元格）；"
    "空白、`-`、`—` 记为 0（权重空白则不填）。",
    "在 Excel 中把该单元格改为数字；会计格式的括号负数请改为 -22.50。")
XLSX_FORMULA_NO_VALUE = Slug(
    EXCEL, "xlsx-formula-no-value", E, "公式没有计算结果",
    "单元格里是公式，但文件中没有保存计算结果（程序生成、未经 Excel 重新计算的文件常见）；"
    "逐格给出位置，每张表最多列 20 格。有计算结果的公式照常按结果读取。",
    "在 Excel（或 WPS）中打开工作簿并保存，让公式算出结果，再导入。")
XLSX_BAD_CODE = Slug(
    EXCEL, "xlsx-bad-code", E, "编码含有半角 0–9 以外的数字",
    "部门代码、科目编码只能用半角数字 0–9；“６３００２”这样的全角数字（或其他文字的数字）不会被自动改成半角。",
    "在 Excel 中把该编码改为半角数字（如 63002）后重新导入。")
XLSX_MISSING_COLUMN = Slug(
    EXCEL, "xlsx-missing-column", E, "认不出表头",
    "找得到这张表，却认不出它的表头（列名与公开报表不符）。表头中的空格、换行、全角括号和合并单元格都可以容忍。",
    "把表头改成公开报表的列名（可对照 export-xlsx 导出的工作簿）后重新导入。")
XLSX_MISSING_DEPARTMENT = Slug(
    EXCEL, "xlsx-missing-department", E, "收入总表中没有部门代码行",
    "部门代码取自收入总表的代码行；没有这一行就无法确定是哪个部门。",
    "在收入总表中补上本部门的代码和名称一行后重新导入。")
XLSX_NOT_RECOVERABLE = Slug(
    EXCEL, "xlsx-not-recoverable", E, "工作簿中没有足以还原某项明细的数",
    "导入只取工作簿中印出的数，不猜：一个科目同时由几种收入（事业收入、其他收入……）安排支出，而报表只按收入来源印合计、"
    "只按全部来源印基本支出和项目支出时，各来源的基本支出、项目支出无法分出；信息中给出工作表和科目。",
    "在 YAML 中填写这一科目各来源的基本支出、项目支出（或导入本项目导出的、带 `_canonical` 页的工作簿）。")
XLSX_MISSING_YEAR = Slug(
    EXCEL, "xlsx-missing-year", E, "看不出预算年度",
    "程序在 `_canonical` 页、文档标题和各可见表的前两行找“2024年”之类的字样，都找不到时无法确定预算年度。",
    "用 --year 指定年度，如 `import-xlsx 报表.xlsx --year 2024`。")
XLSX_BAD_YEAR = Slug(
    EXCEL, "xlsx-bad-year", E, "预算年度不在允许的范围内",
    "工作簿写明的（或 --year 给出的）预算年度不在预算文件允许的范围内（2000–2100）。",
    "核对工作簿标题中的年度，或用 --year 给出正确的年度。")
XLSX_INVALID = Slug(
    EXCEL, "xlsx-invalid", E, "读出的数据不符合预算文件格式",
    "从工作簿读出的数据不符合预算文件格式，如指标性质不是“等于、大于等于……”之一；信息中给出字段和原因。",
    "按信息改正工作簿中对应的单元格（可取的值见 YAML 字段参考）后重新导入。")
XLSX_CANONICAL = Slug(
    EXCEL, "xlsx-canonical", E, "`_canonical` 页被改坏",
    "`_canonical` 页是预算文件本身（每行一行 YAML）；YAML 写错、字段不合法、地区模板名不合法时无法读取，"
    "信息中给出行号（如 `_canonical!A7`）。",
    "不要删改 `_canonical` 页：要改文字，请改 YAML 后重新导出；已经改坏的，重新导出一份，"
    "或删去整个 `_canonical` 页只按报表导入。")
XLSX_TOO_LARGE = Slug(
    EXCEL, "xlsx-too-large", E, "工作簿超过大小上限",
    "文件、解压后的大小或工作表用到的范围超过上限（文件 20 MB、解压后 100 MB、每张表 50,000 行或 256 列等，"
    "见 Excel 导入与导出）；多半是某处误填了内容（例如在第 1048576 行或 XFD 列）。",
    "删去工作簿中远处误填的内容（在 Excel 中按 Ctrl+End 可找到最后一个用到的单元格），保存后重新导入。")
XLSX_ENCRYPTED = Slug(
    EXCEL, "xlsx-encrypted", E, "工作簿已加密",
    "设了打开密码的工作簿无法读取。",
    "在 Excel 中取消密码保护（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），保存后重新导入。")
XLSX_NOT_XLSX = Slug(
    EXCEL, "xlsx-not-xlsx", E, "不是 xlsx 文件",
    "根据文件开头的字节判断文件类型：旧版 .xls、PDF、网页、Word 文档、目录等都不是 xlsx；信息中说明看起来是什么文件。",
    "在 Excel 中打开该文件，另存为“Excel 工作簿（*.xlsx）”后重新导入。")
XLSX_UNREADABLE = Slug(
    EXCEL, "xlsx-unreadable", E, "xlsx 文件已损坏，无法读取",
    "文件不完整或已损坏（如下载中断），或含有为安全起见拒绝读取的内容（XML 实体声明）。",
    "重新下载，或在 Excel 中打开后另存为 .xlsx，再导入。")
XLSX_STRING_TOO_LONG = Slug(
    EXCEL, "xlsx-string-too-long", E, "文字超过一个单元格的上限（导出）",
    "一个单元格最多 32,767 个字符（Excel 的上限）；报表中的文字超过这个长度时导出报错（给出工作表和单元格），"
    "不会截断。网站的“全部报表 Excel”下载用的是同一个导出。",
    "在预算 YAML 中缩短这段文字后重新导出。")
XLSX_MISSING_SHEET = Slug(
    EXCEL, "xlsx-missing-sheet", W, "缺少某张公开报表",
    "工作簿中没有某张公开报表（按工作表名和表格第一行的标题都找不到），按无数据处理。",
    "本部门确实没有这张表的数据时不用处理；否则把这张表加进工作簿（工作表名或标题与公开报表一致）后重新导入。")
XLSX_HIDDEN_SHEET = Slug(
    EXCEL, "xlsx-hidden-sheet", W, "用了隐藏的工作表",
    "同名（或标题相同）的表既有可见的也有隐藏的时，用可见的，并对隐藏的给出警告；只有隐藏的表时照样导入，"
    "同样给出警告。隐藏的 `_canonical` 页也会给出这个警告。",
    "确认导入的确实是要导入的数据；不需要的隐藏工作表请删除，需要的请取消隐藏。")
XLSX_COVERS_UNRESOLVED = Slug(
    EXCEL, "xlsx-covers-unresolved", W, "绩效目标的预算数来源无法唯一确定",
    "项目支出绩效表中一个绩效目标的预算数对应哪些经济分类款无法唯一确定，"
    "导入时写成 `covers: {project: 待补充（预算数 …）}`。",
    "在生成的 YAML 中把 covers 改为正确的经济分类款编码或项目名称，再运行 validate。")
XLSX_CANONICAL_UNIT = Slug(
    EXCEL, "xlsx-canonical-unit", W, "记录单位与显示单位不同",
    "YAML 以“元”记录而报表以“万元”显示时，报表页的两位小数不足以还原原数，"
    "此时数字取自 `_canonical` 页，报表页只用于核对。",
    "一般不用处理；报表页上改的数字不会被采用，要改数字请改 YAML 后重新导出。")

FILE_EXISTS = Slug(
    OUTPUT, "file-exists", E, "输出文件已存在",
    "目标文件已存在时拒绝写入，不会悄悄覆盖。",
    "确认覆盖请加 --force，或换一个输出文件名。")
OUT_IS_INPUT = Slug(
    OUTPUT, "out-is-input", E, "输出文件就是输入文件",
    "输出文件就是输入文件时（如 `export-xlsx a.yaml a.yaml`），即使加了 --force 也拒绝，以免毁掉输入。",
    "换一个输出文件名。")
OUT_IS_DIRECTORY = Slug(
    OUTPUT, "out-is-directory", E, "输出路径是一个目录",
    "给出的输出路径是一个已有的目录，而不是文件名。",
    "给出文件名，如 `--out budgets/2024/63002.yaml`。")
OUT_DIR_MISSING = Slug(
    OUTPUT, "out-dir-missing", E, "输出文件所在的目录不存在",
    "给出 --out 时，输出文件所在的目录须已存在（不自动创建）。",
    "先创建该目录，或改正路径的拼写。")
WRITE_FAILED = Slug(
    OUTPUT, "write-failed", E, "无法写入输出文件",
    "没有权限、磁盘已满或路径不可写（如 `/proc` 下的路径）。文件先写到同一目录下的临时文件，写完才改名为目标文件名，"
    "中途出错不会留下写了一半的文件。",
    "换一个有写权限的位置，或检查磁盘空间后重试。")
