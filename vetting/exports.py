"""任前审查意见表: one case on one sheet. `sheet(case)` is what the print page shows; `sheet_rows(case)` yields the
same content as rows for the Excel download."""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from core.excel import set_cell, workbook_bytes
from vetting import checklist, workflow

TITLE = "任前审查意见表"


def _date(value):
    return f"{value:%Y-%m-%d}" if value else ""


def _who(user):
    return user.display_name if user else ""


def candidate_facts(case):
    cadre = case.cadre
    return [
        ("姓名", cadre.name), ("性别", cadre.get_gender_display()),
        ("出生年月", f"{cadre.birth_date:%Y-%m}"), ("民族", cadre.ethnicity),
        ("籍贯", cadre.native_place), ("入党时间", f"{cadre.party_joined_on:%Y-%m}" if cadre.party_joined_on else ""),
        ("学历", cadre.education), ("现任职务", case.post_at_opening_display),
        ("拟任职务", f"{case.proposed_unit.display_name}{case.proposed_title}（{case.get_proposed_rank_display()}）"),
        ("任用方式", case.get_move_kind_display() + ("，实行试用期一年" if case.probation_required else "")),
        ("会议批次", str(case.batch) if case.batch else ""), ("案件编号", case.number),
    ]


def _mark(item):
    if not item.blocking:
        return "【提示】"
    return "【阻止任职·已经部领导批准】" if item.overridden else "【阻止任职】"


def crosscheck_lines(case):
    lines = []
    for check in sorted(case.crosschecks.all(), key=lambda c: (c.run_at, c.pk)):
        items = list(check.items.all())
        found = "；".join(f"{_mark(i)}{i.label}：{i.reason}" for i in items)
        lines.append(f"{check.get_occasion_display()}（{check.run_on:%Y-%m-%d}）：{found or '未发现预警事项'}")
        if check.is_overridden:
            lines.append(f"部领导{_who(check.overridden_by)}于{check.overridden_at:%Y-%m-%d}书面批准："
                         f"{check.override_reason}")
    return lines


def sheet(case):
    return {
        "title": TITLE,
        "facts": candidate_facts(case),
        "steps": checklist.build(case),
        "crosscheck": crosscheck_lines(case),
        "status": case.get_status_display(),
        "status_reason": case.status_reason,
        "handler": _who(case.handler),
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "ready": workflow.meeting_readiness(case),
    }


def sheet_rows(case):
    """(label, value, detail) rows, in the order of the printed sheet."""
    data = sheet(case)
    for label, value in data["facts"]:
        yield (label, value, "")
    for item in data["steps"]:
        recorded = f"{_who(item.recorded_by)} {_date(item.recorded_at and timezone.localtime(item.recorded_at))}"
        detail = "\n".join(line for line in item.lines if line)
        yield (item.label, f"【{item.state_label}】{item.summary}", (detail + "\n" if detail else "")
               + (f"经办：{recorded.strip()}" if item.recorded_by else ""))
    yield ("预警核对", "\n".join(data["crosscheck"]) or "未核对", "")
    status = data["status"] + (f"：{data['status_reason']}" if data["status_reason"] else "")
    yield ("办理状态", status, "")
    yield ("经办人", data["handler"], f"启动{_date(data['opened_on'])}"
           + (f"，办结{_date(data['closed_on'])}" if data["closed_on"] else ""))


def sheet_workbook(case):
    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.title = TITLE
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet_.merge_cells("A1:C1")
    set_cell(sheet_, 1, 1, TITLE, font=Font(size=16, bold=True), alignment=Alignment(horizontal="center"))
    set_cell(sheet_, 2, 1, f"{case.number}  导出日期{timezone.localdate():%Y-%m-%d}")
    row = 3
    for label, value, detail in sheet_rows(case):
        set_cell(sheet_, row, 1, label, font=Font(bold=True), border=border, alignment=wrap)
        set_cell(sheet_, row, 2, value, border=border, alignment=wrap)
        set_cell(sheet_, row, 3, detail, border=border, alignment=wrap)
        row += 1
    for column, width in (("A", 18), ("B", 50), ("C", 60)):
        sheet_.column_dimensions[column].width = width
    sheet_.page_setup.paperSize = sheet_.PAPERSIZE_A4
    sheet_.print_options.gridLines = False
    return workbook_bytes(workbook)
