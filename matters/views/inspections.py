"""巡察整改联督: inspections, rectification items (tracked by core.rectification), 四方会审 and accountability."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadres.models import Cadre
from core import rectification, rectification_views
from core.permissions import office_required
from core.refusals import Refused, show_refusal
from core.scoping import in_subtree, visible_units
from core.transitions import ViewAction, dispatch
from matters import permissions, services
from matters.filters import InspectionFilter, ItemFilter
from matters.forms import (
    AccountabilityForm,
    CloseInspectionForm,
    InspectionForm,
    ItemForm,
    JointReviewForm,
)
from matters.lists import inspection_queryset, item_queryset
from matters.models import Inspection, MattersRules
from matters.views.common import (
    cadres_in_scope,
    paginate,
    render_form,
    require_edit,
)


@office_required
def inspection_list(request):
    filterset = InspectionFilter(request.GET, queryset=inspection_queryset(request.user), request=request)
    return render(request, "matters/inspection_list.html", {
        "filter": filterset, "page": paginate(request, filterset.qs), "can_edit": permissions.can_edit(request.user),
        "tab": "inspections"})


@office_required
def inspection_create(request):
    require_edit(request)
    form = InspectionForm(request.POST or None, cadres=cadres_in_scope(request.user).filter(is_principal=True),
                          units=visible_units(request.user), initial={"feedback_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.create_inspection(data.pop("unit"), actor=request.user, request=request, **data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已登记：{inspection}，请逐项登记整改事项")
            return redirect(inspection)
    return render_form(request, form, "登记巡察反馈", "/matters/inspections/",
                       "来源可为巡察、作风督查或干部监督员反映；党组织书记从该单位一把手中选择。")


def _inspection(request, code):
    return get_object_or_404(Inspection.objects.visible_to(request.user).select_related("unit", "secretary"),
                             code=code)


@office_required
def inspection_detail(request, code):
    inspection = _inspection(request, code)
    today = timezone.localdate()
    can_edit = permissions.can_edit(request.user)
    items = inspection.items.select_related("owner_cadre").annotate(
        n_evidence=Count("evidence_files", filter=Q(evidence_files__voided_at__isnull=True)))
    counts = rectification.status_counts(inspection.items.active())
    return render(request, "matters/inspection_detail.html", {
        "inspection": inspection, "items": items, "today": today, "can_edit": can_edit, "tab": "inspections",
        "counts": counts, "rate": rectification.rate(counts),
        "reviews": inspection.joint_reviews.all(),
        "accountabilities": inspection.accountabilities.select_related("cadre", "measure"),
        "review_form": JointReviewForm(initial={"held_on": today}),
        "accountability_form": AccountabilityForm(initial={"decided_on": today}),
        "close_form": CloseInspectionForm(initial={"closed_on": today})})


@office_required
def item_create(request, code):
    inspection = _inspection(request, code)
    require_edit(request)
    owners = in_subtree(Cadre.objects.visible_to(request.user), inspection.unit)
    form = ItemForm(request.POST or None, cadres=owners.select_related("unit"))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(inspection, actor=request.user, request=request, **form.cleaned_data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已登记问题{item.number}，整改期限{item.rectification_deadline:%Y-%m-%d}")
            return redirect(inspection)
    days = MattersRules.for_unit(inspection.unit_id).inspection_rectification_days
    return render_form(request, form, f"{inspection} · 登记整改事项", inspection.get_absolute_url(),
                       f"整改期限默认为反馈日期后{days}天，可修改。")


def _item(request, code, item_code):
    inspection = _inspection(request, code)
    item = get_object_or_404(inspection.items.select_related("owner_cadre"), code=item_code)
    return inspection, item


# the page, progress, deadline, evidence and voiding: the views shared with audit findings (core.rectification_views)
item_views = rectification_views.ItemViews(
    lookup=_item, can_edit=permissions.can_edit, void_item=services.void_item, voided_message="已作废该整改事项",
    template="matters/item_detail.html", names=("inspection", "item"), extra={"tab": "inspections"})


def _may_edit(user, inspection):
    return permissions.can_edit(user)


INSPECTION_ACTIONS = {
    "review": ViewAction(
        JointReviewForm, lambda inspection, data, request: services.record_joint_review(
            inspection, actor=request.user, request=request, **data),
        _may_edit, label="四方会审", success=lambda review: f"已记录四方会审：{review.get_conclusion_display()}"),
    "accountability": ViewAction(
        AccountabilityForm, lambda inspection, data, request: services.hold_accountable(
            inspection, situations=list(data["situations"]), measure_kind=data["measure_kind"],
            decided_on=data["decided_on"], reason=data["reason"], actor=request.user, request=request),
        _may_edit, label="登记问责",
        success=lambda accountability: f"已登记问责：{accountability}，已同步记入干部监督措施"),
    "close": ViewAction(
        CloseInspectionForm, lambda inspection, data, request: services.close_inspection(
            inspection, closed_on=data["closed_on"], actor=request.user, request=request),
        _may_edit, label="办结", success="已办结：整改完成"),
}


@office_required
@require_POST
def inspection_action(request, code, action):
    """An action of INSPECTION_ACTIONS; each has its own address, and urls.py names the action."""
    return dispatch(request, _inspection(request, code), INSPECTION_ACTIONS, action, prefix=False)


@office_required
def item_list(request):
    filterset = ItemFilter(request.GET, queryset=item_queryset(request.user), request=request)
    return render(request, "matters/item_list.html", {"filter": filterset, "page": paginate(request, filterset.qs),
                                                      "today": timezone.localdate(), "tab": "items"})



