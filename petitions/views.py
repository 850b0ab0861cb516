"""Views of the petitions app: thin; scope from Petition.objects.visible_to, checks from petitions.permissions,
every change through petitions.services. Identity values appear only on the identity page: the response to a reveal
POST (with the correction form), or a refused correction sent back with the values as typed."""

from dataclasses import replace
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadres.models import SupervisionMeasure
from core import audit
from core.permissions import deny, office_required
from core.refusals import Refused, show_refusal
from core.transitions import ViewAction, dispatch
from petitions import duplicates, forms, identity, permissions, reviews, services, stats, workflow
from petitions.deadlines import days_class, days_left, max_extension_days, pending, rolling_stages
from petitions.filters import count, filtered
from petitions.models import CaseType, Petition, PetitionSubject, ReviewRequest, Status
from petitions.security import protects_identity

IDENTITY_FIELDS = ("reporter_name", "reporter_id_number", "reporter_phone", "reporter_address")
PAGE_SIZE = 30


def _filtered(request):
    return filtered(request.GET, request.user)


@office_required
@require_GET
def index(request):
    filterset, petitions = _filtered(request)
    paginator = Paginator(petitions, PAGE_SIZE)
    paginator.count = count(request.GET, request.user)  # the same figure, counted faster (filters.count)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(petition, days_left(petition.next_due, today), days_class(petition.next_due, today))
            for petition in page.object_list]
    return render(request, "petitions/index.html", {
        "filter": filterset, "page": page, "rows": rows, "today": today,
        "can_register": permissions.can_register(request.user), "query": request.GET.urlencode(),
    })


@office_required
@require_GET
def lookup(request):
    """查询码: staff answer a reporter's progress question without looking at the identity."""
    code = request.GET.get("query_code", "").strip().upper()
    petition = Petition.objects.visible_to(request.user).filter(query_code=code).first() if code else None
    if petition is None:
        messages.error(request, "未找到该查询码对应的案件")
        return redirect("petitions:index")
    audit.record_request(request, audit.Action.VIEW, "petitions.petition.looked_up", petition,
                         summary=f"查询码查询 {petition.code}")
    return redirect(petition)


@office_required
@protects_identity(*IDENTITY_FIELDS)
def create(request):
    if not permissions.can_register(request.user):
        deny(request)
    form = forms.RegisterForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reporter = identity.Reporter(data["reporter_name"], data["reporter_id_number"], data["reporter_phone"],
                                     data["reporter_address"]) if data["is_named"] else None
        try:
            petition = services.register(
                actor=request.user, received_on=data["received_on"], channel=data["channel"],
                case_type=data["case_type"], is_named=data["is_named"], summary=data["summary"],
                categories=data["categories"], unit=data["unit"], full_text=data["full_text"],
                clues_specific=data["clues_specific"], cadres=data["cadres"], unmatched=data["unmatched"],
                reporter=reporter, attachments=[data["attachment"]] if data["attachment"] else [], request=request)
        except Refused as error:
            show_refusal(request, error)
        else:
            messages.success(request, f"已登记 {petition.code}。查询码 {petition.query_code}"
                                      "（可告知举报人，用于查询办理进度）")
            return redirect(petition)
    return render(request, "petitions/form.html", {"form": form})


def _detail_queryset(user):
    return (Petition.objects.visible_to(user).select_related("unit", "created_by", "concluded_by",
                                                             "extension_approved_by", "duplicate_of")
            .prefetch_related(Prefetch("subjects", queryset=PetitionSubject.objects.select_related("cadre__unit",
                                                                                                   "unit")),
                              "handlers", "transfers", "attachments",
                              Prefetch("review_requests", queryset=ReviewRequest.objects.select_related("created_by"))))


def _get_visible(request, code):
    return get_object_or_404(_detail_queryset(request.user), code=code)


def _call(service):
    """A service whose keyword arguments are the form's fields."""
    return lambda petition, data, request: service(petition, actor=request.user, request=request, **data)


def _approve(petition, data, request):
    return services.approve(petition, note=data["note"], handlers=list(data["handlers"]), actor=request.user,
                            request=request)


def _assign_handlers(petition, data, request):
    return services.assign_handlers(petition, list(data["handlers"]), actor=request.user, request=request)


def _conclude(petition, data, request):
    fields = ("conclusion", "note", "measures", "clear_name", "clearing_note", "false_accusation",
              "false_accusation_note")
    return services.conclude(petition, actor=request.user, request=request, **{name: data[name] for name in fields})


def _link_duplicate(petition, data, request):
    main = Petition.objects.visible_to(request.user).filter(code=data["main_code"].strip().upper()).first()
    if main is None:
        raise Refused("未找到该主案件编号", field="main_code")
    return services.link_duplicate(petition, main, reason=data["reason"], actor=request.user, request=request)


