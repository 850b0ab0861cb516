"""Thin views: look up through `visible_to`, check `liaison.permissions`, call `liaison.services`."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadres.models import Cadre
from core import audit, excel, roles
from core.concurrency import EditConflict
from core.permissions import deny, office_required, role_required
from core.refusals import Refused, show_refusal
from core.transitions import ViewAction, dispatch
from liaison import exports, lists, services, stats
from liaison import permissions as perms
from liaison.forms import (
    AttachmentForm,
    DecisionDoneForm,
    DecisionFilterForm,
    DecisionForm,
    DecisionReportForm,
    DisposalForm,
    ItemForm,
    MatchForm,
    MeetingForm,
    NewReportForm,
    NilReportForm,
    ReportForm,
    ReturnForm,
    UrgentForm,
    VoidForm,
)
from liaison.models import (
    Disposal,
    Meeting,
    MeetingDecision,
    MemberUnit,
    Report,
    ReportingSchedule,
    ReportItem,
    parse_period,
)

liaison_or_office = role_required(roles.LIAISON, *roles.OFFICE_ROLES)
liaison_required = role_required(roles.LIAISON)
handler_required = role_required(*perms.HANDLER_ROLES)


# A rule's refusal (an edit conflict included), or a model's own field checks (full_clean, the upload checks) on the
# paths that run them.
REFUSED_OR_INVALID = (Refused, ValidationError)


def _live_items(report, *, office):
    disposals = Disposal.objects.order_by("decided_on", "id")
    items = (report.items.filter(voided_at__isnull=True).select_related("cadre__unit")
             .prefetch_related(Prefetch("disposals", queryset=disposals), "attachments"))
    return list(items)


# ---------------------------------------------------------------- lists

@liaison_or_office
def index(request):
    """Reports the user may see: the office sees every unit in its jurisdiction, an officer their own unit."""
    office = perms.is_office(request.user)
    report_filter, reports = lists.report_list(request.user, request.GET)
    page = Paginator(reports, 30).get_page(request.GET.get("page"))
    member_unit = None if office else services.member_unit_of(request.user)
    return render(request, "liaison/index.html", {
        "page": page, "filter": report_filter, "office": office, "member_unit": member_unit,
        "can_handle": perms.is_handler(request.user),
        "month_due": services.month_due(member_unit) if member_unit else None,
    })


# ---------------------------------------------------------------- the officer files

@liaison_required
def report_new(request):
    member_unit = services.member_unit_of(request.user)
    if member_unit is None:
        deny(request, "（未设为任何成员单位的信息联络员）")
    taken = set(Report.objects.monthly().filter(member_unit=member_unit).values_list("period", flat=True))
    periods = [p for p in services.reportable_periods(member_unit) if p not in taken]
    form = NewReportForm(request.POST or None, periods=periods,
                         initial={"period": request.GET.get("period")})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.create_report(member_unit, parse_period(form.cleaned_data["period"]),
                                            actor=request.user, request=request)
        except services.ReportExists as exists:
            messages.warning(request, "该月通报已存在，已为您打开。")
            return _open_new(request, exists.report)
        except Refused as error:
            show_refusal(request, error)
        else:
            messages.success(request, f"已新建{report.period_label}月度通报，请填报事项或声明零报告。")
            return _open_new(request, report)
    return render(request, "liaison/report_new.html", {"form": form, "member_unit": member_unit})


def _open_new(request, report):
    """The new (or existing) report; its 零报告 confirmation when the officer chose 零报告 on the list."""
    if request.POST.get("then") == "nil":
        return redirect("liaison:report_nil", report.code)
    return redirect(report)


@liaison_required
def urgent_new(request):
    member_unit = services.member_unit_of(request.user)
    if member_unit is None:
        deny(request, "（未设为任何成员单位的信息联络员）")
    form = UrgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.send_urgent(member_unit, actor=request.user, request=request, is_principal=True,
                                          **form.cleaned_data)
        except REFUSED_OR_INVALID as error:
            show_refusal(request, error)
        else:
            messages.success(request, "即时通报已报送，监督科科室负责人和部领导将即时收到提醒。")
            return redirect(report)
    return render(request, "liaison/urgent_new.html", {"form": form, "member_unit": member_unit})


@liaison_or_office
def report_detail(request, code):
    report = perms.get_report_or_404(request, code, Report.objects.select_related(
        "member_unit__unit", "submitted_by", "signed_by", "returned_by", "created_by"))
    office = perms.is_office(request.user)
    audit.record_request(request, audit.Action.VIEW, "liaison.report.viewed", report, summary=f"查看通报：{report}")
    return render(request, "liaison/report_detail.html", {
        "report": report, "items": _live_items(report, office=office), "office": office,
        "can_edit": perms.can_edit(request.user, report), "can_reopen": perms.can_reopen(request.user, report),
        "can_sign": perms.can_sign(request.user, report), "can_match": perms.can_match(request.user, report),
        "can_dispose": perms.can_dispose(request.user, report),
        "return_form": ReturnForm(), "attachment_form": AttachmentForm(),
        "roll_over": services.schedule_of(report.member_unit).roll_over_holidays,
    })


@liaison_or_office
def report_edit(request, code):
    report = perms.get_report_or_404(request, code)
    if not perms.can_edit(request.user, report) or report.kind != Report.Kind.MONTHLY:
        deny(request, "（通报不可修改）")
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report(report, actor=request.user, request=request, **form.cleaned_data)
        except Refused as error:  # an edit conflict too: the form again, with what changed
            show_refusal(request, error, form)
        else:
            messages.success(request, "已保存。")
            return redirect(report)
    return render(request, "liaison/report_edit.html", {"report": report, "form": form})


@liaison_or_office
def report_nil(request, code):
    """零报告: GET asks for confirmation (a page, so it works without JavaScript); POST records the statement and
    submits through services.submit_nil."""
    report = perms.get_report_or_404(request, code)
    statuses, answer = ALREADY_DONE["submit"]
    if report.status in statuses:
        messages.info(request, answer)
        return redirect(report)
    if not perms.can_edit(request.user, report) or report.kind != Report.Kind.MONTHLY:
        deny(request, "（通报不可修改）")
    form = NilReportForm(request.POST or None, version=report.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_nil(report, actor=request.user, request=request, **form.cleaned_data)
        except EditConflict as conflict:  # the confirmation again, with what changed
            show_refusal(request, conflict, form)
        except Refused as error:
            show_refusal(request, error)
            return redirect(report)
        else:
            messages.success(request, f"已报送{report.period_label}零报告。")
            return redirect(report)
    return render(request, "liaison/report_nil.html", {"report": report, "form": form})


def _item_saved_text(item, report, saved):
    if item.report_id != report.pk:  # services sent a 一把手 item on as its own 即时通报
        sent = timezone.localtime(item.report.submitted_at)
        return (f"该事项涉及一把手，已于{sent:%Y-%m-%d %H:%M}作为即时通报报送，监督科科室负责人和部领导将即时收到提醒；"
                "不再列入本月月度通报。")
    return saved


@liaison_or_office
def item_new(request, code):
    report = perms.get_report_or_404(request, code)
    if not perms.can_edit(request.user, report):
        deny(request, "（通报不可修改）")
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(report, actor=request.user, request=request, **form.cleaned_data)
        except REFUSED_OR_INVALID as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _item_saved_text(item, report, "已添加事项。"))
            if "add_another" in request.POST:
                return redirect("liaison:item_new", code=report.code)
            return redirect(report)
    return render(request, "liaison/item_form.html", {"report": report, "form": form, "item": None})


@liaison_or_office
def item_edit(request, code, item_code):
    report = perms.get_report_or_404(request, code)
    item = perms.get_item_or_404(report, item_code)
    if not perms.can_edit(request.user, report):
        deny(request, "（通报不可修改）")
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.update_item(ReportItem.objects.get(pk=item.pk), actor=request.user, request=request,
                                        **form.cleaned_data)
        except REFUSED_OR_INVALID as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _item_saved_text(item, report, "已保存。"))
            return redirect(report)
    return render(request, "liaison/item_form.html", {"report": report, "form": form, "item": item})


@require_POST
@liaison_or_office
def item_void(request, code, item_code):
    report = perms.get_report_or_404(request, code)
    item = perms.get_item_or_404(report, item_code)
    if not perms.can_edit(request.user, report):
        deny(request, "（通报不可修改）")
    form = VoidForm(request.POST)
    if form.is_valid():
        services.void_item(item, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        messages.success(request, "已删除事项。")
    else:
        messages.error(request, "请填写删除原因。")
    return redirect(report)


@liaison_or_office
def attachments(request, code, item_code):
    """GET lists an item's attachments; POST (the unit, on a draft) uploads one."""
    report = perms.get_report_or_404(request, code)
    item = perms.get_item_or_404(report, item_code)
    if request.method == "POST":
        if not perms.can_edit(request.user, report):
            deny(request, "（通报不可修改）")
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_attachment(item, form.cleaned_data["file"], actor=request.user, request=request)
            except REFUSED_OR_INVALID as error:
                show_refusal(request, error)
            else:
                messages.success(request, "已上传附件。")
        else:
            messages.error(request, "请选择要上传的文件。")
        return redirect(report)
    return render(request, "liaison/attachments.html", {
        "report": report, "item": item, "attachments": item.attachments.select_related("uploaded_by"),
        "can_edit": perms.can_edit(request.user, report), "form": AttachmentForm(),
    })


