"""Entries of the matters app on a cadre's integrity profile (廉政档案): travel abroad and certificates, personal
events, 立案审查调查 records, and inspection accountability."""

from cadres.registry import TimelineEntry, register_timeline
from core.bundles import steps
from matters.models import Accountability, CertificateLoan, InvestigationRecord

TRAVEL = "因私出国（境）"


def _travel(cadre, rows):
    entries = []
    for registration in rows["registrations"]:
        entries.append(TimelineEntry(registration.registered_on, TRAVEL, "出入境登记备案", registration.note))
        if registration.removed_on:
            entries.append(TimelineEntry(registration.removed_on, TRAVEL, "撤销出入境登记备案",
                                         registration.removal_reason))
    for certificate in rows["certificates"]:
        if certificate.handed_over_on:
            late = (certificate.handed_over_on - certificate.handover_due).days
            entries.append(TimelineEntry(certificate.handed_over_on, TRAVEL, f"交存{certificate.get_kind_display()}",
                                         f"有效期至{certificate.expires_on:%Y-%m-%d}"
                                         + (f"，逾期{late}天交存" if late > 0 else ""),
                                         certificate.get_absolute_url()))
    for application in rows["applications"]:
        detail = (f"{application.departs_on:%Y-%m-%d}至{application.returns_on:%Y-%m-%d}，"
                  f"{application.get_funding_display()}，{application.get_status_display()}")
        entries.append(TimelineEntry(application.applied_on, TRAVEL,
                                     f"申请赴{application.destination}（{application.number}）", detail,
                                     application.get_absolute_url()))
    for loan in rows["loans"]:
        url = loan.application.get_absolute_url()
        entries.append(TimelineEntry(loan.lent_on, TRAVEL, f"借出{loan.certificate.get_kind_display()}",
                                     f"应于{loan.return_due:%Y-%m-%d}前交回", url))
        if loan.returned_on:
            late = loan.days_late(loan.returned_on)
            entries.append(TimelineEntry(loan.returned_on, TRAVEL, f"交回{loan.certificate.get_kind_display()}"
                                         + (f"（逾期{late}天）" if late else ""), loan.return_report, url))
    return entries


@register_timeline
@steps
def matters_entries(cadre):
    rows = yield {
        "registrations": cadre.exit_entry_registrations.all(),
        "certificates": cadre.travel_certificates.all(),
        "applications": cadre.travel_applications.all(),
        "loans": CertificateLoan.objects.filter(certificate__cadre=cadre).select_related("certificate", "application"),
        "events": cadre.personal_events.all(),
        "investigations": InvestigationRecord.objects.filter(cadre=cadre),
        "accountability": Accountability.objects.filter(cadre=cadre).select_related("inspection__unit"),
    }
    entries = _travel(cadre, rows)
    for event in rows["events"]:
        gifts = f"收受礼金礼品（{event.gift_scope}）" if event.accepts_gifts else "不收受礼金礼品"
        detail = (f"{event.event_date:%Y-%m-%d}，{event.venue}，{event.tables}桌{event.guests}人，{gifts}；"
                  f"{event.reported_on:%Y-%m-%d}报告" + ("（迟报）" if event.late else ""))
        entries.append(TimelineEntry(event.reported_on, "个人重大事项报告",
                                     f"{event.get_kind_display()}：{event.party}", detail, event.get_absolute_url()))
    for record in rows["investigations"]:
        entries.append(TimelineEntry(record.started_on, "立案审查调查",
                                     f"{record.authority}{record.get_kind_display()}", record.notice_ref))
        if record.ended_on:
            entries.append(TimelineEntry(record.ended_on, "立案审查调查", f"{record.get_kind_display()}结束",
                                         record.outcome))
    for accountability in rows["accountability"]:
        entries.append(TimelineEntry(accountability.decided_on, "巡察整改问责",
                                     f"{accountability.get_measure_kind_display()}（{accountability.inspection}）",
                                     accountability.situations_text, accountability.get_absolute_url()))
    return entries
