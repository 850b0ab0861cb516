"""The audit log list (安全审计员 only) as a background export (core.exports), like every other list: its filter, its
rows and its sheet. The page (core.views.audit_log) filters through the same `filtered_events`."""

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from core import audit_events, roles
from core.exports import Rows, register_export
from core.models import AuditEvent, User
from core.xlsx_table import TableLayout

LAYOUT = TableLayout("审计日志", ["时间", "用户", "IP 地址", "操作", "事件", "对象", "摘要", "事件标识"],
                     widths=[20, 14, 16, 10, 24, 30, 50, 32])


def filtered_events(params):
    """(events, q, action, event, client) of the list's query: a text in user or summary or target, an action, a
    registered event name (rows written under its old names too; an unknown name is ignored), an API client."""
    events = AuditEvent.objects.all()
    q = params.get("q", "").strip()
    if q:
        events = events.filter(Q(actor_username__icontains=q) | Q(summary__icontains=q) | Q(target_repr__icontains=q))
    action = params.get("action", "")
    if action:
        events = events.filter(action=action)
    event = params.get("event", "")
    if audit_events.is_registered(event):
        events = events.filter(name__in=audit_events.names_for(event))
    else:
        event = ""
    # An API client: its calls are its service account's events (the account keeps its name when the key rotates).
    client = params.get("client", "")
    if User.objects.filter(username=client, groups__name=roles.SERVICE_ACCOUNT).exists():
        events = events.filter(actor_username=client)
    else:
        client = ""
    return events, q, action, event, client


def conditions(params):
    """The filter in words, for the export's audit event."""
    _events, q, action, event, client = filtered_events(params)
    parts = [q, action and AuditEvent.Action(action).label, event and audit_events.label(event),
             client and f"接口客户端 {client}"]
    return "，".join(part for part in parts if part) or "无"


def may_export(user):
    return user.has_role(roles.SECURITY_AUDITOR)


def rows(user, params):
    events = filtered_events(params)[0]
    # The stored name goes last: it is what the chain hashes and what an older export or a log search shows.
    return Rows(events.count(), (
        (e.at.astimezone(timezone.get_current_timezone()).replace(tzinfo=None), e.actor_username, e.ip,
         e.get_action_display(), e.get_name_display(), e.target_repr, e.summary, e.name)
        for e in events.iterator(chunk_size=2000)))


def _describe(job):
    return f"审计日志（条件：{conditions(QueryDict(job.query))}）"


def register():
    register_export("audit-log", title="审计日志", may=may_export, rows=rows, layout=LAYOUT,
                    back=("core:audit_log", "审计日志"), describe_job=_describe,
                    events=("core.auditlog.exported", "core.auditlog.export_downloaded"))
