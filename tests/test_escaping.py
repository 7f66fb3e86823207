"""Text from YAML or a profile is data, never markup; hostile or broken input gets a located error.

Findings of the 2026-12-01 adversarial report: C1 (errata code), H1 (profile key and profile
text), M7 (non-ASCII digits), M1/M2 (huge numbers), M10 (huge input, quadratic template), L3–L7,
L9, L10. Each test fails on the code before the fix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import markdown
import pytest
from support import SEED, SEED_REL, describe, edit_line, line_of, locations, run_cli

from generator.check.validate import Report
from generator.cli.report import emit_problems
from generator.core import model, profiles, registry
from generator.core.errors import InputError, Problem, Severity
from generator.core.money import fmt, rounded
from generator.derive.context import page_context
from generator.load.budget import Loaded, parse_budget
from generator.load.loader import parse
from generator.publish import pages
from generator.publish.environment import ENV
from generator.publish.errata import errata_page
from generator.publish.xlsx import export_bytes

FIVE_MB = 5 * 1024 * 1024  # the documented file-size limit (docs/limits.md)
EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition"]
SCRIPT = "<script>window.__pwned=1</script>"


def _seed_loaded(text: str | None = None) -> Loaded:
    doc = parse(text if text is not None else SEED.read_text(encoding="utf-8"), str(SEED))
    budget, problems = parse_budget(doc)
    assert budget is not None, describe(problems)
    return Loaded(SEED, doc, budget)


def _edit(seed: str, pattern: str, old: str, new: str) -> tuple[str, int]:
    line = line_of(seed, pattern)
    return edit_line(seed, line, old, new), line


def _hostile_profile() -> profiles.Profile:
    base = profiles.load("harbin-13")
    return base.model_copy(update={
        "summary_note": "注" + SCRIPT,
        "tables": [t.model_copy(update={"title": t.title + SCRIPT, "empty_note": "空" + SCRIPT})
                   for t in base.tables],
        "sections": [s.model_copy(update={"title": s.title + SCRIPT}) for s in base.sections],
        "glossary": [g.model_copy(update={"joiner": "<i>", "text": g.text + SCRIPT}) for g in base.glossary],
    })


def _html(md: str) -> str:
    return markdown.markdown(md, extensions=EXTENSIONS)


# ---------------------------------------------------------------- C1: errata


def test_errata_code_must_be_a_classification_code(seed_text: str, validate_text: Callable[..., Report]) -> None:
    text, line = _edit(seed_text, r'^    code: "2080101"', '"2080101"', f'"{SCRIPT}"')
    report = validate_text(text)
    assert ("invalid-value", SEED_REL, line) in locations(report), describe(report.problems)


def test_errata_page_escapes_code_and_titles() -> None:
    """Even a code and a section title that got past validation print as text, on any section."""
    item = _seed_loaded()
    b = item.budget
    hostile = [e.model_copy(update={"code": SCRIPT}) for e in b.errata]
    b = b.model_copy(update={"errata": hostile})
    profile = _hostile_profile()
    md = errata_page(page_context(b, registry.for_year(b.year), profile), ENV)
    html = _html(md)
    assert "<script>" not in html, md
    # each entry's code, and each table or section heading (entries are grouped under them) once
    headings = {(e.part, e.section) for e in hostile if e.section}
    assert html.count("&lt;script&gt;") >= len(hostile) + len(headings), html


# ---------------------------------------------------------------- H1: profiles


@pytest.mark.parametrize("value", ["../../budgets/_evil", "../reference/2023", "/etc/passwd", "Harbin-13", "harbin_13"])
def test_profile_is_a_name_not_a_path(value: str, seed_text: str, validate_text: Callable[..., Report]) -> None:
    text, line = _edit(seed_text, r"^profile:", "harbin-13", f'"{value}"')
    report = validate_text(text)
    assert {(p.slug, p.line) for p in report.errors} == {("invalid-value", line)}, describe(report.problems)


def test_profile_path_gives_located_error_not_traceback(seed_text: str, tmp_path: Path) -> None:
    text, line = _edit(seed_text, r"^profile:", "harbin-13", "../reference/2023")
    path = tmp_path / "63002.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", path)
    assert result.code == 1, result.explain()
    assert "Traceback" not in result.output and f":{line}:" in result.stdout, result.explain()


def test_profiles_load_refuses_anything_but_a_shipped_key(tmp_path: Path) -> None:
    copy = tmp_path / "evil.yaml"
    copy.write_text((profiles.PROFILE_DIR / "harbin-13.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for key in ("../reference/2023", str(tmp_path / "evil"), "../profiles/harbin-13"):
        with pytest.raises(KeyError):
            profiles.load(key)
    assert profiles.load("harbin-13").key == "harbin-13"


def test_profile_text_never_becomes_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = _hostile_profile()
    monkeypatch.setattr(profiles, "load", lambda key: hostile)
    item = _seed_loaded()
    files = pages.render_department(item)
    for name in ("2023/63002/index.md", "2023/63002/errata.md"):
        md = files[name].decode()
        html = _html(md)
        assert "<script>" not in html and "<i>" not in html, name
        assert "&lt;script&gt;" in html


def test_long_table_title_makes_a_valid_sheet_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from openpyxl import load_workbook

    base = profiles.load("harbin-13")
    long = base.model_copy(update={"tables": [
        t.model_copy(update={"title": "关于/本表[注]:" + t.title * 3 + "?*"}) for t in base.tables]})
    monkeypatch.setattr(profiles, "load", lambda key: long)
    data = export_bytes(_seed_loaded().budget)
    names = load_workbook(io.BytesIO(data), read_only=True).sheetnames
    assert len(names) == len(set(names)) == len(base.tables) + 1
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names), names


# ---------------------------------------------------------------- M7: ASCII digits only


@pytest.mark.parametrize("digits", ["６３００２", "٦٣٠٠٢", "६३००२", "𝟔𝟑𝟎𝟎𝟐"])
@pytest.mark.parametrize(("pattern", "old"), [
    (r'^  code: "63002"', "63002"),
    (r'^  supervisor: \{code: "63"', "63"),
    (r'^  - code: "2012906"', "2012906"),
    (r'^  - \{code: "30214"', "30214"),
    (r'^    code: "2080101"', "2080101"),
])
def test_codes_take_ascii_digits_only(digits: str, pattern: str, old: str, seed_text: str,
                                      validate_text: Callable[..., Report]) -> None:
    text, line = _edit(seed_text, pattern, f'"{old}"', f'"{digits[: len(old)]}"')
    report = validate_text(text)
    assert ("invalid-value", SEED_REL, line) in locations(report), describe(report.problems)


# ---------------------------------------------------------------- M1/M2: huge numbers


@pytest.mark.parametrize("value", ["12345678901234567890123456789.12", "1" + "0" * 15, "9" * 5000,
                                   "1" * 40 + ".5"])
def test_huge_amounts_are_a_located_error(value: str, seed_text: str, validate_text: Callable[..., Report]) -> None:
    text, line = _edit(seed_text, r"^  holdings:", "value: 0,", f"value: {value},")
    report = validate_text(text)
    assert ("amount-too-large", SEED_REL, line) in locations(report), describe(report.problems)
    # just below the limit is fine
    text, line = _edit(seed_text, r"^  holdings:", "value: 0,", "value: 999999999999999.99,")
    assert not {p for p in validate_text(text).errors if p.line == line}


def test_rounding_never_fails_on_size() -> None:
    assert fmt(Decimal("12345678901234567890123456789.125")) == "12345678901234567890123456789.13"
    assert rounded(Decimal("1E+40")) == Decimal(10) ** 40


# ---------------------------------------------------------------- L3: bools are not ints


@pytest.mark.parametrize(("pattern", "old", "new"), [
    (r"in_service: \{current: 13", "current: 13", "current: yes"),
    (r"^schema_version:", "1", "true"),
    (r"^year:", "2023", "on"),
    (r"^  holdings:", "vehicles: 0", "vehicles: no"),
])
def test_booleans_are_not_integers(pattern: str, old: str, new: str, seed_text: str,
                                   validate_text: Callable[..., Report]) -> None:
    text, line = _edit(seed_text, pattern, old, new)
    report = validate_text(text)
    assert ("wrong-type", SEED_REL, line) in locations(report), describe(report.problems)


# ---------------------------------------------------------------- L4: negative zero


def test_negative_zero_never_prints_a_minus(seed_text: str) -> None:
    text, _ = _edit(seed_text, r"^  holdings:", "value: 0, buildings_m2: 0", "value: -0.0, buildings_m2: -0.00")
    item = _seed_loaded(text)
    md = pages.render_department(item)["2023/63002/index.md"].decode()
    assert "固定资产金额0.00万元，其中：房屋0平方米" in md or "固定资产金额0.00万元，其中：房屋0.00平方米" in md, \
        re.findall(r"固定资产金额[^，]*，其中：房屋[^，]*", md)
    assert "-0.0" not in md
    assert fmt(Decimal("-0.004")) == "0.00"


# ---------------------------------------------------------------- L5/L6: invisible and control characters


BAD_NAMES = ["   ", "\u3000", "\u200b", "\u200b\u200c", "哈尔滨\u202e心中务服", "哈尔滨\u2066市", "\u3164",
             "哈\u00ad尔滨", "哈尔滨\ufeff"]
BAD_TEXT = ["\\0", "\\x1b[31m红", "\\x7f", "\\x85", "\\u009b", "\\x01"]


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar holding ``value`` (escapes kept as written when they are escapes)."""
    return '"' + value.replace('"', '\\"') + '"'


