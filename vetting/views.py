"""Thin views: look the case up through visible_to, check the role in vetting.permissions, call a service."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cadres.warnings import reason_shown_to
from core import audit
from core.excel import xlsx_response
from core.permissions import deny, office_required
from core.refusals import Refused, show_refusal
from core.transitions import ViewAction, dispatch
from vetting import checklist, exports, forms, permissions, posts, workflow
from vetting.filters import CaseFilter
from vetting.models import Batch, CaseStatus, StepKind, VettingCase
from vetting.services import appointing, inspecting, lifecycle, publicizing

S = CaseStatus


def _case(request, number, related=True):
    qs = VettingCase.objects.visible_to(request.user).with_post_at_opening()
    if related:
        qs = qs.select_related(*checklist.CASE_RELATED).prefetch_related(*checklist.CASE_PREFETCH)
    return get_object_or_404(qs, number=number)


@office_required
def index(request):
    cases = (VettingCase.objects.visible_to(request.user).with_blocking().with_post_at_opening()
             .select_related("cadre", "cadre__unit", "proposed_unit", "handler", "batch"))
    filterset = CaseFilter(request.GET, queryset=cases, request=request)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    return render(request, "vetting/index.html", {
        "filter": filterset, "page": page, "can_handle": permissions.can_handle(request.user),
    })


@office_required
def case_create(request):
    if not permissions.can_handle(request.user):
        deny(request)
    form = forms.CaseForm(request.POST or None, user=request.user,
                          initial={"batch": request.GET.get("batch")} if request.GET.get("batch") else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = lifecycle.open_case(actor=request.user, request=request, **form.cleaned_data)
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已启动任前把关 {case.number}，并完成立案时的预警核对")
            return redirect(case)
    return render(request, "vetting/case_form.html", {"form": form})


# --- the case page and its actions ------------------------------------------------------------------------------

def _may(check):
    return lambda user, case: check(user)


def _action(form, run, allowed=permissions.can_handle, **options):
    """One row of the page's actions (core.transitions.ViewAction); every one answers 已保存."""
    return ViewAction(form, run, _may(allowed), success="已保存", **options)


def _call(service, **fixed):
    return lambda case, data, request: service(case, actor=request.user, request=request, **fixed, **data)


def _item_call(service):
    def run(case, data, request):
        item = data.pop("item")
        return service(case, item, actor=request.user, request=request, **data)

    return run


def _reason_call(service):
    return lambda case, data, request: service(case, data["reason"], actor=request.user, request=request)


def _case_and_user(case, user):
    return {"case": case, "user": user}


