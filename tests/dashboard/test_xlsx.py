"""dashboard.xlsx on its own: what PrintableSheet puts in the file (read back with openpyxl and from the XML), text
that never becomes a formula, typed values, the atomic save and its clean-up."""

import datetime
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from dashboard.xlsx import Percent, PrintableSheet, lines_needed, printable_workbook

FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", "\t=1", "=HYPERLINK(\"http://x\",\"y\")"]


def write(path, rows, *, header=("甲", "乙", "丙", "丁", "戊", "己"), widths=(8, 12, 12, 12, 12, 40)):
    with printable_workbook(path) as workbook:
        sheet = PrintableSheet(workbook, "测试", list(widths), heading="=标题", subtitle="+副标题",
                               header=list(header))
        for row in rows:
            sheet.values(row)
        sheet.note("-说明")
    return load_workbook(path)["测试"]


def test_formula_like_text_is_written_as_text(tmp_path):
    path = tmp_path / "f.xlsx"
    sheet = write(path, [FORMULAS])
    assert sheet["A1"].value == "'=标题" and sheet["A2"].value == "'+副标题"
    assert [cell.value for cell in sheet[4]] == ["'" + text for text in FORMULAS]
    assert all(cell.data_type == "s" for cell in sheet[4])
    assert sheet["A5"].value == "'-说明"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_values_are_typed_and_formatted(tmp_path):
    aware = datetime.datetime(2026, 10, 9, 1, 30, tzinfo=ZoneInfo("UTC"))
    sheet = write(tmp_path / "t.xlsx", [
        [1, Decimal("1234567.50"), datetime.date(2026, 10, 9), Percent(Decimal("85.7")), True, "张三\n李四"],
        [None, Decimal("12345678901234567.89"), aware, Percent(None), False, ""],
    ])
    number, money, day, rate, flag, text = sheet[4]
    assert number.value == 1 and number.number_format == "0" and number.alignment.horizontal == "right"
    assert money.value == 1234567.5 and money.number_format == "#,##0.00"
    assert day.value == datetime.datetime(2026, 10, 9) and day.number_format == "yyyy-mm-dd"
    assert day.alignment.horizontal == "center"
    assert rate.value == pytest.approx(0.857) and rate.number_format == "0.0%"
    assert flag.value == "是" and flag.alignment.horizontal == "center"
    assert text.value == "张三\n李四" and text.alignment.wrap_text and text.alignment.horizontal == "left"
    blank, long_money, moment, no_rate, no_flag, _empty = sheet[5]
    assert blank.value is None and blank.border.top.style == "thin"  # blank, but bordered like its row
    assert long_money.value == "12,345,678,901,234,567.89"  # beyond a double's digits: text, nothing lost
    assert moment.value == datetime.datetime(2026, 10, 9, 9, 30)  # made local (Asia/Shanghai), then naive
    assert moment.number_format == "yyyy-mm-dd h:mm:ss"
    assert no_rate.value == "—" and no_flag.value == "否"
    for cell in (*sheet[4], *sheet[5]):
        assert cell.font.name == "仿宋" and cell.border.left.style == "thin" and not cell.font.b


def test_floats_are_refused(tmp_path):
    with pytest.raises(TypeError):
        write(tmp_path / "x.xlsx", [[1.5]])
    assert not (tmp_path / "x.xlsx").exists()


def test_layout_of_the_sheet(tmp_path):
    sheet = write(tmp_path / "l.xlsx", [[1, "甲", "乙", "丙", "丁", "很长的一段说明文字" * 12]])
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:F1", "A2:F2", "A5:F5"}
    assert sheet["A1"].font.name == "宋体" and sheet["A1"].font.sz == 18 and sheet["A1"].font.b
    assert sheet["A2"].font.name == "仿宋"
    header = sheet["B3"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("E7E6E6") and header.border.bottom.style == "thin"
    assert sheet.row_dimensions[1].height == 36 and sheet.row_dimensions[3].height == 30
    # 108 wide characters in a 40-wide column: 5 lines of 15 points, plus 3
    assert sheet.row_dimensions[4].height == 5 * 15 + 3 == lines_needed("很长的一段说明文字" * 12, 40) * 15 + 3
    assert sheet.freeze_panes == "A4" and sheet.print_title_rows.replace("$", "") == "1:3"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToHeight == 0
    # the footer line sits between its margin and the body's: LibreOffice clips it when the gap is smaller
    assert sheet.page_margins.footer == 0.3 and sheet.page_margins.bottom == 0.6


def test_a_one_column_sheet_has_no_merges(tmp_path):
    path = tmp_path / "one.xlsx"
    with printable_workbook(path) as workbook:
        sheet = PrintableSheet(workbook, "单列", [30], heading="标题", subtitle="副标题")
        sheet.block("一、小标题")
        sheet.values(["甲"])
    sheet = load_workbook(path)["单列"]
    assert not sheet.merged_cells.ranges and [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "标题", "副标题", "一、小标题", "甲"]
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows.replace("$", "") == "1:2"


def test_a_failed_export_leaves_nothing_behind(tmp_path, monkeypatch):
    """The earlier file stays as it was; no .part file; xlsxwriter's temporary row files are removed."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))  # where xlsxwriter keeps a sheet's rows
    out = tmp_path / "out"
    out.mkdir()
    target = out / "monthly.xlsx"
    target.write_bytes(b"earlier")
    with pytest.raises(RuntimeError), printable_workbook(target) as workbook:
        sheet = PrintableSheet(workbook, "测试", [10, 10], heading="标题", subtitle="副标题", header=["甲", "乙"])
        sheet.values(["甲", 1])
        assert list(scratch.iterdir()), "constant_memory 模式应把行写到临时文件"
        raise RuntimeError("查询失败")
    assert target.read_bytes() == b"earlier"
    assert [path.name for path in out.iterdir()] == ["monthly.xlsx"]
    assert not list(scratch.iterdir())


def test_a_completed_export_replaces_the_file(tmp_path):
    target = tmp_path / "new" / "monthly.xlsx"  # the directory is made
    with printable_workbook(target) as workbook:
        PrintableSheet(workbook, "测试", [10], heading="标题", subtitle="副标题")
    assert load_workbook(target).sheetnames == ["测试"]
    assert [path.name for path in target.parent.iterdir()] == ["monthly.xlsx"]
