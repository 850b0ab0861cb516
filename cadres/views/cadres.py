"""The cadre list (search, filter, sort; exported through cadres.exports), the integrity profile (廉政档案), the
warning list, and the cadre's own record (create, edit basics, change of post, full ID number)."""

from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadres import permissions, services, snapshots
from cadres.exports import list_queryset
from cadres.filters import CadreFilter, search
from cadres.forms import CadreEditForm, CadreForm, PostChangeForm
from cadres.models import Cadre, CadreSettings, head_count
from cadres.personal_matters import report_due_date
from cadres.registry import cases_steps
from cadres.timeline import timeline_steps
from cadres.views.common import cadre_or_404, editable_cadre, form_page, require_edit
from cadres.warnings import evaluation, rule_choices, shown_to
from core import audit, bundles
from core.permissions import deny, office_required
from core.refusals import Refused, show_refusal
from core.scoping import in_subtree, unit_options, visible_units

PAGE_SIZE = 30


def distinct_labels(warnings):
    """One tag per rule (a rule may give several reasons), with its reasons joined for the tooltip."""
    merged = {}
    for warning in warnings:
        if warning.code in merged:
            merged[warning.code] = merged[warning.code]._replace(
                reason=f"{merged[warning.code].reason}；{warning.reason}")
        else:
            merged[warning.code] = Tag(warning.code, warning.label, warning.reason, warning.blocking)
    return list(merged.values())


class Tag(NamedTuple):
    code: str
    label: str
    reason: str
    blocking: bool


def _filtered(request):
    return CadreFilter(request.GET or None, queryset=list_queryset(request.user), request=request)


@office_required
def index(request):
    """干部信息: search by name or ID number, filter by unit (with sub-units), rank, status, warning; sortable.
    Queries: session, user, roles, bell count, unit choices, the count (from the roster counts when only unit and
    status filter), page, and a fixed number per warning rule."""
    filterset = _filtered(request)
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    total = _head_count(request.user, filterset)
    if total is not None:
        paginator.count = total  # the same figure as counting the rows (Paginator.count is a cached property)
    page = paginator.get_page(request.GET.get("page"))
    cadres = list(page.object_list)
    warnings = snapshots.warnings_by_cadre(cadres)
    return render(request, "cadres/index.html", {
        "filter": filterset, "page": page,
        "rows": [(cadre, distinct_labels(shown_to(request.user, warnings.get(cadre.pk, [])))) for cadre in cadres],
        "can_edit": permissions.can_edit(request.user),
        "query": request.GET.urlencode(),
    })


# Filters the roster counts can answer (cadres.models.head_count); any other filter counts the rows.
COUNTED_FILTERS = {"unit", "status", "sort"}


def _head_count(user, filterset):
    """The list's total from the roster counts when only the unit and status filter it (the usual way in: the
    province's count of 190k serving cadres read 8 ms of index per request), else None."""
    if not filterset.is_bound:
        return head_count(user)
    if not filterset.form.is_valid():
        return None
    data = filterset.form.cleaned_data
    used = {name for name, value in data.items() if value not in (None, "", [])}
    if used - COUNTED_FILTERS:
        return None
    return head_count(user, unit=data.get("unit"), status=data.get("status") or None)


def _records(cadre):
    """The profile's own tables (steps for core.bundles). One cadre's rows: their models' default ordering starts
    with the cadre, i.e. with the cadre's unit path and name, two joins that change nothing here, so it is left out."""
    return (yield {
        "positions": cadre.positions.select_related("unit").order_by("-start_date"),
        "measures": cadre.measures.select_related("created_by", "previous"),
        "assessments": cadre.assessments.order_by("-year"),
        "duty_reports": cadre.duty_reports.order_by("-year"),
        "pm_reports": cadre.personal_matters_reports.order_by("-year", "-submitted_on"),
        "verifications": cadre.verifications.select_related("measure", "draw"),
    })


@office_required
def profile(request, code):
    """廉政档案: everything known about one cadre on one page. Its tables, every registered warning rule, timeline
    source and case source read together (core.bundles): a few statements whatever the number of rules."""
    cadre = cadre_or_404(request, code)
    today = timezone.localdate()
    audit.record_request(request, audit.Action.VIEW, "cadres.cadre.profile_viewed", cadre,
                         summary=f"查看廉政档案：{cadre.name}")
    found = bundles.run({
        "records": _records(cadre),
        "warnings": evaluation([cadre.pk], today),
        "impact_bars": bundles.task(services.impact_bars, [cadre.pk], today),
        "timeline": timeline_steps(cadre),
        "cases": cases_steps(cadre),
        "settings": CadreSettings.for_unit_steps(cadre.unit_id),  # the cadre's jurisdiction's
    })
    records = found["records"]
    this_year_report = next((report for report in records["pm_reports"]
                             if report.year == today.year and report.kind == "annual"), None)
    return render(request, "cadres/profile.html", {
        **records,
        "cadre": cadre,
        "today": today,
        "age": cadre.age_on(today),
        "this_year_report": this_year_report,
        "report_due": report_due_date(today.year, found["settings"]),
        "warnings": shown_to(request.user, found["warnings"].get(cadre.pk, [])),
        "impact_bars": found["impact_bars"].get(cadre.pk, []),
        "timeline": found["timeline"],
        "cases": found["cases"],
        "can_edit": permissions.can_edit(request.user),
        "can_view_full_id": permissions.can_view_full_id(request.user),
    })


