"""Every domain operation of the matters app: atomic, rows locked for transitions, each written to the audit log.

Public for other apps: `travel_blockers(cadre, on_date)` (why a cadre may not travel now), `measure_channel(kind)`.
Inspection rectification items use core.rectification (start, record_progress, change_deadline, evidence)
directly: there is no second copy of that logic here.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cadres import registry
from cadres.dates import add_months
from cadres.models import CadreStatus, ManagementLevel, SourceChannel
from cadres.services import record_measure
from core import audit as audit_log
from core import numbering, rectification, workdays
from core.refusals import Refused, not_future
from core.transitions import Machine, Transition
from matters.models import (
    Accountability,
    ApplicationStatus,
    BorderCrossing,
    Certificate,
    CertificateLoan,
    CertificateStatus,
    ExitEntryRegistration,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionStatus,
    InvestigationRecord,
    JointReview,
    MattersRules,
    OpinionResult,
    PersonalEvent,
    ReviewDepartment,
    ReviewOpinion,
    TravelApplication,
)

Action = audit_log.Action


class ApplicationBlocked(Refused):
    """The cadre may not travel now; `reasons` says why (shown to the user)."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("不能办理因私出国（境）：" + "；".join(self.reasons))


def _today():
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------------------------
# Registration (登记备案)

# Cadres in these states have left the managed levels: their registration should be removed.
LEFT_STATUSES = (CadreStatus.REMOVED, CadreStatus.TRANSFERRED)


@transaction.atomic
def register_cadre(cadre, registered_on, *, note="", actor, request=None):
    if ExitEntryRegistration.objects.select_for_update().filter(cadre=cadre, removed_on__isnull=True).exists():
        raise Refused(f"{cadre.name}已登记备案")
    not_future(registered_on, "登记备案日期")
    registration = ExitEntryRegistration.objects.create(cadre=cadre, registered_on=registered_on,
                                                        note=(note or "")[:200], created_by=actor)
    audit_log.record(actor, Action.CREATE, "matters.registration.created", registration, request=request,
                     summary=f"出入境登记备案：{cadre.name}（{registered_on:%Y-%m-%d}）")
    return registration


@transaction.atomic
def remove_registration(registration, removed_on, reason, *, actor, request=None):
    """撤销备案 when the cadre leaves the managed levels (with a reason); the row stays in the record."""
    registration = ExitEntryRegistration.objects.select_for_update().get(pk=registration.pk)
    reason = (reason or "").strip()
    if not registration.is_active:
        raise Refused("该备案已撤销")
    if not reason:
        raise Refused("撤销备案须说明原因")
    if removed_on < registration.registered_on:
        raise Refused("撤销日期不能早于登记备案日期")
    not_future(removed_on, "撤销日期")
    registration.removed_on, registration.removal_reason = removed_on, reason[:200]
    registration.save(update_fields=["removed_on", "removal_reason"])
    audit_log.record(actor, Action.UPDATE, "matters.registration.removed", registration, request=request,
                     summary=f"撤销出入境登记备案：{registration.cadre.name}", changes={"reason": reason})
    return registration


# ---------------------------------------------------------------------------------------------------------------
# Certificates (证照管理)

# The one table of certificate status changes. Lending and return go through the travel application
# (lend_certificate / return_certificate) and follow the same table.
CERTIFICATE_MACHINE = Machine(CertificateStatus, [
    Transition("hand_over", "交存", source=CertificateStatus.AWAITING, target=CertificateStatus.IN_CUSTODY),
    Transition("lend", "借出", source=CertificateStatus.IN_CUSTODY, target=CertificateStatus.LENT),
    Transition("return", "交回", source=CertificateStatus.LENT, target=CertificateStatus.IN_CUSTODY),
    Transition("cancel", "注销", source=(CertificateStatus.AWAITING, CertificateStatus.IN_CUSTODY),
               target=CertificateStatus.CANCELLED),
])


def rules_of(cadre):
    """The numbers of the cadre's jurisdiction: his county's own, else the city's (core.models.JurisdictionSettings)."""
    return MattersRules.for_unit(cadre.unit_id)


