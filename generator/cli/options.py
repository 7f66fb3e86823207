"""Arguments several commands share: where the budgets are, what an output directory must be."""

from __future__ import annotations

from pathlib import Path

DEFAULT_BUDGETS = Path("budgets")
OUT_HELP = "输出目录：必须是空目录、不存在，或是本工具以前生成的（有 .budget-build 标记），整个替换"
CACHE_HELP = ("不用缓存：重新校验、生成每个部门（默认把每个部门的结果按内容缓存在输出目录旁的 .build-cache-<目录名>/，"
              "文件和生成器都没变的部门直接沿用）")
