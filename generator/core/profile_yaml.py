"""A profile's YAML read and its problems located: the line of a place in the file, a Chinese message for each
error pydantic finds (``invalid-profile``), and the error that carries them all (:class:`ProfileError`)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from generator.core.errors import InputError, Problem, Severity, printable
from generator.core.slugs.internal import INVALID_PROFILE
from generator.core.specs import SOURCE_MODELS

SOURCE_TAGS = {m.model_fields["rows"].annotation.__args__[0] for m in SOURCE_MODELS}  # type: ignore[union-attr]


class ProfileError(InputError):
    """A profile (or the table library) that does not validate: every problem, located in its file."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.slug, first.message, file=first.file, line=first.line, column=first.column)
        self.problems = problems


class Lines:
    """The YAML text of a profile, composed into nodes (with their lines) only when a problem must be located."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._nodes: yaml.Node | None = None

    @property
    def nodes(self) -> yaml.Node | None:
        if self._nodes is None:
            self._nodes = yaml.compose(self.text, Loader=yaml.SafeLoader)
        return self._nodes


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(text: str, shown: str) -> tuple[Any, Lines]:
    try:
        return yaml.load(text, Loader=_LOADER), Lines(text)  # a safe loader (libyaml when present)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        message = f"YAML 格式错误：{getattr(exc, 'problem', None) or exc}"
        raise ProfileError([Problem(INVALID_PROFILE.slug, Severity.ERROR, message, shown, line)]) from None


def line_of(lines: Lines | None, loc: tuple[Any, ...]) -> int | None:
    """Line of ``loc`` in the composed file, or of its nearest ancestor there."""
    nodes = lines.nodes if lines is not None else None
    if nodes is None:
        return None
    node = nodes
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


def located(shown: str, nodes: Lines | None, loc: tuple[Any, ...], message: str) -> Problem:
    return Problem(INVALID_PROFILE.slug, Severity.ERROR, f"地区模板有误：{message}", shown, line_of(nodes, loc))


_WORDS = {"string_type": "文字", "int_type": "整数", "bool_type": "true 或 false", "list_type": "列表",
          "dict_type": "键值映射", "model_type": "键值映射", "model_attributes_type": "键值映射", "decimal_type": "数值"}


def plain_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` without pydantic's union steps (a member's class name, a row source's tag after ``source``)."""
    out: list[Any] = []
    for part in loc:
        if isinstance(part, str) and (part[:1].isupper() or (out[-1:] == ["source"] and part in SOURCE_TAGS)):
            continue
        out.append(part)
    return tuple(out)


def errors(exc: ValidationError) -> list[tuple[tuple[Any, ...], str]]:
    """(location, Chinese message) of each error pydantic found."""
    out = []
    for err in exc.errors():
        loc, kind, ctx = tuple(err["loc"]), err["type"], err.get("ctx") or {}
        # A value of a union (a row source's parameter, a list item) is reported under the member tried.
        loc = plain_loc(loc)
        name = printable(str(next((p for p in reversed(loc) if isinstance(p, str)), "")))
        given = printable(repr(err.get("input")))[:60]
        if kind == INVALID_PROFILE.slug:
            loc, message = loc + tuple(ctx.get("at", ())), err["msg"]
        elif kind == "extra_forbidden":
            message = f"未知字段“{name}”"
        elif kind == "missing":
            message = f"缺少必填字段“{name}”"
        elif kind == "union_tag_invalid":
            tags = str(ctx.get("expected_tags", "")).replace("'", "")
            message = f"未知的行来源“{printable(str(ctx.get('tag', '')))}”（可用：{tags}）"
        elif kind == "union_tag_not_found":
            message = "source 缺少 rows（行来源）"
        elif kind in _WORDS:
            message = f"“{name}”应为{_WORDS[kind]}，实际是 {given}"
        elif kind == "literal_error":
            message = f"“{name}”的值 {given} 不合法（可用：{ctx.get('expected', '')}）"
        elif kind in ("too_short", "too_long", "string_too_short", "string_too_long", "greater_than_equal"):
            message = f"“{name}”的值 {given} 不合法（{err['msg']}）"
        elif kind == "string_pattern_mismatch":
            message = f"“{name}”的值 {given} 不合法（格式：{ctx.get('pattern', '')}）"
        else:
            message = f"“{name}”：{err['msg']}"
        out.append((loc, message))
    return out
