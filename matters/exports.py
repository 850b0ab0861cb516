"""Excel exports: generators of rows and their sheet layouts. The lists are background exports (core.exports,
written by core.xlsx_table: formula-safe text, dates as dates); the registration list goes to the public-security
side. The yearly reconciliation (every certificate with its state, and a summary sheet) is answered at once."""

from collections import Counter
from dataclasses import replace

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core.excel import workbook_bytes, write_only_cell
from core.exports import Rows, filtered, register_export
from core.xlsx_table import TableLayout, add_table_sheet
from matters import permissions
from matters.filters import (
    ApplicationFilter,
    CertificateFilter,
    ItemFilter,
    PersonalEventFilter,
    RegistrationFilter,
)
from matters.lists import (
    application_queryset,
    certificate_queryset,
    event_queryset,
    item_queryset,
    registration_queryset,
)
from matters.models import CertificateStatus, MattersRules
from matters.services import expiring_soon

REGISTRATION_LAYOUT = TableLayout("登记备案人员", [
    "序号", "姓名", "性别", "出生日期", "身份证号", "工作单位", "职务", "职级", "管理层级", "登记备案日期",
    "撤销备案日期", "撤销原因", "状态", "备注"], widths=[6, 10, 6, 12, 22, 28, 24, 10, 10, 14, 14, 20, 8, 20])


def registration_rows(registrations, *, full_id):
    """`full_id`: whether the user may see full ID numbers (else masked)."""
    for number, registration in enumerate(registrations, start=1):
        cadre = registration.cadre
        yield [number, cadre.name, cadre.get_gender_display(), cadre.birth_date,
               cadre.id_number if full_id else cadre.masked_id_number, cadre.unit.name, cadre.post_title,
               cadre.get_rank_display(), cadre.get_management_level_display(), registration.registered_on,
               registration.removed_on, registration.removal_reason, "备案中" if registration.is_active else "已撤销",
               registration.note]


CERTIFICATE_LAYOUT = TableLayout("出入境证照", [
    "序号", "持证人", "单位", "职务", "证照类别", "证件号码", "签发日期", "有效期至", "签发机关", "应交存日期",
    "交存日期", "状态", "借出日期", "应交回日期", "核对情况"],
    widths=[6, 10, 28, 24, 14, 14, 12, 12, 20, 12, 12, 10, 12, 12, 30])


def reconciliation_state(certificate, loan, on_date):
    """The state a certificate is counted in on `on_date`: 在库, 借出, 借出逾期未还, 已过期, 待交存, 逾期未交存, 已注销
    (with 有效期不足N个月 added as a note to those held)."""
    if certificate.status == CertificateStatus.CANCELLED:
        return "已注销"
    if certificate.expires_on < on_date:
        return "已过期" + ("（借出未还）" if loan else "")
    if certificate.status == CertificateStatus.LENT and loan is not None:
        return "借出逾期未还" if loan.return_due < on_date else "借出"
    if certificate.status == CertificateStatus.AWAITING:
        return "逾期未交存" if certificate.handover_due < on_date else "待交存"
    return "在库"


def certificate_rows(certificates, on_date):
    """`certificates` with `open_loans` prefetched (the loan not yet returned, if any); the expiry notice is the
    holder's jurisdiction's."""
    rules_for = MattersRules.resolver()
    for number, certificate in enumerate(certificates, start=1):
        loans = getattr(certificate, "open_loans", [])
        loan = loans[0] if loans else None
        state = reconciliation_state(certificate, loan, on_date)
        rules = rules_for(certificate.cadre.unit)
        if expiring_soon(certificate, on_date, rules) and certificate.expires_on >= on_date:
            state += f"；有效期不足{rules.expiry_notice_months}个月"
        cadre = certificate.cadre
        yield [number, cadre.name, cadre.unit.name, cadre.post_title, certificate.get_kind_display(),
               certificate.number, certificate.issued_on, certificate.expires_on, certificate.issuing_authority,
               certificate.handover_due, certificate.handed_over_on, certificate.get_status_display(),
               loan.lent_on if loan else None, loan.return_due if loan else None, state]


RECONCILIATION_LABELS = ["在库", "借出", "借出逾期未还", "已过期", "已过期（借出未还）", "待交存", "逾期未交存",
                         "已注销", "其中：有效期不足预警期"]


def _counted(rows, counts):
    """The rows as they pass, each counted under its main state (and the expiry notice)."""
    for row in rows:
        counts[row[-1].split("；")[0]] += 1
        if "有效期不足" in row[-1]:
            counts["其中：有效期不足预警期"] += 1
        yield row


def reconciliation_workbook(certificates, on_date, year):
    """年度证照核对清单: every certificate and its state on `on_date`, and a summary sheet of the counts."""
    workbook = Workbook(write_only=True)
    counts = Counter()
    add_table_sheet(workbook, replace(CERTIFICATE_LAYOUT, sheet=f"{year}年度证照核对"),
                    _counted(certificate_rows(certificates, on_date), counts),
                    title=f"{year}年度出入境证照核对清单（核对日期：{on_date:%Y年%m月%d日}）")
    summary = workbook.create_sheet("汇总")
    bold = Font(bold=True)
    summary.append([write_only_cell(summary, f"核对日期：{on_date:%Y年%m月%d日}", font=bold)])
    summary.append([write_only_cell(summary, "情况", font=bold), write_only_cell(summary, "数量", font=bold)])
    for label in RECONCILIATION_LABELS:
        summary.append([write_only_cell(summary, label), write_only_cell(summary, counts.get(label, 0))])
    summary.append([write_only_cell(summary, "合计", font=bold),
                    write_only_cell(summary, sum(v for k, v in counts.items() if not k.startswith("其中")))])
    return workbook_bytes(workbook)