def handover_due(cadre, issued_on):
    """A newly issued certificate is handed over within N (10) calendar days of issue."""
    return workdays.add_calendar_days(issued_on, rules_of(cadre).handover_days).date


def expiry_notice_from(expires_on, rules):
    """The day from which a certificate's expiry is flagged (N = 6 months before it)."""
    return add_months(expires_on, -rules.expiry_notice_months)


def expiring_soon(certificate, on_date, rules=None):
    """`rules`: the holder's jurisdiction's (read when not given)."""
    rules = rules or rules_of(certificate.cadre)
    return certificate.is_held and expiry_notice_from(certificate.expires_on, rules) <= on_date


@transaction.atomic
def add_certificate(cadre, *, kind, number, issued_on, expires_on, issuing_authority="", note="",
                    handed_over_on=None, actor, request=None):
    """Record a certificate; it is 待交存 until handed over (due N days after issue) unless handed over already."""
    number = (number or "").strip().upper()
    if not number:
        raise Refused("请填写证件号码")
    if expires_on <= issued_on:
        raise Refused("有效期至须晚于签发日期")
    if Certificate.objects.filter(kind=kind, number=number).exists():
        raise Refused("该证件号码已登记")
    certificate = Certificate(cadre=cadre, kind=kind, number=number, issued_on=issued_on, expires_on=expires_on,
                              issuing_authority=issuing_authority, note=(note or "")[:200], created_by=actor,
                              handover_due=handover_due(cadre, issued_on))
    if handed_over_on is not None:
        if handed_over_on < issued_on:
            raise Refused("交存日期不能早于签发日期")
        not_future(handed_over_on, "交存日期")
        certificate.status, certificate.handed_over_on = CertificateStatus.IN_CUSTODY, handed_over_on
    certificate.save()
    audit_log.record(actor, Action.CREATE, "matters.certificate.created", certificate, request=request,
                     summary=f"登记证照：{certificate}，{certificate.get_status_display()}",
                     changes={"handover_due": str(certificate.handover_due),
                              "expires_on": str(certificate.expires_on)})
    return certificate


@transaction.atomic
def hand_over(certificate, on_date, *, actor, request=None):
    """交存: the cadre hands the new certificate to the office (late when after the due date)."""
    certificate = Certificate.objects.select_for_update().select_related("cadre").get(pk=certificate.pk)
    changes = CERTIFICATE_MACHINE.apply(certificate, "hand_over")
    if on_date < certificate.issued_on:
        raise Refused("交存日期不能早于签发日期")
    not_future(on_date, "交存日期")
    certificate.handed_over_on = on_date
    certificate.save(update_fields=["status", "handed_over_on"])
    late = (on_date - certificate.handover_due).days
    audit_log.record(actor, Action.UPDATE, "matters.certificate.handed_over", certificate, request=request,
                     summary=f"证照交存：{certificate}" + (f"（逾期{late}天）" if late > 0 else ""), changes=changes)
    return certificate


@transaction.atomic
def cancel_certificate(certificate, on_date, reason, *, actor, request=None):
    """注销 (expired, replaced, or handed back on leaving the managed levels): kept in the record, with a reason."""
    certificate = Certificate.objects.select_for_update().select_related("cadre").get(pk=certificate.pk)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("注销证照须说明原因")
    changes = CERTIFICATE_MACHINE.apply(certificate, "cancel")
    certificate.cancelled_on, certificate.cancel_reason = on_date, reason[:200]
    certificate.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    audit_log.record(actor, Action.UPDATE, "matters.certificate.cancelled", certificate, request=request,
                     summary=f"注销证照：{certificate}", changes={**changes, "reason": reason})
    return certificate


# ---------------------------------------------------------------------------------------------------------------
# Travel applications (因私出国（境）)

AUTHORITY_BY_LEVEL = {
    ManagementLevel.PROVINCE: "省委组织部",
    ManagementLevel.CITY: "市委组织部",
    ManagementLevel.COUNTY: "县委组织部",
    ManagementLevel.OTHER: "主管部门党组（党委）",
}