ACTIONS = {
    "recommendation": _action(forms.RecommendationForm, _call(inspecting.record_recommendation),
                              anchor="step-recommendation"),
    "override_recommendation": _action(forms.ReasonForm, _reason_call(inspecting.override_recommendation),
                                       permissions.can_override_recommendation, anchor="step-recommendation"),
    "start_inspection": _action(None, _call(inspecting.start_inspection), anchor="checklist"),
    "archive": _action(forms.ArchiveForm, _call(inspecting.record_archive_review), anchor="step-archive"),
    "personal_matters": _action(forms.PersonalMattersForm, _call(inspecting.record_personal_matters),
                                anchor="step-personal_matters"),
    "discipline_request": _action(forms.DisciplineRequestForm, _call(inspecting.request_discipline_opinion),
                                  anchor="step-discipline"),
    "discipline_reply": _action(forms.DisciplineReplyForm, _call(inspecting.record_discipline_reply),
                                anchor="step-discipline"),
    "petition_check": _action(forms.PetitionCheckForm, _call(inspecting.complete_petition_check),
                              anchor="step-petition"),
    "opinion_request": _action(forms.OpinionRequestForm, _call(inspecting.request_opinion), anchor="step-opinions"),
    "opinion_reply": _action(forms.OpinionReplyForm, _item_call(inspecting.record_opinion_reply),
                             anchor="step-opinions"),
    "exam": _action(forms.ExamForm, _call(inspecting.record_exam), anchor="step-exam"),
    "start_publicity": _action(forms.PublicityStartForm, _call(publicizing.start_publicity), anchor="step-publicity"),
    "feedback": _action(forms.FeedbackForm, _call(publicizing.record_feedback), anchor="step-publicity"),
    "feedback_verify": _action(forms.FeedbackVerifyForm, _item_call(publicizing.verify_feedback),
                               anchor="step-publicity"),
    "decide_publicity": _action(forms.PublicityDecisionForm, _call(publicizing.decide_publicity),
                                anchor="step-publicity"),
    "talk": _action(forms.TalkForm, _call(appointing.record_talk), anchor="step-talk", files=True),
    "override_block": _action(forms.ReasonForm, _reason_call(appointing.override_blocking),
                              permissions.can_override_block, anchor="crosscheck"),
    "crosscheck": _action(None, _call(appointing.rerun_crosscheck), anchor="crosscheck"),
    # not atomic: the gate's cross-check is kept even when it refuses (appointing._check_now)
    "appoint": _action(forms.AppointForm, _call(appointing.appoint), permissions.can_appoint,
                       anchor="step-appointment", atomic=False),
    "probation": _action(forms.ProbationForm, _call(appointing.assess_probation), permissions.can_assess_probation,
                         anchor="step-probation", form_kwargs=_case_and_user, atomic=False),
    "suspend": _action(forms.ReasonForm, _reason_call(lifecycle.suspend), anchor="status"),
    "resume": _action(forms.ReasonForm, _reason_call(lifecycle.resume), anchor="status"),
    "terminate": _action(forms.ReasonForm, _reason_call(lifecycle.terminate), permissions.can_terminate,
                         anchor="status"),
}

# Which actions the page offers at each stage (the services check again).
STAGE_ACTIONS = {
    S.RECOMMENDATION: ["recommendation", "override_recommendation", "start_inspection"],
    S.INSPECTION: ["archive", "personal_matters", "discipline_request", "discipline_reply", "petition_check",
                   "opinion_request", "opinion_reply", "exam", "start_publicity"],
    S.PUBLICITY: ["feedback", "feedback_verify", "decide_publicity"],
    S.TALK: ["talk", "appoint"],
    S.PROBATION: ["probation"],
}
# The case's own moves, offered wherever the table allows them.
STATUS_ACTIONS = ("suspend", "resume", "terminate")


def _forms_for(case, user, bound=None):
    """Unbound forms for the actions this user may take now; `bound` replaces one after a failed POST."""
    names = list(STAGE_ACTIONS.get(case.status, []))
    if not case.is_closed:
        names += [name for name in workflow.MACHINE.available(case, user) if name in STATUS_ACTIONS]
        names += ["override_block", "crosscheck"]
    out = {}
    for name in names:
        action = ACTIONS[name]
        if not action.allowed(user, case):
            continue
        if bound and bound[0] == name:
            out[name] = bound[1]
        else:
            out[name] = action.make_form(case, user, prefix=name) if action.form else True
    return out


def _item_forms(rows, forms_available, name, form_class, bound):
    """One small form per pending item (an opinion to reply to, feedback to verify), ids kept apart."""
    out = []
    for obj, pending in rows:
        form = None
        if pending and name in forms_available:
            if bound and bound[0] == name and str(bound[1].data.get(f"{name}-item")) == str(obj.code):
                form = bound[1]
            else:
                form = form_class(prefix=name, initial={"item": obj.code}, auto_id=f"id_%s_{obj.code.hex[:8]}")
        out.append((obj, form))
    return out


# The forms that move a case on, offered in a step that may be finished: that step stays unfolded while they are.
ADVANCES = {"start_inspection": StepKind.RECOMMENDATION, "start_publicity": StepKind.EXAM}


