"""``import-xlsx IN.xlsx [--out FILE]``: a budgeting-system workbook to canonical YAML, its totals checked cell by cell."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.check.validate import validate_paths
from generator.cli.options import DEFAULT_BUDGETS
from generator.core.errors import Problem
from generator.excel.importer import ImportFailed, import_workbook
from generator.excel.output import check_out, write_file
from generator.load.yaml_writer import dumps_model

NAME = "import-xlsx"
HELP = "把公开报表格式的 Excel 工作簿导入为预算 YAML（只取明细，核对合计）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=Path, help="输入的 .xlsx 文件")
    parser.add_argument("--out", type=Path, default=None,
                        help="输出的 YAML（所在目录须已存在），默认 budgets/<年度>/<部门代码>.yaml")
    parser.add_argument("--year", type=int, default=None, help="预算年度（工作簿中看不出年度时必填）")
    parser.add_argument("--profile", default="harbin-13", help="地区模板，默认 harbin-13")
    parser.add_argument("--force", action="store_true", help="覆盖已存在的 YAML 文件（输入文件永远不会被覆盖）")


def _print(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format())


def run(args: argparse.Namespace) -> int:
    if args.out is not None:
        check_out(args.out, args.workbook, args.force)
    try:
        budget, problems = import_workbook(args.workbook, args.profile, args.year)
    except ImportFailed as exc:
        _print(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity.value == "error")
        print(f"导入失败：{errors} 个错误，未写入任何文件")
        return 1
    out = args.out or DEFAULT_BUDGETS / str(budget.year) / f"{budget.department.code}.yaml"
    check_out(out, args.workbook, args.force, make_parent=args.out is None)
    _print(problems)
    write_file(out, dumps_model(budget).encode("utf-8"), make_parent=args.out is None)
    report = validate_paths([out])
    _print(report.problems)
    print(f"已写入：{out}（校验：{len(report.errors)} 个错误，{len(report.warnings)} 个警告；“待补充”处请补写）")
    return 0