@office_required
@require_POST
def id_number(request, code):
    """The full ID number, for those with the permission; each view is logged."""
    cadre = cadre_or_404(request, code)
    if not permissions.can_view_full_id(request.user):
        deny(request, "完整身份证号")
    number = services.reveal_id_number(cadre, request=request)
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, "cadres/id_number.html#number" if fragment else "cadres/id_number.html",
                  {"cadre": cadre, "id_number": number})


PICK_LIMIT = 20


@office_required
@require_GET
def pick(request):
    """Matches for the cadre picker (cadres.widgets.CadrePicker): the first PICK_LIMIT cadres in scope whose name
    contains the text, or whose full ID number it is, optionally within a unit (`unit`, a code, with sub-units) and
    principals only (`principal`=1); JSON, labels without the ID number."""
    found = search(Cadre.objects.visible_to(request.user).select_related("unit"), request.GET.get("q", ""))
    if not request.GET.get("q", "").strip():
        found = found.none()
    unit = visible_units(request.user).filter(code=request.GET.get("unit", "")).first()
    found = in_subtree(found, unit)
    if request.GET.get("principal") == "1":
        found = found.filter(is_principal=True)
    cadres = list(found.order_by("name", "unit__path")[:PICK_LIMIT + 1])
    return JsonResponse({
        "results": [{"value": cadre.pk, "label": f"{cadre.name}（{cadre.unit.display_name} {cadre.post_title}）"}
                    for cadre in cadres[:PICK_LIMIT]],
        "more": len(cadres) > PICK_LIMIT,
    })


@office_required
def create(request):
    require_edit(request)
    form = CadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        basics = {key: data[key] for key in services.BASIC_FIELDS}
        try:
            cadre = services.create_cadre(actor=request.user, request=request, unit=data["unit"],
                                          post_title=data["post_title"], rank=data["rank"],
                                          is_principal=data["is_principal"], post_since=data["post_since"], **basics)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已新增干部：{cadre.name}")
            return redirect(cadre)
    return form_page(request, title="新增干部", form=form)


@office_required
def edit(request, code):
    cadre = editable_cadre(request, code)
    form = CadreEditForm(request.POST or None, instance=Cadre.objects.get(pk=cadre.pk))
    if request.method == "POST" and form.is_valid():
        basics = {key: form.cleaned_data[key] for key in services.BASIC_FIELDS}
        try:
            services.update_cadre(cadre, actor=request.user, request=request, version=form.cleaned_data["version"],
                                  **basics)
        except (ValidationError, Refused) as error:  # an edit conflict is a refusal
            show_refusal(request, error, form)
        else:
            messages.success(request, "已保存基本信息")
            return redirect(cadre)
    return form_page(request, title=f"修改基本信息：{cadre.name}", form=form, cadre=cadre,
                     intro="职务变动请使用“任职变动”，以保持任职经历与现任职务一致。")


@office_required
def change_post(request, code):
    cadre = editable_cadre(request, code)
    form = PostChangeForm(request.POST or None, user=request.user,
                          initial={"unit": cadre.unit, "rank": cadre.rank, "start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_post(cadre, actor=request.user, request=request, unit=data["unit"],
                                 post_title=data["post_title"], rank=data["rank"],
                                 is_principal=data["is_principal"], start_date=data["start_date"],
                                 status=data["status"] or None)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "已登记任职变动")
            return redirect(cadre.get_absolute_url() + "#positions")
    return form_page(request, title=f"任职变动：{cadre.name}", form=form, cadre=cadre,
                     intro=f"现任：{cadre.unit.name}{cadre.post_title}（{cadre.post_since:%Y-%m-%d}起）。"
                           "保存后原职务的免职时间为新任职时间的前一天。")


@office_required
def warning_list(request):
    """预警干部: every registered rule over the cadres in scope, filterable by rule, unit and name; blocking first."""
    rule = request.GET.get("rule", "")
    rules = dict(rule_choices())
    unit_code = request.GET.get("unit", "")
    cadres = Cadre.objects.visible_to(request.user)
    unit = visible_units(request.user).filter(code=unit_code).first() if unit_code else None
    cadres = in_subtree(cadres, unit)
    q = request.GET.get("q", "").strip()
    cadres = search(cadres, q)
    only = [rule] if rule in rules else None
    snapshot = snapshots.snapshot()
    warned = snapshot.warnings.filter(cadre__in=cadres)
    if only:
        warned = warned.filter(code__in=only)
    has_blocking = Exists(warned.filter(cadre=OuterRef("pk"), blocking=True))
    flagged = (cadres.filter(pk__in=warned.values("cadre_id")).select_related("unit")
               .annotate(has_blocking=has_blocking).order_by("-has_blocking", "unit__path", "name"))
    page = Paginator(flagged, PAGE_SIZE).get_page(request.GET.get("page"))
    found = {pk: shown_to(request.user, warnings)
             for pk, warnings in snapshots.warnings_by_cadre(page.object_list, rules=only).items()}
    return render(request, "cadres/warnings.html", {
        "page": page,
        "rows": [(cadre, distinct_labels(found[cadre.pk]), found[cadre.pk]) for cadre in page.object_list],
        "rules": rules, "rule": rule, "units": unit_options(request.user, unit_code), "unit_code": unit_code,
        "snapshot": snapshot, "total": page.paginator.count,
        "can_view_family": permissions.can_view_family(request.user),
        "q": q,
    })
