"""Every markdown table in a labelled, focusable scroll region; wide tables' sections marked for landscape print."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
import pytest
import yaml

from generator.publish import table_regions

ROOT = Path(__file__).resolve().parent.parent


def render(source: str) -> etree.Element:
    md = markdown.Markdown(extensions=["tables", "attr_list", "md_in_html", "toc", "generator.publish.table_regions"],
                           extension_configs={"toc": {"permalink": True}})
    return etree.fromstring(f"<root>{md.convert(source)}</root>".replace("&para;", "¶"))  # the permalink sign


def table(columns: int, rows: int = 1) -> str:
    head = "|" + "|".join(f"h{i}" for i in range(columns)) + "|\n|" + "---|" * columns + "\n"
    return head + "".join("|" + "|".join(str(i) for i in range(columns)) + "|\n" for _ in range(rows))


def regions(root: etree.Element) -> list[etree.Element]:
    return [el for el in root.iter("div") if "table-scroll" in (el.get("class") or "").split()]


def test_every_table_is_wrapped_in_a_labelled_focusable_region() -> None:
    root = render(f"# 指南\n\n## 三、单位 {{ #units }}\n\n{table(2)}\n\n{table(3)}\n\n## 四、其他\n\n{table(2)}")
    found = regions(root)
    assert [(r.get("role"), r.get("tabindex"), r.get("aria-label")) for r in found] == [
        ("region", "0", "表格：三、单位"), ("region", "0", "表格：三、单位（2）"), ("region", "0", "表格：四、其他")]
    assert all([child.tag for child in r] == ["table"] for r in found)
    # the permalink "¶" is not part of the label, and no table is left outside a region
    assert len(list(root.iter("table"))) == 3


def test_tables_inside_an_existing_region_or_raw_html_are_left_alone() -> None:
    source = ('<div class="table-scroll" role="region" tabindex="0" aria-label="收支总表" markdown="1">\n\n'
              f"{table(2)}\n</div>\n\n"
              '<div class="table-scroll" role="region" aria-label="表" tabindex="0"><table><tr><td>1</td></tr></table></div>\n')
    root = render("## 表\n\n" + source)
    found = regions(root)
    assert [r.get("aria-label") for r in found] == ["收支总表", "表"]
    assert all(regions(r) == [r] for r in found), "a region wrapped in another"


def test_label_is_the_heading_text_without_markup() -> None:
    root = render(f'### 表 <b title="a&quot;b">x</b> &amp; *y* \\- z\n\n{table(2)}')
    assert regions(root)[0].get("aria-label") == "表格：表 x & y - z"


@pytest.mark.parametrize(("columns", "wide"), [(8, False), (9, True), (19, True)])
def test_a_section_with_a_table_wider_than_a_portrait_page_is_printed_landscape(columns: int, wide: bool) -> None:
    root = render(f"## 第二部分\n\n### 二、收入总表\n\n表2\n\n{table(columns)}\n\n下载\n\n### 三、支出总表\n\n{table(3)}")
    marked = [el.tag for el in root if "print-wide" in (el.get("class") or "").split()]
    # the part title with nothing under it goes with the first table, so it is not left alone on a portrait page
    assert marked == (["h2", "h3", "p", "div", "p"] if wide else [])
    assert all("print-wide" not in (el.get("class") or "") for el in list(root)[-2:])  # the next section stays portrait


def test_colspans_count_as_columns() -> None:
    row = etree.fromstring('<table><tr><th colspan="6">a</th><th colspan="3">b</th></tr></table>')
    assert table_regions.columns(row) == 9 and table_regions.is_wide(row)


def test_mkdocs_config_lists_the_extension() -> None:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    assert "generator.publish.table_regions" in config["markdown_extensions"]
