"""Views of the dashboard: thin. Figures from dashboard.figures, exports through dashboard.services, checks in
dashboard.permissions, scope from the owning apps' visible_to(user)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadres import stats as cadre_stats
from core.permissions import deny, office_required
from core.refusals import show_refusal
from core.scoping import unit_options, visible_units
from dashboard import figures, permissions, services
from dashboard.filters import MeasureFilter
from dashboard.models import MonthlyExport
from dashboard.periods import Period, choices, default_period
from dashboard.workbook import parse_month

PAGE_SIZE = 30


def _unit(request):
    """The unit filter (a unit code) among the units the user may see; an unknown or foreign code is a 404."""
    code = request.GET.get("unit", "").strip()
    if not code:
        return None
    return get_object_or_404(visible_units(request.user), code=code)


@office_required
@require_GET
def index(request):
    today = timezone.localdate()
    if not permissions.can_view_overview(request.user):
        return render(request, "dashboard/own.html", {"work": figures.own_work(request.user, today), "today": today})
    period = Period.parse(request.GET.get("period"), default_period(today))
    unit = _unit(request)
    board = figures.for_page(request.user, period, unit, today, fresh=bool(request.GET.get("fresh")))
    can_export = permissions.can_export(request.user)
    period_choices = choices(today)
    if all(period.key != key for _group, options in period_choices for key, _label in options):
        period_choices.insert(0, ("当前", [(period.key, period.label)]))
    return render(request, "dashboard/index.html", {
        "board": board, "period": period, "unit": unit, "period_choices": period_choices,
        "unit_choices": unit_options(request.user, unit.code if unit else None), "can_export": can_export,
        "export_months": services.exportable_months(today) if can_export else [],
        "default_export_month": board.liaison_month,
        "exports": MonthlyExport.objects.visible_to(request.user)[:5] if can_export else [],
    })


@office_required
@require_GET
def measures(request):
    """监督措施 behind the dashboard's figures (the cadres app has no list of its own yet)."""
    filterset = MeasureFilter(request.GET, queryset=cadre_stats.measure_list(request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dashboard/measures.html", {
        "filter": filterset, "page": page, "period": Period.parse(request.GET.get("period")),
        "query": request.GET.urlencode(),
    })


@office_required
@require_POST
def export_create(request):
    if not permissions.can_export(request.user):
        deny(request, "（导出月度联席会议汇总表）")
    month = parse_month(request.POST.get("month", ""))
    if month is None:
        messages.error(request, "请选择要导出的月份")
        return redirect("dashboard:index")
    unit = None
    if request.POST.get("unit"):
        unit = get_object_or_404(visible_units(request.user), code=request.POST["unit"])
    try:
        export = services.request_export(request.user, month, unit=unit, request=request)
    except services.ExportError as error:
        show_refusal(request, error)
        return redirect("dashboard:index")
    return redirect(export)
