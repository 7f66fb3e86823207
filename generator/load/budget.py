"""A parsed document read into the model: located schema problems, or a :class:`Budget`.

``Loaded`` is one budget file as every later stage sees it: its path, its document (text and
line marks) and its model. ``load_side`` reads a set of files held in memory (a git revision,
see ``gitio``) the same way. Nothing here runs a rule.
"""

from __future__ import annotations

import difflib
import functools
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.core import slugs
from generator.core.errors import InputError, Problem, Severity, printable
from generator.core.model import Budget, short_repr
from generator.core.registry import Registry
from generator.load.loader import Document, decode, parse

# pydantic's own error types that have a slug; the model's custom errors (PydanticCustomError) are typed by slug.
_TYPE_SLUGS = {"extra_forbidden": "unknown-key", "missing": "missing-field"}
_WRONG_TYPE = {"string_type", "int_type", "int_parsing", "int_from_float", "list_type", "dict_type",
               "model_type", "model_attributes_type", "decimal_type", "bool_type", "float_type",
               "decimal_parsing", "string_sub_type", "dataclass_type"}
_EXPECTED = {"string_type": "文字", "int_type": "整数", "int_parsing": "整数", "int_from_float": "整数",
             "list_type": "列表", "dict_type": "键值映射", "model_type": "键值映射",
             "model_attributes_type": "键值映射", "bool_type": "是/否"}


@dataclass
class Loaded:
    path: Path
    document: Document
    budget: Budget
    digest: str = ""  # sha256 of the file's bytes: the cache key of everything derived from it
    registry: Registry | None = None  # the package's codes for its year merged with the repository's (load.codes)


def schema_problem(doc: Document, err: Any, model: type[BaseModel] = Budget) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind in slugs.CATALOGUE:
        slug = kind
    else:
        slug = _TYPE_SLUGS.get(kind) or ("wrong-type" if kind in _WRONG_TYPE else "invalid-value")
    name = printable(str(loc[-1])) if loc else "文件"  # a key from the file: may hold control characters
    given = err.get("input")
    if slug == "unknown-key":
        message = f"未知字段“{name}”"
        guess = difflib.get_close_matches(name, _field_names(model), n=1, cutoff=0.7)
        if guess:
            message += f"，是不是“{guess[0]}”？"
    elif slug == "missing-field":
        message = f"缺少必填字段“{name}”"
    elif slug == "wrong-type" and kind in _EXPECTED:
        message = f"“{name}”应为{_EXPECTED[kind]}，实际是 {short_repr(given)}"
    elif slug == "invalid-value":
        ctx = err.get("ctx") or {}
        hint = ctx.get("expected") or ctx.get("pattern") or ctx.get("ge") or ctx.get("le") or ctx.get("min_length")
        message = f"“{name}”的值 {short_repr(given)} 不合法" + (f"（要求：{hint}）" if hint is not None else "")
    else:
        message = f"“{name}”：{err['msg']}"
    mark = doc.mark(loc)
    return Problem(slug, Severity.ERROR, message, doc.path, mark.line, mark.column)


@functools.cache
def _field_names(root: type[BaseModel] = Budget) -> list[str]:
    """Every key the schema knows, for “did you mean” hints on misspelt keys."""
    names: set[str] = set()
    todo: list[type[BaseModel]] = [root]
    seen: set[type[BaseModel]] = set()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for field_name, info in model.model_fields.items():
            names.add(field_name)
            for arg in typing.get_args(info.annotation) or (info.annotation,):
                for inner in typing.get_args(arg) or (arg,):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        todo.append(inner)
    return sorted(names)


def parse_budget(doc: Document) -> tuple[Budget | None, list[Problem]]:
    if not isinstance(doc.data, dict):
        return None, [Problem("wrong-type", Severity.ERROR, "预算文件的顶层必须是键值映射", doc.path, 1, 1)]
    try:
        return Budget.model_validate(doc.data), []
    except ValidationError as exc:
        return None, [schema_problem(doc, e) for e in exc.errors()]


# ---------------------------------------------------------------- files held in memory

DeptKey = tuple[str, int]


@dataclass
class Parsed:
    path: str
    document: Document
    budget: Budget

    @property
    def key(self) -> DeptKey:
        return (self.budget.department.code, self.budget.year)


@dataclass
class Side:
    budgets: dict[DeptKey, Parsed] = field(default_factory=dict)
    parsed: list[Parsed] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # files that could not be read into the model


def load_side(files: dict[str, bytes]) -> Side:
    side = Side()
    for path, raw in sorted(files.items()):
        try:
            doc = parse(decode(raw, path), path)
        except InputError as exc:
            side.problems.append(exc.problem)
            continue
        budget, problems = parse_budget(doc)
        side.problems += problems
        if budget is not None:
            item = Parsed(path, doc, budget)
            side.parsed.append(item)
            side.budgets.setdefault(item.key, item)
    return side