APPLICATION_LAYOUT = TableLayout("因私出国（境）申请", [
    "申请编号", "申请人", "单位", "职务", "前往国家（地区）", "出发日期", "返回日期", "天数", "事由", "费用来源",
    "同行人员", "申请日期", "联审意见", "审批机关", "审批日期", "批复文号", "状态", "借出日期", "应交回日期",
    "交回日期", "逾期天数"])


def application_rows(applications, on_date):
    """`applications` with `opinions` and `loan` prefetched/selected."""
    for application in applications:
        cadre = application.cadre
        opinions = "；".join(f"{o.get_department_display()}{o.get_result_display() or '未答复'}"
                            for o in application.opinions.all())
        loan = getattr(application, "loan", None)
        yield [application.number, cadre.name, cadre.unit.name, cadre.post_title, application.destination,
               application.departs_on, application.returns_on, application.days, application.purpose,
               application.get_funding_display(), application.companions, application.applied_on, opinions,
               application.approval_authority, application.decided_on, application.decision_ref,
               application.get_status_display(), loan.lent_on if loan else None, loan.return_due if loan else None,
               loan.returned_on if loan else None, (loan.days_late(on_date) or None) if loan else None]


EVENT_LAYOUT = TableLayout("个人重大事项报告", [
    "干部", "单位", "职务", "事项类别", "当事人及关系", "举办日期", "举办地点", "宴席桌数", "邀请人数", "收受礼金礼品",
    "收受范围", "报告日期", "是否迟报", "备注"])


def event_rows(events):
    for event in events:
        cadre = event.cadre
        yield [cadre.name, cadre.unit.name, cadre.post_title, event.get_kind_display(), event.party,
               event.event_date, event.venue, event.tables, event.guests, event.accepts_gifts, event.gift_scope,
               event.reported_on, event.late, event.note]


ITEM_LAYOUT = TableLayout("巡察整改台账", [
    "来源", "巡察轮次", "被巡察单位", "问题序号", "反馈问题", "整改措施要求", "责任领导", "责任部门/责任人",
    "整改起算日期", "整改期限", "整改状态", "整改完成日期", "逾期天数"],
    widths=[8, 14, 24, 8, 40, 30, 10, 16, 12, 12, 10, 12, 8])


def item_rows(items, on_date):
    for item in items:
        inspection = item.inspection
        yield [inspection.get_kind_display(), inspection.round_name, inspection.unit.name, item.number,
               item.problem, item.rectification_required, item.owner_cadre.name if item.owner_cadre_id else "",
               item.owner_name, item.rectification_start, item.rectification_deadline,
               item.get_rectification_status_display(), item.rectification_done_on,
               item.days_overdue(on_date) or None]


# ---------------------------------------------------------------------------------------------------------------
# The lists as background exports: each list's queryset and filters, as the requester


def registration_list_rows(user, params):
    registrations = filtered(RegistrationFilter, registration_queryset(user), user, params)
    full_id = permissions.can_export_full_id(user)
    return Rows(registrations.count(), registration_rows(registrations.iterator(2000), full_id=full_id))


def certificate_list_rows(user, params):
    certificates = filtered(CertificateFilter, certificate_queryset(user), user, params)
    return Rows(certificates.count(), certificate_rows(certificates, timezone.localdate()))


def application_list_rows(user, params):
    applications = filtered(ApplicationFilter, application_queryset(user), user, params)
    return Rows(applications.count(), application_rows(applications, timezone.localdate()))


def event_list_rows(user, params):
    events = filtered(PersonalEventFilter, event_queryset(user), user, params)
    return Rows(events.count(), event_rows(events.iterator(2000)))


def item_list_rows(user, params):
    items = filtered(ItemFilter, item_queryset(user), user, params)
    return Rows(items.count(), item_rows(items.iterator(2000), timezone.localdate()))


def register():
    kinds = [
        ("matters-registrations", "出入境登记备案人员名单", registration_list_rows, REGISTRATION_LAYOUT, "人",
         "matters:registration_list", "登记备案", "matters.registration"),
        ("matters-certificates", "出入境证照清单", certificate_list_rows, CERTIFICATE_LAYOUT, "本",
         "matters:certificate_list", "证照管理", "matters.certificate"),
        ("matters-applications", "因私出国（境）申请", application_list_rows, APPLICATION_LAYOUT, "件",
         "matters:application_list", "因私出国（境）", "matters.application"),
        ("matters-events", "个人重大事项报告", event_list_rows, EVENT_LAYOUT, "件",
         "matters:event_list", "个人重大事项", "matters.personal_event"),
        ("matters-items", "巡察整改台账", item_list_rows, ITEM_LAYOUT, "条",
         "matters:item_list", "巡察整改", "matters.inspectionitem"),
    ]
    for name, title, rows, layout, unit_word, list_url, list_label, event in kinds:
        register_export(name, title=title, may=permissions.can_view, rows=rows, layout=layout, unit_word=unit_word,
                        back=(list_url, list_label), events=(f"{event}.exported", f"{event}.export_downloaded"))
