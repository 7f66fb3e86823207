"""What a new locality needs without editing the package: its profile checked like a budget, its own code list,
facts it does not publish left out, and continuity between its years.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from support import ROOT, SEED_REL, describe, edit_line, line_of, locations, page_rows, run_cli

from generator import cli
from generator.check.validate import Report, validate_paths
from generator.core import profiles, registry
from generator.core.registry import same_name
from generator.load.codes import CodeList
from generator.load.loader import load
from generator.publish.pages import render_all

SHANGHAI = {2024: ROOT / "budgets" / "2024" / "putuo-wanli.yaml", 2025: ROOT / "budgets" / "2025" / "putuo-wanli.yaml"}
REL = {year: f"budgets/{year}/putuo-wanli.yaml" for year in SHANGHAI}


def shanghai_tree(tmp_path: Path, edit: Callable[[str], str] = lambda t: t, year: int = 2025) -> Path:
    """Both Shanghai years copied under ``tmp_path/budgets``; ``edit`` applied to ``year``'s text."""
    for y, path in SHANGHAI.items():
        (tmp_path / "budgets" / str(y)).mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        (tmp_path / REL[y]).write_text(edit(text) if y == year else text, encoding="utf-8")
    return tmp_path / "budgets"


def validate(root: Path) -> Report:
    return validate_paths([root], root=root.parent)


def edited(pattern: str, old: str, new: str) -> Callable[[str], str]:
    return lambda text: edit_line(text, line_of(text, pattern), old, new)


# ---------------------------------------------------------------- a profile is checked like a budget


@pytest.mark.parametrize(("old", "new", "slug"), [
    ("reason_threshold_pct: 5", "reason_threshold_pct: 五", "invalid-profile"),
    ("code_descriptions: false", "code_description: false", "invalid-profile"),
    ("    format: shortest", "    format: shortest2", "invalid-profile"),
    ("needs: [unit_counts]}", "needs: [unit_count]}", "invalid-profile"),
])
def test_a_profile_typo_is_a_located_error_from_validate(
        profile_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, slug: str) -> None:
    path = profile_dir / "shanghai-putuo.yaml"
    text = path.read_text(encoding="utf-8")
    line = line_of(text, re.escape(old))
    path.write_text(edit_line(text, line, old, new), encoding="utf-8")
    budgets = shanghai_tree(tmp_path)
    code = cli.main(["validate", str(budgets)])
    out = capsys.readouterr()
    assert code == 1, out
    report = validate(budgets)
    shown = profiles.position("shanghai-putuo", ())[0]  # outside the project: shown as the loader shows it
    assert shown.endswith("profiles/shanghai-putuo.yaml")
    assert (slug, shown, line) in locations(report), describe(report.problems)
    assert f"{shown}:{line}:" in out.out and "Traceback" not in out.out + out.err
    assert [p for p in report.problems if p.file == shown] == [p for p in report.problems if p.slug == slug]


def test_a_publishing_profile_names_only_tables_and_section_templates_that_exist(
        profile_dir: Path, seed_text: str, validate_text: Callable[..., Report]) -> None:
    path = profile_dir / "harbin-13.yaml"
    text = path.read_text(encoding="utf-8")
    text = edit_line(text, line_of(text, r"key: general_budget_basic, title: 一般公共预算基本支出表}"),
                     "general_budget_basic", "general_budget_basics")
    text = edit_line(text, line_of(text, r"key: procurement, title"), "procurement", "procurment")
    path.write_text(text, encoding="utf-8")
    report = validate_text(seed_text)
    shown = profiles.position("harbin-13", ())[0]
    # a table that is not in the library is reported when the profile is read; then the section templates
    assert {(p.slug, p.line) for p in report.errors} == {
        ("invalid-profile", line_of(text, r"general_budget_basics"))}, describe(report.problems)
    text = edit_line(text, line_of(text, r"general_budget_basics"), "general_budget_basics", "general_budget_basic")
    path.write_text(text, encoding="utf-8")
    profiles.load.cache_clear()
    report = validate_text(seed_text)
    assert {(p.slug, p.line) for p in report.errors} == {
        ("profile-unknown-section", line_of(text, r"procurment"))}, describe(report.problems)
    assert {p.file for p in report.errors} == {shown}


