"""``python -m generator validate`` as editors and CI run it: exit codes, located one-line errors, no tracebacks."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, SEED, SEED_REL, edit_line, line_of, run_cli, seed_warnings

from generator.check.validate import validate_paths

SEED_WARNINGS = seed_warnings()


def error_line(result_stdout: str, file: str, line: int, slug: str) -> bool:
    """Whether some output line reads ``file:line[:col]: error [slug] …``."""
    pattern = re.compile(rf"^{re.escape(file)}:{line}(:\d+)?: error \[{re.escape(slug)}\] \S")
    return any(pattern.match(out) for out in result_stdout.splitlines())


# ---------------------------------------------------------------- the seed


def test_seed_validates_and_prints_its_warnings() -> None:
    result = run_cli("validate", "budgets/")
    assert result.code == 0, result.explain()
    for slug, line in SEED_WARNINGS:
        assert re.search(rf"^{re.escape(SEED_REL)}:{line}:\d+: warning \[{slug}\] \S", result.stdout, re.M), \
            result.explain()
    assert "Traceback" not in result.output


def test_seed_json_report() -> None:
    result = run_cli("validate", "--format", "json", SEED_REL)  # budgets/ also holds the Shanghai files (test_shanghai)
    assert result.code == 0, result.explain()
    report = result.json()
    assert (report["valid"], report["errors"], report["warnings"]) == (True, 0, 3), result.explain()
    assert {(p["slug"], p["line"]) for p in report["problems"]} == SEED_WARNINGS
    assert {p["file"] for p in report["problems"]} == {SEED_REL}


def test_seed_github_annotations() -> None:
    result = run_cli("validate", "--format", "github", "budgets/")
    assert result.code == 0, result.explain()
    for slug, line in SEED_WARNINGS:
        assert f"::warning file={SEED_REL},line={line}," in result.stdout and f"title={slug}::" in result.stdout


def test_default_path_is_budgets() -> None:
    result = run_cli("validate", "--format", "json")
    assert result.code == 0 and result.json()["files"] >= 1, result.explain()


def test_usage_error_exits_2_without_traceback() -> None:
    result = run_cli("validate", "--format", "xml")
    assert result.code == 2 and "Traceback" not in result.output, result.explain()


def test_missing_path_exits_1(tmp_path: Path) -> None:
    result = run_cli("validate", "nope.yaml", cwd=tmp_path)
    assert result.code == 1 and "[missing-file]" in result.stdout, result.explain()
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- bad input: one located line, exit 1


def seed_edit(pattern: str, old: str, new: str) -> Callable[[str], tuple[bytes, int]]:
    def make(seed: str) -> tuple[bytes, int]:
        line = line_of(seed, pattern)
        return edit_line(seed, line, old, new).encode("utf-8"), line
    return make


def literal(text: str | bytes, line: int) -> Callable[[str], tuple[bytes, int]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return lambda _seed: (data, line)


def gbk_seed(seed: str) -> tuple[bytes, int]:
    first = next(i for i, line in enumerate(seed.split("\n"), 1) if not line.isascii())
    return seed.encode("gbk", errors="replace"), first  # "−" and the like have no GBK form


BAD_INPUTS: dict[str, tuple[Callable[[str], tuple[bytes, int]], str]] = {
    "malformed-yaml": (literal("schema_version: 1\nyear: 2023: 1\n", 2), "yaml-syntax"),
    # reported where the brace opens (PyYAML notices it on the next line)
    "unclosed-flow-mapping": (seed_edit(r"^  supervisor:", "人社部门}", "人社部门"), "yaml-syntax"),
    "duplicate-key": (literal("schema_version: 1\nyear: 2023\nyear: 2024\n", 3), "duplicate-key"),
    "wrong-type": (seed_edit(r"amount: 977\.40", "977.40", "九百七十七"), "wrong-type"),
    "list-where-mapping": (seed_edit(r"^  supervisor:", "{code: \"63\", name: 人社部门}", "[63, 人社部门]"),
                           "wrong-type"),
    "unknown-key": (seed_edit(r"personnel: 140\.71", "personnel:", "personal:"), "unknown-key"),
    "too-many-decimals": (seed_edit(r"^operating_costs:", "31.32", "1.234"), "too-many-decimals"),
    "not-utf8-gbk": (gbk_seed, "not-utf8"),
    "empty-file": (literal("", 1), "missing-field"),
    "top-level-list": (literal("- 1\n- 2\n", 1), "wrong-type"),
    "top-level-scalar": (literal("预算\n", 1), "wrong-type"),
    "python-tag": (literal("schema_version: 1\nyear: !!python/name:os.system ''\n", 2), "yaml-syntax"),
    "non-text-key": (literal("schema_version: 1\n? [a, b]\n: 1\n", 2), "yaml-syntax"),
    "infinite-amount": (seed_edit(r"^operating_costs:", "31.32", ".inf"), "yaml-syntax"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_located_one_line_error(name: str, seed_text: str, tmp_path: Path,
                                                write_budget: Callable[..., Path]) -> None:
    make, slug = BAD_INPUTS[name]
    data, line = make(seed_text)
    write_budget(data)
    result = run_cli("validate", SEED_REL, cwd=tmp_path)
    assert result.code == 1, result.explain()
    assert "Traceback" not in result.output, result.explain()
    assert error_line(result.stdout, SEED_REL, line, slug), result.explain()


# ---------------------------------------------------------------- hostile text

HOSTILE = {
    # C0 control characters are rejected by the YAML reader before parsing starts.
    "control-character": ("schema_version: 1\nyear: 2023\nprofile: \"a\x07b\"\n", 3),
    "nul-byte": ("schema_version: 1\nyear: 2023\x00\n", 2),
    # Aliases that contain themselves.
    "recursive-alias": ("schema_version: 1\nincome: &a\n  general_budget: *a\n", 2),
    "recursive-sequence": ("schema_version: 1\nexpenditure: &a [*a]\n", 2),
    # Nesting deeper than Python's recursion limit.
    "deep-nesting": ("schema_version: 1\nexpenditure: " + "[" * 5000 + "]" * 5000 + "\n", 2),
}
LOADER_BUGS: dict[str, str] = {}  # all fixed in generator/loader.py; keep for future known bugs


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=LOADER_BUGS[n])) if n in LOADER_BUGS else n
    for n in sorted(HOSTILE)])
def test_hostile_text_gives_located_error_not_traceback(name: str, tmp_path: Path,
                                                        write_budget: Callable[..., Path]) -> None:
    text, line = HOSTILE[name]
    write_budget(text)
    result = run_cli("validate", SEED_REL, cwd=tmp_path)
    assert result.code == 1, result.explain()
    assert "Traceback" not in result.output, result.explain()
    assert re.search(rf"^{re.escape(SEED_REL)}:{line}(:\d+)?: error \[[a-z0-9-]+\] \S", result.stdout, re.M), \
        result.explain()


def test_alias_bomb_is_handled_quickly(tmp_path: Path, write_budget: Callable[..., Path]) -> None:
    lines = ['schema_version: 1', 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    write_budget("\n".join(lines) + "\n")
    result = run_cli("validate", SEED_REL, cwd=tmp_path, timeout=30)  # expanding the aliases would take far longer
    assert result.code == 1 and "Traceback" not in result.output, result.explain()


def test_markup_in_text_is_just_text(seed_text: str, tmp_path: Path, write_budget: Callable[..., Path]) -> None:
    # Validation accepts any text; escaping is the renderer's job. It must not crash or misplace lines.
    line = line_of(seed_text, r"^  affiliation:")
    write_budget(edit_line(seed_text, line, "道里区政府", "\"<script>alert('x')</script>{{ 1 }}\""))
    result = run_cli("validate", "--format", "json", SEED_REL, cwd=tmp_path)
    assert result.code == 0, result.explain()


def test_misspelt_key_gets_a_suggestion(tmp_path: Path, write_budget: Callable[..., Path]) -> None:
    seed = SEED.read_text(encoding="utf-8")
    write_budget(seed.replace("general_budget: {public: 1.60,", "general_budget: {pubic: 1.60,"))
    result = run_cli("validate", SEED_REL, cwd=tmp_path)
    assert result.code == 1, result.explain()
    assert "[unknown-key]" in result.stdout and "“public”" in result.stdout, result.explain()


# ---------------------------------------------------------------- the gate: what validate passes, render handles
# Each case below passed `validate` (or crashed it) at 261517a and then broke `render`/`site`; see the
# adversarial report of 2026-12-01, findings M1, M2 and L8.

GATE_SLUGS = ("errata-unknown-section", "errata-unknown-code", "file-outside-budgets", "invalid-file-name",
              "wrong-extension", "unreadable-file", "internal-error")


def test_gate_slugs_are_in_the_editors_guide() -> None:
    from generator.core import slugs

    assert set(GATE_SLUGS) <= set(slugs.CATALOGUE)
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"\n### {slug}\n" in page for slug in GATE_SLUGS)


def assert_refused_everywhere(tmp_path: Path, file: str, line: int | None, *slugs: str) -> None:
    """``validate`` names the problem (one of ``slugs``: the schema may catch a malformed value before the
    file-level check does) at ``file[:line]`` and exits 1; ``render`` refuses with the same, writes nothing."""
    result = run_cli("validate", "budgets", cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.output, result.explain()
    where = re.escape(file) + (rf":{line}(:\d+)?" if line is not None else "")
    either = "|".join(map(re.escape, slugs))
    found = re.search(rf"^{where}: error \[(?P<slug>{either})\] \S", result.stdout, re.M)
    assert found, result.explain()
    rendered = run_cli("render", "--out", "out", cwd=tmp_path)
    assert rendered.code == 1 and "Traceback" not in rendered.output, rendered.explain()
    assert f"[{found['slug']}]" in rendered.stdout and not (tmp_path / "out").exists(), rendered.explain()


@pytest.mark.parametrize("section", ["no_such_section", "../department", "_table", "department"])
def test_errata_section_must_be_a_profile_section(section: str, seed_text: str, tmp_path: Path,
                                                  write_budget: Callable[..., Path]) -> None:
    line = line_of(seed_text, r"^  - section: fiscal_summary$")
    write_budget(edit_line(seed_text, line, "fiscal_summary", f'"{section}"'))
    assert_refused_everywhere(tmp_path, SEED_REL, line, "errata-unknown-section", "invalid-value")


@pytest.mark.parametrize(("pattern", "old", "new"), [
    (r'^    code: "2080101"$', "2080101", "2080199"),  # a function 项 the department does not have
    (r'^    code: "30102"$', "30102", "<script>x</script>"),  # not a code at all
    (r"^  - section: fiscal_summary$", "fiscal_summary", 'fiscal_summary\n    code: "201"'),  # a section without lines
])
def test_errata_code_must_be_a_line_of_its_section(pattern: str, old: str, new: str, seed_text: str,
                                                   tmp_path: Path, write_budget: Callable[..., Path]) -> None:
    line = line_of(seed_text, pattern)
    write_budget(edit_line(seed_text, line, old, new))
    at = line if "section" not in pattern else line + 1
    assert_refused_everywhere(tmp_path, SEED_REL, at, "errata-unknown-code", "invalid-value")


def test_symlink_out_of_the_budgets_tree_is_refused(seed_text: str, tmp_path: Path,
                                                    write_budget: Callable[..., Path]) -> None:
    write_budget(seed_text)
    outside = tmp_path / "outside" / "63009.yaml"
    outside.parent.mkdir()
    outside.write_text(seed_text.replace('code: "63002"', 'code: "63009"'), encoding="utf-8")
    (tmp_path / "budgets" / "2023" / "63009.yaml").symlink_to(outside)
    # A link that stays inside budgets/ is followed as before.
    write_budget(seed_text.replace('code: "63002"', 'code: "63010"'), "budgets/_shared/63010.yaml")
    (tmp_path / "budgets" / "2023" / "63010.yaml").symlink_to(Path("..") / "_shared" / "63010.yaml")
    assert_refused_everywhere(tmp_path, "budgets/2023/63009.yaml", None, "file-outside-budgets")
    report = validate_paths([tmp_path / "budgets"], root=tmp_path)
    assert [(p.slug, p.file) for p in report.errors] == [("file-outside-budgets", "budgets/2023/63009.yaml")]
    assert {item.budget.department.code for item in report.budgets} == {"63002", "63010"}


def test_site_renderer_refuses_instead_of_crashing_on_an_outside_symlink(seed_text: str, tmp_path: Path,
                                                                         write_budget: Callable[..., Path]) -> None:
    # `site` computes each department's source link from its path: an outside file raised ValueError there.
    from generator.core.errors import ValidationFailed
    from generator.publish.pages import Renderer

    write_budget(seed_text)
    outside = tmp_path / "63009.yaml"
    outside.write_text(seed_text.replace('code: "63002"', 'code: "63009"'), encoding="utf-8")
    (tmp_path / "budgets" / "2023" / "63009.yaml").symlink_to(outside)
    with pytest.raises(ValidationFailed) as exc:
        Renderer(tmp_path / "budgets", "https://example.org/blob/main").render()
    assert [p.slug for p in exc.value.problems] == ["file-outside-budgets"]


@pytest.mark.parametrize(("name", "shown"), [
    (b"\xff\xfe.yaml", r"\xff\xfe.yaml"),  # not UTF-8: UnicodeEncodeError in render at 261517a
    (b"63\x1b[31m002.yaml", r"63\x1b[31m002.yaml"),  # a terminal escape
    (b"63002\n.yaml", r"63002\n.yaml"),  # would split the one-line error in two
])
def test_file_name_that_cannot_be_shown_is_refused(name: bytes, shown: str, seed_text: str, tmp_path: Path) -> None:
    folder = tmp_path / "budgets" / "2023"
    folder.mkdir(parents=True)
    (folder / os.fsdecode(name)).write_text(seed_text, encoding="utf-8")
    assert_refused_everywhere(tmp_path, f"budgets/2023/{shown}", None, "invalid-file-name")


def test_budgets_directory_whose_name_cannot_be_shown_is_refused(seed_text: str, tmp_path: Path) -> None:
    # `site` links each page to its source as <budgets dir>/<year>/<file>: an undecodable name crashed the render.
    from generator.core.errors import ValidationFailed
    from generator.publish.pages import Renderer

    budgets = tmp_path / os.fsdecode(b"b\xffudgets")
    (budgets / "2023").mkdir(parents=True)
    (budgets / "2023" / "63002.yaml").write_text(seed_text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as exc:
        Renderer(budgets, "https://example.org/blob/main").render()
    assert [(p.slug, p.file) for p in exc.value.problems] == [("invalid-file-name", r"b\xffudgets/2023/63002.yaml")]


def test_superscript_digits_are_not_a_year_directory(seed_text: str, tmp_path: Path,
                                                     write_budget: Callable[..., Path]) -> None:
    write_budget(seed_text, "budgets/²⁰²³/63002.yaml")
    result = run_cli("validate", "--format", "json", "budgets", cwd=tmp_path)
    assert result.code == 0 and "Traceback" not in result.output, result.explain()
    assert "file-path-mismatch" not in {p["slug"] for p in result.json()["problems"]}, result.explain()


def test_symlink_loop_is_a_located_error(seed_text: str, tmp_path: Path, write_budget: Callable[..., Path]) -> None:
    write_budget(seed_text)
    (tmp_path / "budgets" / "2023" / "loop.yaml").symlink_to("loop.yaml")
    assert_refused_everywhere(tmp_path, "budgets/2023/loop.yaml", None, "unreadable-file")


@pytest.mark.parametrize(("make", "words"), [
    (lambda p: p.mkdir(), "是目录而不是文件"),
    (lambda p: os.mkfifo(p), "不是普通文件"),  # reading it would block forever
])
def test_directory_or_pipe_named_yaml_is_reported_as_such(make: Callable[[Path], None], words: str, seed_text: str,
                                                          tmp_path: Path, write_budget: Callable[..., Path]) -> None:
    write_budget(seed_text)
    make(tmp_path / "budgets" / "2023" / "63003.yaml")
    result = run_cli("validate", "budgets", cwd=tmp_path, timeout=20)
    assert result.code == 1, result.explain()
    assert re.search(rf"^budgets/2023/63003\.yaml: error \[unreadable-file\] {words}", result.stdout, re.M), \
        result.explain()


def test_permission_denied_is_reported_as_such(seed_text: str, tmp_path: Path, write_budget: Callable[..., Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_budget(seed_text)
    real_open = os.open

    def denied(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(file) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)

    path.chmod(0)  # enough when not root; root reads anything, hence the patched open as well
    monkeypatch.setattr(os, "open", denied)
    try:
        report = validate_paths([tmp_path / "budgets"], root=tmp_path)
    finally:
        path.chmod(0o644)
    assert [(p.slug, p.file, p.message) for p in report.problems] == [("unreadable-file", SEED_REL, "无法读取：权限不足")]


@pytest.mark.parametrize("name", ["63003.yml", "63003.YAML", "63003.Yaml"])
def test_budget_with_another_extension_is_reported_not_ignored(name: str, seed_text: str, tmp_path: Path,
                                                               write_budget: Callable[..., Path]) -> None:
    write_budget(seed_text)
    write_budget(seed_text.replace('code: "63002"', 'code: "63003"'), f"budgets/2023/{name}")
    assert_refused_everywhere(tmp_path, f"budgets/2023/{name}", None, "wrong-extension")


def test_file_name_differing_from_department_code_is_a_warning(seed_text: str, tmp_path: Path,
                                                               write_budget: Callable[..., Path]) -> None:
    write_budget(seed_text, "budgets/2023/63099.yaml")
    result = run_cli("validate", "budgets", cwd=tmp_path)
    assert result.code == 0, result.explain()
    line = line_of(seed_text, r'^  code: "63002"')
    assert re.search(rf"^budgets/2023/63099\.yaml:{line}:\d+: warning \[file-path-mismatch\] \S", result.stdout,
                     re.M), result.explain()


def test_budgets_below_a_dotted_or_underscored_path_are_found(seed_text: str, tmp_path: Path,
                                                              write_budget: Callable[..., Path]) -> None:
    # Only the parts below the directory named are skipped when hidden; `../budgets` used to find nothing.
    write_budget(seed_text, "_work/budgets/2023/63002.yaml")
    (tmp_path / "sub").mkdir()
    for cwd, path in ((tmp_path, "_work/budgets"), (tmp_path / "sub", "../_work/budgets")):
        result = run_cli("validate", "--format", "json", path, cwd=cwd)
        assert result.code == 0 and result.json()["files"] == 1, result.explain()


@pytest.mark.parametrize("value", ["NaN", "sNaN", "-nan", "-1", "-0.5"])
def test_reason_threshold_must_be_a_non_negative_number(value: str) -> None:
    result = run_cli("validate", f"--reason-threshold={value}", "budgets/")
    assert result.code == 2 and "Traceback" not in result.output, result.explain()
    assert re.search(r"--reason-threshold: (不是数字|不能为负数)：", result.stderr), result.explain()


def test_a_crashing_rule_is_a_located_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.check import rules

    def broken(ctx: rules.Context) -> Any:
        raise ZeroDivisionError

    monkeypatch.setitem(rules.CATALOGUE, "code-level", rules.Rule(rules.CATALOGUE["code-level"].kind, broken))
    report = validate_paths([SEED], root=ROOT)
    assert [(p.slug, p.file, p.severity.value) for p in report.problems] == [("internal-error", SEED_REL, "error")]
    assert not report.budgets  # nothing of it is rendered


def test_profile_naming_a_file_that_is_not_a_profile_is_unknown(seed_text: str, tmp_path: Path,
                                                                write_budget: Callable[..., Path]) -> None:
    # `../reference/2023` names an existing YAML file (the code registry): pydantic's traceback at 261517a.
    line = line_of(seed_text, r"^profile: harbin-13$")
    write_budget(edit_line(seed_text, line, "harbin-13", "../reference/2023"))
    assert_refused_everywhere(tmp_path, SEED_REL, line, "unknown-profile", "invalid-value")


def test_an_amount_too_long_to_read_is_an_error_not_a_traceback(seed_text: str, tmp_path: Path,
                                                                write_budget: Callable[..., Path]) -> None:
    # 5,000 digits exceed Python's int-from-string limit (ValueError in the loader at 261517a).
    line = line_of(seed_text, r"amount: 977\.40")
    write_budget(edit_line(seed_text, line, "977.40", "9" * 5000))
    result = run_cli("validate", "budgets", cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.output, result.explain()
    assert re.search(rf"^{re.escape(SEED_REL)}(:\d+:\d+)?: error \[[a-z0-9-]+\] \S", result.stdout, re.M), \
        result.explain()


def test_messages_quoting_the_file_stay_on_one_printable_line(seed_text: str, tmp_path: Path,
                                                               write_budget: Callable[..., Path]) -> None:
    # The reason of 行政运行 is quoted by reason-direction-mismatch; an ESC in it recoloured the terminal.
    line = line_of(seed_text, r"personnel: 140\.71")
    write_budget(edit_line(seed_text, line, "prior: 189.92}", 'prior: 189.92, reason: "人员相关经费增加\\e[31m\\n伪造"}'))
    result = run_cli("validate", "budgets", cwd=tmp_path)
    # An ESC is refused (invalid-text); whatever quotes it stays one printable line.
    assert result.code == 1 and "\x1b" not in result.output, result.explain()
    hits = [out for out in result.stdout.splitlines() if out.startswith(f"{SEED_REL}:{line}:")]
    assert hits and all(out.isprintable() for out in result.stdout.splitlines()), result.explain()
