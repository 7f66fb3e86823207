"""YAML loader: source positions, exact decimals, strict keys and encodings, located errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support import SEED, SEED_REL, edit_line, line_of

from generator.core.errors import InputError
from generator.load.loader import Mark, load, parse, read_text


def column_of(text: str, line: int, token: str) -> int:
    source = text.split("\n")[line - 1]
    assert source.count(token) == 1, source
    return source.index(token) + 1


def walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for x in value.values() for v in walk(x)]
    if isinstance(value, list):
        return [v for x in value for v in walk(x)]
    return [value]


# ---------------------------------------------------------------- positions


@pytest.mark.parametrize(("loc", "pattern", "token"), [
    (("year",), r"^year:", "year"),
    (("department", "supervisor", "code"), r"supervisor: \{code", "code"),
    (("expenditure", 1, "general_budget", "personnel"), r"personnel: 140\.71", "personnel"),
    (("expenditure", 1, "general_budget", "public"), r"personnel: 140\.71", "public"),
    (("basic_by_economic", 1, "items", 1, "amount"), r"3010202", "amount"),
    (("project_by_economic", 9, "items", 0, "amount"), r'"3029999"', "amount"),
    (("three_public", "reception", "amount"), r"reception: \{amount", "amount"),
    (("overview", "duties", "items", 2), r"负责用人单位及其职工", "负责"),
])
def test_nested_values_keep_line_and_column(seed_text: str, loc: tuple, pattern: str, token: str) -> None:
    doc = load(SEED)
    line = line_of(seed_text, pattern)
    assert doc.marks[loc] == Mark(line, column_of(seed_text, line, token))


def test_sequence_item_marks_point_at_the_item(seed_text: str) -> None:
    doc = load(SEED)
    line = line_of(seed_text, r'^  - code: "2080101"')
    assert doc.marks[("expenditure", 1)] == Mark(line, column_of(seed_text, line, "code"))


def test_missing_location_falls_back_to_nearest_ancestor(seed_text: str) -> None:
    doc = load(SEED)
    # 工会事务 records no personnel: the nearest recorded ancestor is its general_budget key.
    line = line_of(seed_text, r"public: 1\.60, prior: 0\.09")
    assert doc.mark(("expenditure", 0, "general_budget", "personnel")).line == line
    # Nothing recorded at all: the top-level mapping, which starts at the first key after the comments.
    assert doc.mark(("no_such_key", 3)) == doc.marks[()] == Mark(line_of(seed_text, r"^schema_version:"), 1)


def test_display_path_is_used_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(path, display=SEED_REL)
    assert (exc.value.problem.file, exc.value.problem.line) == (SEED_REL, 2)


# ---------------------------------------------------------------- exact numbers


def test_decimals_are_exact_and_keep_their_scale() -> None:
    data = parse("a: 1.10\nb: 0.1\nc: 0.2\nd: 1_000.50\ne: 977.40\n").data
    assert data["a"] == Decimal("1.10") and str(data["a"]) == "1.10"
    assert isinstance(data["b"], Decimal) and data["b"] + data["c"] == Decimal("0.3")
    assert data["d"] == Decimal("1000.50")
    assert str(data["e"]) == "977.40"


def test_seed_contains_no_binary_floats() -> None:
    values = walk(load(SEED).data)
    assert not [v for v in values if isinstance(v, float)]
    assert any(isinstance(v, Decimal) for v in values)


@pytest.mark.parametrize("text", ["a: .inf\n", "a: -.inf\n", "a: .nan\n"])
def test_non_finite_numbers_are_rejected_with_a_line(text: str) -> None:
    with pytest.raises(InputError) as exc:
        parse("b: 1\n" + text, "f.yaml")
    assert (exc.value.problem.slug, exc.value.problem.line) == ("yaml-syntax", 2)


def test_dates_stay_text() -> None:
    assert parse("d: 2023-01-01\n").data == {"d": "2023-01-01"}


def test_unquoted_integer_codes_load_as_integers(seed_text: str) -> None:
    # The model turns them into text codes (see test_model); the loader must keep the value intact.
    line = line_of(seed_text, r'^  - code: "2012906"')
    doc = parse(edit_line(seed_text, line, '"2012906"', "2012906"))
    assert doc.data["expenditure"][0]["code"] == 2012906


# ---------------------------------------------------------------- rejected input


def test_duplicate_key_points_at_second_occurrence() -> None:
    with pytest.raises(InputError) as exc:
        parse("a: 1\nb:\n  c: 1\n  c: 2\n", "f.yaml")
    p = exc.value.problem
    assert (p.slug, p.file, p.line, p.column) == ("duplicate-key", "f.yaml", 4, 3)
    assert "3" in p.message  # names the first occurrence's line


def test_duplicate_key_inside_flow_mapping() -> None:
    with pytest.raises(InputError) as exc:
        parse("x: 1\ny: {amount: 1.00, amount: 2.00}\n", "f.yaml")
    assert (exc.value.problem.slug, exc.value.problem.line) == ("duplicate-key", 2)


def test_yaml_syntax_error_is_located() -> None:
    with pytest.raises(InputError) as exc:
        parse("a: 1\nb: [1, 2\nc: 3\n", "f.yaml")
    p = exc.value.problem
    assert p.slug == "yaml-syntax" and p.file == "f.yaml" and p.line is not None and p.line >= 2


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "touched"
    text = f'a: !!python/object/apply:pathlib.Path.touch ["{marker}"]\nb: !!python/object/new:list [[1]]\n'
    try:
        data = parse(text, "f.yaml").data
    except InputError as exc:
        assert exc.problem.slug == "yaml-syntax"
    else:
        assert all(isinstance(v, (str, int, Decimal, bool)) or v is None for v in walk(data))
    assert not marker.exists()


@pytest.mark.parametrize("text", ["a: !!python/name:os.system ''\n", "a: !custom 1\n"])
def test_unknown_scalar_tags_are_rejected(text: str) -> None:
    with pytest.raises(InputError) as exc:
        parse("b: 1\n" + text, "f.yaml")
    assert (exc.value.problem.slug, exc.value.problem.line) == ("yaml-syntax", 2)


def test_unknown_collection_tags_are_rejected() -> None:
    with pytest.raises(InputError) as exc:
        parse("b: 1\na: !!python/object/apply:os.system [true]\n", "f.yaml")
    assert (exc.value.problem.slug, exc.value.problem.line) == ("yaml-syntax", 2)


def test_gbk_bytes_are_not_utf8_with_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("year: 2023\nname: 哈尔滨\n".encode("gbk"))
    with pytest.raises(InputError) as exc:
        read_text(path)
    assert (exc.value.problem.slug, exc.value.problem.line) == ("not-utf8", 2)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfyear: 2023\n")
    assert load(path).data == {"year": 2023}


def test_empty_text_is_an_empty_mapping() -> None:
    assert parse("").data == {}
    assert parse("# only a comment\n").data == {}


# YAML 1.1 reads "1:30" as the base-60 integer 90 and "0x10" as 16. An amount typed like that is
# silently a different number; the loader should reject it (as text, i.e. wrong-type downstream).
@pytest.mark.parametrize("text", ["a: 1:30\n", "a: 0x10\n", "a: 0o17\n", "a: 1e3\n"])
def test_integers_are_only_plain_decimal_digits(text: str) -> None:
    value = parse(text).data["a"]
    assert isinstance(value, str), f"{text.strip()!r} was read as the number {value!r}"


TRICKY_YAML = [
    "a: 1\nb: 063002\nc: 0x10\nd: 1:30\ne: 1.50\nf: 2023-01-01\ng: ~\nh: null\ni: yes\nj: off\nk: '1'\nl: \"x\"\n",
    "base: &b {x: 1.00, y: [1, 2]}\nuse: {<<: *b, z: 3}\nlist: [*b, *b]\n",
    "? [1, 2]\n: complex key\n",
    "1: integer key\n2.5: float key\n",
    "=: value key\n",
    "a: !!str 12\nb: !!int '7'\nc: !!float '2.50'\n",
    "a: [ ]\nb: { }\nc: ''\nd: |\n  line\n  two\ne: >\n  folded\n",
    "a:\n  - x: 1\n    y: [1.0, 2.00, 3]\n  - {x: 2}\nb: 9.774e+2\n",
]


@pytest.mark.parametrize("text", TRICKY_YAML)
def test_fast_path_builds_exactly_what_the_positioned_path_builds(text: str) -> None:
    """parse(with_marks=False) takes a faster builder than parse(); both must give the same data (types too)
    or the same error."""
    def outcome(with_marks: bool) -> Any:
        try:
            return ("data", repr(parse(text, "t.yaml", with_marks=with_marks).data))
        except InputError as exc:
            return ("error", exc.problem.slug, exc.problem.line)
    assert outcome(False) == outcome(True)


def test_fast_path_builds_every_budget_exactly() -> None:
    files = sorted(Path("budgets").rglob("*.yaml")) + sorted(Path("tests/fixtures").rglob("*.yaml"))
    assert len(files) > 5
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            fast = repr(parse(text, str(path), with_marks=False).data)
        except InputError as exc:
            fast = f"error {exc.problem.slug}"
        try:
            slow = repr(parse(text, str(path)).data)
        except InputError as exc:
            slow = f"error {exc.problem.slug}"
        assert fast == slow, path
