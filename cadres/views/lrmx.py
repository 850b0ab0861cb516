"""干部任免审批表 (.lrmx): upload → preview (nothing saved) → confirm (all or nothing, or only the good files);
export of one cadre; the printable form and its photo."""

import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadres import permissions
from cadres.lrmx import importing, parse, write
from cadres.models import Cadre, Rank
from cadres.views.common import cadre_or_404
from core import audit, uploads
from core.forms import PleaseChooseMixin
from core.permissions import deny, office_required
from core.refusals import show_refusal
from core.scoping import visible_units

SESSION_KEY = "cadres_lrmx_import"
MAX_UPLOADS = 50


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = (data if isinstance(data, list | tuple) else [data]) or [None]  # none chosen: "required"
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class LrmxUploadForm(PleaseChooseMixin, forms.Form):
    files = MultipleFileField(label="任免审批表文件", help_text="一个或多个 .lrmx 文件，或其 zip 压缩包")
    unit = forms.ModelChoiceField(label="新增干部的单位", queryset=None, required=False,
                                  help_text="现任职务中找不到系统中的单位名称时使用")
    rank = forms.ChoiceField(label="新增干部的职级", choices=[("", "—")] + Rank.choices, required=False,
                             help_text="任免审批表中没有职级：新增干部时必选")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = visible_units(user).filter(is_active=True).order_by("path")
        self.fields["files"].widget.attrs["accept"] = ".lrmx,.xml,.zip"

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_UPLOADS:
            raise forms.ValidationError(f"一次最多上传{MAX_UPLOADS}个文件；更多文件请打包为 zip 上传")
        return files


def _import_root():
    return uploads.pending_area("lrmx_imports")


def _require_import(request):
    if not permissions.can_import(request.user):
        deny(request)


def _sources(folder, names):
    sources = []
    for index, name in enumerate(names):
        sources += parse.open_upload_path(name, folder / str(index))
    return sources


def _plan(request, folder, pending):
    units = visible_units(request.user).filter(is_active=True)
    unit = units.filter(pk=pending.get("unit")).first() if pending.get("unit") else None
    return importing.plan(_sources(folder, pending["files"]), units=units,
                          cadres=Cadre.objects.visible_to(request.user), default_unit=unit,
                          default_rank=pending.get("rank", ""))


def _page(request, form, batch=None, token=None):
    return render(request, "cadres/lrmx/import.html", {
        "form": form, "batch": batch, "token": token,
        "can_view_family": permissions.can_view_family(request.user),
    })


@office_required
def upload(request):
    _require_import(request)
    form = LrmxUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method != "POST" or not form.is_valid():
        return _page(request, form)
    root = _import_root()
    uploads.clear_stale(root)
    token = uuid.uuid4().hex
    folder = root / token
    folder.mkdir()
    names = []
    for index, uploaded in enumerate(form.cleaned_data["files"]):
        with (folder / str(index)).open("wb") as handle:
            for chunk in uploaded.chunks():
                handle.write(chunk)
        names.append(Path(uploaded.name).name[:100])
    pending = {"token": token, "files": names, "unit": form.cleaned_data["unit"].pk if form.cleaned_data["unit"]
               else None, "rank": form.cleaned_data["rank"]}
    try:
        batch = _plan(request, folder, pending)
    except BaseException:  # a crash leaves no upload behind
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if batch.bad:
        importing.record_rejected(batch, actor=request.user, request=request)
    if not batch.good:
        shutil.rmtree(folder, ignore_errors=True)
        return _page(request, form, batch)
    request.session[SESSION_KEY] = pending
    return _page(request, LrmxUploadForm(user=request.user), batch, token)


@office_required
@require_POST
def confirm(request):
    _require_import(request)
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    folder = _import_root() / token if token.isalnum() else None
    if not token or pending.get("token") != token or folder is None or not folder.is_dir():
        messages.error(request, "导入已失效，请重新上传文件")
        return redirect("cadres:lrmx_import")
    batch = _plan(request, folder, pending)  # checked again: the record may have changed since the preview
    try:
        created, updated = importing.apply(batch, actor=request.user, request=request,
                                           only_good=request.POST.get("only_good") == "1")
    except importing.ImportFailed as error:
        show_refusal(request, error)
        return _page(request, LrmxUploadForm(user=request.user), batch, token)
    shutil.rmtree(folder, ignore_errors=True)
    request.session.pop(SESSION_KEY, None)
    skipped = f"，{len(batch.bad)}个文件未导入" if batch.bad else ""
    messages.success(request, f"导入完成：新增{created}人，更新{updated}人{skipped}")
    if len(batch.good) == 1 and batch.good[0].cadre is not None:
        return redirect(batch.good[0].cadre)
    return redirect("cadres:index")


@office_required
def export(request, code):
    """One cadre as an .lrmx file: the full ID number and the family members only for those allowed to see them."""
    cadre = cadre_or_404(request, code)
    if not permissions.can_export(request.user):
        deny(request)
    full_id = permissions.can_view_full_id(request.user)
    family = permissions.can_view_family(request.user)
    content = write.serialize(cadre, include_id=full_id, include_family=family)
    left_out = "、".join(what for what, included in (("身份证号", full_id), ("家庭成员", family)) if not included)
    audit.record_request(request, audit.Action.EXPORT, "cadres.cadre.lrmx_exported", cadre,
                         summary=f"导出任免审批表：{cadre.name}" + (f"（不含{left_out}）" if left_out else ""),
                         changes={"full_id": full_id, "family_members": family})
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(write.filename(cadre))}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@office_required
def appointment_form(request, code):
    """The printable 干部任免审批表 (A4, two pages)."""
    cadre = cadre_or_404(request, code)
    if not permissions.can_view(request.user):
        deny(request)
    with_family = permissions.can_view_family(request.user)
    audit.record_request(request, audit.Action.VIEW, "cadres.cadre.appointment_form_viewed", cadre,
                         summary=f"查看任免审批表：{cadre.name}" + ("" if with_family else "（不含家庭成员）"))
    today = timezone.localdate()
    context = write.form_context(cadre, with_family=with_family, today=today)
    return render(request, "cadres/lrmx/form.html", {
        "cadre": cadre, "today": today, "can_view_family": with_family,
        "can_export": permissions.can_export(request.user), "can_edit": permissions.can_edit(request.user),
        **context,
    })


@office_required
def photo(request, code):
    cadre = cadre_or_404(request, code)
    if not permissions.can_view(request.user):
        deny(request)
    profile = write.profile_of(cadre)
    if profile is None or not profile.photo:
        raise Http404("没有照片")
    response = HttpResponse(bytes(profile.photo), content_type=profile.photo_type or "image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