def approval_authority(cadre):
    """The authority that approves by the cadre's management level (干部管理权限); a principal leader's trip also
    goes to the committee's principal leader."""
    authority = AUTHORITY_BY_LEVEL.get(cadre.management_level, AUTHORITY_BY_LEVEL[ManagementLevel.OTHER])
    if cadre.is_principal and cadre.management_level == ManagementLevel.COUNTY:
        return "县委主要领导（经县委组织部）"
    return authority


def travel_blockers(cadre, on_date=None):
    """Reasons the cadre may not go abroad now: an open 立案审查调查 record, or an open petition case with specific
    clues (read through cadres.registry, never the petitions app)."""
    on_date = on_date or _today()
    reasons = []
    for record in InvestigationRecord.objects.filter(cadre=cadre, started_on__lte=on_date).order_by("started_on"):
        if record.is_open_on(on_date):
            reasons.append(f"正在接受{record.authority}{record.get_kind_display()}（{record.started_on:%Y-%m-%d}立案）")
    for ref in registry.cases_about(cadre, "petition"):
        if ref.is_open and ref.blocks_vetting:
            reasons.append(f"有线索具体的信访举报尚未办结：{ref.label}（{ref.status}）")
    return reasons


def opinion_reply_due(requested_on, rules):
    """联审 reply deadline: N (5; `rules`, the applicant's jurisdiction's) working days after the request; a
    Deadline(date, provisional)."""
    return workdays.add_working_days(requested_on, rules.opinion_reply_working_days)


CASE_NUMBER_SERIES = "matters.travel_application"  # core.models.YearlyCounter.series; YS-<year>-<seq>


def _next_number(year, jurisdiction):
    """(seq, YS-<year>-<seq>; a county's YS-<county>-<year>-<seq>), gap-free (core.numbering)."""
    seq = numbering.next_number(CASE_NUMBER_SERIES, year, jurisdiction)
    return seq, f"YS-{numbering.segment(jurisdiction)}{year}-{seq:03d}"


def create_application(cadre, *, applied_on=None, actor, request=None, **details):
    """Record an application and ask the four departments for their opinions (联审). Refused, with the reasons,
    while the cadre is under investigation or named in an open petition case with specific clues (the refusal
    is logged, outside the transaction that would roll it back)."""
    applied_on = applied_on or _today()
    blockers = travel_blockers(cadre, applied_on)
    if blockers:
        audit_log.record(actor, Action.DENIED, "matters.application.blocked", cadre, request=request,
                         summary=f"因私出国（境）申请未受理：{cadre.name}", changes={"reasons": blockers})
        raise ApplicationBlocked(blockers)
    return _create_application(cadre, applied_on=applied_on, actor=actor, request=request, **details)


@transaction.atomic
def _create_application(cadre, *, destination, departs_on, returns_on, purpose, funding, funding_note="",
                        companions="", certificate=None, applied_on, actor, request=None):
    if returns_on < departs_on:
        raise Refused("返回日期不能早于出发日期")
    if departs_on < applied_on:
        raise Refused("出发日期不能早于申请日期")
    if certificate is not None:
        if certificate.cadre_id != cadre.pk:
            raise Refused("所选证照不属于申请人")
        if certificate.status == CertificateStatus.CANCELLED:
            raise Refused("所选证照已注销")
        if certificate.expires_on < returns_on:
            raise Refused(f"所选证照有效期至{certificate.expires_on:%Y-%m-%d}，不足以覆盖行程")
    seq, number = _next_number(applied_on.year, numbering.jurisdiction_of(actor))
    application = TravelApplication.objects.create(
        number=number, year=applied_on.year, seq=seq, cadre=cadre,
        certificate=certificate, destination=destination.strip(), departs_on=departs_on, returns_on=returns_on,
        purpose=purpose.strip(), funding=funding, funding_note=funding_note, companions=companions,
        applied_on=applied_on, approval_authority=approval_authority(cadre), created_by=actor)
    due = opinion_reply_due(applied_on, rules_of(cadre))
    ReviewOpinion.objects.bulk_create([
        ReviewOpinion(application=application, department=department, requested_on=applied_on, reply_due=due.date,
                      reply_due_provisional=due.provisional)
        for department in ReviewDepartment.values])
    audit_log.record(actor, Action.CREATE, "matters.application.created", application, request=request,
                     summary=f"因私出国（境）申请：{application}，联审意见答复期限{due}")
    return application


