"""Excel exports: generators of rows, written by core.excel (formula-safe text, dates as dates). The registration
list goes to the public-security side; the yearly reconciliation lists every certificate with its state."""

from openpyxl import Workbook
from openpyxl.styles import Font

from core.excel import workbook_bytes, write_only_cell
from matters.models import CertificateStatus, MattersRules
from matters.services import expiring_soon

REGISTRATION_HEADERS = ["序号", "姓名", "性别", "出生日期", "身份证号", "工作单位", "职务", "职级", "管理层级",
                        "登记备案日期", "撤销备案日期", "撤销原因", "状态", "备注"]


def registration_rows(registrations, *, full_id):
    """`full_id`: whether the user may see full ID numbers (else masked)."""
    for number, registration in enumerate(registrations, start=1):
        cadre = registration.cadre
        yield [number, cadre.name, cadre.get_gender_display(), cadre.birth_date,
               cadre.id_number if full_id else cadre.masked_id_number, cadre.unit.name, cadre.post_title,
               cadre.get_rank_display(), cadre.get_management_level_display(), registration.registered_on,
               registration.removed_on, registration.removal_reason, "备案中" if registration.is_active else "已撤销",
               registration.note]


CERTIFICATE_HEADERS = ["序号", "持证人", "单位", "职务", "证照类别", "证件号码", "签发日期", "有效期至", "签发机关",
                       "应交存日期", "交存日期", "状态", "借出日期", "应交回日期", "核对情况"]


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


def certificate_rows(certificates, on_date, rules=None):
    """`certificates` with `open_loans` prefetched (the loan not yet returned, if any)."""
    rules = rules or MattersRules.current()
    for number, certificate in enumerate(certificates, start=1):
        loans = getattr(certificate, "open_loans", [])
        loan = loans[0] if loans else None
        state = reconciliation_state(certificate, loan, on_date)
        if expiring_soon(certificate, on_date, rules) and certificate.expires_on >= on_date:
            state += f"；有效期不足{rules.expiry_notice_months}个月"
        cadre = certificate.cadre
        yield [number, cadre.name, cadre.unit.name, cadre.post_title, certificate.get_kind_display(),
               certificate.number, certificate.issued_on, certificate.expires_on, certificate.issuing_authority,
               certificate.handover_due, certificate.handed_over_on, certificate.get_status_display(),
               loan.lent_on if loan else None, loan.return_due if loan else None, state]


def reconciliation_workbook(certificates, on_date, year, rules=None):
    """年度证照核对清单: every certificate and its state on `on_date`, and a summary sheet of the counts."""
    rules = rules or MattersRules.current()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{year}年度证照核对")
    bold = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.append([write_only_cell(sheet, header, font=bold) for header in CERTIFICATE_HEADERS])
    counts = {}
    for row in certificate_rows(certificates, on_date, rules):
        sheet.append([write_only_cell(sheet, value) for value in row])
        main = row[-1].split("；")[0]
        counts[main] = counts.get(main, 0) + 1
        if "有效期不足" in row[-1]:
            counts["其中：有效期不足预警期"] = counts.get("其中：有效期不足预警期", 0) + 1
    summary = workbook.create_sheet("汇总")
    summary.append([write_only_cell(summary, f"核对日期：{on_date:%Y年%m月%d日}", font=bold)])
    summary.append([write_only_cell(summary, "情况", font=bold), write_only_cell(summary, "数量", font=bold)])
    for label in ["在库", "借出", "借出逾期未还", "已过期", "已过期（借出未还）", "待交存", "逾期未交存", "已注销",
                  "其中：有效期不足预警期"]:
        summary.append([write_only_cell(summary, label), write_only_cell(summary, counts.get(label, 0))])
    summary.append([write_only_cell(summary, "合计", font=bold),
                    write_only_cell(summary, sum(v for k, v in counts.items() if not k.startswith("其中")))])
    return workbook_bytes(workbook)


APPLICATION_HEADERS = ["申请编号", "申请人", "单位", "职务", "前往国家（地区）", "出发日期", "返回日期", "天数", "事由",
                       "费用来源", "同行人员", "申请日期", "联审意见", "审批机关", "审批日期", "批复文号", "状态",
                       "借出日期", "应交回日期", "交回日期", "逾期天数"]


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


EVENT_HEADERS = ["干部", "单位", "职务", "事项类别", "当事人及关系", "举办日期", "举办地点", "宴席桌数", "邀请人数",
                 "收受礼金礼品", "收受范围", "报告日期", "是否迟报", "备注"]


def event_rows(events):
    for event in events:
        cadre = event.cadre
        yield [cadre.name, cadre.unit.name, cadre.post_title, event.get_kind_display(), event.party,
               event.event_date, event.venue, event.tables, event.guests, event.accepts_gifts, event.gift_scope,
               event.reported_on, event.late, event.note]


ITEM_HEADERS = ["来源", "巡察轮次", "被巡察单位", "问题序号", "反馈问题", "整改措施要求", "责任领导", "责任部门/责任人",
                "整改起算日期", "整改期限", "整改状态", "整改完成日期", "逾期天数"]


def item_rows(items, on_date):
    for item in items:
        inspection = item.inspection
        yield [inspection.get_kind_display(), inspection.round_name, inspection.unit.name, item.number,
               item.problem, item.rectification_required, item.owner_cadre.name if item.owner_cadre_id else "",
               item.owner_name, item.rectification_start, item.rectification_deadline,
               item.get_rectification_status_display(), item.rectification_done_on,
               item.days_overdue(on_date) or None]