@pytest.mark.parametrize("name", BAD_NAMES + BAD_TEXT + ["哈尔滨\\n市", "哈尔滨\\t市"])
def test_department_name_must_be_visible_one_line_text(name: str, seed_text: str,
                                                       validate_text: Callable[..., Report]) -> None:
    text, line = _edit(seed_text, r"^  name: 哈尔滨市", "哈尔滨市道里区社会保险经办服务中心", _quoted(name))
    report = validate_text(text)
    assert ("invalid-text", SEED_REL, line) in locations(report), describe(report.problems)


@pytest.mark.parametrize(("pattern", "old"), [
    (r"^  - \{code: \"30214\"", "reason: 压减经费"),
    (r"负责保管本单位社会保险经办业务单", "负责保管本单位社会保险经办业务单。"),
    (r"^  supervisor: \{code", "name: 人社部门"),
])
@pytest.mark.parametrize("bad", BAD_TEXT + ["\\u202e", "\\u2028"])
def test_control_characters_are_rejected_in_every_text(pattern: str, old: str, bad: str, seed_text: str,
                                                       validate_text: Callable[..., Report]) -> None:
    key, _, value = old.partition(": ") if ": " in old else ("", "", old)
    new = (f"{key}: " if key else "") + _quoted(value + bad)
    text, line = _edit(seed_text, pattern, old, new)
    report = validate_text(text)
    assert ("invalid-text", SEED_REL, line) in locations(report), describe(report.problems)