@liaison_or_office
def attachment_download(request, code, item_code, attachment_code):
    report = perms.get_report_or_404(request, code)
    item = perms.get_item_or_404(report, item_code)
    attachment = item.attachments.filter(code=attachment_code).first()
    if attachment is None:
        raise Http404
    audit.record_request(request, audit.Action.EXPORT, "liaison.attachment.downloaded", attachment,
                         summary=f"下载附件：{report}")
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@liaison_or_office
def report_export(request, code):
    report = perms.get_report_or_404(request, code, Report.objects.select_related("member_unit__unit"))
    office = perms.is_office(request.user)
    content = exports.report_workbook(report, _live_items(report, office=office), office=office)
    audit.record_request(request, audit.Action.EXPORT, "liaison.report.exported", report,
                         summary=f"导出通报：{report}")
    return excel.xlsx_response(content, f"{report.member_unit}{report.period:%Y-%m}{report.get_kind_display()}.xlsx")


# A second click on a transition that already happened (double-click, back button, a second tab) is answered with
# what happened, not with 403 and a "denied" audit event: (statuses after it, the answer).
ALREADY_DONE = {
    "submit": (Report.RECEIVED, "该通报已提交，无需重复提交。"),
    "sign": ({Report.Status.SIGNED}, "该通报已签收。"),
    "return": ({Report.Status.RETURNED}, "该通报已退回成员单位。"),
}


