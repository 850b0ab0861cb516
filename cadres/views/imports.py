"""Roster import through the browser: upload → preview (nothing saved) → confirm (all or nothing)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cadres import importer, permissions
from cadres.forms import ImportForm
from cadres.models import Cadre
from core.excel import xlsx_response
from core.permissions import deny, office_required
from core.scoping import visible_units

SESSION_KEY = "cadres_import"


def _import_dir():
    path = Path(settings.MEDIA_ROOT) / "cadre_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _require_import(request):
    if not permissions.can_import(request.user):
        deny(request)


def _parse(request, path):
    with path.open("rb") as handle:
        return importer.parse(handle, visible_units(request.user).filter(is_active=True),
                              Cadre.objects.visible_to(request.user))


@office_required
def upload(request):
    _require_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = token = None
    if request.method == "POST" and form.is_valid():
        token = uuid.uuid4().hex
        path = _import_dir() / f"{token}.xlsx"
        with path.open("wb") as handle:
            for chunk in form.cleaned_data["file"].chunks():
                handle.write(chunk)
        plan = _parse(request, path)
        if plan.ok:
            request.session[SESSION_KEY] = {"token": token, "name": form.cleaned_data["file"].name[:100]}
        else:
            path.unlink(missing_ok=True)
            token = None
            importer.record_rejected(plan, actor=request.user, request=request,
                                     filename=form.cleaned_data["file"].name[:100])
    return render(request, "cadres/import.html", {"form": form, "plan": plan, "token": token})


@office_required
@require_POST
def confirm(request):
    _require_import(request)
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not token or pending.get("token") != token:
        messages.error(request, "导入已失效，请重新上传文件")
        return redirect("cadres:import")
    path = _import_dir() / f"{token}.xlsx"
    if not path.is_file():
        messages.error(request, "导入已失效，请重新上传文件")
        return redirect("cadres:import")
    plan = _parse(request, path)  # checked again: the data may have changed since the preview
    try:
        created, updated = importer.apply(plan, actor=request.user, request=request, filename=pending.get("name", ""))
    except importer.ImportFailed as error:
        messages.error(request, str(error))
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
