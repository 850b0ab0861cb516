"""个人有关事项: reports, verifications and the random draw."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadres import permissions
from cadres import personal_matters as pm
from cadres.forms import (
    DrawForm,
    ExpectedReportForm,
    PersonalMattersReportForm,
    TargetedVerificationForm,
    VerificationResultForm,
)
from cadres.models import Cadre, CadreSettings, RandomDraw, Verification
from cadres.views.common import editable_cadre, record_page
from core.permissions import deny, office_required
from core.refusals import Refused, show_refusal


@office_required
def report_create(request, code):
    cadre = editable_cadre(request, code)
    form = PersonalMattersReportForm(request.POST or None)
    return record_page(
        request, cadre, form,
        lambda data: pm.record_report(cadre, actor=request.user, request=request, year=data["year"],
                                      kind=data["kind"], submitted_on=data["submitted_on"],
                                      event_on=data["event_on"], note=data["note"]),
        success="已登记个人有关事项报告", anchor="personal-matters", title=f"登记个人有关事项报告：{cadre.name}")


@office_required
def report_expect(request, code):
    """登记应报事项: a 事项变化/新任 report the cadre owes within 30 days; the scan reminds until it is filed."""
    cadre = editable_cadre(request, code)
    form = ExpectedReportForm(request.POST or None, cadre=cadre)
    return record_page(
        request, cadre, form,
        lambda data: pm.expect_report(cadre, actor=request.user, request=request, kind=data["kind"],
                                      event_on=data["event_on"], note=data["note"]),
        success=lambda report: f"已登记应报事项，应于{report.due_on:%Y-%m-%d}前报告", anchor="personal-matters",
        title=f"登记应报事项：{cadre.name}")


@office_required
def verification_create(request, code):
    cadre = editable_cadre(request, code)
    form = TargetedVerificationForm(request.POST or None)
    return record_page(
        request, cadre, form,
        lambda data: pm.open_targeted_verification(cadre, actor=request.user, request=request, year=data["year"],
                                                   reason=data["reason"]),
        success="已登记重点查核", anchor="personal-matters", title=f"重点查核：{cadre.name}")


@office_required
def verification_result(request, code, verification_code):
    cadre = editable_cadre(request, code)
    verification = get_object_or_404(cadre.verifications, code=verification_code)
    form = VerificationResultForm(request.POST or None, cadre=cadre)
    return record_page(
        request, cadre, form,
        lambda data: pm.complete_verification(verification, actor=request.user, request=request,
                                              result=data["result"], verified_on=data["verified_on"],
                                              handling=data["handling"], measure=data["measure"]),
        success="已登记查核结果", anchor="personal-matters", title=f"登记查核结果：{verification}",
        intro="漏报情节较轻的，可予批评教育、责令检查；情节较重的，可予诫勉；瞒报的，可予调离岗位、免职或降职，"
              "且不得提拔。采取的措施请先在档案中登记，再在此关联。")


def _year(request):
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@office_required
def overview(request):
    """个人有关事项 for a year: who has not reported yet, the draws, the verifications and their results."""
    year = _year(request)
    cadres = Cadre.objects.visible_to(request.user)
    reporters = pm.reporters(year).filter(pk__in=cadres.values("pk"))
    missing = pm.missing_reports(year, cadres).select_related("unit")
    page = Paginator(missing, 30).get_page(request.GET.get("page"))
    verifications = (Verification.objects.visible_to(request.user).filter(year=year)
                     .select_related("cadre__unit", "measure"))
    return render(request, "cadres/personal_matters.html", {
        "year": year, "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        "reporter_count": reporters.count(), "missing_page": page,
        "due": pm.report_due_date(year, CadreSettings.for_unit(request.user.jurisdiction_id)),
        "verifications": verifications,
        "draws": RandomDraw.objects.visible_to(request.user).filter(year=year).select_related("drawn_by"),
        "draw_form": DrawForm(initial={"year": year}, jurisdiction=request.user.jurisdiction_id),
        "can_draw": permissions.can_draw(request.user),
        "today": timezone.localdate(),
    })


@office_required
@require_POST
def draw_create(request):
    if not permissions.can_draw(request.user):
        deny(request)
    form = DrawForm(request.POST, jurisdiction=request.user.jurisdiction_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            draw = pm.draw_random_sample(actor=request.user, request=request, year=data["year"],
                                         percent=data["percent"], reason=data["reason"],
                                         cadres=Cadre.objects.visible_to(request.user))
        except Refused as error:
            show_refusal(request, error)
        else:
            messages.success(request, f"已抽取{len(draw.selected)}名干部进行随机抽查")
            return redirect(draw)
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items()))
    return redirect(reverse("cadres:personal_matters") + f"?year={form.data.get('year', '')}")


@office_required
def draw_detail(request, draw_code):
    draw = get_object_or_404(RandomDraw.objects.visible_to(request.user).select_related("drawn_by", "scope"),
                             code=draw_code)
    verifications = (Verification.objects.visible_to(request.user).filter(draw=draw)
                     .select_related("cadre__unit", "report"))
    return render(request, "cadres/draw_detail.html", {
        "draw": draw, "verifications": verifications, "reproduced": pm.reproduce(draw) == draw.selected,
        "population_size": len(draw.population),
    })
