"""What audits makes searchable (core.search): audit projects by number, the audited unit, a subject cadre's name
or ID, or the summary."""

from django.db.models import Exists, OuterRef, Q

from audits.models import Audit, AuditSubject
from cadres.search import matching_cadres
from core.search import Hit, Source, register


def _find(user, query):
    subject = AuditSubject.objects.filter(audit=OuterRef("pk"), cadre__in=matching_cadres(query))
    matched = (Q(number__icontains=query.text) | Q(unit__name__contains=query.text) | Exists(subject)
               | Q(summary__contains=query.text))
    return Audit.objects.visible_to(user).filter(matched).select_related("unit").order_by("-year", "-number")


def _hit(audit):
    return Hit(title=f"{audit.unit.display_name}{audit.get_kind_display()}", code=audit.number,
               state=audit.get_status_display(), url=audit.get_absolute_url(),
               deadline=audit.comment_due if audit.awaiting_comments else None,
               deadline_label="书面意见反馈" if audit.awaiting_comments else "")


register(Source("经济责任审计", 50, _find, _hit))
