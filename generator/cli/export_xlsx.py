"""``export-xlsx BUDGET.yaml OUT.xlsx``: the standard tables as an Excel workbook (with a ``_canonical`` sheet)."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.core import profiles
from generator.core.errors import InputError, ValidationFailed
from generator.excel.output import check_out, write_file
from generator.load.budget import parse_budget
from generator.load.loader import load
from generator.publish.xlsx import export_bytes

NAME = "export-xlsx"
HELP = "把预算 YAML 导出为公开报表格式的 Excel 工作簿"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("budget", type=Path, help="预算 YAML 文件")
    parser.add_argument("out", type=Path, help="输出的 .xlsx 文件（所在目录须已存在）")
    parser.add_argument("--force", action="store_true", help="覆盖已存在的输出文件（输入文件永远不会被覆盖）")


def run(args: argparse.Namespace) -> int:
    if not args.budget.is_file():
        raise InputError("missing-file", "文件不存在", file=str(args.budget))
    check_out(args.out, args.budget, args.force)
    budget, problems = parse_budget(load(args.budget))
    if budget is None:
        raise ValidationFailed(problems)
    if budget.profile in profiles.available() and not profiles.load(budget.profile).publish:
        raise InputError("unknown-profile", f"地区模板“{budget.profile}”的版式尚未配置（publish: false），还不能导出报表",
                         file=str(args.budget))
    try:
        data = export_bytes(budget)
    except KeyError:
        raise InputError("unknown-profile", f"未知的地区模板“{budget.profile}”", file=str(args.budget)) from None
    except InputError as exc:
        raise exc.at(str(args.budget)) from None
    write_file(args.out, data)
    print(f"已导出：{args.out}")
    return 0
