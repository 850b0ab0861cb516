"""任职回避: the current suspected conflicts in the user's jurisdiction, each confirmed or dismissed with a reason.
The page names relatives, so it is for those who may see family members (cadres.permissions.can_view_family)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cadres import avoidance, permissions
from cadres.models import AvoidanceReview
from core import audit
from core.permissions import deny, office_required
from core.refusals import Refused, show_refusal


def _require_family(request):
    if not permissions.can_view_family(request.user):
        deny(request, "任职回避（含家庭成员信息）")


@office_required
def conflicts(request):
    _require_family(request)
    rows = avoidance.in_jurisdiction(request.user)
    audit.record_request(request, audit.Action.VIEW, "cadres.avoidance.listed",
                         summary=f"查看任职回避情形 {len(rows)} 条")
    return render(request, "cadres/avoidance.html", {
        "open_rows": [(c, r) for c, r in rows if r is None],
        "decided_rows": [(c, r) for c, r in rows if r is not None],
        "decisions": AvoidanceReview.Decision.choices,
        "can_decide": permissions.can_edit(request.user),
    })


@office_required
@require_POST
def decide(request):
    _require_family(request)
    if not permissions.can_edit(request.user):
        deny(request, "任职回避核实")
    try:
        review = avoidance.decide(request.user, request.POST.get("fingerprint", ""), request.POST.get("decision", ""),
                                  request.POST.get("reason", ""), request=request)
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, f"已记录：{review.summary}（{review.get_decision_display()}）")
    return redirect("cadres:avoidance")