def test_a_profile_without_layout_is_validated_but_not_published(
        profile_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = profile_dir / "shanghai-putuo.yaml"
    path.write_text("publish: false\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(ROOT)
    assert not profiles.load("shanghai-putuo").publish
    files = render_all(ROOT / "budgets")
    assert "2023/63002/index.md" in files
    assert not [name for name in files if "putuo-wanli" in name or name.startswith(("2024/", "2025/"))]


# ---------------------------------------------------------------- classification codes


def test_an_unknown_code_is_a_warning_with_the_editors_name(tmp_path: Path, seed_text: str) -> None:
    line = line_of(seed_text, r'^  - code: "2100799"')  # 其他计划生育事务支出
    text = seed_text.replace('"2100799"', '"2100798"')  # the line and the erratum that names it
    path = tmp_path / SEED_REL
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    result = run_cli("validate", "--format", "json", path)
    assert result.code == 0, result.explain()
    (p,) = [p for p in result.json()["problems"] if p["slug"] == "unknown-code"]
    assert p["severity"] == "warning" and p["line"] == line and "其他计划生育事务支出" in p["message"], p


def test_a_repository_code_list_beside_the_budgets_is_merged(tmp_path: Path, seed_text: str,
                                                             validate_text: Callable[..., Report]) -> None:
    text = seed_text.replace('"2100799"', '"2100798"')  # the line and the erratum that names it
    codes = tmp_path / "budgets" / "_codes"
    codes.mkdir(parents=True)
    (codes / "2022.yaml").write_text('function:\n  - {code: "2100798", name: 其他计划生育事务支出}\n', encoding="utf-8")
    (codes / "2024.yaml").write_text("function: []\n", encoding="utf-8")  # later than the budget: not used
    report = validate_text(text)
    assert not [p for p in report.problems if p.slug in ("unknown-code", "code-name-mismatch")], describe(report.problems)
    (codes / "2022.yaml").write_text('function:\n  - {code: "2100798", name: 其他计划生育事务支出, colour: red}\n',
                                     encoding="utf-8")
    report = validate_text(text)
    assert ("unknown-key", "budgets/_codes/2022.yaml", 2) in locations(report), describe(report.problems)


@pytest.mark.parametrize(("a", "b", "same"), [("维修(护)费", "维修（护）费", True), ("维修（护）费", "维修(护)费", True),
                                               ("维修(护)费", "维修费", False), ("维修[护]费", "维修（护）费", False)])
def test_names_that_differ_only_in_parenthesis_width_are_the_same(a: str, b: str, same: bool) -> None:
    assert same_name(a, b) is same


# ---------------------------------------------------------------- facts a locality does not publish


def test_a_fact_the_profile_prints_cannot_be_left_out(tmp_path: Path) -> None:
    def drop_purpose(text: str) -> str:
        line = line_of(text, r"purpose: 公益性岗位补贴")
        return edit_line(text, line, "purpose: 公益性岗位补贴", "# purpose removed")

    report = validate(shanghai_tree(tmp_path, drop_purpose))
    assert {(p.slug, p.file) for p in report.errors} == {("missing-fact", REL[2025])}, describe(report.errors)


def test_rules_that_need_an_absent_fact_do_not_run(tmp_path: Path) -> None:
    """Shanghai leaves out staff, the project list and project spending by economic class: no false alarms;
    the recorded 基本支出 is still reconciled with the economic view."""
    report = validate(shanghai_tree(tmp_path))
    quiet = {"staff-over-establishment", "project-list-mismatch", "performance-missing-target", "missing-code-description",
             "operating-cost-mismatch", "prior-views-disagree", "function-economic-mismatch", "unknown-code"}
    assert not [p for p in report.problems if p.slug in quiet], describe(report.problems)
    moved = shanghai_tree(tmp_path, edited(r"basic: 17737739", "17737739", "17737740"))
    report = validate(moved)
    hits = [p for p in report.errors if p.slug == "function-economic-mismatch"]
    assert hits and "基本支出" in hits[0].message, describe(report.problems)


def test_each_rule_that_needs_a_fact_says_so_in_the_guide() -> None:
    """The guide (docs/rules.md) prints, under each rule, the facts it needs; a rule cannot need an unknown fact."""
    from generator.check import rules
    from generator.core.recorded import RECORDED
    from generator.core.slugs.text import STAFF_OVER_ESTABLISHMENT

    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    needing = {slug: r.needs for slug, r in rules.CATALOGUE.items() if r.needs}
    assert {"staff-over-establishment", "project-list-mismatch", "three-public-economic-mismatch"} <= set(needing)
    for slug, needs in needing.items():
        entry = page.split(f"\n### {slug}\n", 1)[1].split("\n### ", 1)[0]
        assert "需要的数据：" in entry and all(f"`{key}`" in entry and RECORDED[key].label in entry for key in needs), slug
    with pytest.raises(ValueError, match="unknown facts"):
        rules.rule(STAFF_OVER_ESTABLISHMENT, needs=("staf",))


def test_three_public_without_project_economics_is_bounded_by_the_basic_view(tmp_path: Path) -> None:
    report = validate(shanghai_tree(tmp_path, edited(r"^  reception:", "amount: 13500", "amount: 13499")))
    assert ("three-public-economic-mismatch", REL[2025], line_of(SHANGHAI[2025].read_text(encoding="utf-8"),
                                                                 r"^  reception:")) in locations(report)


# ---------------------------------------------------------------- continuity between a locality's years


def test_the_2025_prior_totals_chain_from_the_2024_file(tmp_path: Path) -> None:
    text = SHANGHAI[2025].read_text(encoding="utf-8")
    line = line_of(text, r"^prior_totals:")
    report = validate(shanghai_tree(tmp_path, edited(r"^prior_totals:", "fiscal: 156211123", "fiscal: 156211124")))
    assert [(p.slug, p.file, p.line) for p in report.errors] == [("prior-year-mismatch", REL[2025], line)], \
        describe(report.errors)
    assert "156211123" in report.errors[0].message


def test_an_erratum_that_matches_the_data_is_an_error(tmp_path: Path) -> None:
    text = SHANGHAI[2025].read_text(encoding="utf-8")
    line = line_of(text, r"table: expenditure_summary, row: \"21201\"")
    report = validate(shanghai_tree(tmp_path, edited(r"table: expenditure_summary, row: \"21201\"",
                                                     "94,995,790", "94,995,789")))
    assert [(p.slug, p.line) for p in report.errors] == [("erratum-not-a-slip", line)], describe(report.errors)


def test_the_shipped_reference_lists_have_the_code_list_shape() -> None:
    """The package's reference is written like a repository's list (one format for both)."""
    for path in sorted(registry.REFERENCE_DIR.glob("*.yaml")):
        data = load(path).data
        assert CodeList.model_validate(data).function, path
    reg = registry.for_year(2025)
    for code in ("2013202", "20599", "2059999", "22103", "2210399", "2129999"):  # used by the Shanghai documents
        assert code in reg.function, code


# ---------------------------------------------------------------- a third locality: a profile, no Python


def test_a_table_whose_facts_the_file_leaves_out_cannot_be_in_its_profile(profile_dir: Path, tmp_path: Path) -> None:
    """Shanghai publishes no project list: a profile that lists the 项目支出表 for its files is a located error."""
    path = profile_dir / "shanghai-putuo.yaml"
    text = path.read_text(encoding="utf-8").replace("\nsections:\n", "\n  - {key: projects}\nsections:\n", 1)
    path.write_text(text, encoding="utf-8")
    report = validate(shanghai_tree(tmp_path))
    found = [(p.slug, p.file) for p in report.errors]
    assert found == [("missing-fact", REL[2024]), ("missing-fact", REL[2025])], describe(report.errors)
    assert all("项目支出表" in p.message for p in report.errors), describe(report.errors)


def test_a_third_locality_is_a_profile_without_python(
        profile_dir: Path, seed_text: str, validate_text: Callable[..., Report]) -> None:
    """A toy profile (tests/fixtures/profiles/toy.yaml) reorders the parts, retitles and drops tables, prints another
    number format and unit line: the seed validates and renders with it, and the page is laid out as it says."""
    from generator.derive.context import page_context
    from generator.derive.summary import summary
    from generator.publish.environment import ENV

    shutil.copy(ROOT / "tests" / "fixtures" / "profiles" / "toy.yaml", profile_dir / "toy.yaml")
    text = edit_line(seed_text, line_of(seed_text, r"^profile: "), "harbin-13", "toy")
    text = text[: text.index("\nerrata:")] + "\n"  # its errata name Harbin's sections, which the toy drops
    report = validate_text(text)
    assert report.errors == [], describe(report.errors)
    (item,) = report.budgets
    ctx = page_context(item.budget, registry.for_year(item.budget.year), profiles.load("toy"))
    page = ENV.get_template("department.md.j2").render(**ctx.vars(), source_url=None, errata_link=None,
                                                       downloads={}, charts="", pdf=None,
                                                       summary=summary(item.budget, ctx.profile))
    headings = re.findall(r"^(#{2,3} [^{\n]*)", page, flags=re.M)
    assert [h.strip() for h in headings] == [
        "## 本页摘要",  # the site's summary above the document (derive.summary), then the profile's parts
        "## 一、报表", "### 1\\. 2023年支出预算表", "### 2\\. 三公经费", "### 3\\. 收支总览",
        "## 二、说明", "### 2023年采购说明", "### 三公经费说明"]
    assert f"填报单位：{ctx.dept}（金额单位：万元）" in page
    rows = [row for row in page_rows(page) if "总计" in row]  # the tables are HTML: their cells read back
    assert rows and re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", rows[0][-1]), rows
    assert "一般公共预算支出表" not in page and "部门人员构成" not in page
