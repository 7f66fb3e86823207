"""Perturbation: one cent more on any reconciled amount of the seed is an error that names that line.

For every amount-bearing scalar written in budgets/2023/63002.yaml (income, function-line fund
amounts, economic amounts and items, project-list fund amounts, "三公" amounts, 机关运行经费, and
carryover/year-end balances if present), add 0.01 on its line and validate: the report must be
invalid and some error must point at that line, as its own line or in ``related_lines`` (the
"相关行：…" list). Procurement amounts are only bounded by total spending, not reconciled against
another view, so a cent more there is legitimately silent; exceeding the bound is tested instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support import SEED, SEED_REL, describe, edit_line, line_of, locations

from generator.check.validate import Report
from generator.core.totals import PROJECT_FUND_FIELDS
from generator.core.vocabulary import FUNDS
from generator.load.loader import load

FUND_KINDS = ("personnel", "public", "project")
LINE_EXTRAS = ("operating", "to_superior", "to_subsidiary")
AMOUNT_KEYS = {"amount", *FUND_KINDS, *LINE_EXTRAS, *PROJECT_FUND_FIELDS, *FUNDS}


def amount_paths(data: dict[str, Any]) -> Iterator[tuple[str | int, ...]]:
    """Model paths of every reconciled amount that is written in the file."""
    for key, line in (data.get("income") or {}).items():
        if isinstance(line, dict) and "amount" in line:
            yield ("income", key, "amount")
    for i, line in enumerate(data.get("expenditure") or []):
        for fund in FUNDS:
            for kind in FUND_KINDS:
                if kind in (line.get(fund) or {}):
                    yield ("expenditure", i, fund, kind)
        for extra in LINE_EXTRAS:
            if extra in line:
                yield ("expenditure", i, extra)
    for view in ("basic_by_economic", "project_by_economic"):
        for i, line in enumerate(data.get(view) or []):
            if "amount" in line:
                yield (view, i, "amount")
            for j, item in enumerate(line.get("items") or []):
                if "amount" in item:
                    yield (view, i, "items", j, "amount")
    for i, project in enumerate(data.get("projects") or []):
        for f in PROJECT_FUND_FIELDS:
            if f in project:
                yield ("projects", i, f)
    for key, item in (data.get("three_public") or {}).items():
        if "amount" in item:
            yield ("three_public", key, "amount")
    if "amount" in (data.get("operating_costs") or {}):
        yield ("operating_costs", "amount")
    for view in ("carryover", "year_end_balance"):
        for fund in data.get(view) or {}:
            yield (view, fund)


DOC = load(SEED)
CASES = [(DOC.marks[path].line, str(path[-1]), path) for path in amount_paths(DOC.data)]


def case_id(case: tuple[int, str, tuple[str | int, ...]]) -> str:
    return f"L{case[0]}-" + ".".join(map(str, case[2]))


def test_enumeration_matches_an_independent_scan_of_the_text(seed_text: str) -> None:
    # Count "key: <number>" for amount keys in the money part of the file (before the performance
    # tables; procurement and assets use other keys), without the loader.
    lines = seed_text.split("\n")[: line_of(seed_text, r"^performance_targets:") - 1]
    pattern = re.compile(rf"(?<![\w])({'|'.join(sorted(AMOUNT_KEYS))}): -?\d")
    scanned = sorted((n, m.group(1)) for n, text in enumerate(lines, 1) for m in pattern.finditer(text))
    assert sorted((line, key) for line, key, _ in CASES) == scanned
    assert len(CASES) >= 55  # the seed as published: 1 + 10 + 18 + 11 + 10 + 4 + 1


def bump(text: str, line: int, key: str) -> str:
    source = text.split("\n")[line - 1]
    (m,) = re.finditer(rf"(?<![\w]){key}: (-?[\d.]+)", source)
    old = m.group(0)
    return edit_line(text, line, old, f"{key}: {Decimal(m.group(1)) + Decimal('0.01')}")


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_one_cent_more_is_caught_at_its_line(case: tuple[int, str, tuple[str | int, ...]], seed_text: str,
                                             validate_text: Callable[..., Report]) -> None:
    line, key, _path = case
    report = validate_text(bump(seed_text, line, key))
    result = report.to_json()
    assert result["valid"] is False and result["errors"] > 0, describe(report.problems)
    named = [p for p in result["problems"] if p["severity"] == "error" and p["file"] == SEED_REL
             and (p["line"] == line or line in p["related_lines"])]
    assert named, f"no error names {SEED_REL}:{line}\n" + describe(report.problems)


# ---------------------------------------------------------------- procurement: bounded, not reconciled


@pytest.mark.parametrize(("services", "fires"), [("409.76", False), ("977.40", False), ("977.41", True)])
def test_procurement_is_bounded_by_total_spending(services: str, fires: bool, seed_text: str,
                                                  validate_text: Callable[..., Report]) -> None:
    line = line_of(seed_text, r"^procurement:")
    report = validate_text(edit_line(seed_text, line, "409.75", services))
    assert (("procurement-exceeds-spending", SEED_REL, line) in locations(report)) is fires, \
        describe(report.problems)


def test_procurement_bound_counts_all_three_categories(seed_text: str,
                                                       validate_text: Callable[..., Report]) -> None:
    line = line_of(seed_text, r"^procurement:")
    text = edit_line(seed_text, line, "goods: 0, works: 0, services: 409.75",
                     "goods: 300.00, works: 300.00, services: 377.41")
    assert ("procurement-exceeds-spending", SEED_REL, line) in locations(validate_text(text))


def test_perturbed_file_fails_through_the_cli_json(seed_text: str, write_budget: Callable[..., Path],
                                                   tmp_path: Path) -> None:
    from support import run_cli

    line = line_of(seed_text, r"^operating_costs:")
    write_budget(bump(seed_text, line, "amount"))
    result = run_cli("validate", "--format", "json", "budgets", cwd=tmp_path)
    assert result.code == 1, result.explain()
    problems = result.json()["problems"]
    assert any(p["file"] == SEED_REL and p["line"] == line for p in problems), result.explain()


# ---------------------------------------------------------------- amounts the seed does not use

def variant(seed: str) -> str:
    """The seed plus 10.00 carried over and left at year end, and 5.00 of 经营收入 spent as 经营支出.

    Still balanced; it puts on the page the amount keys the published seed leaves out.
    """
    text = edit_line(seed, line_of(seed, r"^income:"), "income:",
                     "carryover: {general_budget: 10.00}\nyear_end_balance: {general_budget: 10.00}\nincome:")
    text = edit_line(text, line_of(text, r"general_budget: \{amount: 977\.40"), "}",
                     "}\n  operating: {amount: 5.00}")
    return edit_line(text, line_of(text, r"project: 745\.29"), "}", "}\n    operating: 5.00")


VARIANT_LINES = {
    "carryover": (r"^carryover:", "general_budget"),
    "year_end_balance": (r"^year_end_balance:", "general_budget"),
    "operating_income": (r"^  operating: \{amount", "amount"),
    "operating_expenditure": (r"^    operating: 5\.00", "operating"),
}


def test_variant_is_valid(seed_text: str, validate_text: Callable[..., Report]) -> None:
    report = validate_text(variant(seed_text))
    assert report.valid, describe(report.errors)


@pytest.mark.parametrize("name", sorted(VARIANT_LINES))
def test_one_cent_more_on_other_amounts_is_caught_at_its_line(name: str, seed_text: str,
                                                              validate_text: Callable[..., Report]) -> None:
    text = variant(seed_text)
    pattern, key = VARIANT_LINES[name]
    line = line_of(text, pattern)
    report = validate_text(bump(text, line, key))
    assert not report.valid, describe(report.problems)
    named = [p for p in report.errors if p.line == line or line in p.related_lines]
    assert named, f"no error names {SEED_REL}:{line}\n" + describe(report.problems)
