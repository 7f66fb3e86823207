"""The editors' guide: generated parts are current, and what the guide claims is true."""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from jsonschema.exceptions import best_match

from generator.authoring import guide
from generator.authoring.schema import schema_json
from generator.check.validate import validate_paths
from generator.cli import build_parser
from generator.core import slugs
from generator.core.model import Budget
from generator.core.slugs.files import CROSS_FILE
from generator.load.loader import load

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "budgets" / "2023" / "63002.yaml"
COMMAND = re.compile(r"python -m generator ([a-z][a-z0-9-]*)")


def subcommands() -> set[str]:
    parser = build_parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {name for a in actions for name in a.choices}


def mentioned_commands(text: str) -> set[str]:
    return set(COMMAND.findall(text))


def validator() -> jsonschema.Draft202012Validator:
    # The loader yields exact Decimals; read the schema's numbers as Decimals too so that
    # multipleOf 0.01 is checked exactly instead of in binary floating point.
    schema = json.loads(schema_json(), parse_float=Decimal)
    jsonschema.Draft202012Validator.check_schema(json.loads(schema_json()))
    return jsonschema.Draft202012Validator(schema)


def problems(data: object) -> list[tuple[str, tuple[str | int, ...]]]:
    """(keyword, path) of the most specific schema error under each failing top-level check."""
    errors = validator().iter_errors(data)
    return [(e.validator, tuple(e.absolute_path)) for e in map(best_match, ([x] for x in errors))]


def test_generated_docs_are_current() -> None:
    assert guide.write_generated_docs(check=True) == [], "运行 python -m generator docs 重新生成"


def test_check_reports_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guide, "ROOT", tmp_path)
    monkeypatch.setattr(guide, "DOCS", tmp_path / "docs")
    assert sorted(guide.write_generated_docs(check=True)) == [
        "docs/profiles.md", "docs/rules.md", "docs/schema/budget.schema.json", "docs/yaml-reference.md"]
    assert not (tmp_path / "docs").exists()
    guide.write_generated_docs()
    (tmp_path / "docs" / "rules.md").write_text("# 旧版\n", encoding="utf-8")
    assert guide.write_generated_docs(check=True) == ["docs/rules.md"]


def test_check_reports_a_stale_excel_slug_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guide, "ROOT", tmp_path)
    monkeypatch.setattr(guide, "DOCS", tmp_path / "docs")
    guide.write_generated_docs()
    page = (ROOT / "docs" / "excel.md").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| [`xlsx-hidden-sheet`]"))
    (tmp_path / "docs" / "excel.md").write_text(page.replace(row + "\n", ""), encoding="utf-8")
    assert guide.write_generated_docs(check=True) == ["docs/excel.md"]
    guide.write_generated_docs()
    assert (tmp_path / "docs" / "excel.md").read_text(encoding="utf-8") == page
    (tmp_path / "docs" / "excel.md").write_text(page.replace(guide.EXCEL_TABLE_END, ""), encoding="utf-8")
    with pytest.raises(ValueError, match="markers"):
        guide.write_generated_docs(check=True)


def test_generation_is_deterministic() -> None:
    assert guide.generated() == guide.generated()


def test_every_slug_has_a_heading_in_rules_page() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### ([a-z0-9-]+)$", page, flags=re.M)
    assert headings == list(slugs.CATALOGUE)


def test_file_rules_are_the_slugs_validate_emits(tmp_path: Path) -> None:
    (tmp_path / "2023").mkdir()
    (tmp_path / "2022").mkdir()
    shutil.copy(SEED, tmp_path / "2023" / "63002.yaml")
    shutil.copy(SEED, tmp_path / "2022" / "63002.yaml")
    report = validate_paths([tmp_path, tmp_path / "2023" / "missing.yaml"], root=tmp_path)
    between_files = {k.slug for k in slugs.in_group(CROSS_FILE)} | {"missing-file"}
    found = {(p.slug, p.severity, p.file) for p in report.problems if p.slug in between_files}
    assert found == {
        ("duplicate-department-year", slugs.CATALOGUE["duplicate-department-year"].severity, "2023/63002.yaml"),
        ("file-path-mismatch", slugs.CATALOGUE["file-path-mismatch"].severity, "2022/63002.yaml"),
        ("missing-file", slugs.CATALOGUE["missing-file"].severity, "2023/missing.yaml"),
    }


def test_every_field_has_a_chinese_description() -> None:
    reference = guide.yaml_reference()
    rows = [line.split(" | ") for line in reference.splitlines() if line.startswith("| `")]
    assert len(rows) > 100
    empty = [row[0] for row in rows if not row[-1].strip(" |")]
    assert empty == []
    assert all(re.search(r"[\u4e00-\u9fff]", row[1]) for row in rows), "类型应为中文"


def test_yaml_reference_types_in_words() -> None:
    fields = Budget.model_fields
    assert guide.type_words(fields["year"].annotation, list(fields["year"].metadata)) == "整数（2000–2100）"
    income = fields["income"].annotation.model_fields["general_budget"].annotation
    amount = income.__args__[0].model_fields["amount"]
    assert guide.type_words(amount.annotation, guide._field_meta(amount)).startswith("金额")
    assert "| `expenditure[].general_budget.personnel` | 金额" in guide.yaml_reference()
    assert "| `year` | 整数（2000–2100） | 必填 |" in guide.yaml_reference()


def test_commands_in_docs_and_readme_exist() -> None:
    known = subcommands()
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))}
    texts["README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    mentioned = {(name, cmd) for name, text in texts.items() for cmd in mentioned_commands(text)}
    assert {cmd for _, cmd in mentioned} >= {"validate", "docs"}
    assert {(name, cmd) for name, cmd in mentioned if cmd not in known} == set()


def test_command_check_can_fail() -> None:
    assert mentioned_commands("运行 `python -m generator publish --all`") == {"publish"}
    assert "publish" not in subcommands()


def test_schema_accepts_the_seed_budget() -> None:
    data = load(SEED).data
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("where", [(), ("department",), ("expenditure", 0, "general_budget")])
def test_schema_rejects_an_unknown_key(where: tuple[str | int, ...]) -> None:
    data = copy.deepcopy(load(SEED).data)
    node = data
    for key in where:
        node = node[key]
    node["colour"] = "红"
    assert problems(data) == [("additionalProperties", where)]


def test_schema_rejects_three_decimals() -> None:
    data = copy.deepcopy(load(SEED).data)
    data["income"]["general_budget"]["amount"] = Decimal("977.401")
    assert problems(data) == [("multipleOf", ("income", "general_budget", "amount"))]


def test_seed_points_editors_at_the_schema() -> None:
    first = SEED.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../docs/schema/budget.schema.json"
    assert (SEED.parent / "../../docs/schema/budget.schema.json").resolve().is_file()
