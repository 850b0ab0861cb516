"""The pages of the API: the 安全保密管理员's client list (issue, scope, rotate, revoke) and the reference page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from api import services
from api.access import SCHEMA_ROLES
from api.forms import ClientForm, ScopesForm
from api.models import ApiClient
from core import roles
from core.permissions import role_required
from core.refusals import Refused, show_refusal

security_admin_required = role_required(roles.SECURITY_ADMIN)


@role_required(*SCHEMA_ROLES)
def reference(request):
    """The schema rendered by static/api/reference.js (no CDN), with the examples of docs/api.md."""
    return render(request, "api/reference.html")


def _shown_key(request, client, key):
    """A new key is shown once, on the page that answers the POST (never stored, never in a message or the log)."""
    return render(request, "api/key_issued.html", {"client": client, "key": key})


@security_admin_required
def clients(request):
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, key = services.create_client(actor=request.user, name=data["name"],
                                                 member_unit=data["member_unit"], scopes=data["scopes"],
                                                 rate_per_minute=data["rate_per_minute"], request=request)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            return _shown_key(request, client, key)
    rows = ApiClient.objects.select_related("member_unit__unit", "user").order_by("revoked_at", "name")
    return render(request, "api/clients.html", {"clients": rows, "form": form})


@security_admin_required
def client_detail(request, code):
    client = get_object_or_404(ApiClient.objects.select_related("member_unit__unit", "user"), code=code)
    form = ScopesForm(initial={"scopes": client.scopes, "rate_per_minute": client.rate_per_minute})
    return render(request, "api/client_detail.html", {"client": client, "form": form})


@require_POST
@security_admin_required
def client_action(request, code, action):
    client = get_object_or_404(ApiClient, code=code)
    try:
        if action == "rotate":
            client, key = services.rotate_key(client, actor=request.user, request=request)
            return _shown_key(request, client, key)
        if action == "revoke":
            services.revoke(client, actor=request.user, request=request)
            messages.success(request, f"已吊销客户端“{client}”，其密钥立即失效。")
        else:
            form = ScopesForm(request.POST)
            if not form.is_valid():
                return render(request, "api/client_detail.html", {"client": client, "form": form}, status=400)
            services.update_scopes(client, actor=request.user, request=request, **form.cleaned_data)
            messages.success(request, "已保存授权范围。")
    except Refused as error:
        show_refusal(request, error)
    return redirect("api_pages:client_detail", code=client.code)