def _run(service):
    return lambda report, data, request: service(report, actor=request.user, request=request)


def _return(report, data, request):
    return services.return_report(report, actor=request.user, reason=request.POST.get("reason", ""), request=request)


# The report page's status buttons: who may from liaison.permissions, the status from services.MACHINE.
REPORT_ACTIONS = {
    "submit": ViewAction(None, _run(services.submit), allowed=perms.can_edit, label="报送", success="通报已报送。"),
    "reopen": ViewAction(None, _run(services.reopen), allowed=perms.can_reopen, label="重新编辑",
                         success="通报已退回为草稿，可修改后重新报送。"),
    "sign": ViewAction(None, _run(services.sign), allowed=perms.can_sign, label="签收", success="已签收。"),
    "return": ViewAction(None, _return, allowed=perms.can_sign, label="退回", success="已退回成员单位。"),
}


@require_POST
@liaison_or_office
def report_action(request, code, action):
    """A repeated click (a double submit, two officers at once) is answered, not refused: see ALREADY_DONE."""
    report = perms.get_report_or_404(request, code)
    statuses, answer = ALREADY_DONE.get(action, ((), ""))
    if report.status in statuses:
        messages.info(request, answer)
        return redirect(report)
    return dispatch(request, report, REPORT_ACTIONS, action)


# ---------------------------------------------------------------- the office acts on items

