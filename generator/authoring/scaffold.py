"""Next year's draft from last year's file: metadata copied, prior-year figures prefilled.

The draft is last year's file edited in place (ruamel round trip), so the editor's comments,
key order and anchors survive. For every published line:

* ``prior`` = last year's amount of that line (function 项 per fund: personnel + public +
  project; economic 款: its amount or the sum of its items; each 三公 category; 机关运行经费);
  staff ``prior`` = last year's ``current``; stated ``prior_totals`` = last year's totals (``unlisted`` 0);
* this year's amounts are ``0`` with a ``# 待填写`` comment — a number, so the draft is a valid
  file that validates and previews, and a marker (:mod:`generator.check.rules.markers`) that is the
  contract with the validator: ``validate`` warns ``unfilled-draft`` while any marker is left
  (and ``unfilled-amount`` for each line still 0 against a non-zero prior), and ``site`` /
  ``render`` refuse to publish the file; reasons and ``prior_adjustment`` are removed;
* the 情况说明 explanations are emptied and marked the same way, to be rewritten;
* text (职责, 机构, projects, performance targets, glossary …) is kept for the editor to update.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from annotated_types import Ge, Le
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.core import totals
from generator.core.errors import GeneratorError, ValidationFailed
from generator.core.model import Budget
from generator.core.vocabulary import FISCAL_FUNDS, MARKER, SPENDING_SOURCES, THREE_PUBLIC
from generator.load.budget import parse_budget
from generator.load.loader import load, read_text
from generator.load.yaml_writer import yaml

REMOVED = ("reason", "prior_adjustment", "prior_actual")
FUND_AMOUNTS = ("personnel", "public", "basic", "project")


class ScaffoldError(GeneratorError):
    pass


def _year_range() -> range:
    """The years the model accepts (its ``ge``/``le`` bounds on ``year``)."""
    meta = Budget.model_fields["year"].metadata
    low = cast(int, next(m.ge for m in meta if isinstance(m, Ge)))
    high = cast(int, next(m.le for m in meta if isinstance(m, Le)))
    return range(low, high + 1)


YEARS = _year_range()


def _todo(node: CommentedMap, key: str) -> None:
    """Set this year's figure to 0 and mark it, in block style so each figure has its own line."""
    node.fa.set_block_style()
    node[key] = 0
    _mark(node, key)


def _mark(node: CommentedMap, key: str) -> None:
    """Put the draft marker after ``key``'s value, keeping comment lines that follow it."""
    entry = node.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is not None and token.value.startswith("\n"):  # the next lines' comments hang on this key
        token.value = MARKER + token.value
    else:
        node.yaml_add_eol_comment(MARKER, key)


def _set_prior(node: CommentedMap, prior: Decimal | int) -> None:
    node.fa.set_block_style()
    node["prior"] = prior
    for key in REMOVED:
        node.pop(key, None)


def _present(node: CommentedMap, keys: tuple[str, ...]) -> list[str]:
    return [k for k in keys if k in node]


def _expenditure(data: Any, last: Budget) -> None:
    for node, line in zip(data.get("expenditure") or [], last.expenditure, strict=True):
        for fund in SPENDING_SOURCES:
            block = node.get(fund)
            if isinstance(block, CommentedMap):
                for key in _present(block, FUND_AMOUNTS):
                    _todo(block, key)
                _set_prior(block, totals.line_fund_total(line, fund))
        for key in _present(node, ("operating", "to_superior", "to_subsidiary")):
            _todo(node, key)


def _economic(data: Any, last: Budget) -> None:
    for view in ("basic_by_economic", "project_by_economic"):
        for node, line in zip(data.get(view) or [], getattr(last, view), strict=True):
            if "amount" in node:
                _todo(node, "amount")
            for item in node.get("items") or []:
                _todo(item, "amount")
            _set_prior(node, totals.economic_amount(line))