def _link_subject(petition, data, request):
    return services.link_subject(petition, data["subject"], data["cadre"], actor=request.user, request=request)


def _add_attachment(petition, data, request):
    return services.add_attachment(petition, data["file"], actor=request.user, request=request)


def _petition(petition, user):
    return {"petition": petition}


def _petition_and_user(petition, user):
    return {"petition": petition, "user": user}


def _case_page(actions):
    """The case page's actions: the label from the machine, who may from petitions.permissions (the service checks
    the status)."""
    return {name: replace(spec, label=workflow.MACHINE.label(name), allowed=partial(_may, name))
            for name, spec in actions.items()}


def _may(action, user, petition):
    return permissions.can(user, action, petition)


ACTIONS = _case_page({
    "propose": ViewAction(forms.ProposeForm, _call(services.propose)),
    "approve": ViewAction(forms.ApproveForm, _approve),
    "reject": ViewAction(forms.NoteForm, _call(services.reject)),
    "assign_handlers": ViewAction(forms.AssignForm, _assign_handlers),
    "update_investigation": ViewAction(forms.InvestigationForm, _call(services.update_investigation)),
    "add_interview": ViewAction(forms.InterviewForm, _call(services.add_interview)),
    "submit_findings": ViewAction(forms.FindingsForm, _call(services.submit_findings)),
    "return_for_more": ViewAction(forms.NoteForm, _call(services.return_for_more)),
    "conclude": ViewAction(forms.ConcludeForm, _conclude, form_kwargs=_petition),
    "record_transfer_reply": ViewAction(forms.TransferReplyForm, _call(services.record_transfer_reply)),
    "notify_acceptance": ViewAction(forms.AcceptanceNoticeForm, _call(services.notify_acceptance)),
    "extend": ViewAction(forms.ExtendForm, _call(services.extend)),
    "record_feedback": ViewAction(forms.FeedbackForm, _call(services.record_feedback)),
    "archive": ViewAction(forms.EmptyForm, _call(services.archive)),
    "link_duplicate": ViewAction(forms.DuplicateForm, _link_duplicate),
    "void": ViewAction(forms.VoidForm, _call(services.void)),
    "link_subject": ViewAction(forms.LinkSubjectForm, _link_subject, form_kwargs=_petition_and_user),
    "add_attachment": ViewAction(forms.AttachmentForm, _add_attachment, files=True),
    "request_review": ViewAction(forms.ReviewRequestForm, _call(reviews.request_review)),
    "answer_review": ViewAction(forms.ReviewAnswerForm, _call(reviews.answer_review)),
})


def _relevant(action, petition):
    """Beyond status and role: is the action meaningful for this case?"""
    if action == "notify_acceptance":
        return petition.is_named and petition.acceptance_notified_on is None
    if action == "extend":
        return petition.case_type == CaseType.PETITION_MATTER and not petition.extension_days
    if action == "record_feedback":
        return petition.is_named
    if action == "archive":
        return not (petition.status == Status.CONCLUDED and petition.is_named)
    if action == "link_subject":
        return any(not subject.cadre_id for subject in petition.subjects.all())
    if action == "request_review":
        return reviews.window(petition) is not None
    if action == "answer_review":
        return any(review.state == ReviewRequest.State.PENDING for review in petition.review_requests.all())
    return True


def offered_actions(petition, user):
    return [action for action in workflow.MACHINE.available(petition)
            if ACTIONS[action].allowed(user, petition) and _relevant(action, petition)]


@office_required
@require_POST
def act(request, code, action):
    if action not in ACTIONS:
        raise Http404
    return dispatch(request, _get_visible(request, code), ACTIONS, action)


@office_required
@require_GET
def detail(request, code):
    petition = _get_visible(request, code)
    today = timezone.localdate()
    audit.record_request(request, audit.Action.VIEW, "petitions.petition.viewed", petition,
                         summary=f"查看信访举报件 {petition.code}")
    return render(request, "petitions/detail.html", _detail_context(request, petition, today))


