"""Stable, review-friendly YAML emission (ruamel.yaml).

* keys in the model's field order, values that equal their default left out;
* block style: one figure per line, so a diff shows exactly which figure changed;
* ``Decimal`` written with its exact digits (never through float), codes double-quoted;
* long strings kept on one line (no folding), Chinese written as is.

The same :func:`yaml` instance is used by the next-year scaffold for round-trip editing,
so comments in an editor's file survive.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.core.model import Change

CODE_KEYS = frozenset({"code"})
HEADER = "# yaml-language-server: $schema=../../docs/schema/budget.schema.json\n"


def decimal_text(value: Decimal) -> str:
    """Exact digits, never exponent notation: Decimal('1E+2') → '100'."""
    return format(value, "f")


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    text = decimal_text(value)
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return representer.represent_scalar(tag, text)


def yaml(expand_aliases: bool = True) -> YAML:
    """A configured ruamel instance: 2-space maps, ``  - `` sequences, no line folding.

    ``expand_aliases=False`` keeps an edited file's own anchors (``&pay`` / ``*pay``).
    """
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    y.allow_unicode = True
    y.preserve_quotes = True
    y.representer.add_representer(Decimal, _represent_decimal)
    if expand_aliases:  # shared values are written out, never as &id001
        y.representer.ignore_aliases = lambda data: True
    else:
        keep = y.representer.ignore_aliases
        y.representer.ignore_aliases = lambda data: isinstance(data, Decimal) or keep(data)
    return y


def _node(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _node(v, k)
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        for item in value:
            seq.append(_node(item, key))
        return seq
    if isinstance(value, str) and (key in CODE_KEYS or key == "economic"):
        return DoubleQuotedScalarString(value)
    return value


def _field_order(model: BaseModel) -> list[str]:
    # A line's own figures first, then the inherited prior / reason / prior_adjustment,
    # as editors read a line: this year's amount, then how it compares with last year.
    names = list(type(model).model_fields)
    if isinstance(model, Change):
        tail = list(Change.model_fields)
        names = [n for n in names if n not in tail] + tail
    return names


def _model_value(value: Any, key: str | None) -> Any:
    if isinstance(value, BaseModel):
        return to_data(value)
    if isinstance(value, list):
        seq = CommentedSeq()
        for item in value:
            seq.append(_model_value(item, key))
        return seq
    return _node(value, key)


def to_data(model: BaseModel) -> CommentedMap:
    """The model as ordered YAML nodes: field order, values equal to their default omitted."""
    out = CommentedMap()
    fields = type(model).model_fields
    for name in _field_order(model):
        value = getattr(model, name)
        info = fields[name]
        default = info.get_default(call_default_factory=True)
        if value == default and not info.is_required():
            continue
        out[name] = _model_value(value, name)
    return out


def dump(data: Any, header: str = "", expand_aliases: bool = True) -> str:
    stream = io.StringIO()
    stream.write(header)
    yaml(expand_aliases).dump(data, stream)
    return stream.getvalue()


def dumps_model(model: BaseModel, header: str = HEADER) -> str:
    """Canonical text of a model (a budget file)."""
    return dump(to_data(model), header)
