"""Excel exports. The two lists (projects, the rectification ledger) are background exports (core.exports): rows and
a sheet layout, written by core.xlsx_table; the annual plan is a small, print-ready workbook for the 审计委员会.
Money stays Decimal and is written as a number formatted '#,##0.00'."""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from audits import permissions
from audits.filters import AuditFilter, FindingFilter
from audits.lists import audit_list_queryset, finding_list_queryset
from audits.models import EntryDecision, Mode
from core.excel import set_cell, workbook_bytes
from core.exports import Rows, filtered, register_export
from core.xlsx_table import TableLayout, print_setup

AUDIT_LAYOUT = TableLayout("审计项目", [
    "项目编号", "年度", "被审计单位", "单位类别", "审计对象", "审计类型", "审计方式", "审计期间", "审计机关",
    "进点日期", "审计报告日期", "结果报告日期", "总体评价", "违规金额（元）", "发现问题数", "未整改数", "状态"],
    widths=[14, 6, 28, 8, 16, 10, 8, 24, 16, 12, 12, 12, 10, 16, 8, 8, 10])
FINDING_LAYOUT = TableLayout("整改台账", [
    "项目编号", "年度", "被审计单位", "问题序号", "问题类别", "涉及金额（元）", "问题描述", "责任类型", "责任干部",
    "整改要求", "整改起算日期", "整改期限", "整改状态", "整改完成日期", "逾期天数"],
    widths=[14, 6, 28, 8, 14, 16, 40, 10, 10, 30, 12, 12, 10, 12, 8])


def _period(audit):
    if audit.period_start and audit.period_end:
        return f"{audit.period_start:%Y-%m-%d}至{audit.period_end:%Y-%m-%d}"
    return ""


def audit_rows(audits):
    """`audits` annotated with n_findings and n_open and with subjects prefetched (see lists.audit_list_queryset)."""
    for audit in audits:
        yield [audit.number, audit.year, audit.unit.name, audit.get_category_display(),
               "、".join(s.cadre.name for s in audit.subjects.all()), audit.get_kind_display(),
               audit.get_mode_display(), _period(audit), audit.auditing_body, audit.entry_date, audit.report_date,
               audit.result_report_date, audit.get_assessment_display(), audit.violation_amount, audit.n_findings,
               audit.n_open, audit.get_status_display()]


def finding_rows(findings, on_date=None):
    on_date = on_date or timezone.localdate()
    for finding in findings:
        audit = finding.audit
        yield [audit.number, audit.year, audit.unit.name, finding.number, finding.get_category_display(),
               finding.amount, finding.description, finding.get_responsibility_display(),
               finding.responsible_cadre.name if finding.responsible_cadre_id else "",
               finding.rectification_required, finding.rectification_start, finding.rectification_deadline,
               finding.get_rectification_status_display(), finding.rectification_done_on,
               finding.days_overdue(on_date) or None]


def audit_list_rows(user, params):
    audits = filtered(AuditFilter, audit_list_queryset(user), user, params)
    return Rows(audits.count(), audit_rows(audits.iterator(2000)))


def finding_list_rows(user, params):
    findings = filtered(FindingFilter, finding_list_queryset(user), user, params)
    return Rows(findings.count(), finding_rows(findings.iterator(2000)))


def register():
    register_export("audits", title="经济责任审计项目", may=permissions.can_view, rows=audit_list_rows,
                    layout=AUDIT_LAYOUT, unit_word="项", back=("audits:list", "审计项目"),
                    events=("audits.audit.exported", "audits.audit.export_downloaded"))
    register_export("audit-findings", title="审计整改台账", may=permissions.can_view, rows=finding_list_rows,
                    layout=FINDING_LAYOUT, back=("audits:finding_list", "整改台账"),
                    events=("audits.finding.exported", "audits.finding.export_downloaded"))


# ---------------------------------------------------------------------------------------------------------------
# The annual plan, formatted for print

PLAN_COLUMNS = [("序号", 6), ("单位", 26), ("单位类别", 8), ("审计对象", 10), ("职务", 20), ("审计类型", 10),
                ("审计方式", 8), ("列入理由", 48), ("备注", 14)]
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "仿宋_GB2312"


def _plan_sheet(sheet, title, subtitle, entries, note_of):
    last_column = get_column_letter(len(PLAN_COLUMNS))
    sheet.merge_cells(f"A1:{last_column}1")
    set_cell(sheet, 1, 1, title, font=Font(name="方正小标宋简体", size=18, bold=True),
             alignment=Alignment(horizontal="center", vertical="center"))
    sheet.row_dimensions[1].height = 36
    sheet.merge_cells(f"A2:{last_column}2")
    set_cell(sheet, 2, 1, subtitle, font=Font(name=_FONT, size=11), alignment=Alignment(horizontal="right"))
    header_row = 3
    for column, (header, width) in enumerate(PLAN_COLUMNS, start=1):
        set_cell(sheet, header_row, column, header, font=Font(name="黑体", size=11, bold=True), border=_BORDER,
                 alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        sheet.column_dimensions[get_column_letter(column)].width = width
    row = header_row
    body_font = Font(name=_FONT, size=11)
    for number, entry in enumerate(entries, start=1):
        row += 1
        values = [number, entry.unit.name, entry.get_category_display(), entry.cadre.name, entry.post_title,
                  entry.get_kind_display(), entry.get_mode_display(), "；".join(entry.reasons), note_of(entry)]
        for column, value in enumerate(values, start=1):
            centered = column in (1, 3, 4, 6, 7)
            set_cell(sheet, row, column, value, font=body_font, border=_BORDER,
                     alignment=Alignment(horizontal="center" if centered else "left", vertical="center",
                                         wrap_text=True))
    print_setup(sheet, header_row)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    sheet.freeze_panes = f"A{header_row + 1}"
    return row


def plan_workbook(plan, organization=""):
    entries = list(plan.entries.select_related("cadre", "unit").order_by("unit__path", "id"))
    accepted = [e for e in entries if e.decision == EntryDecision.ACCEPTED]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "审计计划"
    state = plan.get_status_display()
    if plan.approved_on:
        state += f"（{plan.approved_on:%Y年%m月%d日}" + (f"，{plan.approval_ref}" if plan.approval_ref else "") + "）"
    subtitle = f"{organization}　编制日期：{timezone.localdate():%Y年%m月%d日}　状态：{state}".strip("　")
    last = _plan_sheet(sheet, f"{plan.year}年度经济责任审计计划", subtitle, accepted,
                       lambda e: e.decision_note or ("人工添加" if e.origin == "manual" else ""))
    modes = {mode: sum(1 for e in accepted if e.mode == mode) for mode in Mode.values}
    total = f"合计：{len(accepted)}个审计对象（" + "，".join(
        f"{Mode(mode).label}{count}个" for mode, count in modes.items() if count) + "）"
    sheet.merge_cells(f"A{last + 1}:{get_column_letter(len(PLAN_COLUMNS))}{last + 1}")
    set_cell(sheet, last + 1, 1, total, font=Font(name=_FONT, size=11, bold=True))
    others = [e for e in entries if e.decision != EntryDecision.ACCEPTED]
    if others:
        _plan_sheet(workbook.create_sheet("未列入对象"), f"{plan.year}年度经济责任审计计划：建议未列入对象",
                    subtitle, others, lambda e: f"{e.get_decision_display()}：{e.decision_note}".rstrip("："))
    return workbook_bytes(workbook)
