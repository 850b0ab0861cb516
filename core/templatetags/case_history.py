from django import template
from django.db.models import Q

from core.labels import field_label, verbose_name
from core.models import AuditEvent

register = template.Library()

# What changed a case: views and refusals are the auditor's business, not the case history.
_CHANGES = [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE, AuditEvent.Action.IMPORT,
            AuditEvent.Action.EXPORT]


def _target_id(obj):
    return str(getattr(obj, "code", None) or obj.pk)


@register.inclusion_tag("includes/change_history.html")
def change_history(obj, limit=50, also=None, anchor=""):
    """变更记录: who changed this record, when, and which fields (from the audit log, one query), folded.

    `also`: records that belong to this one and have no page of their own (e.g. an audit's uses of results, a
    finding's evidence files); their events are listed with the record's own. `anchor`: the id of the history,
    and `<anchor>-list` of its table, for a page outline (a link to the table unfolds it)."""
    models = {obj._meta.label_lower: type(obj)}
    ids = {obj._meta.label_lower: {_target_id(obj)}}
    for other in also or ():
        models.setdefault(other._meta.label_lower, type(other))
        ids.setdefault(other._meta.label_lower, set()).add(_target_id(other))
    targets = Q()
    for target_type, target_ids in ids.items():
        targets |= Q(target_type=target_type, target_id__in=sorted(target_ids))
    # the actor joined for the name the office knows him by (the login name stays the audit log's business)
    events = AuditEvent.objects.filter(targets, action__in=_CHANGES).select_related("actor").order_by("-id")[:limit]
    rows = []
    for event in events:
        model = models[event.target_type]
        changes = [(verbose_name(model, name), field_label(model, name, values[0]), field_label(model, name, values[1]))
                   for name, values in (event.changes or {}).items() if isinstance(values, list) and len(values) == 2]
        rows.append((event, changes))
    return {"rows": rows, "limit": limit, "anchor": anchor}
