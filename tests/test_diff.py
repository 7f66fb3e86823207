"""The figure diff between two git revisions, on real temporary repositories built from the seed budget."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.load import gitio
from generator.load.budget import load_side
from generator.load.leaves import leaves
from generator.load.loader import parse
from generator.review import diff

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "budgets" / "2023" / "63002.yaml"
SEED_DOC = (ROOT / "tests" / "fixtures" / "seed-2023-63002.txt").read_text(encoding="utf-8")
REL = "budgets/2023/63002.yaml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "测试",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "测试",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo.parent)}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    (path / "budgets" / "2023").mkdir(parents=True)
    git(path, "init", "-q")
    shutil.copy(SEED, path / REL)
    commit(path, "seed")
    return path


def edit(repo: Path, old: str, new: str, rel: str = REL) -> str:
    file = repo / rel
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    file.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, needle
    return hits[0]


def run(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["diff", *args, "--repo", str(repo)])
    return code, capsys.readouterr().out


def run_json(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> dict[str, Any]:
    code, out = run(capsys, repo, *args, "--format", "json")
    report = json.loads(out)
    assert code == (0 if report["validation"]["valid"] else 1), out  # exit 1 exactly when HEAD has errors
    return report  # type: ignore[no-any-return]


def seed_row(*cells: str) -> None:
    """The old figure is the one the published document prints."""
    assert "\t".join(cells) in SEED_DOC, cells


# ---------------------------------------------------------------- one leaf amount


def test_one_amount_change_lists_the_leaf_and_every_total_it_moved(repo: Path, capsys) -> None:
    text = edit(repo, "personnel: 140.71, public: 29.72", "personnel: 150.71, public: 29.72")
    commit(repo, "raise 2080101 personnel")
    line = line_of(text, "personnel: 150.71")
    report = run_json(capsys, repo, "HEAD~1", "HEAD")

    assert report["figures_changed"] is True
    assert report["added"] == [] and report["removed"] == []
    (dept,) = report["departments"]
    assert (dept["code"], dept["year"], dept["path"]) == ("63002", 2023, REL)
    (leaf,) = dept["leaves"]
    assert leaf["key"] == ["expenditure", "2080101", "general_budget", "personnel"]
    assert (leaf["line"], leaf["code"], leaf["name"]) == (line, "2080101", "行政运行")
    assert (leaf["old"], leaf["new"], leaf["delta"], leaf["pct"]) == ("140.71", "150.71", "10.00", "7.11")
    assert set(leaf["tables"]) == {"expenditure_summary", "general_budget_expenditure"}

    # Every figure that contains 2080101's general-budget personnel spending, and nothing else.
    seed_row("合计", "977.40", "232.11", "745.29")  # table 3
    seed_row("208", "社会保障和就业支出", "938.32", "193.03", "745.29")
    seed_row("20801", "人力资源和社会保障管理事务", "915.72", "170.43", "745.29")
    seed_row("合计", "977.40", "232.11", "200.79", "31.32", "745.29")  # table 5
    seed_row("208", "社会保障和就业支出", "938.32", "193.03", "163.31", "29.72")
    seed_row("2080101", "行政运行", "170.43", "170.43", "140.71", "29.72")
    seed_row("本年收入合计", "977.40", "本年支出合计", "977.40")  # table 1
    seed_row("一、本年收入", "977.40", "一、本年支出", "977.40")  # table 4
    expected = {
        ("totals", "本年支出合计", ""): "977.40", ("totals", "基本支出", ""): "232.11",
        ("totals", "人员经费", ""): "200.79", ("totals", "一般公共预算支出", ""): "977.40",
        ("income_expenditure_summary", "支出：社会保障和就业支出", "预算数"): "938.32",
        ("income_expenditure_summary", "支出：本年支出合计", "预算数"): "977.40",
        ("income_expenditure_summary", "支出：支出总计", "预算数"): "977.40",
        ("fiscal_summary", "支出：本年支出", "预算数"): "977.40",
        ("fiscal_summary", "支出：社会保障和就业支出", "预算数"): "938.32",
        ("fiscal_summary", "支出：支出总计", "预算数"): "977.40",
    }
    rows = {"合计": ("977.40", "232.11", "200.79"), "208 社会保障和就业支出": ("938.32", "193.03", "163.31"),
            "20801 人力资源和社会保障管理事务": ("915.72", "170.43", "140.71"),
            "2080101 行政运行": ("170.43", "170.43", "140.71")}
    for row, (whole, basic, personnel) in rows.items():
        expected[("expenditure_summary", row, "合计")] = whole
        expected[("expenditure_summary", row, "基本支出")] = basic
        expected[("general_budget_expenditure", row, "合计")] = whole
        expected[("general_budget_expenditure", row, "基本支出 · 小计")] = basic
        expected[("general_budget_expenditure", row, "基本支出 · 人员经费")] = personnel
    moved = {(f["table"], f["row"], f["column"]): f for f in dept["figures"]}
    assert set(moved) == set(expected)
    for key, old in expected.items():
        f = moved[key]
        assert (f["old"], f["new"], f["delta"]) == (old, str(Decimal(old) + 10), "10.00"), key
    assert moved[("totals", "本年支出合计", "")]["pct"] == "1.02"  # 10 / 977.40

    code, out = run(capsys, repo, "HEAD~1", "HEAD")
    assert code == 1, out  # the change breaks reconciliation
    (shown,) = [x for x in out.splitlines() if x.startswith(f"  {REL}:{line}  2080101")]
    assert "140.71 → 150.71" in shown and "+10.00" in shown and "+7.11%" in shown
    assert "表1 收支总表 · 支出：本年支出合计 · 预算数  977.40 → 987.40  增减 +10.00（+1.02%）" in out
    assert diff.NO_FIGURE_CHANGED not in out


def test_change_that_breaks_reconciliation_shows_head_validation(repo: Path, capsys) -> None:
    text = edit(repo, "personnel: 140.71, public: 29.72", "personnel: 150.71, public: 29.72")
    commit(repo, "unbalanced")
    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    line = line_of(text, "personnel: 150.71")
    errors = [p for p in report["validation"]["problems"] if p["severity"] == "error"]
    # One slip, one finding: the totals of the other views are folded into it, at the changed line.
    assert [(p["slug"], p["file"], p["line"]) for p in errors] == [("function-economic-mismatch", REL, line)]
    assert errors[0]["folded"] == ["fund-balance-mismatch", "income-expenditure-mismatch"]
    assert errors[0]["message"].startswith(f"你改动的第{line}行（2080101 行政运行：140.71 → 150.71）")
    assert errors[0]["new"] is True and errors[0]["fix"]
    assert report["validation"]["valid"] is False

    code, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 1, out
    assert out.startswith("<!-- budget-diff -->\n")
    assert "`function-economic-mismatch`" in out and f"{REL.replace('.', chr(92) + '.')}\\:{line}" in out
    assert "❌ 不能发布：1 个错误（新增 1 个）" in out.splitlines()[1]


def test_base_validation_clean_head(repo: Path, capsys) -> None:
    report = run_json(capsys, repo, "HEAD", "HEAD")
    assert report["validation"]["valid"] is True
    assert report["departments"] == [] and report["figures_changed"] is False
    assert report["summary"] == "没有数字变化。"


# ---------------------------------------------------------------- no figure changed


def _redump(text: str) -> str:
    """Same budget, different YAML: block style, 4-space indent, sorted keys, reversed lists, no anchors."""
    data = parse(text, REL).data

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return float(value) if isinstance(value, Decimal) else value

    data = plain(data)
    for section in ("expenditure", "basic_by_economic", "project_by_economic", "projects", "performance_targets"):
        data[section].reverse()
    for line in data["basic_by_economic"]:
        line.get("items", []).reverse()

    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return yaml.dump(data, Dumper=NoAliases, allow_unicode=True, sort_keys=True, indent=4,
                     default_flow_style=False, width=4096)


def test_reformat_only_commit_changes_no_figure(repo: Path, capsys) -> None:
    original = (repo / REL).read_text(encoding="utf-8")
    redumped = _redump(original)
    assert redumped != original and "&" not in redumped.split("department:")[0]
    (repo / REL).write_text(redumped, encoding="utf-8")
    commit(repo, "reformat")
    assert git(repo, "diff", "--stat", "HEAD~1", "HEAD").strip()  # the text did change

    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    assert report["figures_changed"] is False
    assert report["departments"] == []
    assert report["validation"]["valid"] is True
    for fmt in ("text", "markdown"):
        code, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", fmt)
        assert code == 0 and "没有数字变化。" in out


def test_renamed_file_is_the_same_budget(repo: Path, capsys) -> None:
    git(repo, "mv", REL, "budgets/2023/daoli-social-insurance.yaml")
    commit(repo, "rename")
    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    assert report["added"] == [] and report["removed"] == []
    assert report["figures_changed"] is False
    (dept,) = report["departments"]
    assert (dept["path"], dept["old_path"]) == ("budgets/2023/daoli-social-insurance.yaml", REL)
    assert dept["leaves"] == [] and dept["figures"] == []
    code, out = run(capsys, repo, "HEAD~1", "HEAD")
    assert code == 0 and "没有数字变化。" in out and f"原为 {REL}" in out


# ---------------------------------------------------------------- departments added / removed


def test_added_department(repo: Path, capsys) -> None:
    text = SEED.read_text(encoding="utf-8").replace('code: "63002"', 'code: "63003"', 1)
    (repo / "budgets" / "2023" / "63003.yaml").write_text(text, encoding="utf-8")
    commit(repo, "add 63003")
    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    assert [(a["code"], a["year"], a["path"]) for a in report["added"]] == [
        ("63003", 2023, "budgets/2023/63003.yaml")]
    assert report["removed"] == [] and report["departments"] == []
    assert report["figures_changed"] is True
    code, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 0 and "### 新增部门" in out and "63003" in out and "没有数字变化" not in out


def test_removed_department(repo: Path, capsys) -> None:
    git(repo, "rm", "-q", REL)
    commit(repo, "remove")
    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    assert [(r["code"], r["year"], r["path"]) for r in report["removed"]] == [("63002", 2023, REL)]
    assert report["added"] == [] and report["figures_changed"] is True
    code, out = run(capsys, repo, "HEAD~1", "HEAD")
    assert code == 0
    assert f"删除部门：63002 哈尔滨市道里区社会保险经办服务中心（2023 年，{REL}）" in out


# ---------------------------------------------------------------- working tree, text leaves, errors


def test_head_defaults_to_the_working_tree(repo: Path, capsys) -> None:
    text = edit(repo, "{type: 其他运转类, name: 水费, general_budget: 8.64}",
                "{type: 其他运转类, name: 水费, general_budget: 9.64}")
    report = run_json(capsys, repo, "HEAD")
    assert report["head"] == "工作区"
    (dept,) = report["departments"]
    (leaf,) = dept["leaves"]
    assert leaf["key"] == ["projects", "水费", "general_budget"]
    assert (leaf["old"], leaf["new"], leaf["line"]) == ("8.64", "9.64", line_of(text, "name: 水费, general_budget"))
    moved = {(f["table"], f["row"], f["column"]) for f in dept["figures"]}
    assert ("projects", "水费", "合计") in moved and ("projects", "合计", "合计") in moved


def test_text_change_is_not_a_figure_change(repo: Path, capsys) -> None:
    edit(repo, "fiscal_reason: 人员经费拨款收支增加", "fiscal_reason: 人员经费和公用经费拨款收支增加")
    commit(repo, "reason")
    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    assert report["figures_changed"] is False
    (dept,) = report["departments"]
    (leaf,) = dept["leaves"]
    assert leaf["key"] == ["explanations", "fiscal_reason"] and leaf["numeric"] is False
    assert leaf["delta"] is None and leaf["tables"] == ["情况说明"]


def test_narrative_sentences_are_compared_when_available(repo: Path, capsys, monkeypatch) -> None:
    def all_sentences(ctx):  # type: ignore[no-untyped-def]
        total = sum(line.general_budget.personnel for line in ctx.b.expenditure if line.general_budget)
        return [("关于支出总表的说明", f"人员经费{total}万元。"), ("关于收支总表的说明", "收支平衡。")]

    monkeypatch.setattr(diff, "all_sentences", all_sentences)
    edit(repo, "personnel: 140.71, public: 29.72", "personnel: 150.71, public: 29.72")
    report = run_json(capsys, repo, "HEAD")
    (dept,) = report["departments"]
    assert dept["sentences"] == [{"section": "关于支出总表的说明", "old": "人员经费200.79万元。",
                                  "new": "人员经费210.79万元。"}]
    assert report["notes"] == []


def test_narrative_that_cannot_be_rendered_degrades_with_a_note(repo: Path, capsys, monkeypatch) -> None:
    def all_sentences(ctx):  # type: ignore[no-untyped-def]
        raise KeyError(ctx.b.profile)

    monkeypatch.setattr(diff, "all_sentences", all_sentences)
    edit(repo, "personnel: 140.71, public: 29.72", "personnel: 150.71, public: 29.72")
    report = run_json(capsys, repo, "HEAD")
    assert any("情况说明" in n for n in report["notes"])
    assert len(report["departments"][0]["leaves"]) == 1


def test_unknown_revision_is_a_one_line_error(repo: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "generator", "diff", "no-such-branch"], cwd=repo,
                          capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert done.returncode == 1
    assert "no-such-branch" in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert len(done.stderr.strip().splitlines()) == 1


def test_base_file_that_does_not_parse_is_reported(repo: Path, capsys) -> None:
    edit(repo, "year: 2023", "year: [2023")
    commit(repo, "broken")
    edit(repo, "year: [2023", "year: 2023")
    report = run_json(capsys, repo, "HEAD")
    assert [(p["slug"], p["file"]) for p in report["base_problems"]] == [("yaml-syntax", REL)]
    assert [a["code"] for a in report["added"]] == ["63002"]


def test_budget_path_selection_matches_validate() -> None:
    assert gitio.is_budget_path("budgets/2023/63002.yaml")
    assert not gitio.is_budget_path("budgets/_drafts/63002.yaml")
    assert not gitio.is_budget_path("budgets/2023/.63002.yaml")
    assert not gitio.is_budget_path("docs/2023/63002.yaml")
    assert not gitio.is_budget_path("budgets/2023/63002.yml")


def test_leaf_keys_name_list_items_by_identity() -> None:
    budget = load_side({REL: SEED.read_bytes()}).parsed[0].budget
    keys = leaves(budget)
    assert ("basic_by_economic", "30102", "items", "3010202", "amount") in keys
    assert ("three_public", "outbound", "reason") in keys
    assert ("performance_targets", "工资支出", "indicators", "足额保障率", "weight") in keys
    assert keys[("expenditure", "2080101", "general_budget", "personnel")].value == Decimal("140.71")


def test_head_file_that_does_not_parse_is_not_a_removal(repo: Path, capsys) -> None:
    text = edit(repo, "year: 2023", "year: [2023")
    report = run_json(capsys, repo, "HEAD")
    assert report["removed"] == [] and report["departments"] == []
    assert any(REL in n for n in report["notes"])
    found = {(p["slug"], p["file"], p["line"]) for p in report["validation"]["problems"]}
    assert {s for s, f, _ in found} == {"yaml-syntax"} and all(f == REL for _, f, _ in found)
    assert line_of(text, "year: [2023") <= min(line for *_, line in found)


# ---------------------------------------------------------------- the verdict, exit code and new findings


def commit_edit(repo: Path, old: str, new: str, message: str = "edit") -> str:
    text = edit(repo, old, new)
    commit(repo, message)
    return text


def test_the_verdict_comes_first_in_every_format(repo: Path, capsys) -> None:
    code, out = run(capsys, repo, "HEAD", "HEAD")
    assert code == 0 and out.splitlines()[0] == "✅ 校验通过：0 个错误（新增 0 个），3 个警告（新增 0 个）", out
    commit_edit(repo, "personnel: 140.71, public: 29.72", "personnel: 150.71, public: 29.72")
    for fmt in ("text", "markdown", "json"):
        code, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", fmt)
        assert code == 1, out
        # markdown: line 0 is the invisible marker by which the workflow finds its comment
        first = json.loads(out)["verdict"] if fmt == "json" else out.splitlines()[fmt == "markdown"]
        assert first.strip("*") == "❌ 不能发布：1 个错误（新增 1 个），2 个警告（新增 0 个）", out
    assert next(iter(json.loads(out))) == "verdict"


def test_findings_new_against_the_base_are_marked(repo: Path, capsys) -> None:
    # 租赁费 up by 2.00 while its reason says 压减: a new error (the sentence would be false), and another new
    # error because only one view changed.
    text = commit_edit(repo, "租赁费, amount: 197.13, prior: 198.28", "租赁费, amount: 199.13, prior: 198.28")
    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    line = line_of(text, "租赁费, amount: 199.13")
    flags = {(p["slug"], p["line"]): p["new"] for p in report["validation"]["problems"]}
    assert flags[("reason-direction-mismatch", line)] is True
    assert flags[("missing-reason", line_of(text, "personnel: 140.71"))] is False  # the seed has it
    assert flags[("prior-views-disagree", line_of(text, "basic_by_economic:"))] is False
    assert (report["validation"]["new_errors"], report["validation"]["new_warnings"]) == (2, 0)
    code, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert code == 1 and "（新增 2 个），3 个警告（新增 0 个）" in out.splitlines()[1]
    rows = [x for x in out.splitlines() if x.startswith("| 🆕 新增 |")]
    assert len(rows) == 2 and "`reason-direction-mismatch`" in "".join(rows), out


def test_missing_budgets_directory_is_an_error(repo: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["diff", "HEAD", "HEAD", "--repo", str(repo), "--budgets", "nothing"]) == 1
    out, err = capsys.readouterr()
    assert "没有数字变化" not in out and "✅" not in out
    assert "nothing" in err and len(err.strip().splitlines()) == 1, err
    assert main(["diff", "HEAD", "--repo", str(repo), "--budgets", "nothing"]) == 1  # the working tree too


# ---------------------------------------------------------------- what a reviewer reads


def test_the_reconciliation_a_change_breaks_is_named(repo: Path, capsys) -> None:
    """办公费 (project view) +3.00: 表7 合计 748.29 no longer equals 表5 项目支出 745.29."""
    text = commit_edit(repo, '{code: "30201", name: 办公费, amount: 47.34', '{code: "30201", name: 办公费, amount: 50.34')
    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    assert report["departments"][0]["broken"] == ["function-economic-mismatch"]
    for fmt, heading in (("markdown", "**不再相等的数**"), ("text", "不再相等的数：")):
        code, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", fmt)
        assert code == 1, out
        section = out.split(heading, 1)[1].split("随之变化的合计数", 1)[0]
        assert "745\\.29万元（表5 合计行“项目支出”）" in section or "745.29万元（表5 合计行“项目支出”）" in section
        assert "748\\.29万元（表7 合计行）" in section or "748.29万元（表7 合计行）" in section
        assert f"你改动的第{line_of(text, 'name: 办公费, amount: 50.34')}行" in section, section


def test_a_changed_sentence_highlights_the_changed_words(repo: Path, capsys) -> None:
    # 行政运行 170.43 → 200.43 against a prior of 189.92: “减少19.49万元，下降10.26%” becomes “增加10.51万元，增长5.53%”.
    commit_edit(repo, "personnel: 140.71, public: 29.72", "personnel: 170.71, public: 29.72")
    report = run_json(capsys, repo, "HEAD~1", "HEAD")
    (changed,) = [s for s in report["departments"][0]["sentences"] if "行政运行" in (s["old"] or "")]
    assert "减少19.49万元" in changed["old"] and "增加10.51万元" in changed["new"]
    _, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", "markdown")
    (bullet,) = [x for x in out.splitlines() if "行政运行（项）" in x and "<del>" in x]
    assert "比上年预算<del>减少19\\.49</del><b>增加10\\.51</b>万元" in bullet, bullet
    assert bullet.split("<del>")[0].endswith("行政运行（项）")  # the unchanged start is not struck through
    _, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", "text")
    assert "比上年预算[-减少19.49-]{+增加10.51+}万元" in out, out


def test_word_diff_keeps_numbers_whole_and_joins_near_changes() -> None:
    from generator.review.format import word_diff

    segments = word_diff("比上年预算减少19.49万元，下降10.26%", "比上年预算增加10.51万元，增长5.53%")
    assert segments == [("比上年预算", "", ""), ("", "减少19.49", "增加10.51"), ("万元，", "", ""),
                        ("", "下降10.26%", "增长5.53%")]
    assert word_diff("相同", "相同") == [("相同", "", "")]


# ---------------------------------------------------------------- text from a budget file is data (M8)


def _attack(repo: Path) -> None:
    # Names may not span lines (the model refuses it), so the comment opener comes inline; free text may.
    edit(repo, "  name: 哈尔滨市道里区社会保险经办服务中心\n", '  name: "哈尔滨市道里区社会保险经办服务中心<!--"\n')
    edit(repo, "{code: \"30214\", name: 租赁费, amount: 197.13, prior: 198.28, reason: 压减经费}",
         '{code: "30214", name: 租赁费, amount: 197.13, prior: 298.28, reason: "压减经费\\n\\n'
         '[请点击核对](https://evil.example/login) @budget-disclosure/reviewers"}')
    edit(repo, "fiscal_reason: 人员经费拨款收支增加", 'fiscal_reason: "收支增加\\n<!-- <script>x</script> `code` | # *b*"')
    commit(repo, "attack")


def test_markdown_comment_renders_names_and_reasons_literally(repo: Path, capsys) -> None:
    from markdown_it import MarkdownIt

    _attack(repo)
    _, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", "markdown")
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = md.parse(out)
    blocks = {t.content.strip() for t in tokens if t.type == "html_block"}
    ours = {"<!-- budget-diff -->", "</details>"}
    assert {b for b in blocks if not b.startswith("<details open><summary><b>随之变化的合计数</b>")} == ours
    inline = [c for t in tokens if t.type == "inline" for c in (t.children or [])]
    assert not [c for c in inline if c.type == "link_open"], "a reason must not become a link"
    assert not [c for c in inline if c.type == "html_inline" and c.content.startswith(("<script", "<!--"))]
    html = md.render(out)
    assert "[请点击核对](https://evil.example/login)" in html  # shown literally
    assert "@budget-disclosure" not in html and "@\u200bbudget-disclosure/reviewers" in html  # notifies nobody
    assert "哈尔滨市道里区社会保险经办服务中心&lt;!--" in html
    assert "<h3>校验结果" in html  # the end of the comment is still there
    assert "\x1b" not in out and "\x07" not in out


def test_text_format_strips_control_characters(repo: Path, capsys) -> None:
    _attack(repo)
    _, out = run(capsys, repo, "HEAD~1", "HEAD", "--format", "text")
    assert not [ch for ch in out if ch != "\n" and (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0)], repr(out[:200])
    assert "收支增加 <!-- <script>" in out  # the text is kept, the line break folded into a space
    # A name with a line break stays on its own line: nothing can fake a line of the report.
    assert not [x for x in out.splitlines() if x.startswith("<!--")]