def test_free_text_may_span_lines_a_name_may_not(seed_text: str, validate_text: Callable[..., Report]) -> None:
    text, _ = _edit(seed_text, r"负责保管本单位社会保险经办业务单", "负责保管本单位社会保险经办业务单。",
                       '"负责保管\\n本单位\\t业务单。"')
    text, name_line = _edit(text, r"^  supervisor: \{code", "name: 人社部门", 'name: "人社\\n部门"')
    report = validate_text(text)
    assert {(p.slug, p.line) for p in report.errors} == {("invalid-text", name_line)}, describe(report.problems)


def test_keys_with_control_characters_are_refused() -> None:
    with pytest.raises(InputError) as exc:
        parse('a: 1\n"b\\e[31m": 2\n', "f.yaml")
    assert (exc.value.problem.slug, exc.value.problem.line) == ("yaml-syntax", 2)


def _format_characters() -> Iterator[str]:
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            yield char


def test_format_character_list_covers_unicode() -> None:
    """model's hard-coded ranges hold every Cf character of this Python's Unicode version."""
    missing = [f"U+{ord(c):04X}" for c in _format_characters() if not model._BAD_IN_TEXT.search(c)]
    assert not missing


# ---------------------------------------------------------------- limits


def test_names_and_texts_have_length_limits(seed_text: str, validate_text: Callable[..., Report]) -> None:
    def edited(name: int, duty: int) -> tuple[Report, set[tuple[str, str, int]]]:
        text, name_line = _edit(seed_text, r"^  name: 哈尔滨市", "哈尔滨市道里区社会保险经办服务中心", "哈" * name)
        text, duty_line = _edit(text, r"负责保管本单位社会保险经办业务单", "负责保管本单位社会保险经办业务单。", "甲" * duty)
        return validate_text(text), {("text-too-long", SEED_REL, name_line), ("text-too-long", SEED_REL, duty_line)}

    report, expected = edited(201, 10_001)
    assert expected <= locations(report), describe(report.problems)
    assert all(len(p.message) < 200 for p in report.problems)
    report, _ = edited(200, 10_000)  # exactly at the limits: accepted and published
    assert not report.errors, describe(report.problems)
    assert "哈" * 200 in pages.render_department(report.budgets[0])["2023/63002/index.md"].decode()


