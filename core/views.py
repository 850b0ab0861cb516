from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import audit, audit_events, audit_log_export, health, roles, search, workbench
from core.models import AuditEvent, Notification, User
from core.permissions import role_required


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


@role_required(roles.SECURITY_AUDITOR)
def audit_log(request):
    """Only the 安全审计员 reads the audit log; 导出Excel asks for its background export (core.audit_log_export),
    itself logged."""
    events, q, action, event, client = audit_log_export.filtered_events(request.GET)
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
