"""The pages of every background export (core.exports), one set for all kinds: ask for a list's export, follow it
(the page polls its state fragment with htmx until it is finished; the status JSON for other callers), download
the file. A job is its requester's own: another user's code is 404; a kind the user may not export is 403."""

from functools import wraps

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from core import exports, roles
from core.excel import XLSX_CONTENT_TYPE
from core.permissions import deny, role_required
from core.refusals import show_refusal


def _kind(request, name):
    try:
        kind = exports.get_kind(name)
    except KeyError as error:
        raise Http404("没有这种导出") from error
    if not kind.may(request.user):
        deny(request, f"（导出{kind.title}）")
    return kind


def exporter_required(view):
    """The office's lists, and the audit log of the 安全审计员: one of those roles, then the kind's own `may`, both
    before the method is looked at (a GET of a POST-only address by someone who may not export is a 403)."""
    @role_required(*roles.OFFICE_ROLES, roles.SECURITY_AUDITOR)
    @wraps(view)
    def wrapped(request, kind, *args, **kwargs):
        _kind(request, kind)
        return view(request, kind, *args, **kwargs)

    return wrapped


def _job(request, name, code):
    kind = _kind(request, name)
    queryset = kind.job_model.objects.visible_to(request.user)
    if kind.job_model is exports.ListExport:
        queryset = queryset.filter(kind=kind.name)
    return kind, get_object_or_404(queryset, code=code)


def _context(request, kind, job):
    retry_url, retry_fields = kind.retry_form(job)
    return {"kind": kind, "export": job, "facts": kind.job_facts(job), "retry_url": retry_url,
            "retry_fields": retry_fields.items(), "listing": hasattr(job, "query")}


@exporter_required
@require_POST
def request_list(request, kind):
    """导出Excel on a list: the list as filtered (the POSTed `query`), built in the background; the page that follows
    shows the progress and then the download link."""
    export_kind = _kind(request, kind)
    try:
        job = exports.request_export(request.user, kind, request=request, query=request.POST.get("query", ""))
    except exports.ExportError as error:
        show_refusal(request, error)
        return redirect(export_kind.back[0])
    return redirect(job)


def old_address(route, kind, name):
    """The URL pattern of a list's former synchronous export, now sending a bookmark back to the list."""
    return path(route, list_redirect, {"kind": kind}, name=name)


@exporter_required
@require_GET
def list_redirect(request, kind):
    """An old address of a list's synchronous export (a bookmark): back to the list with the same filters, where
    导出Excel now asks for the background export."""
    url = reverse(_kind(request, kind).back[0])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


@exporter_required
@require_GET
def detail(request, kind, code):
    export_kind, job = _job(request, kind, code)
    return render(request, "exports/detail.html", _context(request, export_kind, job))


@exporter_required
@require_GET
def status(request, kind, code):
    """The state as JSON, or (for htmx, HX-Request) the page's state fragment, which stops polling once finished."""
    export_kind, job = _job(request, kind, code)
    if request.headers.get("HX-Request"):
        response = render(request, "exports/detail.html#state", _context(request, export_kind, job))
    else:
        response = JsonResponse(job.progress_state())
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "no-store"
    return response


@exporter_required
@require_GET
def download(request, kind, code):
    _export_kind, job = _job(request, kind, code)
    if not job.is_downloadable:
        raise Http404("文件未生成或已过期")
    try:
        handle = open(job.path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError as error:
        raise Http404("文件已过期") from error
    exports.record_download(job, request)
    response = FileResponse(handle, as_attachment=True, filename=job.filename, content_type=XLSX_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