def _mark_current(case, items, available, bound):
    """Mark the steps the case page leads with, unfolded (every other step folds into its summary line): those in
    progress, the one holding the move to the next stage, and the one whose form came back with an error. A suspended
    case leads with 恢复办理 instead; returns whether the 暂缓 / 恢复 / 终止 section leads."""
    lead = {step for name, step in ADVANCES.items() if name in available}
    if bound:
        lead.add(ACTIONS[bound[0]].anchor.removeprefix("step-"))
    suspended = case.status == S.SUSPENDED
    for item in items:
        item.current = (item.state == checklist.IN_PROGRESS and not suspended) or item.step in lead
    return "resume" in available or "status" in lead


def _items_shown(user, check):
    """The cross-check's items, each reason as the user may read it (family details only for those allowed)."""
    items = list(check.items.all()) if check else []
    for item in items:  # for the page only; never saved
        item.reason = reason_shown_to(user, item.reason)
    return items


def _events_shown(user, case):
    """The case record, each entry's detail as the user may read it (a cross-check quotes the items' reasons)."""
    events = list(case.events.select_related("actor"))
    for event in events:  # for the page only; never saved
        event.detail = reason_shown_to(user, event.detail)
    return events


def _render_case(request, case, bound=None, status=200):
    items = checklist.build(case)
    available = _forms_for(case, request.user, bound)
    status_leads = _mark_current(case, items, available, bound)
    publicity = getattr(case, "publicity", None)
    check = workflow.latest_crosscheck(case)
    crosscheck_items = _items_shown(request.user, check)
    unresolved_blocking = workflow.unresolved_blocking(case)
    refs = inspecting.petition_refs(case.cadre) if case.status == S.INSPECTION else None
    context = {
        "case": case, "items": items, "forms": available, "steps": {item.step: item for item in items},
        "leads": status_leads or any(item.current for item in items), "status_leads": status_leads,
        "opinion_rows": _item_forms([(r, r.replied_on is None) for r in case.opinion_requests.all()], available,
                                    "opinion_reply", forms.OpinionReplyForm, bound),
        "feedback_rows": _item_forms([(f, not f.is_verified) for f in publicity.feedback.all()] if publicity else [],
                                     available, "feedback_verify", forms.FeedbackVerifyForm, bound),
        "crosscheck": check, "crosscheck_items": crosscheck_items, "unresolved_blocking": unresolved_blocking,
        "crosscheck_line": _crosscheck_line(check, crosscheck_items),
        # folded unless a blocking item waits for a 部领导 or its form came back with an error
        "crosscheck_open": bool(unresolved_blocking) or bool(bound and ACTIONS[bound[0]].anchor == "crosscheck"),
        "progress": checklist.progress(items),
        "refs": refs, "blocking_petitions": workflow.blocking_petitions(case.cadre) if refs is not None else [],
        "events": _events_shown(request.user, case),
        "gaps": _gaps(case),
        "can_override_block": permissions.can_override_block(request.user),
        "arranged_post": posts.label(posts.arranged_post(case)) if case.status == S.TRIAL_REMOVED else "",
        "today": timezone.localdate(),
    }
    return render(request, "vetting/case.html", context, status=status)


def _crosscheck_line(check, items):
    """The folded 预警核对's summary line."""
    if check is None:
        return "尚未核对"
    if not items:
        return f"{check.get_occasion_display()}：未发现预警事项"
    blocking = sum(1 for item in items if item.blocking)
    line = f"{check.get_occasion_display()}：预警事项{len(items)}项"
    if blocking:
        line += f"，其中阻止任职{blocking}项" + ("（已经部领导书面批准）" if check.is_overridden else "")
    return line