# The one table of application transitions. "reviewed" happens by itself when the last of the four opinions is
# recorded.
A = ApplicationStatus
APPLICATION_MACHINE = Machine(A, [
    Transition("reviewed", "联审完毕", source=A.REVIEWING, target=A.REVIEWED),
    Transition("approve", "批准", source=A.REVIEWED, target=A.APPROVED),
    Transition("reject", "不予批准", source=(A.REVIEWING, A.REVIEWED), target=A.REJECTED,
               required={"reason": "审批意见"}),
    Transition("withdraw", "撤回", source=(A.REVIEWING, A.REVIEWED, A.APPROVED), target=A.WITHDRAWN,
               required={"reason": "撤回原因"}),
    Transition("lend", "借出证照", source=A.APPROVED, target=A.TRAVELLING),
    Transition("return", "交回证照", source=A.TRAVELLING, target=A.COMPLETED),
])


def _lock_application(application):
    return TravelApplication.objects.select_for_update().select_related("cadre").get(pk=application.pk)


@transaction.atomic
def record_opinion(application, department, *, replied_on, result, note="", actor, request=None):
    """Record one department's reply; when all four have replied the application awaits approval."""
    application = _lock_application(application)
    if application.status != ApplicationStatus.REVIEWING:
        raise Refused(f"申请当前为“{application.get_status_display()}”，不能再记录联审意见")
    opinion = application.opinions.select_for_update().get(department=department)
    if opinion.is_replied:
        raise Refused(f"{opinion.get_department_display()}意见已记录")
    if result not in OpinionResult.values:
        raise Refused("请选择意见")
    if replied_on < opinion.requested_on:
        raise Refused("答复日期不能早于征求意见日期")
    not_future(replied_on, "答复日期")
    note = (note or "").strip()
    if result == OpinionResult.DISAGREE and not note:
        raise Refused("不同意的，须填写意见说明")
    opinion.replied_on, opinion.result, opinion.note, opinion.recorded_by = replied_on, result, note, actor
    opinion.save(update_fields=["replied_on", "result", "note", "recorded_by"])
    late = replied_on > opinion.reply_due
    audit_log.record(actor, Action.UPDATE, "matters.opinion.recorded", application, request=request,
                     summary=f"联审意见：{opinion.get_department_display()}{opinion.get_result_display()}"
                             + ("（逾期答复）" if late else ""),
                     changes={"department": department, "result": result})
    if not application.opinions.filter(replied_on__isnull=True).exists():
        changes = APPLICATION_MACHINE.apply(application, "reviewed")
        application.save(update_fields=["status"])
        audit_log.record(actor, Action.UPDATE, "matters.application.reviewed", application, request=request,
                         summary=f"{application.number}：联审完毕，待{application.approval_authority}审批",
                         changes=changes)
    return opinion


@transaction.atomic
def approve(application, *, decided_on, decision_ref="", actor, request=None):
    """Record the approval of the authority; only after the joint review, with every department agreeing, and
    while nothing blocks the cadre."""
    application = _lock_application(application)
    changes = APPLICATION_MACHINE.apply(application, "approve")
    disagreeing = [o.get_department_display() for o in application.opinions.filter(result=OpinionResult.DISAGREE)]
    if disagreeing:
        raise Refused(f"{'、'.join(disagreeing)}不同意，不能批准")
    blockers = travel_blockers(application.cadre, decided_on)
    if blockers:
        raise ApplicationBlocked(blockers)
    if decided_on < application.applied_on:
        raise Refused("审批日期不能早于申请日期")
    not_future(decided_on, "审批日期")
    application.decided_on, application.decision_ref = decided_on, (decision_ref or "").strip()[:100]
    application.save(update_fields=["status", "decided_on", "decision_ref"])
    audit_log.record(actor, Action.UPDATE, "matters.application.approved", application, request=request,
                     summary=f"{application.number}：{application.approval_authority}批准", changes=changes)
    return application


