"""JSON Schema for budget files, generated from the model (editors get completion and hints)."""

from __future__ import annotations

import json
from typing import Any

from generator.core.model import Budget


def schema() -> dict[str, Any]:
    data = Budget.model_json_schema(mode="validation")
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "部门预算公开 YAML（一个部门一年一个文件）"
    return data


def schema_json() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
