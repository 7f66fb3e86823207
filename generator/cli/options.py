"""Arguments several commands share: where the budgets are, what an output directory must be."""

from __future__ import annotations

from pathlib import Path

DEFAULT_BUDGETS = Path("budgets")
OUT_HELP = "输出目录：必须是空目录、不存在，或是本工具以前生成的（有 .budget-build 标记），整个替换"