@transaction.atomic
def reject(application, *, decided_on, reason, actor, request=None):
    application = _lock_application(application)
    reason = (reason or "").strip()
    changes = APPLICATION_MACHINE.apply(application, "reject", data={"reason": reason})
    not_future(decided_on, "审批日期")
    application.decided_on, application.decision_note = decided_on, reason[:300]
    application.save(update_fields=["status", "decided_on", "decision_note"])
    audit_log.record(actor, Action.UPDATE, "matters.application.rejected", application, request=request,
                     summary=f"{application.number}：不予批准", changes={**changes, "reason": reason})
    return application


@transaction.atomic
def withdraw(application, *, reason, actor, request=None):
    application = _lock_application(application)
    reason = (reason or "").strip()
    changes = APPLICATION_MACHINE.apply(application, "withdraw", data={"reason": reason})
    application.decision_note = reason[:300]
    application.save(update_fields=["status", "decision_note"])
    audit_log.record(actor, Action.UPDATE, "matters.application.withdrawn", application, request=request,
                     summary=f"{application.number}：撤回", changes={**changes, "reason": reason})
    return application


def return_due(cadre, returns_on):
    """The certificate comes back within N (7; the cadre's jurisdiction's) calendar days after the cadre returns."""
    return workdays.add_calendar_days(returns_on, rules_of(cadre).return_days).date


@transaction.atomic
def lend_certificate(application, *, lent_on, certificate=None, actor, request=None):
    """Lend the certificate for an approved trip; it is due back N days after the trip's return date."""
    application = _lock_application(application)
    certificate = certificate or application.certificate
    if certificate is None:
        raise Refused("请选择借出的证照")
    certificate = Certificate.objects.select_for_update().select_related("cadre").get(pk=certificate.pk)
    if certificate.cadre_id != application.cadre_id:
        raise Refused("所选证照不属于申请人")
    app_changes = APPLICATION_MACHINE.apply(application, "lend")
    cert_changes = CERTIFICATE_MACHINE.apply(certificate, "lend")
    if certificate.expires_on < application.returns_on:
        raise Refused(f"证照有效期至{certificate.expires_on:%Y-%m-%d}，不足以覆盖行程")
    if lent_on > application.departs_on:
        raise Refused("借出日期不能晚于出发日期")
    if application.decided_on and lent_on < application.decided_on:
        raise Refused("借出日期不能早于审批日期")
    not_future(lent_on, "借出日期")
    loan = CertificateLoan.objects.create(certificate=certificate, application=application, lent_on=lent_on,
                                          return_due=return_due(application.cadre, application.returns_on),
                                          lent_by=actor)
    application.certificate = certificate
    application.save(update_fields=["status", "certificate"])
    certificate.save(update_fields=["status"])
    audit_log.record(actor, Action.UPDATE, "matters.certificate.lent", certificate, request=request,
                     summary=f"借出证照：{certificate}（{application.number}），应于{loan.return_due:%Y-%m-%d}前交回",
                     changes={**cert_changes, "application": application.number})
    audit_log.record(actor, Action.UPDATE, "matters.application.lent", application, request=request,
                     summary=f"{application.number}：已领证出行", changes=app_changes)
    return loan


@transaction.atomic
def return_certificate(application, *, returned_on, report, actor, request=None):
    """The certificate comes back with a short report on the trip; a return after the due date is late."""
    application = _lock_application(application)
    app_changes = APPLICATION_MACHINE.apply(application, "return")
    loan = CertificateLoan.objects.select_for_update().get(application=application)
    certificate = Certificate.objects.select_for_update().select_related("cadre").get(pk=loan.certificate_id)
    report = (report or "").strip()
    if not report:
        raise Refused("请填写回国（境）报告")
    cert_changes = CERTIFICATE_MACHINE.apply(certificate, "return")
    if returned_on < loan.lent_on:
        raise Refused("交回日期不能早于借出日期")
    not_future(returned_on, "交回日期")
    loan.returned_on, loan.return_report, loan.received_by = returned_on, report, actor
    loan.save(update_fields=["returned_on", "return_report", "received_by"])
    certificate.save(update_fields=["status"])
    application.save(update_fields=["status"])
    late = loan.days_late(returned_on)
    audit_log.record(actor, Action.UPDATE, "matters.certificate.returned", certificate, request=request,
                     summary=f"交回证照：{certificate}（{application.number}）" + (f"，逾期{late}天" if late else ""),
                     changes={**cert_changes, "days_late": late})
    audit_log.record(actor, Action.UPDATE, "matters.application.returned", application, request=request,
                     summary=f"{application.number}：证照已交回", changes=app_changes)
    return loan


