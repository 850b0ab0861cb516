"""Views of the petitions app: thin; scope from Petition.objects.visible_to, checks from petitions.permissions,
every change through petitions.services. Identity values appear only on the identity page: the response to a reveal
POST (with the correction form), or a refused correction sent back with the values as typed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadres.models import SupervisionMeasure
from core import audit
from core.permissions import deny, office_required
from petitions import duplicates, forms, permissions, reviews, services, stats, workflow
from petitions.deadlines import days_class, days_left, max_extension_days, pending, rolling_stages
from petitions.filters import filtered
from petitions.models import CaseType, Petition, PetitionSubject, ReviewRequest, Status
from petitions.security import protects_identity
from petitions.workflow import TransitionError

IDENTITY_FIELDS = ("reporter_name", "reporter_id_number", "reporter_phone", "reporter_address")
PAGE_SIZE = 30


def _filtered(request):
    return filtered(request.GET, request.user)


@office_required
@require_GET
def index(request):
    filterset, petitions = _filtered(request)
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
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
        reporter = services.Reporter(data["reporter_name"], data["reporter_id_number"], data["reporter_phone"],
                                     data["reporter_address"]) if data["is_named"] else None
        try:
            petition = services.register(
                actor=request.user, received_on=data["received_on"], channel=data["channel"],
                case_type=data["case_type"], is_named=data["is_named"], summary=data["summary"],
                categories=data["categories"], unit=data["unit"], full_text=data["full_text"],
                clues_specific=data["clues_specific"], cadres=data["cadres"], unmatched=data["unmatched"],
                reporter=reporter, attachments=[data["attachment"]] if data["attachment"] else [], request=request)
        except TransitionError as error:
            messages.error(request, str(error))
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


# action -> (form class, whether the form needs the petition/user)
ACTION_FORMS = {
    "propose": forms.ProposeForm,
    "approve": forms.ApproveForm,
    "reject": forms.NoteForm,
    "assign_handlers": forms.AssignForm,
    "update_investigation": forms.InvestigationForm,
    "add_interview": forms.InterviewForm,
    "submit_findings": forms.FindingsForm,
    "return_for_more": forms.NoteForm,
    "conclude": forms.ConcludeForm,
    "record_transfer_reply": forms.TransferReplyForm,
    "notify_acceptance": forms.AcceptanceNoticeForm,
    "extend": forms.ExtendForm,
    "record_feedback": forms.FeedbackForm,
    "archive": forms.EmptyForm,
    "link_duplicate": forms.DuplicateForm,
    "void": forms.VoidForm,
    "link_subject": forms.LinkSubjectForm,
    "add_attachment": forms.AttachmentForm,
    "request_review": forms.ReviewRequestForm,
    "answer_review": forms.ReviewAnswerForm,
}


def _make_form(action, petition, user, data=None, files=None):
    form_class = ACTION_FORMS[action]
    if form_class is forms.ConcludeForm:
        return form_class(data, petition=petition, prefix=action)
    if form_class is forms.LinkSubjectForm:
        return form_class(data, petition=petition, user=user, prefix=action)
    return form_class(data, files, prefix=action)


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
    return [action for action in workflow.available(petition.status)
            if permissions.can(user, action, petition) and _relevant(action, petition)]


def _run(action, petition, form, request):
    data, user = form.cleaned_data, request.user
    common = {"actor": user, "request": request}
    if action == "propose":
        return services.propose(petition, disposal=data["disposal"], reason=data["reason"],
                                transfer_to=data["transfer_to"], transfer_reply_due=data["transfer_reply_due"],
                                joint_bodies=data["joint_bodies"], **common)
    if action == "approve":
        return services.approve(petition, note=data["note"], handlers=list(data["handlers"]), **common)
    if action == "reject":
        return services.reject(petition, note=data["note"], **common)
    if action == "assign_handlers":
        return services.assign_handlers(petition, list(data["handlers"]), **common)
    if action == "update_investigation":
        return services.update_investigation(petition, investigators=data["investigators"], plan=data["plan"],
                                             **common)
    if action == "add_interview":
        return services.add_interview(petition, held_on=data["held_on"], interviewee=data["interviewee"],
                                      place=data["place"], content=data["content"], **common)
    if action == "submit_findings":
        return services.submit_findings(petition, findings=data["findings"], **common)
    if action == "return_for_more":
        return services.return_for_more(petition, note=data["note"], **common)
    if action == "conclude":
        return services.conclude(petition, conclusion=data["conclusion"], note=data["note"],
                                 measures=form.measures(), clear_name=data["clear_name"],
                                 clearing_note=data["clearing_note"], false_accusation=data["false_accusation"],
                                 false_accusation_note=data["false_accusation_note"], **common)
    if action == "record_transfer_reply":
        return services.record_transfer_reply(petition, replied_on=data["replied_on"], content=data["content"],
                                              conclusion=data["conclusion"], **common)
    if action == "notify_acceptance":
        return services.notify_acceptance(petition, notified_on=data["notified_on"], method=data["method"],
                                          **common)
    if action == "extend":
        return services.extend(petition, days=data["days"], reason=data["reason"], **common)
    if action == "record_feedback":
        return services.record_feedback(petition, feedback_on=data["feedback_on"], method=data["method"],
                                        content=data["content"], objection=data["objection"], **common)
    if action == "archive":
        return services.archive(petition, **common)
    if action == "link_duplicate":
        main = Petition.objects.visible_to(user).filter(code=data["main_code"].strip().upper()).first()
        if main is None:
            raise TransitionError("未找到该主案件编号")
        return services.link_duplicate(petition, main, reason=data["reason"], **common)
    if action == "void":
        return services.void(petition, reason=data["reason"], **common)
    if action == "link_subject":
        return services.link_subject(petition, data["subject"], data["cadre"], **common)
    if action == "add_attachment":
        return services.add_attachment(petition, data["file"], **common)
    if action == "request_review":
        return reviews.request_review(petition, requested_on=data["requested_on"], received_on=data["received_on"],
                                      reply_received_on=data["reply_received_on"], record_late=data["record_late"],
                                      note=data["note"], **common)
    if action == "answer_review":
        return reviews.answer_review(petition, outcome=data["outcome"], answered_on=data["answered_on"],
                                     note=data["note"], **common)
    raise Http404


@office_required
@require_POST
def act(request, code, action):
    if action not in ACTION_FORMS:
        raise Http404
    petition = _get_visible(request, code)
    if not permissions.can(request.user, action, petition):
        deny(request, workflow.label(action))
    form = _make_form(action, petition, request.user, request.POST, request.FILES)
    if not form.is_valid():
        errors = "；".join(f"{form.fields[name].label + ' ' if name in form.fields else ''}{'，'.join(texts)}"
                          for name, texts in form.errors.items())
        messages.error(request, f"{workflow.label(action)}未完成：{errors}")
        return redirect(petition)
    try:
        _run(action, petition, form, request)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{workflow.label(action)}已完成")
    return redirect(petition)


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
    deadlines = [(item, days_left(item.date, today), days_class(item.date, today))
                 for item in pending(petition, list(petition.transfers.all()), list(petition.review_requests.all()))]
    review_window = reviews.window(petition)
    candidates = (duplicates.for_petition(petition, user) if petition.status in (Status.REGISTERED, Status.PROPOSED)
                  else [])
    return {
        "petition": petition, "today": today, "deadlines": deadlines,
        "rolling_stages": rolling_stages(petition.case_type) if deadlines else set(),
        "forms": [(action, workflow.label(action), _make_form(action, petition, user)) for action in actions],
        "events": petition.events.select_related("actor"),
        "proposals": petition.proposals.select_related("proposed_by", "decided_by"),
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
        "max_extension": max_extension_days(petition.case_type),
        "review_requests": petition.review_requests.all(),
        # the petitioner's own window to ask for 复查/复核: shown, never a reminder to the office
        "review_window": review_window,
        "review_window_left": days_left(review_window[1].date, today) if review_window else None,
    }


@office_required
@require_POST
@protects_identity("reason")
def reveal(request, code):
    """Show the informant after a stated reason; the response holds the identity, nothing stores it."""
    petition = _get_visible(request, code)
    if not permissions.can_view_identity(request.user, petition):
        deny(request, "查看举报人身份")
    form = forms.RevealForm(request.POST)
    identity = None
    if form.is_valid():
        try:
            identity = services.reveal_identity(petition, actor=request.user, reason=form.cleaned_data["reason"],
                                                request=request)
        except (TransitionError, PermissionDenied):
            deny(request, "查看举报人身份")
    identity_form = None
    if identity is not None:
        identity_form = forms.IdentityForm(initial={
            "reporter_name": identity.name, "reporter_id_number": identity.id_number,
            "reporter_phone": identity.phone, "reporter_address": identity.address})
    context = _detail_context(request, petition, timezone.localdate(), identity=identity, reveal_form=form,
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
        reporter = services.Reporter(data["reporter_name"], data["reporter_id_number"], data["reporter_phone"],
                                     data["reporter_address"])
        try:
            labels = services.update_identity(petition, reporter, actor=request.user,
                                              reason=data["correction_reason"], request=request)
        except PermissionDenied:
            deny(request, "更正举报人信息")
        except TransitionError as error:
            form.add_error(None, str(error))
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
        "export_url": reverse("petitions:export"),
    })


def _parse_date(value):
    try:
        return timezone.datetime.strptime(value, "%Y-%m-%d").date() if value else None
    except ValueError:
        return None