def _gaps(case):
    """What still stands between the case and its next stage, shown above the checklist."""
    if case.status == S.RECOMMENDATION:
        return workflow.recommendation_gaps(case)
    if case.status == S.INSPECTION:
        return workflow.inspection_gaps(case)
    if case.status == S.PUBLICITY:
        return workflow.publicity_exit_gaps(case)
    if case.status == S.TALK:
        return [g for g in workflow.appointment_gaps(case) if g != "尚未录入任职日期"]
    return []


@office_required
def case_detail(request, number):
    case = _case(request, number)
    audit.record_request(request, audit.Action.VIEW, "vetting.case.viewed", case, summary=f"查看任前把关 {case.number}")
    return _render_case(request, case)


@office_required
@require_POST
def case_action(request, number, action):
    """The step forms and moves of the case page (ACTIONS); an invalid or refused form is shown again on the page."""
    case = _case(request, number)

    def on_error(form, refusal):
        if refusal is None:
            messages.error(request, "请检查填写的内容")
        else:
            show_refusal(request, refusal)
        return _render_case(request, _case(request, number), bound=(action, form), status=400)

    return dispatch(request, case, ACTIONS, action, on_error=on_error)


@office_required
def pledge(request, number):
    case = _case(request, number, related=False)
    talk = getattr(case, "talk", None)
    if talk is None or not talk.pledge:
        raise Http404
    audit.record_request(request, audit.Action.VIEW, "vetting.talk.pledge_viewed", case,
                         summary=f"查看廉政承诺书 {case.number}")
    return FileResponse(talk.pledge.open("rb"), as_attachment=True, filename=talk.pledge_name)


# --- 任前审查意见表 -------------------------------------------------------------------------------------------------

@office_required
def sheet(request, number):
    case = _case(request, number)
    audit.record_request(request, audit.Action.EXPORT, "vetting.sheet.printed", case,
                         summary=f"打印任前审查意见表 {case.number}")
    return render(request, "vetting/sheet.html", {
        "case": case, "sheet": exports.sheet(case, request.user), "today": timezone.localdate(),
    })


@office_required
def sheet_xlsx(request, number):
    case = _case(request, number)
    audit.record_request(request, audit.Action.EXPORT, "vetting.sheet.exported", case,
                         summary=f"导出任前审查意见表 {case.number}")
    return xlsx_response(exports.sheet_workbook(case, request.user),
                         f"任前审查意见表-{case.number}-{case.cadre.name}.xlsx")


# --- batches (常委会/部务会) ---------------------------------------------------------------------------------------

@office_required
def batch_list(request):
    batches = Batch.objects.visible_to(request.user).select_related("unit")
    page = Paginator(batches, 30).get_page(request.GET.get("page"))
    return render(request, "vetting/batch_list.html", {
        "page": page, "can_handle": permissions.can_handle(request.user),
    })


@office_required
def batch_create(request):
    if not permissions.can_handle(request.user):
        deny(request)
    form = forms.BatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        batch = Batch.objects.create(created_by=request.user, **form.cleaned_data)
        audit.record_request(request, audit.Action.CREATE, "vetting.batch.created", batch, summary=str(batch))
        return redirect(batch)
    return render(request, "vetting/batch_form.html", {"form": form})


@office_required
def batch_detail(request, code):
    batch = get_object_or_404(Batch.objects.visible_to(request.user).select_related("unit"), code=code)
    cases = (VettingCase.objects.visible_to(request.user).filter(batch=batch)
             .select_related(*checklist.CASE_RELATED).prefetch_related(*checklist.CASE_PREFETCH)
             .order_by("number"))
    rows = []
    for case in cases:
        ready, notes = workflow.meeting_readiness(case)
        rows.append({"case": case, "ready": ready, "notes": notes, "blocking": workflow.unresolved_blocking(case)})
    return render(request, "vetting/batch.html", {
        "batch": batch, "rows": rows, "ready_count": sum(r["ready"] for r in rows),
        "can_handle": permissions.can_handle(request.user),
    })

