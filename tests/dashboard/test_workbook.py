"""The monthly workbook, opened with openpyxl: every sheet and its header, counts equal to the database and to the
dashboard, no reporter identity anywhere in the file, numbers and dates typed, print settings; a large month."""

import datetime
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cadres.models import MeasureKind, SupervisionMeasure
from core.models import AuditEvent
from dashboard import figures, workbook
from dashboard.periods import Period
from liaison.models import Aspect, ReportItem
from tests.dashboard.conftest import TODAY
from tests.petitions.factories import SECRETS

D = datetime.date
OCT = D(2026, 10, 1)


@pytest.fixture
def produced(october, section_head, tmp_path):
    path = tmp_path / "monthly.xlsx"
    board = workbook.write_monthly(OCT, path, user=section_head, producer="中共青溪县委组织部", today=TODAY)
    return path, board, load_workbook(path)


def rows(sheet):
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def table_after(sheet, header_first, containing=None):
    """The rows under the header row starting with `header_first` (and holding `containing`), until a blank or a
    note row."""
    found, out = False, []
    for row in rows(sheet):
        if found:
            if not any(value is not None for value in row) or (row[0] is not None and row[1] is None):
                break
            out.append(row)
        elif row and header_first in row[:2] and (containing is None or containing in row):
            found = True
    return out


def test_sheets_titles_and_headers(produced):
    _path, _board, book = produced
    assert book.sheetnames == list(workbook.SHEETS)
    assert book["封面与说明"]["A1"].value == "干部监督工作月度联席会议汇总表"
    for name in workbook.SHEETS[1:]:
        sheet = book[name]
        assert sheet["A1"].value == f"2026年10月{name}"
        assert "制表单位：中共青溪县委组织部" in sheet["A2"].value
    headers = {
        "成员单位报送情况": ["序号", "成员单位", "报送情况", "报送期限", "报送日期", "月报事项",
                       *[aspect.label for aspect in Aspect], "合计"],
        "干部监督信息明细": ["序号", "成员单位", "通报类别", "干部姓名", "单位职务", "一把手", "方面", "具体情况",
                       "信息来源", "发生时间", "严重程度", "处置情况"],
        "预警名单": ["序号", "姓名", "单位", "职务", "预警事项", "预警说明", "阻止任职"],
    }
    for name, header in headers.items():
        assert [cell.value for cell in book[name][3]][:len(header)] == header


def test_cover_figures_equal_the_dashboard(produced, section_head):
    _path, board, book = produced
    dashboard = figures.build(section_head, Period.month(2026, 10), today=TODAY, charts=False)
    cover = book["封面与说明"]
    expected = [(figure.label, figure.value) for figure in dashboard.headline()]
    start = next(row for row in range(1, 40) if cover.cell(row, 1).value == "类别") + 1
    got = []
    for row in range(start, start + len(expected)):
        label = cover.cell(row, 2).value.split("（")[0]
        value = cover.cell(row, 3).value
        got.append((label, value))
    for (label, value), (got_label, got_value) in zip(expected, got, strict=True):
        assert label == got_label
        if isinstance(value, Decimal):
            assert got_value == pytest.approx(float(value) / 100)
        else:
            assert got_value == value, label
    assert [(f.key, f.value) for f in board.headline()] == [(f.key, f.value) for f in dashboard.headline()]


