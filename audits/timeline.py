"""Entries of the audits app on a cadre's integrity profile (廉政档案)."""

from django.db.models import Count, Q

from audits.models import Audit, AuditStatus, ResultUse
from cadres.registry import TimelineEntry, register_timeline
from core import rectification
from core.bundles import steps


@register_timeline
@steps
def audit_entries(cadre):
    entries = []
    audits = (Audit.objects.active().filter(subjects__cadre=cadre).select_related("unit")
              .annotate(n_findings=Count("findings", filter=Q(findings__voided_at__isnull=True)),
                        n_open=Count("findings", filter=Q(findings__voided_at__isnull=True)
                                     & Q(findings__rectification_status__in=rectification.OPEN_STATUSES))))
    rows = yield {"audits": audits, "results": ResultUse.objects.filter(cadre=cadre).select_related("audit")}
    for audit in rows["audits"]:
        date = audit.report_date or audit.entry_date
        if date is None:
            continue  # planned, not started: nothing has happened yet
        title = f"{audit.year}年{audit.get_kind_display()}（{audit.get_mode_display()}）：{audit.unit.display_name}"
        parts = [audit.get_status_display()]
        if audit.status in (AuditStatus.REPORTED, AuditStatus.RESULTS, AuditStatus.CLOSED):
            if audit.assessment:
                parts.append(f"总体评价{audit.get_assessment_display()}")
            parts.append(f"违规金额{audit.violation_amount:,.2f}元")
            parts.append(f"发现问题{audit.n_findings}个，未整改{audit.n_open}个")
        entries.append(TimelineEntry(date, "经济责任审计", title, "，".join(parts), audit.get_absolute_url()))
    for result in rows["results"]:
        detail = result.reason if not result.is_void else f"已作废：{result.void_reason}"
        entries.append(TimelineEntry(result.date, "经济责任审计", f"结果运用：{result.get_kind_display()}",
                                     f"{result.audit.number}：{detail}", result.audit.get_absolute_url()))
    return entries
