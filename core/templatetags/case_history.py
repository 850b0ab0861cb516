from django import template
from django.core.exceptions import FieldDoesNotExist

from core.models import AuditEvent

register = template.Library()

# What changed a case: views and refusals are the auditor's business, not the case history.
_CHANGES = [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE, AuditEvent.Action.IMPORT,
            AuditEvent.Action.EXPORT]


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


@register.inclusion_tag("includes/change_history.html")
def change_history(obj, limit=50):
    """变更记录: who changed this record, when, and which fields (from the audit log, one query)."""
    events = AuditEvent.objects.filter(target_type=obj._meta.label_lower,
                                       target_id=str(getattr(obj, "code", None) or obj.pk),
                                       action__in=_CHANGES).order_by("-id")[:limit]
    rows = []
    for event in events:
        changes = [(_label(type(obj), name), values[0], values[1]) for name, values in (event.changes or {}).items()
                   if isinstance(values, list) and len(values) == 2]
        rows.append((event, changes))
    return {"rows": rows}
