"""Hostile and awkward workbooks for import-xlsx, and what export-xlsx must never do.

Every workbook is made here, in a temporary directory: from the seed's own export, edited with
openpyxl or by rewriting the XML inside the zip (the huge ones are a few kilobytes to a few
megabytes on disk and are never committed). Findings M3–M7, L2, L11 and L13 of the 2026-12-01
adversarial report, and the print set-up asked for by the editors.
"""

from __future__ import annotations

import json
import re
import resource
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from support import ROOT, SEED, describe

from generator.cli import main
from generator.core.errors import InputError
from generator.core.profiles import load as load_profile
from generator.core.registry import for_year
from generator.derive.context import page_context
from generator.excel.importer import ImportFailed, import_workbook
from generator.load.budget import parse_budget
from generator.load.loader import parse
from generator.publish.downloads import department_files
from generator.publish.xlsx import CANONICAL_SHEET, export_bytes

YEAR = "2023"


def budget_of(text: str):
    budget, problems = parse_budget(parse(text, "x.yaml"))
    assert budget is not None, describe(problems)
    return budget


def failure(path: Path, **kw) -> list:
    with pytest.raises(ImportFailed) as caught:
        import_workbook(path, **kw)
    return caught.value.problems


def slugs_at(problems, slug: str) -> list[str]:
    return [p.message for p in problems if p.slug == slug]


def part_of(path: Path, sheet: str) -> str:
    """The zip member of a sheet in an XlsxWriter workbook (sheetN.xml in workbook order)."""
    return f"xl/worksheets/sheet{openpyxl.load_workbook(path, read_only=True).sheetnames.index(sheet) + 1}.xml"