def test_megabyte_name_is_refused_quickly_with_a_short_message(seed_text: str,
                                                              validate_text: Callable[..., Report]) -> None:
    text, line = _edit(seed_text, r"^  name: 哈尔滨市", "哈尔滨市道里区社会保险经办服务中心", "名" * 1_000_000)
    report = validate_text(text)
    assert ("text-too-long", SEED_REL, line) in locations(report)
    assert all(len(p.message) < 300 for p in report.problems), [len(p.message) for p in report.problems]


def test_file_over_the_limit_is_refused_before_parsing(seed_text: str,
                                                       validate_text: Callable[..., Report]) -> None:
    padding = "# " + "x" * 1000 + "\n"
    text = seed_text + padding * (FIVE_MB // len(padding) + 1) + "year: [broken\n"
    report = validate_text(text)
    (problem,) = report.errors
    assert problem.slug == "file-too-large" and problem.line is not None, problem.format()
    assert problem.line > seed_text.count("\n"), problem.format()


# ---------------------------------------------------------------- M10: linear performance table


class _CountingRow:
    reads = 0

    def __init__(self, row: Any) -> None:
        self._row = row

    @property
    def level(self) -> int:
        _CountingRow.reads += 1
        return self._row.level  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def test_performance_table_reads_each_row_a_bounded_number_of_times() -> None:
    item = _seed_loaded()
    b = item.budget
    b = b.model_copy(update={"performance_targets": b.performance_targets * 60})
    profile = profiles.load(b.profile)
    ctx = page_context(b, registry.for_year(b.year), profile)
    table = ctx.tables["project_performance"]
    table.rows = [_CountingRow(r) for r in table.rows]
    spec = next(s for s in profile.tables if s.key == "project_performance")
    _CountingRow.reads = 0
    md = ENV.get_template("tables/project_performance.md.j2").render(**ctx.vars(), tbl=table, spec=spec, downloads={})
    assert md.count("绩效目标：") == len(b.performance_targets)
    assert _CountingRow.reads <= 2 * len(table.rows), (_CountingRow.reads, len(table.rows))


# ---------------------------------------------------------------- L7: GitHub annotations


def test_github_annotations_cannot_be_forged_by_a_file_name(capsys: pytest.CaptureFixture[str]) -> None:
    name = "a,line=1::forged\n::error title=伪造::全部通过%0A.yaml"
    problems = [Problem("wrong-type", Severity.ERROR, "消息\n::error::伪造 100%", name, 3, 4),
                Problem("missing-reason", Severity.WARNING, "x", name)]
    emit_problems(problems, "github", "汇总")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2, out
    assert re.fullmatch(r"::error file=[^,:\n]*,line=3,col=4,title=wrong-type::[^\n]*", lines[0]), lines[0]
    assert re.fullmatch(r"::warning file=[^,:\n]*,title=missing-reason::x", lines[1]), lines[1]
    assert "a%2Cline=1%3A%3Aforged%0A%3A%3Aerror title=伪造%3A%3A全部通过%250A.yaml" in lines[0]
    assert lines[0].endswith("::消息%0A::error::伪造 100%25")


def test_github_annotations_from_the_cli(tmp_path: Path) -> None:
    bad = tmp_path / "x,line=9::y.yaml"
    bad.write_text("schema_version: 1\n", encoding="utf-8")
    result = run_cli("validate", "--format", "github", bad, cwd=tmp_path)
    assert result.code == 1, result.explain()
    assert all(re.match(r"::(error|warning) file=x%2Cline=9%3A%3Ay\.yaml,", line) for line in result.stdout.splitlines()), \
        result.explain()


def test_text_output_shows_control_characters_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    emit_problems([Problem("wrong-type", Severity.ERROR, "m", "a\x1b[31mb.yaml", 1)], "text")
    out = capsys.readouterr().out
    assert "\x1b" not in out and "a\\x1b[31mb.yaml:1" in out


# ---------------------------------------------------------------- L9: source link


def test_source_link_is_url_encoded(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "budgets" / "2023" / "社保 #1?x=1&y\"'.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(seed_text, encoding="utf-8")
    renderer = pages.Renderer(tmp_path / "budgets", "https://github.com/o/r/blob/main")
    doc = parse(seed_text, str(path))
    budget, _ = parse_budget(doc)
    assert budget is not None
    url = renderer._source_url(Loaded(path, doc, budget))
    assert url == ("https://github.com/o/r/blob/main/budgets/2023/"
                   "%E7%A4%BE%E4%BF%9D%20%231%3Fx%3D1%26y%22%27.yaml"), url


# ---------------------------------------------------------------- L10: YAML errors in Chinese


def _syntax(text: str) -> Problem:
    with pytest.raises(InputError) as exc:
        parse(text, "f.yaml")
    problem = exc.value.problem
    assert problem.slug == "yaml-syntax"
    return problem


def _no_english(message: str) -> bool:
    return not re.search(r"[A-Za-z]{4,}", message.replace("YAML", "").replace("Tab", ""))


@pytest.mark.parametrize(("text", "line", "hint"), [
    ("a: 1\nname：哈尔滨\nb: 2\n", 2, "全角冒号"),
    ("a:\n\tb: 1\n", 2, "制表符"),
    ("a: 1\nb: [1, 2\nc: 3\n", 2, "方括号"),
    ("a: 1\nb: {x: 1\nc: 3\n", 2, "花括号"),
    ("a: 1\n---\nb: 2\n", 2, "文档"),
    ("a: b: c\n", 1, "引号"),
    ("a:\n  b: 1\n c: 2\n", 3, "缩进"),
    ("a: 1\nb\nc: 2\n", 2, "冒号"),
    ('a: "C:\\data"\n', 1, "转义"),
])
def test_usual_yaml_errors_are_chinese_and_located(text: str, line: int, hint: str) -> None:
    problem = _syntax(text)
    assert problem.line == line and hint in problem.message and _no_english(problem.message), problem.format()


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unclosed_quote_is_reported_where_it_opens(quote: str, seed_text: str) -> None:
    line = line_of(seed_text, r'^  supervisor: \{code: "63"')
    broken = edit_line(seed_text, line, '"63"', f"{quote}63")
    problem = _syntax(broken)
    assert problem.line == line and "引号" in problem.message, problem.format()


def test_unclosed_quote_closed_by_a_later_quote(seed_text: str) -> None:
    line = line_of(seed_text, r'^  - code: "2012906"')
    problem = _syntax(edit_line(seed_text, line, '"2012906"', '"2012906'))
    assert problem.line == line and "引号" in problem.message, problem.format()


def test_unknown_yaml_problem_keeps_a_chinese_frame() -> None:
    problem = _syntax("%YAML 2.0\n---\na: 1\n")
    assert re.fullmatch(r"YAML 格式错误（.+）", problem.message) and problem.line == 1, problem.format()


def test_duplicate_anchor_is_translated() -> None:
    problem = _syntax("a: &x 1\nb: &x 2\n")
    assert problem.line == 2 and "锚点名“&x”重复" in problem.message, problem.format()


@pytest.mark.parametrize(("value", "plain"), [("1e3", "1000"), ("1E3", "1000"), ("9.774e2", "977.4"),
                                              ("9.774e+2", "977.4")])
def test_exponent_notation_says_how_to_write_it(value: str, plain: str, seed_text: str,
                                                validate_text: Callable[..., Report]) -> None:
    text, line = _edit(seed_text, r"amount: 977\.40", "977.40", value)
    report = validate_text(text)
    hits = [p for p in report.errors if p.line == line and p.slug == "wrong-type"]
    assert hits and "科学计数法" in hits[0].message and f"请写成 {plain}" in hits[0].message, describe(report.problems)
