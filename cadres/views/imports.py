"""Roster import through the browser: upload → preview (nothing saved) → confirm (all or nothing)."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cadres import importer, permissions
from cadres.forms import ImportForm
from cadres.models import Cadre
from core import uploads
from core.excel import xlsx_response
from core.permissions import deny, office_required
from core.refusals import show_refusal
from core.scoping import visible_units

SESSION_KEY = "cadres_import"


def _import_dir():
    return uploads.pending_area("cadre_imports")


def _pending_path(token):
    return _import_dir() / f"{token}.xlsx" if token and token.isalnum() else None


def _require_import(request):
    if not permissions.can_import(request.user):
        deny(request)


def _parse(request, fileobj):
    return importer.parse(fileobj, visible_units(request.user).filter(is_active=True),
                          Cadre.objects.visible_to(request.user))


def _keep(uploaded):
    """Store a previewed file for 确认导入 (the only upload kept, under the retention above)."""
    folder = _import_dir()
    uploads.clear_stale(folder, "*.xlsx")
    token = uuid.uuid4().hex
    path = folder / f"{token}.xlsx"
    try:
        with path.open("wb") as handle:
            for chunk in uploaded.chunks():
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return token


def _discard_pending(request):
    path = _pending_path((request.session.pop(SESSION_KEY, None) or {}).get("token"))
    if path is not None:
        path.unlink(missing_ok=True)


@office_required
def upload(request):
    """Checked straight from Django's upload (memory, or a temporary file Django removes when the request ends,
    whatever happens): a refused file is never stored; a good one is kept for 确认导入 only."""
    _require_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = token = None
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        name = uploaded.name[:100]
        plan = _parse(request, uploaded)
        _discard_pending(request)  # a new upload replaces the one previewed before
        if plan.ok:
            token = _keep(uploaded)
            request.session[SESSION_KEY] = {"token": token, "name": name}
        else:
            importer.record_rejected(plan, actor=request.user, request=request, filename=name)
    return render(request, "cadres/import.html", {"form": form, "plan": plan, "token": token})


@office_required
@require_POST
def confirm(request):
    _require_import(request)
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    path = _pending_path(token)
    if path is None or pending.get("token") != token or not path.is_file():
        messages.error(request, "导入已失效，请重新上传文件")
        return redirect("cadres:import")
    try:
        with path.open("rb") as handle:
            plan = _parse(request, handle)  # checked again: the data may have changed since the preview
        created, updated = importer.apply(plan, actor=request.user, request=request, filename=pending.get("name", ""))
    except importer.ImportFailed as error:
        show_refusal(request, error)
        return render(request, "cadres/import.html", {"form": ImportForm(), "plan": plan, "token": None})
    finally:
        path.unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
    messages.success(request, f"导入完成：新增{created}人，更新{updated}人")
    return redirect("cadres:index")


@office_required
def template(request):
    _require_import(request)
    return xlsx_response(importer.template_bytes(), "干部名册导入模板.xlsx")