def rezip(src: Path, dst: Path, edits: dict[str, Callable[[bytes], bytes | Iterable[bytes]]]) -> Path:
    """Copy the workbook, replacing the named members by what the edit returns (bytes or chunks)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename not in edits:
                zout.writestr(info, data)
                continue
            new = edits[info.filename](data)
            with zout.open(info.filename, "w", force_zip64=True) as f:
                for chunk in [new] if isinstance(new, bytes) else new:
                    f.write(chunk)
    return dst


# ---------------------------------------------------------------- M3: size limits, measured in a child process

CHILD = """
import resource, sys, time
from generator.cli import main
start, cpu = time.perf_counter(), time.process_time()
code = main(sys.argv[1:])
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
print(f"@@ {code} {wall:.3f} {cpu:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
"""


def _limit_memory() -> None:  # keeps the machine safe if the importer regresses to loading everything
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def measured_import(path: Path, tmp_path: Path) -> tuple[int, float, float, float, str]:
    """(exit code, wall seconds, CPU seconds, peak RSS in MB, output) of ``import-xlsx`` in a fresh interpreter."""
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, "import-xlsx", str(path), "--out", str(tmp_path / "o.yaml"),
                               "--year", YEAR], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"import-xlsx {path.name} still running after 120 s")
    found = re.search(r"^@@ (\d+) ([\d.]+) ([\d.]+) (\d+)$", proc.stdout, re.M)
    assert found, f"no measurement:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return int(found[1]), float(found[2]), float(found[3]), int(found[4]) / 1024, proc.stdout + proc.stderr


def assert_refused_quickly(path: Path, tmp_path: Path, *expected: str) -> None:
    """Refused with ``xlsx-too-large`` in under 5 s of CPU time and 200 MB. CPU time, because the
    machine may be busy with other work; the wall clock only has to stay sane (the old importer ran
    for minutes and took gigabytes on these files)."""
    code, wall, cpu, rss, output = measured_import(path, tmp_path)
    assert code == 1, output[-3000:]
    assert "[xlsx-too-large]" in output and "Traceback" not in output, output[-3000:]
    for text in expected:
        assert text in output, output[-3000:]
    assert cpu < 5 and wall < 30, f"{cpu:.1f} s CPU, {wall:.1f} s\n{output[-2000:]}"
    assert rss < 200, f"{rss:.0f} MB peak\n{output[-2000:]}"
    assert not (tmp_path / "o.yaml").exists()


def test_far_cell_is_refused_before_any_grid_is_built(exported, tmp_path):
    wb = openpyxl.load_workbook(exported)
    wb["收支总表"]["XFD1048576"] = 1
    path = tmp_path / "far-cell.xlsx"
    wb.save(path)
    assert path.stat().st_size < 100_000
    assert_refused_quickly(path, tmp_path, "收支总表", "XFD1048576")


def test_huge_merged_range_is_refused(exported, tmp_path):
    part = part_of(exported, "支出总表")
    path = rezip(exported, tmp_path / "big-merge.xlsx",
                 {part: lambda xml: xml.replace(b"</mergeCells>", b'<mergeCell ref="A30:XFD1048576"/></mergeCells>')})
    assert_refused_quickly(path, tmp_path, "支出总表", "A30:XFD1048576")


def test_million_rows_are_refused(exported, tmp_path):
    part = part_of(exported, "支出总表")

    def million(xml: bytes) -> Iterable[bytes]:
        head, _, rest = xml.partition(b"<sheetData>")
        yield head + b"<sheetData>"
        for start in range(1, 1_000_001, 10_000):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2.5</v></c><c r="C%d"><v>3</v></c></row>'
                           % (i, i, i, i) for i in range(start, start + 10_000))
        yield b"</sheetData>" + rest.partition(b"</sheetData>")[2]

    path = rezip(exported, tmp_path / "million-rows.xlsx", {part: million})
    with zipfile.ZipFile(path) as z:
        assert z.getinfo(part).file_size < 100 * 2**20  # under the unpacked limit: the row limit must catch it
    assert_refused_quickly(path, tmp_path, "支出总表")


def test_zip_bomb_is_refused_by_its_unpacked_size(exported, tmp_path):
    part = part_of(exported, "收支总表")

    def bomb(xml: bytes) -> Iterable[bytes]:
        head, _, rest = xml.partition(b"<sheetData>")
        yield head + b"<sheetData>"
        yield from (b" " * 2**20 for _ in range(160))  # 160 MB of whitespace, legal between elements
        yield rest

    path = rezip(exported, tmp_path / "zip-bomb.xlsx", {part: bomb})
    assert path.stat().st_size < 2 * 2**20
    assert_refused_quickly(path, tmp_path, "解压后")


# ---------------------------------------------------------------- M4: formulas without a cached value


def test_formula_without_cached_value_is_refused_with_its_cell(exported, tmp_path, capsys):
    wb = openpyxl.load_workbook(exported)
    ws = wb["支出总表"]
    assert ws["B4"].value == "合计"
    ws["C4"] = "=SUM(C5:C20)"  # openpyxl writes no cached value, like many scripts
    ws["C6"] = "=170.43+0"
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    problems = failure(path)
    assert {p.slug for p in problems} == {"xlsx-formula-no-value"}, describe(problems)
    messages = slugs_at(problems, "xlsx-formula-no-value")
    assert any(m.startswith("支出总表!C4：") for m in messages) and any(m.startswith("支出总表!C6：") for m in messages)
    out = tmp_path / "o.yaml"
    assert main(["import-xlsx", str(path), "--out", str(out)]) == 1
    assert not out.exists()
    assert "公式但没有计算结果" in capsys.readouterr().out


def test_formula_with_cached_value_is_read_uncached_is_not(seed, exported, tmp_path):
    part = part_of(exported, "支出总表")

    def formula(value: bytes) -> Callable[[bytes], bytes]:
        def edit(xml: bytes) -> bytes:
            new, n = re.subn(rb'(<c r="C4"[^>]*>)<v>[^<]*</v>', rb"\1<f>SUM(C5:C20)</f>" + value, xml)
            assert n == 1
            return new
        return edit

    cached = rezip(exported, tmp_path / "cached.xlsx", {part: formula(b"<v>977.4</v>")})
    budget, problems = import_workbook(cached)
    assert budget.model_dump() == seed.model_dump(), describe(problems)
    for empty in (b"", b"<v></v>", b"<v/>"):  # no cached value, as scripts write formulas
        uncached = rezip(exported, tmp_path / "uncached.xlsx", {part: formula(empty)})
        assert [p.message.split("：")[0] for p in failure(uncached)] == ["支出总表!C4"]


# ---------------------------------------------------------------- M5: ordinary bad cells


@pytest.mark.parametrize(("column", "text"), [("本权重", "二十"), ("预算执行率权重(%)", "十"), ("本权重", "(22.50)")])
def test_bad_number_in_performance_table_is_located(exported, tmp_path, column, text, capsys):
    wb = openpyxl.load_workbook(exported)
    ws = wb["项目支出绩效表"]
    col = next(c.column_letter for c in ws[3] if c.value == column)
    ws[f"{col}4"] = text  # the first target's first row (the top of any merged cell)
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    problems = failure(path)
    assert f"项目支出绩效表!{col}4：“{text}”不是数字" in slugs_at(problems, "xlsx-not-a-number"), describe(problems)
    assert main(["import-xlsx", str(path), "--out", str(tmp_path / "o.yaml")]) == 1
    assert "Traceback" not in capsys.readouterr().out


def canonical_edit(exported: Path, tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    wb = openpyxl.load_workbook(exported)
    ws = wb[CANONICAL_SHEET]
    row = next(c.row for c in ws["A"] if c.value == old)
    ws[f"A{row}"] = new
    path = tmp_path / "canonical.xlsx"
    wb.save(path)
    return path, row


def test_canonical_profile_outside_the_profiles_is_a_located_error(exported, tmp_path, capsys):
    path, row = canonical_edit(exported, tmp_path, "profile: harbin-13", "profile: ../reference/2023")
    problems = failure(path)
    assert [(p.slug, p.message.split("：")[0]) for p in problems] == [("xlsx-canonical", f"{CANONICAL_SHEET}!A{row}")]
    assert main(["import-xlsx", str(path), "--out", str(tmp_path / "o.yaml")]) == 1
    assert "Traceback" not in capsys.readouterr().out


def test_canonical_model_errors_are_all_located(exported, tmp_path):
    wb = openpyxl.load_workbook(exported)
    ws = wb[CANONICAL_SHEET]
    rows = {}
    for old, new in (("unit: 万元", "unit: 亿元"), ("schema_version: 1", "schema_version: 9")):
        rows[new] = next(c.row for c in ws["A"] if c.value == old)
        ws[f"A{rows[new]}"] = new
    path = tmp_path / "canonical.xlsx"
    wb.save(path)
    problems = failure(path)
    assert sorted((p.slug, p.message.split("：")[0]) for p in problems) == sorted(
        ("xlsx-canonical", f"{CANONICAL_SHEET}!A{row}") for row in rows.values()), describe(problems)


def test_canonical_yaml_syntax_error_is_located(exported, tmp_path):
    path, row = canonical_edit(exported, tmp_path, "unit: 万元", "unit: [万元")
    problems = failure(path)
    assert [p.slug for p in problems] == ["xlsx-canonical"], describe(problems)
    found = re.match(rf"{CANONICAL_SHEET}!A(\d+)：", problems[0].message)
    assert found and row <= int(found[1]) <= row + 2, problems[0].message  # YAML notices the bracket a line later


# ---------------------------------------------------------------- M6: nothing lost, nothing cut


def test_long_text_survives_the_round_trip(seed_text, tmp_path):
    # Each text may hold 10,000 characters (docs/limits.md); four of them on one YAML line make a
    # 40,000-character line, longer than an Excel cell, which _canonical must split losslessly.
    duties = ["甲" * 9_989 + "𝟔" * 10 + str(i) for i in range(4)]
    line = "    items: [" + ", ".join(duties) + "]"
    assert len(line) > 32_767
    start = seed_text.index("    items:\n")
    end = seed_text.index("    other:", start)
    text = seed_text[:start] + line + "\n" + seed_text[end:]
    budget = budget_of(text)
    path = tmp_path / "long.xlsx"
    path.write_bytes(export_bytes(budget, text))
    again, problems = import_workbook(path)
    assert again.overview.duties.items == duties
    assert again.model_dump() == budget.model_dump(), describe(problems)


def test_over_long_cell_is_refused_never_cut(seed_text, tmp_path, capsys):
    # validate caps names at 200 characters, so only a model built around it can reach the writer:
    # the writer still refuses rather than truncating.
    budget = budget_of(seed_text)
    name = "哈" * 33_000
    budget = budget.model_copy(update={"department": budget.department.model_copy(update={"name": name})})
    with pytest.raises(InputError) as caught:
        export_bytes(budget)
    assert caught.value.problem.slug == "xlsx-string-too-long" and "!A2" in caught.value.problem.message
    ctx = page_context(budget, for_year(budget.year), load_profile(budget.profile))
    with pytest.raises(InputError) as site:  # the site's downloads write the same workbook
        department_files(ctx, seed_text)
    assert site.value.problem.slug == "xlsx-string-too-long"
    text = seed_text.replace("  name: 哈尔滨市道里区社会保险经办服务中心", f"  name: {name}")
    source, out = tmp_path / "long.yaml", tmp_path / "long.xlsx"
    source.write_text(text, encoding="utf-8")
    assert main(["export-xlsx", str(source), str(out)]) == 1
    assert "[text-too-long]" in capsys.readouterr().out and not out.exists()


# Control characters and tabs in names are refused by validate (docs/limits.md), so they are not here.
NAMES = ["水费 ", " 水费", "水\u3000费", "水_x0041_费", "水x005F_费", "水_x005F_x0041_费"]


def with_name(seed_text: str, name: str) -> str:
    """The seed with the project 水费 (its target, covers and an economic item) and the department renamed."""
    quoted = json.dumps(name)
    swaps = {"  - {type: 其他运转类, name: 水费, general_budget: 8.64}": ("水费", quoted),
             "  - name: 水费": ("水费", quoted), "    covers: {project: 水费}": ("水费", quoted),
             '      - {code: "3020501", name: 办公水费, amount: 8.64}': ("办公水费", json.dumps("办公" + name)),
             "  name: 哈尔滨市道里区社会保险经办服务中心": ("哈尔滨市道里区社会保险经办服务中心", json.dumps("哈尔滨" + name))}
    lines = seed_text.split("\n")
    for i, line in enumerate(lines):
        if line in swaps:
            lines[i] = line.replace(*swaps[line])
    return "\n".join(lines)


def test_every_valid_name_survives_export_and_import(seed_text, tmp_path):
    """Trailing and leading spaces, tabs, control characters (XlsxWriter writes them as _x0002_) and text
    that looks like Excel's escapes: export → import gives the same budget, from export-xlsx and from the
    site's copy (the file as written, CRLF line ends included)."""
    lost = []
    for name in NAMES:
        text = with_name(seed_text, name)
        budget = budget_of(text)
        assert budget.projects[0].name == name and any(t.covers.project == name for t in budget.performance_targets)
        for source in (None, text, text.replace("\n", "\r\n")):
            path = tmp_path / "names.xlsx"
            path.write_bytes(export_bytes(budget, source))
            try:
                again, _ = import_workbook(path)
            except ImportFailed as exc:
                lost.append(f"{name!r} ({'model' if source is None else 'source'}): {describe(exc.problems)}")
                continue
            if again.model_dump() != budget.model_dump():
                lost.append(f"{name!r}: imported a different budget")
    assert not lost, "\n".join(lost)
    # A budgeting system's workbook (no _canonical) with a spaced name still reconciles, the name trimmed.
    path = tmp_path / "system.xlsx"
    path.write_bytes(export_bytes(budget_of(with_name(seed_text, "水费 "))))
    wb = openpyxl.load_workbook(path)
    del wb[CANONICAL_SHEET]
    wb.save(path)
    budget, problems = import_workbook(path)
    assert "水费" in [p.name for p in budget.projects], describe(problems)


# ---------------------------------------------------------------- L11: hidden sheets, encrypted files, PDFs


def test_hidden_decoy_is_ignored_and_reported(seed, exported, tmp_path):
    wb = openpyxl.load_workbook(exported)
    decoy = wb.copy_worksheet(wb["一般公共预算支出表"])
    decoy.title = "一、一般公共预算支出表"
    row = next(r for r in decoy.iter_rows(min_row=5) if r[0].value == "2080101")
    row[4].value = 999.99  # 人员经费 of 行政运行
    decoy.sheet_state = "hidden"
    wb.move_sheet(decoy, offset=-len(wb.sheetnames) + 1)
    assert wb.sheetnames[0] == "一、一般公共预算支出表"
    path = tmp_path / "decoy.xlsx"
    wb.save(path)
    budget, problems = import_workbook(path)
    assert budget.model_dump() == seed.model_dump()
    assert any("一、一般公共预算支出表" in m for m in slugs_at(problems, "xlsx-hidden-sheet")), describe(problems)


def test_table_only_in_a_hidden_sheet_is_used_with_a_warning(seed, exported, tmp_path):
    wb = openpyxl.load_workbook(exported)
    wb["项目支出表"].sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    budget, problems = import_workbook(path)
    assert budget.model_dump() == seed.model_dump()
    assert any("项目支出表" in m for m in slugs_at(problems, "xlsx-hidden-sheet")), describe(problems)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB v3, 512-byte sectors) holding the given streams, each
    padded to 4096 bytes so that none goes to the mini stream: enough for olefile to list them."""
    sector = 512
    data = {name: body.ljust(4096, b"\0") for name, body in streams.items()}
    n_data = sum(len(b) // sector for b in data.values())
    fat_sector, dir_sector, first_data = 0, 1, 2
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # the FAT itself, the one directory sector
    starts, at = {}, first_data
    for name, body in data.items():
        count = len(body) // sector
        starts[name] = at
        fat += [at + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
        at += count
    assert n_data + 2 <= sector // 4
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    none = 0xFFFFFFFF
    names = list(data)
    entries = [entry("Root Entry", 5, none, none, 1, 0xFFFFFFFE, 0)]
    for i, name in enumerate(names):  # a right-leaning chain is a valid (if unbalanced) sibling tree
        entries.append(entry(name, 2, none, i + 2 if i + 1 < len(names) else none, none, starts[name], len(streams[name])))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIII", 0, 1, dir_sector, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
              + struct.pack("<I", 0) + struct.pack("<I", fat_sector) + b"\xff" * (4 * 108))
    assert len(header) == sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(data.values())


@pytest.mark.parametrize(("content", "slug", "says"), [
    (compound_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x10" * 100}), "xlsx-encrypted",
     "工作簿已加密，请先取消密码保护"),
    (compound_file({"Workbook": b"\x09\x08"}), "xlsx-not-xlsx", ".xls"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "xlsx-not-xlsx", "不是 xlsx 文件（看起来是 PDF）"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "xlsx-not-xlsx", "HTML"),
])
def test_file_type_is_told_from_its_first_bytes(tmp_path, content, slug, says, capsys):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    problems = failure(path)
    assert [p.slug for p in problems] == [slug] and says in problems[0].message, describe(problems)
    assert main(["import-xlsx", str(path), "--out", str(tmp_path / "o.yaml")]) == 1
    assert "BadZipFile" not in capsys.readouterr().out


def test_a_word_document_is_not_a_workbook(tmp_path):
    path = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    problems = failure(path)
    assert [p.slug for p in problems] == ["xlsx-not-xlsx"] and "Word" in problems[0].message


# ---------------------------------------------------------------- M7: codes are ASCII digits


def test_full_width_department_code_is_refused_with_its_cell(exported, tmp_path):
    for keep_canonical in (False, True):
        wb = openpyxl.load_workbook(exported)
        if not keep_canonical:
            del wb[CANONICAL_SHEET]
        ws = wb["收入总表"]
        cell = next(c for c in ws["A"] if c.value == "63002")
        cell.value = "６３００２"
        path = tmp_path / "unicode-code.xlsx"
        wb.save(path)
        problems = failure(path)
        assert f"收入总表!A{cell.row}" in " ".join(slugs_at(problems, "xlsx-bad-code")), describe(problems)


def test_full_width_function_code_is_refused(exported, tmp_path):
    wb = openpyxl.load_workbook(exported)
    del wb[CANONICAL_SHEET]
    ws = wb["支出总表"]
    cell = next(c for c in ws["A"] if c.value == "2080101")
    cell.value = "２０８０１０１"
    path = tmp_path / "unicode-code.xlsx"
    wb.save(path)
    assert any(m.startswith(f"支出总表!A{cell.row}：") for m in slugs_at(failure(path), "xlsx-bad-code"))


# ---------------------------------------------------------------- L2, L13: output paths


def test_export_never_overwrites_its_input(tmp_path, capsys):
    source = tmp_path / "a.yaml"
    source.write_bytes(SEED.read_bytes())
    for extra in ([], ["--force"]):
        assert main(["export-xlsx", str(source), str(source), *extra]) == 1
        assert "[out-is-input]" in capsys.readouterr().out
    assert source.read_bytes() == SEED.read_bytes()


def test_export_overwrites_only_with_force(tmp_path, capsys):
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"keep me")
    assert main(["export-xlsx", str(SEED), str(out)]) == 1
    assert "[file-exists]" in capsys.readouterr().out and out.read_bytes() == b"keep me"
    assert main(["export-xlsx", str(SEED), str(out), "--force"]) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]  # no temporary file left behind


@pytest.mark.parametrize(("target", "slug"), [(".", "out-is-directory"), ("missing/a.xlsx", "out-dir-missing"),
                                              ("/proc/a.xlsx", "write-failed")])
def test_export_to_an_impossible_place_is_one_line(tmp_path, target, slug):
    out = target if target.startswith("/") else str(tmp_path / target)
    result = subprocess.run([sys.executable, "-m", "generator", "export-xlsx", str(SEED), out], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"[{slug}]" in output and "Traceback" not in output and len(output.strip().splitlines()) == 1, output


@pytest.mark.parametrize(("target", "slug"), [(".", "out-is-directory"), ("/proc/x.yaml", "write-failed"),
                                              ("seed.xlsx", "out-is-input"), ("missing/x.yaml", "out-dir-missing")])
def test_import_to_an_impossible_place_is_one_line(exported, tmp_path, target, slug, capsys):
    out = target if target.startswith("/") else str(tmp_path / target)
    before = exported.read_bytes()
    assert main(["import-xlsx", str(exported), "--out", out, "--force"]) == 1
    output = capsys.readouterr().out
    assert f"[{slug}]" in output and "Traceback" not in output, output
    assert exported.read_bytes() == before


# ---------------------------------------------------------------- print set-up


def test_export_is_ready_to_print(seed, exported):
    assert export_bytes(seed) == exported.read_bytes()  # still byte-for-byte deterministic
    wb = openpyxl.load_workbook(exported)
    wide, narrow = wb["收入总表"], wb["一般公共预算项目支出表"]
    for ws in (wide, narrow):
        setup = ws.page_setup
        assert setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # 1 is the attribute's default
    assert wide.page_setup.orientation == "landscape" and narrow.page_setup.orientation != "landscape"
    assert wide.print_title_rows == "$3:$4" and narrow.print_title_rows == "$3:$4"
    assert wb["支出总表"].print_title_rows == "$3:$3"
    with zipfile.ZipFile(exported) as z:
        assert '<name val="宋体"/>' in z.read("xl/styles.xml").decode()
    perf = wb["项目支出绩效表"]
    first = next(c.row for c in perf["B"] if c.value == "工资支出")
    span = next(r for r in perf.merged_cells.ranges if (r.min_col, r.min_row) == (2, first))
    assert span.max_row > first  # one merged cell for all the target's indicator rows
    merged = {str(r) for r in perf.merged_cells.ranges}
    assert {f"{col}{first}:{col}{span.max_row}" for col in "ABCDEF"} <= merged
    assert Decimal(str(perf[f"E{first}"].value)) == Decimal("135.82")


# ---------------------------------------------------------------- the guide lists every slug


def test_every_excel_slug_is_in_the_guide():
    files = [*(ROOT / "generator" / "excel").glob("*.py"), *(ROOT / "generator" / "cli").glob("*_xlsx.py"),
             ROOT / "generator" / "publish" / "xlsx.py", ROOT / "generator" / "publish" / "downloads.py"]
    code = "".join(p.read_text(encoding="utf-8") for p in files)
    # every hyphenated string literal is a problem slug, apart from the command names and the author tag
    used = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', code)) - {"export-xlsx", "import-xlsx", "budget-disclosure"}
    guide = (ROOT / "docs" / "excel.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| \[`([a-z][a-z-]+)`\]\(rules\.md#\1\) \|", guide, re.M))
    new = {"xlsx-too-large", "xlsx-formula-no-value", "xlsx-hidden-sheet", "xlsx-encrypted", "xlsx-not-xlsx",
           "xlsx-string-too-long", "xlsx-bad-code", "xlsx-bad-year", "out-is-input", "out-is-directory", "out-dir-missing"}
    assert new <= used
    assert used == documented, (sorted(used - documented), sorted(documented - used))


def test_a_download_cut_short_is_told_in_chinese(tmp_path):
    path = tmp_path / "cut.xlsx"
    data = export_bytes(budget_of(SEED.read_text(encoding="utf-8")))
    path.write_bytes(data[: len(data) // 2])
    problems = failure(path)
    assert [p.slug for p in problems] == ["xlsx-unreadable"], describe(problems)
    assert "不完整" in problems[0].message and "BadZipFile" not in problems[0].message