def _amount_changes(data: Any, last: Budget) -> None:
    tp = data.get("three_public")
    if isinstance(tp, CommentedMap):
        for key in THREE_PUBLIC:
            if isinstance(tp.get(key), CommentedMap):
                _todo(tp[key], "amount")
                _set_prior(tp[key], getattr(last.three_public, key).amount)
        tp.pop("reason", None)
        tp.pop("vehicle_reason", None)
    oc = data.get("operating_costs")
    if isinstance(oc, CommentedMap):
        _todo(oc, "amount")
        _set_prior(oc, last.operating_costs.amount)


def _prior_totals(data: Any, last: Budget) -> None:
    """A file that states last year's totals (``prior_totals``) gets last year's file's totals, exact and in the
    file's unit (the keys kept in place with their comments, missing ones added); nothing unlisted."""
    pt = data.get("prior_totals")
    if not isinstance(pt, CommentedMap):
        return
    t = totals.totals(last)
    values = {"income": t.income_total, "spending": t.spending,
              "fiscal": sum((t.by_fund[f] for f in FISCAL_FUNDS), Decimal(0)),
              **{f: t.by_fund[f] for f in FISCAL_FUNDS}}
    for key, value in values.items():
        pt[key] = value
    if "unit" in pt:  # the totals are now exact, in the file's unit (last year's may have been stated in 万元 only)
        del pt["unit"]
    unlisted = pt.get("unlisted")
    if isinstance(unlisted, CommentedMap):  # kept (with the comments attached to it): last year's lines are all listed
        for key in list(unlisted):
            unlisted[key] = 0


def _zero_all(node: Any) -> None:
    """Every figure under ``node`` (procurement, assets, balances, projects) becomes 0 # 待填写."""
    if isinstance(node, CommentedSeq):
        for item in node:
            _zero_all(item)
    elif isinstance(node, CommentedMap):
        for key in list(node):
            value = node[key]
            if isinstance(value, (CommentedMap, CommentedSeq)):
                _zero_all(value)
            elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                _todo(node, key)


def _staff(data: Any, last: Budget) -> None:
    if last.overview.staff is None or "staff" not in data["overview"]:
        return  # a locality that does not publish staff counts
    staff = data["overview"]["staff"]
    for group in ("in_service", "retired"):
        node = staff[group]
        node.fa.set_block_style()
        node["prior"] = getattr(last.overview.staff, group).current
        _todo(node, "current")


def _income(data: Any) -> None:
    for node in (data.get("income") or {}).values():
        if isinstance(node, CommentedMap):
            _todo(node, "amount")
            node.pop("reason", None)


def scaffold_text(source: Path, year: int) -> str:
    """The draft of ``year`` made from ``source`` (last year's budget file), as YAML text."""
    doc = load(source)
    last, problems = parse_budget(doc)
    if last is None:
        raise ValidationFailed(problems)
    if year not in YEARS:
        raise ScaffoldError(f"新年度 {year} 超出范围（{YEARS.start}–{YEARS.stop - 1}）")
    if year <= last.year:
        raise ScaffoldError(f"新年度 {year} 必须晚于 {source} 的年度 {last.year}")
    data = yaml(expand_aliases=False).load(read_text(source))
    data["year"] = year
    _income(data)
    _expenditure(data, last)
    _economic(data, last)
    _amount_changes(data, last)
    _prior_totals(data, last)
    for key in ("carryover", "year_end_balance", "projects", "procurement", "assets", "performance_summary"):
        if key in data:
            _zero_all(data[key])
    _staff(data, last)
    _prior_totals(data, last)
    # Errata are about last year's published document; the new year has none yet.
    data.pop("errata", None)
    explanations = data.get("explanations")
    if isinstance(explanations, CommentedMap):
        for key in list(explanations):
            explanations[key] = None  # kept (with the comments attached to it), to be rewritten
            _mark(explanations, key)
    stream = io.StringIO()
    yaml(expand_aliases=False).dump(data, stream)
    return _retitle(stream.getvalue(), last.year, year)


def _retitle(text: str, old: int, new: int) -> str:
    """Change the year in the file's opening comment block (e.g. “2023 年部门预算”)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            break
        lines[i] = re.sub(rf"{old}(\s*年)", rf"{new}\1", line)
    return "".join(lines)


def default_path(root: Path, year: int, code: str) -> Path:
    return root / str(year) / f"{code}.yaml"