@liaison_or_office
def item_handle(request, code, item_code):
    """匹配干部 and 处置: GET shows candidates and the disposal form; POST does one of the two."""
    report = perms.get_report_or_404(request, code, Report.objects.select_related("member_unit__unit"))
    item = perms.get_item_or_404(report, item_code)
    if not perms.can_match(request.user, report):
        deny(request, "（仅监督科工作人员可匹配和处置已报送的通报）")
    disposal_form = DisposalForm(prefix="d")
    if request.method == "POST" and request.POST.get("op") == "match":
        form = MatchForm(request.POST)
        cadre = (Cadre.objects.visible_to(request.user).filter(code=form.cleaned_data["cadre"]).first()
                 if form.is_valid() else None)
        if cadre is None:
            messages.error(request, "请选择一名干部。")
        else:
            services.match_item(item, cadre, actor=request.user, request=request)
            messages.success(request, f"已匹配到干部：{cadre.name}（{cadre.unit.display_name}）")
            return redirect("liaison:item_handle", code=report.code, item_code=item.code)
    elif request.method == "POST" and request.POST.get("op") == "dispose":
        if not perms.can_dispose(request.user, report):
            deny(request, "（请先签收通报）")
        disposal_form = DisposalForm(request.POST, prefix="d")
        if disposal_form.is_valid():
            data = disposal_form.cleaned_data
            try:
                disposal = services.dispose(item, data["action"], actor=request.user, decided_on=data["decided_on"],
                                            feedback=data["feedback"], note=data["note"], request=request)
            except Refused as error:
                show_refusal(request, error, disposal_form)
            else:
                messages.success(request, f"已处置：{disposal.get_action_display()}"
                                 + ("（待信访举报模块受理）" if disposal.handoff_status == "pending" else ""))
                return redirect("liaison:item_handle", code=report.code, item_code=item.code)
    q = request.GET.get("q", "").strip() or item.cadre_name
    candidates = (Cadre.objects.visible_to(request.user).filter(name__contains=q).select_related("unit")[:20]
                  if q else [])
    item = (report.items.filter(pk=item.pk).select_related("cadre__unit")
            .prefetch_related("disposals", "attachments").get())
    return render(request, "liaison/item_handle.html", {
        "report": report, "item": item, "q": q, "candidates": candidates, "disposal_form": disposal_form,
        "can_dispose": perms.can_dispose(request.user, report), "pending_label": Disposal.Handoff.PENDING.label,
    })


# ---------------------------------------------------------------- compliance

@office_required
def compliance(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 1), today.replace(day=1))
    matrix = stats.compliance_matrix(request.user, first, last, on_date=today) if first <= last else None
    if matrix is not None and request.GET.get("format") == "xlsx":
        audit.record_request(request, audit.Action.EXPORT, "liaison.compliance.exported",
                             summary=f"导出{year}年月度通报报送情况")
        return excel.xlsx_response(exports.compliance_workbook(matrix, year), f"成员单位月度通报报送情况{year}年.xlsx")
    plenary = Meeting.objects.visible_to(request.user).filter(held_on__year=year, kind=Meeting.Kind.PLENARY).count()
    return render(request, "liaison/compliance.html", {
        "matrix": matrix, "year": year, "years": range(today.year - 3, today.year + 1),
        "states": stats.Compliance, "plenary_count": plenary,
        # the viewer's jurisdiction's rule (a county's own, else the city's)
        "plenary_required": ReportingSchedule.for_unit(request.user.jurisdiction_id).plenary_per_year,
    })


@office_required
def member_units(request):
    units = (MemberUnit.objects.in_jurisdiction_of(request.user).select_related("unit", "group")
             .prefetch_related("group__user_set"))
    return render(request, "liaison/member_units.html", {"units": units})


# ---------------------------------------------------------------- meetings

@office_required
def meeting_list(request):
    meetings = (Meeting.objects.visible_to(request.user)
                .annotate(decision_count=Count("decisions", distinct=True),
                          open_count=Count("decisions", filter=Q(decisions__status="open"), distinct=True),
                          attendee_count=Count("attendees", distinct=True))
                .order_by("-held_on", "-id"))
    page = Paginator(meetings, 30).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    plenary = Meeting.objects.visible_to(request.user).filter(held_on__year=year, kind=Meeting.Kind.PLENARY).count()
    return render(request, "liaison/meeting_list.html", {
        "page": page, "year": year, "plenary_count": plenary,
        # the viewer's jurisdiction's rule (a county's own, else the city's)
        "plenary_required": ReportingSchedule.for_unit(request.user.jurisdiction_id).plenary_per_year,
        "can_manage": perms.can_manage_meetings(request.user),
    })


def _meeting_form(request, meeting):
    units = MemberUnit.objects.in_jurisdiction_of(request.user).select_related("unit")
    form = MeetingForm(request.POST or None, instance=meeting, member_units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        attendees, version = data.pop("attendees"), data.pop("version", None)
        try:
            if meeting.pk is None:
                meeting = services.create_meeting(actor=request.user, attendees=attendees, request=request,
                                                  organizer=request.user.jurisdiction or request.user.unit, **data)
            else:
                meeting = services.update_meeting(meeting, actor=request.user, attendees=attendees,
                                                  version=version, request=request, **data)
        except REFUSED_OR_INVALID as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, "已保存会议。")
            return redirect(meeting)
    return render(request, "liaison/meeting_form.html", {"form": form, "meeting": meeting})


