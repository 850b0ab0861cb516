"""What the audits app tells the cadres hub: the warning rule on unrectified findings, and the case source
"audit_due" (a cadre whose economic-responsibility audit is due is audited before promotion)."""

from django.urls import reverse
from django.utils import timezone

from audits import planning
from audits.models import Audit, AuditKind, AuditSubject, Finding
from cadres.registry import CaseRef, register_case_source, register_warning_rule
from cadres.snapshots import register_warning_source
from core import rectification
from core.bundles import steps

UNRECTIFIED_RULE = "audits.unrectified"


def _open_findings(cadre_ids):
    """Open findings naming the cadres: as the responsible cadre, or (none named) as an audited cadre. The two ways
    are a UNION, each read by its own index: as an OR, PostgreSQL read every open finding of the province to check
    both (about 4 ms for one cadre's profile)."""
    subjects = AuditSubject.objects.filter(cadre_id__in=cadre_ids).values("audit_id")
    named = Finding.objects.filter(responsible_cadre_id__in=cadre_ids).order_by().values("pk")
    unnamed = Finding.objects.filter(responsible_cadre__isnull=True, audit_id__in=subjects).order_by().values("pk")
    return Finding.objects.active().filter(rectification.OPEN_Q, pk__in=named.union(unnamed, all=True))


@register_warning_rule(UNRECTIFIED_RULE, "审计发现问题未整改")
@steps
def unrectified_findings(cadres, on_date):
    """{cadre_id: [reason]} for cadres with audit findings not yet rectified (the overdue ones say so)."""
    cadre_ids = cadres.order_by().values("pk") if hasattr(cadres, "values") else [getattr(c, "pk", c) for c in cadres]
    flagged = {}
    findings = yield _open_findings(cadre_ids).select_related("audit").order_by("rectification_deadline")
    subjects = {}
    unowned = {finding.audit_id for finding in findings if finding.responsible_cadre_id is None}
    if unowned:
        for audit_id, cadre_id in (yield AuditSubject.objects.filter(cadre_id__in=cadre_ids, audit_id__in=unowned)
                                   .values_list("audit_id", "cadre_id")):
            subjects.setdefault(audit_id, set()).add(cadre_id)
    for finding in findings:
        overdue = finding.days_overdue(on_date)
        state = f"已逾期{overdue}天" if overdue else f"整改期限{finding.rectification_deadline:%Y-%m-%d}"
        reason = (f"{finding.audit.year}年经济责任审计（{finding.audit.number}）问题{finding.number}"
                  f"{finding.get_rectification_status_display()}，{state}")
        owners = {finding.responsible_cadre_id} if finding.responsible_cadre_id else subjects.get(finding.audit_id, ())
        for cadre_id in owners:
            flagged.setdefault(cadre_id, []).append(reason)
    return flagged


@register_case_source("audit_due")
@steps
def audit_due(cadre):
    """Audits the cadre is due before promotion: open audit projects, and an audit due by the plan rules."""
    refs = []
    for audit in (yield planning.scheduled_audits(cadre)):
        refs.append(CaseRef(topic="audit_due", code=audit.number, label=f"{audit.year}年{audit}",
                            url=audit.get_absolute_url(), status=audit.get_status_display(), is_open=True,
                            date=audit.entry_date, blocks_vetting=True))
    if refs:
        return refs
    today = timezone.localdate()
    for proposal in (yield from planning.suggest.steps(today.year, cadre_ids=[cadre.pk])):
        if proposal.due:
            refs.append(CaseRef(topic="audit_due", code=f"due-{today.year}-{cadre.code}",
                                label=f"应进行{AuditKind(proposal.kind).label}：{proposal.reasons_text}",
                                url=reverse("audits:plan_list"), status="应审未审", is_open=True, date=today,
                                blocks_vetting=True))
    return refs


# An audit's findings count against its audited cadres when no responsible cadre is named.
def _audited_cadres(audit_id):
    return AuditSubject.objects.filter(audit_id=audit_id).values_list("cadre_id", flat=True)


register_warning_source(Finding, lambda finding: _audited_cadres(finding.audit_id))
register_warning_source(Audit, lambda audit: _audited_cadres(audit.pk))