# ---------------------------------------------------------------------------------------------------------------
# 立案审查调查 records (entered by staff; they block travel applications)


@transaction.atomic
def record_investigation(cadre, *, kind, started_on, authority="县纪委监委", notice_ref="", actor, request=None):
    not_future(started_on, "立案日期")
    record = InvestigationRecord.objects.create(cadre=cadre, kind=kind, started_on=started_on,
                                                authority=authority or "县纪委监委", notice_ref=notice_ref,
                                                created_by=actor)
    audit_log.record(actor, Action.CREATE, "matters.investigation.created", record, request=request,
                     summary=f"登记立案审查调查：{record}")
    return record


@transaction.atomic
def close_investigation(record, *, ended_on, outcome, actor, request=None):
    record = InvestigationRecord.objects.select_for_update().select_related("cadre").get(pk=record.pk)
    if record.ended_on is not None:
        raise Refused("该记录已结束")
    if ended_on < record.started_on:
        raise Refused("结束日期不能早于立案日期")
    not_future(ended_on, "结束日期")
    record.ended_on, record.outcome = ended_on, (outcome or "").strip()[:200]
    record.save(update_fields=["ended_on", "outcome"])
    audit_log.record(actor, Action.UPDATE, "matters.investigation.closed", record, request=request,
                     summary=f"立案审查调查结束：{record}")
    return record


# ---------------------------------------------------------------------------------------------------------------
# Major personal events (个人重大事项报告)


def is_late_report(cadre, event_date, reported_on):
    """Late when reported less than N (1; the cadre's jurisdiction's) days before the event (i.e. on the day or
    after it, by default)."""
    return reported_on > event_date - datetime.timedelta(days=rules_of(cadre).event_report_lead_days)


@transaction.atomic
def report_personal_event(cadre, *, kind, party, event_date, venue, tables, guests, accepts_gifts, reported_on,
                          gift_scope="", note="", actor, request=None):
    not_future(reported_on, "报告日期")
    if accepts_gifts and not (gift_scope or "").strip():
        raise Refused("收受礼金礼品的，须填写收受范围")
    event = PersonalEvent.objects.create(
        cadre=cadre, kind=kind, party=party, event_date=event_date, venue=venue, tables=tables or 0,
        guests=guests or 0, accepts_gifts=accepts_gifts, gift_scope=(gift_scope or "").strip(),
        reported_on=reported_on, late=is_late_report(cadre, event_date, reported_on), note=note, created_by=actor)
    audit_log.record(actor, Action.CREATE, "matters.personal_event.created", event, request=request,
                     summary=f"个人重大事项报告：{event}" + ("（迟报）" if event.late else ""))
    return event


# ---------------------------------------------------------------------------------------------------------------
# Inspection rectification (巡察整改联督)

# The cadres SourceChannel a measure from each kind of inspection names.
CHANNEL_FOR_KIND = {
    InspectionKind.INSPECTION: SourceChannel.INSPECTION,
    InspectionKind.WORK_STYLE: SourceChannel.WORK_STYLE,
    InspectionKind.SUPERVISOR: SourceChannel.SUPERVISOR,
}


def measure_channel(kind):
    return CHANNEL_FOR_KIND[kind]


@transaction.atomic
def create_inspection(unit, *, kind, round_name, team, feedback_on, feedback, secretary=None, actor, request=None):
    if secretary is not None and not secretary.unit.path.startswith(unit.path):
        raise Refused("党组织书记须为被巡察单位的干部")
    not_future(feedback_on, "反馈日期")
    inspection = Inspection.objects.create(unit=unit, kind=kind, round_name=round_name.strip(), team=team,
                                           feedback_on=feedback_on, feedback=feedback, secretary=secretary,
                                           created_by=actor)
    audit_log.record(actor, Action.CREATE, "matters.inspection.created", inspection, request=request,
                     summary=f"登记{inspection.get_kind_display()}反馈：{inspection}")
    return inspection


