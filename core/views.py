from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import audit, audit_events, health, roles, search, workbench
from core.excel import xlsx_response
from core.models import AuditEvent, Notification, User
from core.permissions import role_required
from core.xlsx_table import TableLayout, table_bytes


@login_not_required
@never_cache
@require_GET
def healthz(request):
    state = {"database": health.database_ok(), "redis": health.redis_ok()}
    body = {name: ("ok" if up else "down") for name, up in state.items()}
    return JsonResponse(body, status=200 if all(state.values()) else 503)


# Who gets the workbench (工作台) as home page; the other roles keep the plain page of unread notifications.
WORKBENCH_ROLES = (roles.STAFF, roles.SECTION_HEAD)


def home(request):
    context = {"open_notifications": request.user.notifications.filter(read_at__isnull=True)[:8]}
    if request.user.has_role(*WORKBENCH_ROLES):
        context["workbench"] = workbench.board(request.user)
    elif request.user.has_role(roles.LEADER):
        context["leader"] = True  # a leader reads the dashboard rather than works cases: point to it
    return render(request, "core/home.html", context)


@role_required(*roles.OFFICE_ROLES)
@require_GET
def search_view(request):
    """全局搜索: every app's records the query touches, grouped by app; each search is in the audit log."""
    text = request.GET.get("q", "").strip()
    groups = search.search(request.user, text)
    if search.clean(text):
        search.record_search(request, text, groups)
    return render(request, "core/search.html", {
        "q": text, "search_q": text, "groups": groups, "too_short": bool(text) and not search.clean(text),
        "min_length": search.MIN_LENGTH})


def my_tasks(request):
    """我的待办: the user's notifications, unread first."""
    show = request.GET.get("show", "unread")
    notifications = request.user.notifications.all()
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "core/my_tasks.html", {"page": page, "show": show, "today": timezone.localdate()})


@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(request.POST.get("next") or "core:my_tasks")


@require_POST
def mark_all_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:my_tasks")


def _filtered_events(request):
    events = AuditEvent.objects.all()
    q = request.GET.get("q", "").strip()
    if q:
        events = events.filter(Q(actor_username__icontains=q) | Q(summary__icontains=q) | Q(target_repr__icontains=q))
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    event = request.GET.get("event", "")
    if audit_events.is_registered(event):
        events = events.filter(name__in=audit_events.names_for(event))  # rows written under its old names too
    else:
        event = ""
    # An API client: its calls are its service account's events (the account keeps its name when the key rotates).
    client = request.GET.get("client", "")
    if User.objects.filter(username=client, groups__name=roles.SERVICE_ACCOUNT).exists():
        events = events.filter(actor_username=client)
    else:
        client = ""
    return events, q, action, event, client


def _api_clients():
    """(username, name) of the API clients' service accounts, revoked ones too: the audit log outlives a client."""
    return list(User.objects.filter(groups__name=roles.SERVICE_ACCOUNT).order_by("full_name", "username")
                .values_list("username", "full_name"))


def _event_choices():
    """The registered events for the filter, grouped by app: [(app name, [(event name, label), ...]), ...]."""
    groups = {}
    for name, text in audit_events.registered().items():
        groups.setdefault(name.split(".")[0], []).append((name, text))
    return [(apps.get_app_config(app_label).verbose_name, sorted(events, key=lambda pair: pair[1]))
            for app_label, events in groups.items()]


def _conditions(q, action, event, client=""):
    """The filter in words, for the export's own audit event."""
    parts = [q, action and AuditEvent.Action(action).label, event and audit_events.label(event),
             client and f"接口客户端 {client}"]
    return "，".join(part for part in parts if part) or "无"


AUDIT_LOG_LAYOUT = TableLayout("审计日志", ["时间", "用户", "IP 地址", "操作", "事件", "对象", "摘要", "事件标识"],
                               widths=[20, 14, 16, 10, 24, 30, 50, 32])


@role_required(roles.SECURITY_AUDITOR)
def audit_log(request):
    """Only the 安全审计员 reads and exports the audit log; an export is itself logged."""
    events, q, action, event, client = _filtered_events(request)
    conditions = _conditions(q, action, event, client)
    if request.GET.get("export") == "xlsx":
        audit.record_request(request, audit.Action.EXPORT, "core.auditlog.exported",
                             summary=f"导出审计日志（条件：{conditions}）")
        # The stored name goes last: it is what the chain hashes and what an older export or a log search shows.
        rows = ((e.at.astimezone(timezone.get_current_timezone()).replace(tzinfo=None), e.actor_username, e.ip,
                 e.get_action_display(), e.get_name_display(), e.target_repr, e.summary, e.name)
                for e in events.iterator())
        content = table_bytes(AUDIT_LOG_LAYOUT, rows, title=f"审计日志（条件：{conditions}）")
        return xlsx_response(content, f"审计日志-{timezone.localdate():%Y%m%d}.xlsx")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {
        "page": page, "q": q, "action": action, "actions": AuditEvent.Action.choices,
        "event": event, "event_choices": _event_choices(), "client": client, "clients": _api_clients(),
    })


class PasswordChangeView(auth_views.PasswordChangeView):
    """Self-service password change; also where first-login and expired passwords are sent."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session, ends the user's other sessions
        User.objects.filter(pk=self.request.user.pk).update(must_change_password=False,
                                                            password_changed_at=timezone.now())
        audit.record_request(self.request, audit.Action.UPDATE, "core.user.password_changed", self.request.user,
                             summary="修改密码")
        messages.success(self.request, "密码已修改。")
        return response
