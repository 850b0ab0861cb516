"""个人重大事项报告 (婚丧喜庆): list, report, detail, export."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.permissions import office_required
from core.refusals import Refused, show_refusal
from matters import permissions, services
from matters.filters import PersonalEventFilter
from matters.forms import PersonalEventForm
from matters.lists import event_queryset
from matters.models import MattersRules
from matters.views.common import cadres_in_scope, paginate, render_form, require_edit


@office_required
def event_list(request):
    filterset = PersonalEventFilter(request.GET, queryset=event_queryset(request.user), request=request)
    return render(request, "matters/event_list.html", {
        "filter": filterset, "page": paginate(request, filterset.qs), "can_edit": permissions.can_edit(request.user),
        "tab": "events"})


@office_required
def event_create(request):
    require_edit(request)
    rules = MattersRules.for_unit(request.user.jurisdiction_id)  # the viewer's jurisdiction's
    form = PersonalEventForm(request.POST or None, cadres=cadres_in_scope(request.user),
                             initial={"reported_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.report_personal_event(data.pop("cadre"), actor=request.user, request=request, **data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            if event.late:
                messages.warning(request, f"已登记：{event}。报告晚于规定时间，已标记为迟报")
            else:
                messages.success(request, f"已登记：{event}")
            return redirect(event)
    return render_form(request, form, "登记个人重大事项报告（婚丧喜庆）", "/matters/events/",
                       f"婚丧喜庆事项应事前报告：至少在举办日{rules.event_report_lead_days}天前报告，否则标记为迟报。")


@office_required
def event_detail(request, code):
    event = get_object_or_404(event_queryset(request.user), code=code)
    return render(request, "matters/event_detail.html", {"event": event, "tab": "events"})