def _lock_inspection(inspection):
    return Inspection.objects.select_for_update().select_related("unit").get(pk=inspection.pk)


@transaction.atomic
def add_item(inspection, *, problem, rectification_required, owner_cadre=None, owner_name="", start_date=None,
             deadline=None, actor, request=None):
    """A rectification item; its deadline defaults to N (60) days after the feedback (core.rectification)."""
    inspection = _lock_inspection(inspection)
    if inspection.status != InspectionStatus.RECTIFYING:
        raise Refused("整改已完成，不能再登记整改事项")
    number = (inspection.items.aggregate(m=Max("number"))["m"] or 0) + 1
    item = InspectionItem(inspection=inspection, number=number, problem=problem, owner_cadre=owner_cadre,
                          owner_name=owner_name, rectification_required=rectification_required, created_by=actor)
    rectification.start(item, start_date or inspection.feedback_on,
                        MattersRules.for_unit(inspection.unit_id).inspection_rectification_days, deadline=deadline)
    item.save()
    audit_log.record(actor, Action.CREATE, "matters.inspectionitem.created", item, request=request,
                     summary=f"登记整改事项：{item}，期限{item.rectification_deadline:%Y-%m-%d}")
    return item


def void_item(item, reason, *, actor, request=None):
    return rectification.void_item(item, reason, noun="事项", actor=actor, request=request)


@transaction.atomic
def record_joint_review(inspection, *, held_on, discipline_opinion, organization_opinion, inspection_office_opinion,
                        inspection_team_opinion, secretary_answers, conclusion, actor, request=None):
    """四方会审: the four parties' opinions and the Party secretary's answers, with the conclusion."""
    inspection = _lock_inspection(inspection)
    not_future(held_on, "会审日期")
    if held_on < inspection.feedback_on:
        raise Refused("会审日期不能早于反馈日期")
    review = JointReview.objects.create(
        inspection=inspection, held_on=held_on, discipline_opinion=discipline_opinion,
        organization_opinion=organization_opinion, inspection_office_opinion=inspection_office_opinion,
        inspection_team_opinion=inspection_team_opinion, secretary_answers=secretary_answers,
        conclusion=conclusion, created_by=actor)
    audit_log.record(actor, Action.CREATE, "matters.jointreview.created", inspection, request=request,
                     summary=f"四方会审：{inspection}，{review.get_conclusion_display()}")
    return review


@transaction.atomic
def hold_accountable(inspection, *, situations, measure_kind, decided_on, reason, cadre=None, actor, request=None):
    """问责 of the unit's Party secretary in one or more of the listed situations: recorded here and as a
    supervision measure of the cadres app (cadres.services.record_measure, source 巡察)."""
    inspection = _lock_inspection(inspection)
    cadre = cadre or inspection.secretary
    if cadre is None:
        raise Refused("请先登记被巡察单位的党组织书记")
    labels = [str(getattr(s, "label", s)) for s in situations]
    if not labels:
        raise Refused("请选择问责情形")
    reason = (reason or "").strip()
    if not reason:
        raise Refused("请填写事实与理由")
    not_future(decided_on, "决定日期")
    text = f"{inspection.get_kind_display()}整改问责（{inspection.round_name}）：{'；'.join(labels)}。{reason}"
    measure = record_measure(cadre, measure_kind, decided_on, text, actor=actor,
                             source_channel=measure_channel(inspection.kind), source=inspection, request=request)
    accountability = Accountability.objects.create(inspection=inspection, cadre=cadre, situations=labels,
                                                   measure_kind=measure_kind, decided_on=decided_on, reason=reason,
                                                   measure=measure, created_by=actor)
    audit_log.record(actor, Action.CREATE, "matters.accountability.created", accountability, request=request,
                     summary=f"巡察整改问责：{accountability}",
                     # as text: a list of two would read as [old, new] in the change history
                     changes={"situations": "；".join(labels)})
    return accountability


