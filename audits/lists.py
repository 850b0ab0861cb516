"""The audit project list and the rectification ledger as their pages and their exports (audits/exports.py) read
them: the rows a user may see, with what the list shows, in a fixed number of queries. Pages and exports filter them
with the FilterSets of audits/filters.py."""

from django.db.models import Count, Prefetch, Q

from audits.models import Audit, AuditSubject, Finding
from core import rectification


def audit_list_queryset(user):
    """Audits with everything the list and the export show, in a fixed number of queries."""
    open_q = Q(findings__voided_at__isnull=True, findings__rectification_status__in=rectification.OPEN_STATUSES)
    return (
        Audit.objects.visible_to(user)
        .select_related("unit")
        .prefetch_related(Prefetch("subjects", queryset=AuditSubject.objects.select_related("cadre")))
        .annotate(
            n_findings=Count("findings", filter=Q(findings__voided_at__isnull=True)),
            n_open=Count("findings", filter=open_q),
        )
        .order_by("-year", "seq")
    )


def finding_list_queryset(user):
    return (
        Finding.objects.visible_to(user)
        .filter(voided_at__isnull=True)
        .select_related("audit__unit", "responsible_cadre")
        .order_by("rectification_deadline", "pk")
    )