def test_counts_equal_the_database(produced, october):
    _path, board, book = produced
    figures_by_key = {figure.key: figure.value for figure in board.headline()}
    compliance = rows(book["成员单位报送情况"])[3:]
    assert [row[2] for row in compliance[:2]] == ["按时报送", "未报送"]
    assert compliance[2][1] == "合计" and compliance[2][5] == 3
    items = table_after(book["干部监督信息明细"], "序号")
    assert len(items) == ReportItem.objects.filter(report__period=OCT, voided_at__isnull=True).count() == 3

    petitions = book["信访举报受理办理"]
    summary = table_after(petitions, "收件（件）")[0]
    assert summary[1] == figures_by_key["petitions_received"] == 4
    assert summary[4] == figures_by_key["petitions_concluded"] == 2
    concluded = table_after(petitions, "序号")
    assert sorted(row[1] for row in concluded) == sorted(p.code for p in october.concluded)
    assert all(row[9] == "属实" and row[12] == "诫勉" for row in concluded)

    vetting = book["任前把关情况"]
    stages = table_after(vetting, "民主推荐")[0]
    assert stages[10] == figures_by_key["vetting_cases"] == 2  # 合计 after the nine stages

    audits = book["经济责任审计及整改"]
    assert table_after(audits, "审计项目（项）")[0][1] == figures_by_key["audits_planned"] == 2
    assert len(table_after(audits, "序号")) == 2
    overdue = table_after(audits, "序号", containing="逾期天数")
    assert len(overdue) == figures_by_key["audits_overdue"] == 2
    assert all(row[8] == (D(2026, 10, 31) - D(2026, 8, 1)).days for row in overdue)  # as of the month's end

    measures = book["组织处理与监督措施"]
    by_kind = {row[0]: row[-1] for row in table_after(measures, "措施类别")}
    assert by_kind["诫勉"] == 2 and by_kind["提醒谈话"] == 2 and by_kind["合计"] == figures_by_key["measures_total"]
    details = [row for row in rows(measures) if isinstance(row[1], datetime.datetime)]
    assert len(details) == SupervisionMeasure.objects.filter(date__month=10).count() == 4

    warnings = table_after(book["预警名单"], "序号")
    assert len(warnings) == figures_by_key["warnings_cadres"]


def test_no_reporter_identity_anywhere(produced):
    path, _board, book = produced
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not any(secret in str(value) for secret in SECRETS if value is not None), value
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", errors="ignore")
            for secret in SECRETS:
                assert secret not in text, (name, secret)


def test_numbers_are_numbers_and_dates_are_dates(produced):
    _path, _board, book = produced
    compliance = book["成员单位报送情况"]
    assert isinstance(compliance["D4"].value, datetime.datetime)  # 报送期限
    assert compliance["D4"].number_format == "yyyy-mm-dd"
    assert isinstance(compliance["F4"].value, int)
    audits = book["经济责任审计及整改"]
    money = [cell for row in audits.iter_rows() for cell in row
             if isinstance(cell.value, int | float) and cell.number_format == "#,##0.00"]
    assert money, "金额应为带千分位格式的数值"
    rate = [cell for row in audits.iter_rows() for cell in row if cell.number_format == "0.0%"]
    assert rate and all(isinstance(cell.value, int | float) for cell in rate)


def bordered(cell):
    return bool(cell.border.top and cell.border.top.style)


def column_width(sheet, index):
    """The width of column `index` (1-based): a writer may give several equal columns one <col min max>."""
    return next((dimension.width for dimension in sheet.column_dimensions.values()
                 if dimension.min and dimension.min <= index <= dimension.max), None)