def _detail_context(request, petition, today, identity=None, reveal_form=None, identity_form=None):
    user = request.user
    actions = offered_actions(petition, user)
    transfers = list(petition.transfers.all())
    review_requests = list(petition.review_requests.all())
    deadlines = [(item, days_left(item.date, today), days_class(item.date, today))
                 for item in pending(petition, transfers, review_requests)]
    review_window = reviews.window(petition)
    candidates = (duplicates.for_petition(petition, user) if petition.status in (Status.REGISTERED, Status.PROPOSED)
                  else [])
    proposals = list(petition.proposals.select_related("proposed_by", "decided_by"))
    return {
        "petition": petition, "today": today, "deadlines": deadlines,
        "rolling_stages": rolling_stages(petition) if deadlines else set(),
        "forms": [(action, ACTIONS[action].label, ACTIONS[action].make_form(petition, user, prefix=action))
                  for action in actions],
        "events": petition.events.select_related("actor"),
        "proposals": proposals, "last_proposal": proposals[-1] if proposals else None,
        "transfers": transfers, "last_transfer": transfers[-1] if transfers else None,
        "unfold": {_unfolded_stage(petition, review_requests): True},
        "interviews": petition.interviews.select_related("recorded_by"),
        "measures": SupervisionMeasure.objects.filter(source_type=petition._meta.label_lower,
                                                      source_code=petition.code).select_related("cadre"),
        "duplicate_reports": petition.duplicates.order_by("received_on"),
        "candidates": candidates,
        "can_link_duplicate": "link_duplicate" in actions,
        "can_view_identity": permissions.can_view_identity(user, petition),
        "identity": identity, "reveal_form": reveal_form or forms.RevealForm(),
        # 更正举报人信息: only on the identity page (a reveal's response, or a refused correction sent back)
        "identity_form": identity_form,
        "max_extension": max_extension_days(petition),
        "review_requests": review_requests,
        "review_line": f"复查、复核请求{len(review_requests)}件" if review_requests else "",
        # the petitioner's own window to ask for 复查/复核: shown, never a reminder to the office
        "review_window": review_window,
        "review_window_left": days_left(review_window[1].date, today) if review_window else None,
    }


# The section of the page that the case's status works on, unfolded (a finished case's: its conclusion); the other
# stages fold into their summary line.
STAGE_SECTIONS = {Status.PROPOSED: "proposals", Status.INVESTIGATING: "investigation",
                  Status.REVIEWING: "investigation", Status.TRANSFERRED: "transfers", Status.CONCLUDED: "conclusion",
                  Status.FED_BACK: "conclusion", Status.ARCHIVED: "conclusion"}


def _unfolded_stage(petition, review_requests):
    if any(r.answered_on is None for r in review_requests):
        return "reviews"
    return STAGE_SECTIONS.get(petition.status, "")


@office_required
@require_POST
@protects_identity("reason")
def reveal(request, code):
    """Show the informant after a stated reason; the response holds the identity, nothing stores it."""
    petition = _get_visible(request, code)
    if not permissions.can_view_identity(request.user, petition):
        deny(request, "查看举报人身份")
    form = forms.RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = identity.reveal(petition, actor=request.user, reason=form.cleaned_data["reason"],
                                       request=request)
        except (Refused, PermissionDenied):
            deny(request, "查看举报人身份")
    identity_form = None
    if revealed is not None:
        identity_form = forms.IdentityForm(initial={
            "reporter_name": revealed.name, "reporter_id_number": revealed.id_number,
            "reporter_phone": revealed.phone, "reporter_address": revealed.address})
    context = _detail_context(request, petition, timezone.localdate(), identity=revealed, reveal_form=form,
                              identity_form=identity_form)
    return render(request, "petitions/detail.html", context)


@office_required
@require_POST
@protects_identity(*IDENTITY_FIELDS, "correction_reason")
def update_identity(request, code):
    """更正举报人信息 from the identity page. Success goes back to the case page, which shows no identity; a refused
    correction comes back with the values as typed (never the stored ones, which only a reveal shows)."""
    petition = _get_visible(request, code)
    if not permissions.can_view_identity(request.user, petition):
        deny(request, "更正举报人信息")
    form = forms.IdentityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        reporter = identity.Reporter(data["reporter_name"], data["reporter_id_number"], data["reporter_phone"],
                                     data["reporter_address"])
        try:
            labels = identity.update(petition, reporter, actor=request.user, reason=data["correction_reason"],
                                     request=request)
        except PermissionDenied:
            deny(request, "更正举报人信息")
        except Refused as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已更正举报人信息（{'、'.join(labels)}），已记入审计日志")
            return redirect(petition)
    context = _detail_context(request, petition, timezone.localdate(), identity_form=form)
    return render(request, "petitions/detail.html", context, status=400)


@office_required
@require_GET
def attachment(request, code, attachment_code):
    petition = _get_visible(request, code)
    item = get_object_or_404(petition.attachments, code=attachment_code)
    audit.record_request(request, audit.Action.VIEW, "petitions.attachment.downloaded", petition,
                         summary=f"下载信访举报件 {petition.code} 的附件")
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


@office_required
@require_GET
def statistics(request):
    start = _parse_date(request.GET.get("start"))
    end = _parse_date(request.GET.get("end"))
    scope = {"user": request.user, "start": start, "end": end}
    return render(request, "petitions/stats.html", {
        "summary": stats.summary(**scope), "start": start, "end": end,
    })


def _parse_date(value):
    try:
        return timezone.datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None
