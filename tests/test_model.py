"""The pydantic model: exact money, codes, strict keys, and the schema-error slugs it produces."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from support import SEED, edit_line, line_of

from generator.check.validate import Report
from generator.core.model import Budget
from generator.load.loader import load


@pytest.fixture(scope="module")
def seed_data() -> dict[str, Any]:
    return load(SEED).data  # type: ignore[no-any-return]


def with_change(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


def error_types(data: dict[str, Any]) -> set[tuple[str, tuple[str | int, ...]]]:
    with pytest.raises(ValidationError) as exc:
        Budget.model_validate(data)
    return {(e["type"], tuple(e["loc"])) for e in exc.value.errors()}


def test_seed_validates_with_exact_amounts(seed_data: dict[str, Any]) -> None:
    b = Budget.model_validate(seed_data)
    assert b.income.general_budget is not None
    assert b.income.general_budget.amount == Decimal("977.40")
    assert str(b.income.general_budget.amount) == "977.40"
    assert b.expenditure[1].general_budget is not None
    assert b.expenditure[1].general_budget.personnel == Decimal("140.71")
    assert b.department.code == "63002" and b.department.supervisor.code == "63"


@pytest.mark.parametrize(("value", "kind"), [
    (Decimal("1.234"), "too-many-decimals"),
    (Decimal("-0.01"), "negative-amount"),
    (0.5, "wrong-type"),          # a binary float never reaches the model from the loader
    ("977.40", "wrong-type"),     # a quoted number is text, not money
    (True, "wrong-type"),
])
def test_money_rejections(seed_data: dict[str, Any], value: Any, kind: str) -> None:
    data = with_change(seed_data, ("income", "general_budget", "amount"), value)
    assert (kind, ("income", "general_budget", "amount")) in error_types(data)


@pytest.mark.parametrize("value", [Decimal("1.2"), Decimal("1.20"), Decimal(3), 3, Decimal("0")])
def test_money_accepts_up_to_two_decimals(seed_data: dict[str, Any], value: Any) -> None:
    data = with_change(seed_data, ("income", "general_budget", "amount"), value)
    amount = Budget.model_validate(data).income.general_budget.amount  # type: ignore[union-attr]
    assert amount == Decimal(value) and isinstance(amount, Decimal)


def test_unknown_key_is_forbidden_at_any_depth(seed_data: dict[str, Any]) -> None:
    data = with_change(seed_data, ("expenditure", 1, "general_budget", "personal"), Decimal(1))
    assert ("extra_forbidden", ("expenditure", 1, "general_budget", "personal")) in error_types(data)


def test_missing_required_field(seed_data: dict[str, Any]) -> None:
    data = copy.deepcopy(seed_data)
    del data["department"]["name"]
    assert ("missing", ("department", "name")) in error_types(data)


@pytest.mark.parametrize(("path", "value"), [
    (("expenditure", 0, "code"), "20129X6"),
    (("department", "code"), "6"),
    (("unit", ), "千元"),
    (("year", ), 1999),
    (("performance_targets", 0, "indicators", 0, "operator"), "约等于"),
])
def test_invalid_values(seed_data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    data = with_change(seed_data, path, value)
    locs = {loc for _type, loc in error_types(data)}
    assert any(loc[: len(path)] == path for loc in locs), locs


def test_schema_version_is_pinned(seed_data: dict[str, Any]) -> None:
    assert error_types(with_change(seed_data, ("schema_version",), 2))


@pytest.mark.parametrize("path", [("department", "code"), ("department", "supervisor", "code"),
                                  ("expenditure", 0, "code"), ("basic_by_economic", 0, "code"),
                                  ("basic_by_economic", 0, "items", 0, "code")])
def test_codes_given_as_integers_become_text(seed_data: dict[str, Any], path: tuple[str | int, ...]) -> None:
    original = seed_data
    for key in path:
        original = original[key]
    data = with_change(seed_data, path, int(original))  # type: ignore[arg-type]
    got: Any = Budget.model_validate(data)
    for key in path:
        got = got[key] if isinstance(key, int) else getattr(got, key)
    assert got == original and isinstance(got, str)


def test_unquoted_codes_in_the_file_validate_cleanly(seed_text: str,
                                                     validate_text: Callable[..., Report]) -> None:
    text = seed_text
    anchors = {"63002": r'^  code: "63002"', "63": r'^  supervisor: \{code: "63"', "2012906": r'^  - code: "2012906"',
               "30101": r'^  - code: "30101"', "3010101": r'^      - \{code: "3010101"'}
    for code, pattern in anchors.items():
        text = edit_line(text, line_of(text, pattern), f'"{code}"', code)
    report = validate_text(text)
    assert not report.errors, [p.format() for p in report.errors]
    budget = report.budgets[0].budget
    assert (budget.department.code, budget.expenditure[0].code) == ("63002", "2012906")


def test_unquoted_code_with_leading_zero_is_not_silently_changed(
        seed_text: str, validate_text: Callable[..., Report]) -> None:
    line = line_of(seed_text, r'^  code: "63002"')
    report = validate_text(edit_line(seed_text, line, '"63002"', "063002"))
    if report.budgets:
        assert report.budgets[0].budget.department.code == "063002"
    else:
        assert any(p.line == line for p in report.errors)


def test_defaults_for_omitted_views(seed_data: dict[str, Any]) -> None:
    data = copy.deepcopy(seed_data)
    for key in ("carryover", "year_end_balance", "procurement", "display_unit"):
        data.pop(key, None)
    b = Budget.model_validate(data)
    assert b.display_unit == "万元"
    assert b.carryover.general_budget == Decimal(0) and b.procurement.services == Decimal(0)