def test_print_settings(produced):
    _path, _board, book = produced
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert str(setup.paperSize) == "9"  # A4
        # one page wide (fitToWidth absent means 1, ECMA-376's default), as many pages tall as needed
        assert (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_options.horizontalCentered
        margins = sheet.page_margins
        assert (margins.left, margins.right, margins.top, margins.bottom) == (0.4, 0.4, 0.6, 0.6)
        assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页" and sheet.oddFooter.center.font == "仿宋"
        tabular = sheet.title in ("成员单位报送情况", "干部监督信息明细", "预警名单")
        assert sheet.print_title_rows.replace("$", "") == ("1:3" if tabular else "1:2")
        assert sheet.freeze_panes == ("A4" if tabular else "A3")
        assert any(str(merged).startswith("A1:") for merged in sheet.merged_cells.ranges)
        assert sheet["A1"].font.b and sheet["A1"].font.name == "宋体"
        assert all(column_width(sheet, index) >= 6 for index in range(1, sheet.max_column + 1)), sheet.title
        assert column_width(sheet, 2) >= 10
        header_row = 3 if tabular else next(
            row for row in range(3, sheet.max_row + 1) if sheet.cell(row, 2).font.b and bordered(sheet.cell(row, 2)))
        header = sheet.cell(header_row, 2)
        assert header.font.b and header.font.name == "宋体" and header.border.top.style == "thin"
        assert header.fill.fgColor.rgb.endswith("E7E6E6")
        body = [cell for row in sheet.iter_rows(min_row=header_row + 1) for cell in row
                if cell.value is not None and bordered(cell) and not cell.font.b]
        assert body and all(cell.font.name == "仿宋" for cell in body)


def test_command_writes_the_workbook_and_logs(october, section_head, tmp_path):
    output = tmp_path / "out" / "2026-10.xlsx"
    call_command("export_monthly", "--month", "2026-10", "--output", str(output), "--user", section_head.username,
                 stdout=open("/dev/null", "w"))  # noqa: SIM115
    book = load_workbook(output)
    assert book.sheetnames == list(workbook.SHEETS)
    event = AuditEvent.objects.get(name="dashboard.monthly.exported")
    assert event.action == "export" and event.actor == section_head and event.changes["month"] == "2026-10"


def test_command_without_user_counts_everything(october, tmp_path):
    output = tmp_path / "all.xlsx"
    call_command("export_monthly", "--month", "2026-10", "--output", str(output), stdout=open("/dev/null", "w"))  # noqa: SIM115
    compliance = rows(load_workbook(output)["成员单位报送情况"])
    assert compliance[3][2] == "按时报送"  # liaison figures are there without a user too
    assert AuditEvent.objects.get(name="dashboard.monthly.exported").actor_username == "manage.py"


def test_command_refuses_bad_arguments(staff, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_monthly", "--month", "10/2026", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError):
        call_command("export_monthly", "--month", "2026-10", "--output", str(tmp_path / "x.xlsx"),
                     "--user", staff.username)


def test_a_large_month_streams(october, section_head, tmp_path):
    """Thousands of rows: every row is written, and memory stays far below what holding them would take."""
    report = october.report
    ReportItem.objects.bulk_create([
        ReportItem(report=report, cadre_name=f"批量干部{i}", cadre_post="某局副局长", aspect=Aspect.CONDUCT,
                   description="反映其工作日饮酒。" * 5, source="群众来信", occurred_on=D(2026, 10, 9))
        for i in range(4000)])
    cadre = october.cadres[0]
    SupervisionMeasure.objects.bulk_create([
        SupervisionMeasure(cadre=cadre, kind=MeasureKind.REMINDER_TALK, date=D(2026, 10, 15), reason="提醒")
        for _ in range(2000)])
    path = tmp_path / "large.xlsx"
    tracemalloc.start()
    try:
        workbook.write_monthly(OCT, path, user=section_head, today=TODAY)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 60 * 1024 * 1024, f"峰值内存 {peak / 1024 / 1024:.1f} MB"
    book = load_workbook(path, read_only=True)
    items = [row for row in book["干部监督信息明细"].iter_rows(min_row=4, values_only=True) if row[0]]
    assert len(items) == 4003
    details = [row for row in book["组织处理与监督措施"].iter_rows(values_only=True)
               if len(row) > 1 and isinstance(row[1], datetime.datetime)]
    assert len(details) == 2004


def test_progress_is_reported_sheet_by_sheet(october, section_head, tmp_path):
    seen = []
    workbook.write_monthly(OCT, tmp_path / "p.xlsx", user=section_head, today=TODAY,
                           progress=lambda percent, step: seen.append((percent, step)))
    assert [step for _percent, step in seen] == [f"正在生成：{name}" for name in workbook.SHEETS] + ["正在保存文件"]
    percents = [percent for percent, _step in seen]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] < 100
