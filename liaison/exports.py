"""Excel exports of the liaison app, written by core.xlsx_table (formula-like text is made safe there). The report
list is a background export (core.exports); a single report and the yearly compliance matrix are small and answered
at once."""

from dataclasses import replace

from django.utils import timezone

from core.exports import Rows, register_export
from core.xlsx_table import TableLayout, table_bytes
from liaison import permissions
from liaison.lists import report_list

REPORT_LAYOUT = TableLayout(
    "通报",
    [
        "序号",
        "干部姓名",
        "单位职务",
        "一把手",
        "方面",
        "具体情况",
        "信息来源",
        "发生时间",
        "严重程度",
        "匹配干部",
        "处置情况",
    ],
    widths=[6, 10, 24, 6, 10, 40, 16, 12, 8, 10, 40],
    wrap=True,
)
NIL_LAYOUT = TableLayout("通报", ["类别", "零报告声明"], widths=[10, 60], wrap=True)
LIST_LAYOUT = TableLayout(
    "通报列表",
    ["月份", "成员单位", "类别", "状态", "事项数", "报送期限", "报送时间", "是否逾期", "已处置事项"],
    widths=[10, 24, 10, 10, 8, 12, 16, 8, 10],
)


def _disposals(item, office):
    """An item's disposals in one cell; internal notes only for the office."""
    return "；".join(
        f"{d.get_action_display()}（{d.decided_on:%Y-%m-%d}）"
        + (f"：{d.feedback}" if d.feedback else "")
        + (f" [内部备注：{d.note}]" if office and d.note else "")
        for d in item.disposals.all()
    )


def report_workbook(report, items, *, office):
    """One report: a row per live item (or its nil statement), titled with the unit, the month and the state."""
    title = f"{report.member_unit} {report.period_label} {report.get_kind_display()}（{report.get_status_display()}）"
    sheet = f"{report.period:%Y-%m}"
    if report.is_nil:
        return table_bytes(replace(NIL_LAYOUT, sheet=sheet), [["零报告", report.nil_statement]], title=title)
    rows = (
        [
            number,
            item.cadre_name,
            item.cadre_post,
            item.is_principal,
            item.get_aspect_display(),
            item.description,
            item.source,
            item.occurred_on,
            item.get_severity_display(),
            item.cadre.name if item.cadre_id else "",
            _disposals(item, office),
        ]
        for number, item in enumerate(items, start=1)
    )
    return table_bytes(replace(REPORT_LAYOUT, sheet=sheet), rows, title=title)


def compliance_workbook(matrix, year):
    """The compliance matrix: a unit per row, a state per month, the on-time rate and items per aspect."""
    aspects = [aspect for aspect, _ in matrix.aspect_total_list]
    layout = TableLayout(
        f"{year}年报送情况",
        ["成员单位", *matrix.period_labels, "按时率", *[aspect.label for aspect in aspects], "事项合计"],
        widths=[24],
    )
    return table_bytes(layout, _compliance_rows(matrix), title=f"成员单位月度通报报送情况（{year}年）")


def _compliance_rows(matrix):
    for row in matrix.rows:
        rate = f"{row.on_time_rate}%" if row.on_time_rate is not None else "—"
        yield [
            row.member_unit.unit.name,
            *[cell.label for cell in row.cells],
            rate,
            *[n for _, n in row.aspect_list],
            row.total_items,
        ]
    yield ["合计", *[""] * len(matrix.periods), "", *[n for _, n in matrix.aspect_total_list], matrix.total_items]


def report_list_rows(user, params):
    """The report list as its filters give it, seen by `user` (the background export's rows)."""
    _filter, reports = report_list(user, params)
    return Rows(reports.count(), _list_rows(reports.iterator(chunk_size=500)))


def _list_rows(reports):
    for report in reports:
        submitted = report.first_submitted_at
        yield [
            report.period_label,
            str(report.member_unit),
            report.get_kind_display(),
            report.get_status_display(),
            "零报告" if report.is_nil else report.item_count,
            report.due_date,
            f"{timezone.localtime(submitted):%Y-%m-%d %H:%M}" if submitted else "",
            report.is_late,
            report.disposed_count,
        ]


def register():
    register_export(
        "liaison-reports",
        title="成员单位通报",
        may=permissions.is_office,
        rows=report_list_rows,
        layout=LIST_LAYOUT,
        unit_word="份",
        back=("liaison:index", "成员单位通报"),
        events=("liaison.report.list_exported", "liaison.report.list_export_downloaded"),
    )