@handler_required
def meeting_new(request):
    return _meeting_form(request, Meeting())


@office_required
def meeting_edit(request, code):
    meeting = perms.get_meeting_or_404(request, code)
    if not perms.can_manage_meetings(request.user):
        deny(request)
    return _meeting_form(request, meeting)


@office_required
def meeting_detail(request, code):
    meeting = perms.get_meeting_or_404(request, code)
    decisions = meeting.decisions.select_related("owner_unit__unit", "done_by")
    units = MemberUnit.objects.in_jurisdiction_of(request.user).select_related("unit")
    return render(request, "liaison/meeting_detail.html", {
        "meeting": meeting, "attendees": meeting.attendees.select_related("unit"), "decisions": decisions,
        "today": timezone.localdate(), "can_manage": perms.can_manage_meetings(request.user),
        "decision_form": DecisionForm(member_units=units), "done_form": DecisionDoneForm(),
    })


@require_POST
@office_required
def decision_new(request, code):
    meeting = perms.get_meeting_or_404(request, code)
    if not perms.can_manage_meetings(request.user):
        deny(request)
    units = MemberUnit.objects.in_jurisdiction_of(request.user).select_related("unit")
    form = DecisionForm(request.POST, member_units=units)
    if form.is_valid():
        services.add_decision(meeting, actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, "已添加议定事项。")
    else:
        messages.error(request, "请完整填写议定事项、牵头单位和办结期限。")
    return redirect(meeting)


@require_POST
@office_required
def decision_done(request, code, decision_code):
    meeting = perms.get_meeting_or_404(request, code)
    decision = meeting.decisions.filter(code=decision_code).first()
    if decision is None:
        raise Http404
    if not perms.can_manage_meetings(request.user):
        deny(request)
    form = DecisionDoneForm(request.POST)
    form.is_valid()
    try:
        services.complete_decision(decision, actor=request.user, note=form.cleaned_data.get("note", ""),
                                   request=request)
    except Refused as error:
        show_refusal(request, error)
    else:
        messages.success(request, "议定事项已办结。")
    return redirect(reverse("liaison:meeting_detail", args=[meeting.code]) + f"#decision-{decision.code}")



# ---------------------------------------------------------------- decisions: the office tracks, the lead unit reports

@liaison_or_office
def decision_list(request):
    """议定事项: the office sees those of the meetings in its jurisdiction, an officer those their unit leads."""
    today = timezone.localdate()
    office = perms.is_office(request.user)
    form = DecisionFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    decisions = MeetingDecision.objects.visible_to(request.user).select_related("meeting", "owner_unit__unit")
    if state == "open":
        decisions = decisions.open()
    elif state == "overdue":
        decisions = decisions.open().filter(deadline__lt=today)
    elif state == "done":
        decisions = decisions.filter(status=MeetingDecision.Status.DONE)
    decisions = decisions.order_by("-status", "deadline", "id")  # open ones first ("open" sorts after "done")
    page = Paginator(decisions, 30).get_page(request.GET.get("page"))
    return render(request, "liaison/decision_list.html", {
        "page": page, "form": form, "office": office, "today": today,
        "member_unit": None if office else services.member_unit_of(request.user),
    })


@liaison_or_office
def decision_detail(request, decision_code):
    decision = perms.get_decision_or_404(request, decision_code)
    office = perms.is_office(request.user)
    return render(request, "liaison/decision_detail.html", {
        "decision": decision, "office": office, "today": timezone.localdate(),
        "can_report": perms.can_report_decision(request.user, decision), "form": DecisionReportForm(),
    })


@liaison_or_office
def decision_report(request, decision_code):
    """The lead unit's officer reports the decision done (GET shows the form on the decision's page)."""
    decision = perms.get_decision_or_404(request, decision_code)
    if not perms.can_report_decision(request.user, decision):
        deny(request, "（仅牵头单位的信息联络员可报告办理中的议定事项）")
    form = DecisionReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_decision_done(decision, actor=request.user, note=form.cleaned_data["note"],
                                          request=request)
        except Refused as error:
            show_refusal(request, error)
        else:
            messages.success(request, "已报告办结，监督科可在议定事项中查看办理情况。")
        return redirect("liaison:decision_detail", decision_code=decision.code)
    return render(request, "liaison/decision_detail.html", {
        "decision": decision, "office": False, "today": timezone.localdate(), "can_report": True, "form": form,
    })
