"""``export-xlsx`` and ``import-xlsx``: the command-line edge of the Excel round trip."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.errors import InputError, Problem, ValidationFailed

DEFAULT_BUDGETS = Path("budgets")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export-xlsx", help="把预算 YAML 导出为公开报表格式的 Excel 工作簿")
    p.add_argument("budget", type=Path, help="预算 YAML 文件")
    p.add_argument("out", type=Path, help="输出的 .xlsx 文件")

    p = sub.add_parser("import-xlsx", help="把公开报表格式的 Excel 工作簿导入为预算 YAML（只取明细，核对合计）")
    p.add_argument("workbook", type=Path, help="输入的 .xlsx 文件")
    p.add_argument("--out", type=Path, default=None, help="输出的 YAML，默认 budgets/<年度>/<部门代码>.yaml")
    p.add_argument("--year", type=int, default=None, help="预算年度（工作簿中看不出年度时必填）")
    p.add_argument("--profile", default="harbin-13", help="地区模板，默认 harbin-13")
    p.add_argument("--force", action="store_true", help="覆盖已存在的 YAML 文件")


def _print(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format())


def cmd_export(args: argparse.Namespace) -> int:
    from generator.excel_export import export_bytes
    from generator.loader import load
    from generator.validate import parse_budget

    if not args.budget.is_file():
        raise InputError("missing-file", "文件不存在", file=str(args.budget))
    budget, problems = parse_budget(load(args.budget))
    if budget is None:
        raise ValidationFailed(problems)
    try:
        data = export_bytes(budget)
    except KeyError:
        raise InputError("unknown-profile", f"未知的地区模板“{budget.profile}”", file=str(args.budget)) from None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"已导出：{args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from generator.excel_import import ImportFailed, import_workbook
    from generator.validate import validate_paths
    from generator.yaml_writer import dumps_model

    try:
        budget, problems = import_workbook(args.workbook, args.profile, args.year)
    except ImportFailed as exc:
        _print(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity.value == "error")
        print(f"导入失败：{errors} 个错误，未写入任何文件")
        return 1
    out = args.out or DEFAULT_BUDGETS / str(budget.year) / f"{budget.department.code}.yaml"
    if out.exists() and not args.force:
        print(f"{out}: error [file-exists] 文件已存在；确认覆盖请加 --force")
        return 1
    _print(problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps_model(budget), encoding="utf-8")
    report = validate_paths([out])
    _print(report.problems)
    print(f"已写入：{out}（校验：{len(report.errors)} 个错误，{len(report.warnings)} 个警告；“待补充”处请补写）")
    return 0


COMMANDS = {"export-xlsx": cmd_export, "import-xlsx": cmd_import}