@transaction.atomic
def close_inspection(inspection, *, closed_on, actor, request=None):
    inspection = _lock_inspection(inspection)
    if inspection.status == InspectionStatus.CLOSED:
        raise Refused("已是整改完成状态")
    open_count = inspection.items.active().filter(rectification.OPEN_Q).count()
    if open_count:
        raise Refused(f"尚有{open_count}个整改事项未完成，不能办结")
    not_future(closed_on, "完成日期")
    inspection.status, inspection.closed_on = InspectionStatus.CLOSED, closed_on
    inspection.save(update_fields=["status", "closed_on"])
    audit_log.record(actor, Action.UPDATE, "matters.inspection.closed", inspection, request=request,
                     summary=f"巡察整改完成：{inspection}")
    return inspection


# ---------------------------------------------------------------------------------------------------------------
# Provisional deadlines


@workdays.register_recompute
def recompute_opinions_for_schedule(first, last):
    """core.workdays hook: 联审 reply deadlines (N working days after the request) counted from on or before
    `last` that end on or after `first` follow the changed holiday schedule; unanswered ones tell the registrar."""
    moves = []
    rules_for = MattersRules.resolver()
    reaching = (ReviewOpinion.objects.filter(requested_on__lte=last, reply_due__gte=first)
                .select_related("application__cadre__unit", "application__created_by")
                .select_for_update(of=("self",)))
    for opinion in reaching:
        due = opinion_reply_due(opinion.requested_on, rules_for(opinion.application.cadre.unit))
        if (due.date, due.provisional) == (opinion.reply_due, opinion.reply_due_provisional):
            continue
        old = opinion.reply_due
        ReviewOpinion.objects.filter(pk=opinion.pk).update(reply_due=due.date, reply_due_provisional=due.provisional)
        application = opinion.application
        if due.date != old and opinion.replied_on is None and application.created_by is not None:
            moves.append(workdays.Move(application, f"opinion_{opinion.department}_reply_due",
                                       f"{opinion.get_department_display()}联审答复期限", old, due.date,
                                       due.provisional, (application.created_by,),
                                       f"因私出国（境）申请 {application.cadre.name}", application.get_absolute_url()))
    return moves


# --- exit-entry records (出入境记录, pushed by the 公安 system) ---------------------------------------------------

# Statuses of an application that allow the travel (approved, on the way, back).
TRAVEL_ALLOWED = (ApplicationStatus.APPROVED, ApplicationStatus.TRAVELLING, ApplicationStatus.COMPLETED)


@transaction.atomic
def record_crossing(*, id_number, direction, crossed_on, port, document_number="", actor, request=None):
    """One 出入境记录 for a cadre with an active 登记备案, matched to the approved application whose dates contain
    the day. Without one the record stays unmatched, and the warning rule matters.unapproved_crossing flags the
    cadre. The same record pushed twice is stored once. Returns (crossing, created)."""
    not_future(crossed_on, "出入境日期")
    registration = (ExitEntryRegistration.objects.select_related("cadre")
                    .filter(cadre__id_number=(id_number or "").strip().upper(), removed_on__isnull=True).first())
    if registration is None:
        raise Refused("未找到该身份证号的登记备案干部", field="id_number")
    cadre = registration.cadre
    application = (TravelApplication.objects.filter(cadre=cadre, status__in=TRAVEL_ALLOWED,
                                                    departs_on__lte=crossed_on, returns_on__gte=crossed_on)
                   .order_by("-departs_on").first())
    crossing, created = BorderCrossing.objects.get_or_create(
        cadre=cadre, direction=direction, crossed_on=crossed_on, port=port.strip()[:100],
        defaults={"document_number": document_number.strip()[:30], "application": application,
                  "reported_by": actor})
    if created:
        audit_log.record(actor, audit_log.Action.CREATE, "matters.crossing.recorded", crossing, request=request,
                         summary=f"接收出入境记录：{crossing}",
                         changes={"application": application.number if application else ""})
    return crossing, created
