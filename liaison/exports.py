"""Rows for the Excel export of a report; core.excel writes them (formula-like text is made safe there)."""

from openpyxl import Workbook

from core import excel

REPORT_HEADER = ["序号", "干部姓名", "单位职务", "一把手", "方面", "具体情况", "信息来源", "发生时间", "严重程度",
                 "匹配干部", "处置情况"]


def report_rows(report, items, *, office):
    """A title row, the header and one row per live item. Internal notes only for the office."""
    yield [f"{report.member_unit} {report.period_label} {report.get_kind_display()}（{report.get_status_display()}）"]
    if report.is_nil:
        yield ["零报告", report.nil_statement]
        return
    yield REPORT_HEADER
    for number, item in enumerate(items, start=1):
        disposals = "；".join(
            f"{d.get_action_display()}（{d.decided_on:%Y-%m-%d}）"
            + (f"：{d.feedback}" if d.feedback else "") + (f" [内部备注：{d.note}]" if office and d.note else "")
            for d in item.disposals.all())
        yield [number, item.cadre_name, item.cadre_post, item.is_principal, item.get_aspect_display(),
               item.description, item.source, item.occurred_on, item.get_severity_display(),
               item.cadre.name if item.cadre_id else "", disposals]


def workbook_bytes(title, rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([excel.write_only_cell(sheet, value) for value in row])
    return excel.workbook_bytes(workbook)


def compliance_rows(matrix):
    """The compliance matrix as rows: a unit per row, a state per month, the on-time rate and items per aspect."""
    aspects = [aspect for aspect, _ in matrix.aspect_total_list]
    yield ["成员单位", *matrix.period_labels, "按时率", *[aspect.label for aspect in aspects], "事项合计"]
    for row in matrix.rows:
        rate = f"{row.on_time_rate}%" if row.on_time_rate is not None else "—"
        yield [row.member_unit.unit.name, *[cell.label for cell in row.cells], rate,
               *[n for _, n in row.aspect_list], row.total_items]
    yield ["合计", *[""] * len(matrix.periods), "", *[n for _, n in matrix.aspect_total_list], matrix.total_items]


LIST_HEADER = ["月份", "成员单位", "类别", "状态", "事项数", "报送期限", "报送时间", "是否逾期", "已处置事项"]


def report_list_rows(reports):
    yield LIST_HEADER
    for report in reports:
        submitted = report.first_submitted_at
        yield [report.period_label, str(report.member_unit), report.get_kind_display(), report.get_status_display(),
               "零报告" if report.is_nil else report.item_count, report.due_date,
               submitted.strftime("%Y-%m-%d %H:%M") if submitted else "", report.is_late, report.disposed_count]
