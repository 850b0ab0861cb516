"""Every operation on a petition: atomic, the row locked, the state checked against petitions.workflow, a step on
the case timeline and an event in the audit log. Never an informant's identity in either.
"""

import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from cadres.models import SourceChannel
from cadres.services import record_measure
from core import audit, numbering, outbox, roles, uploads, workdays
from core.deadlines import users_covering
from core.refusals import Refused, not_future
from core.scoping import in_subtree
from liaison.hooks import HandoffResult
from petitions import deadlines as petition_deadlines
from petitions import identity
from petitions.audit_events import STEP_EVENTS
from petitions.models import (
    OPEN_STATUSES,
    Attachment,
    CaseType,
    Channel,
    Conclusion,
    Disposal,
    FeedbackMethod,
    HandlingProposal,
    InterviewRecord,
    Petition,
    PetitionEvent,
    PetitionSubject,
    ProblemCategory,
    Status,
    Transfer,
)
from petitions.workflow import APPROVAL_TARGETS, MACHINE

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone
logger = logging.getLogger(__name__)


# --- helpers ----------------------------------------------------------------------------------------------------

CASE_NUMBER_SERIES = "petitions.petition"  # core.models.YearlyCounter.series


def next_case_number(year, jurisdiction=None):
    """XF-<year>-<5 digits>, a county's XF-<county>-<year>-<5 digits>, gap-free (core.numbering)."""
    seq = numbering.next_number(CASE_NUMBER_SERIES, year, jurisdiction)
    return f"XF-{numbering.segment(jurisdiction)}{year}-{seq:05d}"


def new_query_code():
    while True:
        code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))
        if not Petition.objects.filter(query_code=code).exists():
            return code


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def check_past(day, what, petition=None):
    """A date recording something that already happened may not lie in the future (core.refusals.not_future),
    nor (for a step of a case) before the case was received."""
    not_future(day, what)
    if day is not None and petition is not None and day < petition.received_on:
        raise Refused(f"{what}（{cn_date(day)}）不能早于收件日期（{cn_date(petition.received_on)}）")


def _locked(petition):
    return Petition.objects.select_for_update().get(pk=petition.pk)


def _step(petition, actor, action, *, from_status="", note="", request=None, audit_action=audit.Action.UPDATE,
          changes=None):
    """Record one step on the case timeline and in the audit log."""
    PetitionEvent.objects.create(petition=petition, actor=actor, action=action, label=MACHINE.label(action),
                                 from_status=from_status, to_status=petition.status if from_status else "",
                                 note=note)
    summary = f"信访举报件 {petition.code}：{MACHINE.label(action)}"
    if from_status and from_status != petition.status:
        summary += f"（{Status(from_status).label} → {petition.get_status_display()}）"
    audit.record(actor, audit_action, STEP_EVENTS[action], petition, request=request, summary=summary,
                 changes=changes)


def refresh_deadlines(petition, save=True):
    petition_deadlines.compute(petition)
    if save:
        petition.save(update_fields=petition_deadlines.DEADLINE_FIELDS + ["updated_at"])
    return petition


def _move(petition, action, target, actor, *, note="", request=None, fields=(), changes=None):
    MACHINE.check(petition, action, target=target)
    old = petition.status
    petition.status = target
    refresh_deadlines(petition, save=False)
    petition.save(update_fields=["status", *fields, *petition_deadlines.DEADLINE_FIELDS, "updated_at"])
    _step(petition, actor, action, from_status=old, note=note, request=request, changes=changes)
    return petition


def _notify_assigned(petition, users, actor):
    user_ids = [user.pk for user in users if user.pk != getattr(actor, "pk", None)]
    if user_ids:
        # Ids only, through the outbox: sent once committed, or later by its dispatcher.
        outbox.publish("petitions.tasks.notify_assigned", petition.pk, user_ids)


# --- intake -----------------------------------------------------------------------------------------------------

@transaction.atomic
@sensitive_variables()
def register(*, actor, received_on, channel, case_type, is_named, summary, categories, unit=None, full_text="",
             clues_specific=False, cadres=(), unmatched=(), reporter=None, attachments=(), request=None):
    """受理登记. `cadres` are Cadre instances; `unmatched` dicts of name/unit_text/post_title for people not yet
    matched; `reporter` a Reporter for a named report. The registering user becomes the first handler; an intake
    registered by a system (an API client's service account) goes to the 科室负责人 who assign it (intake_handlers)."""
    cadres = list(dict.fromkeys(cadres))  # the same cadre twice would break the one-subject-per-case constraint
    check_past(received_on, "收件日期")
    if is_named and (reporter is None or reporter.is_empty()):
        raise Refused("实名举报须填写举报人信息")
    if not is_named and reporter is not None and not reporter.is_empty():
        raise Refused("匿名举报不应填写举报人信息")
    if not cadres and not unmatched:
        raise Refused("请至少填写一名被反映人")
    if any(not item.get("name", "").strip() for item in unmatched):
        raise Refused("未匹配的被反映人须填写姓名")
    if not categories:
        raise Refused("请选择问题类别")
    if not summary.strip() or len(summary) > Petition._meta.get_field("summary").max_length:
        raise Refused("请填写内容摘要（不超过300字），详细内容写入反映内容全文")
    unit = unit or (cadres[0].unit if cadres else None)
    if unit is None:
        raise Refused("请选择涉及单位")
    handlers = intake_handlers(unit) if actor.is_service_account else [actor]
    code = next_case_number(received_on.year, numbering.jurisdiction_of(actor))
    petition = Petition(code=code, query_code=new_query_code(),
                        received_on=received_on, channel=channel, case_type=case_type, is_named=is_named,
                        unit=unit, categories=sorted(set(categories)), summary=summary, full_text=full_text,
                        clues_specific=clues_specific, created_by=actor)
    refresh_deadlines(petition, save=False)
    petition.save()
    for cadre in cadres:
        PetitionSubject.objects.create(petition=petition, cadre=cadre, unit=cadre.unit, post_title=cadre.post_title)
    for item in unmatched:
        PetitionSubject.objects.create(petition=petition, name=item["name"], unit_text=item.get("unit_text", ""),
                                       post_title=item.get("post_title", ""))
    if is_named:
        identity.store(petition, reporter)
    petition.handlers.add(*handlers)
    identity.grant(petition, handlers)
    for uploaded in attachments:
        _attach(petition, uploaded, actor)
    note = f"{petition.get_channel_display()}，{'实名' if is_named else '匿名'}"
    if handlers != [actor]:
        note += f"；交科室负责人分办：{'、'.join(user.display_name for user in handlers)}"
    PetitionEvent.objects.create(petition=petition, actor=actor, action="register", label="受理登记",
                                 to_status=petition.status, note=note)
    audit.record(actor, audit.Action.CREATE, "petitions.petition.registered", petition, request=request,
                 summary=f"登记信访举报件 {petition.code}（{petition.get_channel_display()}，"
                         f"{'实名' if is_named else '匿名'}）")
    _notify_assigned(petition, handlers, actor)
    return petition


def intake_handlers(unit):
    """The office's rule for an intake nobody of the office registered: it goes to the 科室负责人 of the nearest
    office covering its unit (the deepest jurisdiction; a county's before the city's), who assign its handlers."""
    heads = users_covering(unit, [roles.SECTION_HEAD])
    if not heads:
        raise Refused(f"{unit.display_name}没有负责的科室负责人，无法分办：请管理员先为其所属监督科设置科室负责人",
                      code="state")
    depth = max(_depth(user) for user in heads)
    return sorted((user for user in heads if _depth(user) == depth), key=lambda user: user.pk)


def _depth(user):
    return user.jurisdiction.path.count("/") if user.jurisdiction_id else 0


def _attach(petition, uploaded, actor):
    try:
        uploads.check_upload(uploaded)
    except ValidationError as error:
        raise Refused("附件未保存：" + "".join(error.messages)) from None
    attachment = Attachment(petition=petition, original_name=uploaded.name[:200], size=uploaded.size or 0,
                            uploaded_by=actor)
    attachment.file.save(uploaded.name, uploaded, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachment(petition, uploaded, *, actor, request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "add_attachment")
    attachment = _attach(petition, uploaded, actor)
    _step(petition, actor, "add_attachment", note=attachment.original_name, request=request)
    return attachment


@transaction.atomic
def link_subject(petition, subject_id, cadre, *, actor, request=None):
    """Match a free-text 被反映人 to a cadre, once the person is identified."""
    petition = _locked(petition)
    MACHINE.check(petition, "link_subject")
    subject = petition.subjects.select_for_update().get(pk=subject_id)
    if subject.cadre_id:
        raise Refused("该被反映人已匹配干部")
    if petition.subjects.filter(cadre=cadre).exists():
        raise Refused("该干部已在被反映人中")
    old_name = subject.name
    subject.cadre, subject.unit, subject.post_title = cadre, cadre.unit, subject.post_title or cadre.post_title
    subject.save()
    _step(petition, actor, "link_subject", note=f"{old_name} → {cadre.name}（{cadre.unit.display_name}）",
          request=request)
    return subject


# --- hand-off from the liaison meeting ---------------------------------------------------------------------------

# 联席会议通报 aspects that name a 问题类别 of their own; the others are registered as 其他 for the handler to refine.
LIAISON_CATEGORIES = {"conduct": ProblemCategory.CONDUCT, "performance": ProblemCategory.PERFORMANCE}


def register_from_liaison(item, actor):
    """转信访举报件: the office's disposal of a liaison item registers a case about the item's matched cadre.
    Registered with liaison.hooks in PetitionsConfig.ready(); runs inside the disposal's transaction."""
    if item.cadre_id is None:
        raise Refused("请先将事项匹配到干部，再转信访举报件")
    report = item.report
    origin = f"联席会议通报（{report.member_unit}，{report.period_label}）"
    try:
        petition = register(
            actor=actor, received_on=timezone.localdate(), channel=Channel.LIAISON, case_type=CaseType.ACCUSATION,
            is_named=False, summary=f"{origin}：{item.description}"[:Petition._meta.get_field("summary").max_length],
            full_text=f"{origin}\n{item.description}\n信息来源：{item.get_source_kind_display()}，{item.source}",
            categories=[LIAISON_CATEGORIES.get(item.aspect, ProblemCategory.OTHER)], cadres=[item.cadre])
    except Refused as error:
        raise Refused(f"转信访举报件未成功：{error}") from None
    return HandoffResult(code=petition.code, label=f"信访举报件 {petition.code}", url=petition.get_absolute_url())


# --- handling ---------------------------------------------------------------------------------------------------

@transaction.atomic
def propose(petition, *, actor, disposal, reason, transfer_to="", transfer_reply_due=None, joint_bodies="",
            request=None):
    """拟办: a proposed way of disposing of the lead, with a reason, for approval."""
    petition = _locked(petition)
    MACHINE.check(petition, "propose")
    if not reason.strip():
        raise Refused("请填写拟办理由")
    if disposal == Disposal.TRANSFER and not (transfer_to.strip() and transfer_reply_due):
        raise Refused("转办须填写转办单位和回复期限")
    if disposal == Disposal.JOINT_CHECK and not joint_bodies.strip():
        raise Refused("联合查核须写明联合查核单位")
    HandlingProposal.objects.create(petition=petition, disposal=disposal, reason=reason, transfer_to=transfer_to,
                                    transfer_reply_due=transfer_reply_due, joint_bodies=joint_bodies,
                                    proposed_by=actor)
    # The forwarding limit (from receipt) applies as soon as a transfer is proposed.
    petition.proposed_disposal = disposal
    return _move(petition, "propose", Status.PROPOSED, actor, note=f"{Disposal(disposal).label}：{reason}",
                 request=request, fields=["proposed_disposal"])


def _pending_proposal(petition):
    proposal = petition.proposals.select_for_update().filter(decision=HandlingProposal.Decision.PENDING).first()
    if proposal is None:
        raise Refused("没有待审批的拟办意见")
    return proposal


@transaction.atomic
def approve(petition, *, actor, note="", handlers=None, request=None):
    """审批同意: the case goes where the disposal leads; approval of anything but 转办 is the acceptance (受理)."""
    petition = _locked(petition)
    MACHINE.check(petition, "approve")
    proposal = _pending_proposal(petition)
    target = APPROVAL_TARGETS[proposal.disposal]
    MACHINE.check(petition, "approve", target=target)
    today = timezone.localdate()
    proposal.decision, proposal.decided_by, proposal.decided_at = (HandlingProposal.Decision.APPROVED, actor,
                                                                     timezone.now())
    proposal.decision_note = note
    proposal.save()
    petition.disposal, petition.proposed_disposal = proposal.disposal, ""
    fields = ["disposal", "proposed_disposal"]
    if proposal.disposal != Disposal.TRANSFER and petition.accepted_on is None:
        petition.accepted_on = today
        fields.append("accepted_on")
    if proposal.disposal == Disposal.JOINT_CHECK:
        petition.joint_bodies = proposal.joint_bodies
        fields.append("joint_bodies")
    if proposal.disposal == Disposal.TRANSFER:
        Transfer.objects.create(petition=petition, to_body=proposal.transfer_to, sent_on=today,
                                reply_due=proposal.transfer_reply_due, created_by=actor)
    if proposal.disposal == Disposal.CLOSE:
        petition.concluded_on, petition.concluded_by, petition.conclusion_note = today, actor, note or proposal.reason
        fields += ["concluded_on", "concluded_by", "conclusion_note"]
    _move(petition, "approve", target, actor, note=f"{proposal.get_disposal_display()}{('：' + note) if note else ''}",
          request=request, fields=fields)
    if handlers:
        _set_handlers(petition, handlers, actor, request=request)
    return petition


@transaction.atomic
def reject(petition, *, actor, note, request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "reject")
    if not note.strip():
        raise Refused("退回须写明意见")
    proposal = _pending_proposal(petition)
    proposal.decision, proposal.decided_by, proposal.decided_at = (HandlingProposal.Decision.REJECTED, actor,
                                                                     timezone.now())
    proposal.decision_note = note
    proposal.save()
    petition.proposed_disposal = ""
    target = Status.ON_HOLD if petition.disposal == Disposal.HOLD else Status.REGISTERED
    return _move(petition, "reject", target, actor, note=note, request=request, fields=["proposed_disposal"])


def _set_handlers(petition, handlers, actor, request=None):
    if any(user.is_service_account for user in handlers):
        raise Refused("接口服务账号不能作为承办人", field="handlers")
    current = set(petition.handlers.all())
    wanted = set(handlers)
    added, removed = wanted - current, current - wanted
    petition.handlers.set(wanted)
    identity.grant(petition, added)
    identity.revoke(petition, removed)
    names = "、".join(sorted(user.display_name for user in wanted))
    _step(petition, actor, "assign_handlers", note=f"承办人：{names}", request=request,
          audit_action=audit.Action.PERMISSION_CHANGE,
          changes={"handlers": [sorted(u.username for u in current), sorted(u.username for u in wanted)]})
    _notify_assigned(petition, added, actor)


@transaction.atomic
def assign_handlers(petition, handlers, *, actor, request=None):
    """承办人: they get the object permission to see the identity; removed handlers lose it."""
    petition = _locked(petition)
    MACHINE.check(petition, "assign_handlers")
    if not handlers:
        raise Refused("至少指定一名承办人")
    _set_handlers(petition, handlers, actor, request=request)
    return petition


@transaction.atomic
def update_investigation(petition, *, actor, investigators, plan, request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "update_investigation")
    before = {"investigators": petition.investigators, "investigation_plan": petition.investigation_plan}
    petition.investigators, petition.investigation_plan = investigators, plan
    petition.save(update_fields=["investigators", "investigation_plan", "updated_at"])
    _step(petition, actor, "update_investigation", note=f"查核人员：{investigators}", request=request,
          changes=audit.changed_fields(petition, before, list(before)))
    return petition


@transaction.atomic
def add_interview(petition, *, actor, held_on, interviewee, content, place="", request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "add_interview")
    check_past(held_on, "谈话日期", petition)
    record = InterviewRecord.objects.create(petition=petition, held_on=held_on, interviewee=interviewee,
                                            place=place, content=content, recorded_by=actor)
    _step(petition, actor, "add_interview", note=f"{held_on:%Y-%m-%d} 与{interviewee}谈话", request=request)
    return record


@transaction.atomic
def submit_findings(petition, *, actor, findings, request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "submit_findings")
    if not findings.strip():
        raise Refused("请填写查核情况")
    petition.findings = findings
    return _move(petition, "submit_findings", Status.REVIEWING, actor, request=request, fields=["findings"])


@transaction.atomic
def return_for_more(petition, *, actor, note, request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "return_for_more")
    if not note.strip():
        raise Refused("退回须写明需补充查核的内容")
    return _move(petition, "return_for_more", Status.INVESTIGATING, actor, note=note, request=request)


@transaction.atomic
def conclude(petition, *, actor, conclusion, note, measures=(), clear_name=False, clearing_note="",
             false_accusation=False, false_accusation_note="", concluded_on=None, request=None):
    """审核办结: the conclusion; each (cadre, kind) in `measures` becomes a supervision measure in the cadres app.
    A false report may clear the cadre's name (澄清正名) and, when deliberate, be referred as 诬告陷害."""
    petition = _locked(petition)
    MACHINE.check(petition, "conclude")
    if conclusion not in Conclusion.values:
        raise Refused("请选择查核结论")
    check_past(concluded_on, "办结日期", petition)
    if (clear_name or false_accusation) and conclusion != Conclusion.FALSE:
        raise Refused("澄清正名、诬告陷害移送仅适用于查核结论为“不属实”的案件")
    if measures and conclusion not in (Conclusion.TRUE, Conclusion.PARTLY_TRUE):
        raise Refused("只有查核属实或部分属实的，才可对被反映人采取监督措施")
    subject_cadres = {subject.cadre_id for subject in petition.subjects.all() if subject.cadre_id}
    if any(cadre.pk not in subject_cadres for cadre, _kind in measures):
        raise Refused("监督措施只能针对本案已匹配的被反映人")
    petition.conclusion, petition.conclusion_note = conclusion, note
    petition.concluded_on, petition.concluded_by = concluded_on or timezone.localdate(), actor
    petition.name_cleared, petition.clearing_note = clear_name, clearing_note
    petition.false_accusation_referred, petition.false_accusation_note = false_accusation, false_accusation_note
    _move(petition, "conclude", Status.CONCLUDED, actor, note=f"{Conclusion(conclusion).label}：{note}",
          request=request, fields=["conclusion", "conclusion_note", "concluded_on", "concluded_by", "name_cleared",
                                   "clearing_note", "false_accusation_referred", "false_accusation_note"])
    for cadre, kind in measures:
        record_measure(cadre, kind, petition.concluded_on,
                       f"信访举报件 {petition.code} 查核{Conclusion(conclusion).label}：{note}"[:1000],
                       actor=actor, source_channel=SourceChannel.PETITION, source=petition, request=request)
    return petition


@transaction.atomic
def record_transfer_reply(petition, *, actor, replied_on, content, conclusion="", request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "record_transfer_reply")
    check_past(replied_on, "转办回复日期", petition)
    transfer = petition.transfers.select_for_update().filter(replied_on__isnull=True).last()
    if transfer is None:
        raise Refused("没有待回复的转办记录")
    if not content.strip():
        raise Refused("请填写回复内容")
    transfer.replied_on, transfer.reply_content = replied_on, content
    transfer.save()
    petition.conclusion, petition.conclusion_note = conclusion, f"{transfer.to_body}回复：{content}"
    petition.concluded_on, petition.concluded_by = replied_on, actor
    return _move(petition, "record_transfer_reply", Status.CONCLUDED, actor, note=f"{transfer.to_body}已回复",
                 request=request, fields=["conclusion", "conclusion_note", "concluded_on", "concluded_by"])


@transaction.atomic
def notify_acceptance(petition, *, actor, notified_on, method, request=None):
    """受理告知: a named reporter is told the report was accepted."""
    petition = _locked(petition)
    MACHINE.check(petition, "notify_acceptance")
    if not petition.is_named:
        raise Refused("匿名件无需受理告知")
    if petition.acceptance_notified_on:
        raise Refused("已登记过受理告知")
    check_past(notified_on, "受理告知日期", petition)
    petition.acceptance_notified_on, petition.acceptance_notice_method = notified_on, method
    refresh_deadlines(petition, save=False)
    petition.save(update_fields=["acceptance_notified_on", "acceptance_notice_method",
                                 *petition_deadlines.DEADLINE_FIELDS, "updated_at"])
    _step(petition, actor, "notify_acceptance", note=f"{notified_on:%Y-%m-%d}，{FeedbackMethod(method).label}",
          request=request)
    return petition


@transaction.atomic
def extend(petition, *, actor, days, reason, request=None):
    """延期: a 信访事项 may be extended once, by at most the table's limit (30 days), with the approver recorded."""
    petition = _locked(petition)
    MACHINE.check(petition, "extend")
    if petition.case_type != CaseType.PETITION_MATTER:
        raise Refused("只有信访事项可以延期办理")
    if petition.extension_days:
        raise Refused("信访事项只能延期一次")
    limit = petition_deadlines.max_extension_days(petition)
    if not 1 <= days <= limit:
        raise Refused(f"延期天数应在 1 至 {limit} 天之间")
    if not reason.strip():
        raise Refused("请填写延期理由（并告知信访人）")
    old_due = petition.handling_due
    petition.extension_days, petition.extension_reason = days, reason
    petition.extension_approved_by, petition.extension_approved_at = actor, timezone.now()
    refresh_deadlines(petition, save=False)
    petition.save(update_fields=["extension_days", "extension_reason", "extension_approved_by",
                                 "extension_approved_at", *petition_deadlines.DEADLINE_FIELDS, "updated_at"])
    _step(petition, actor, "extend", note=f"延期{days}天（办结期限 {old_due:%Y-%m-%d} → "
                                          f"{petition.handling_due:%Y-%m-%d}）：{reason}", request=request,
          changes={"handling_due": [str(old_due), str(petition.handling_due)]})
    return petition


@transaction.atomic
def record_feedback(petition, *, actor, feedback_on, method, content, objection="", request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "record_feedback")
    if not petition.is_named:
        raise Refused("匿名件无法反馈，请直接归档")
    if not content.strip():
        raise Refused("请填写反馈内容")
    check_past(feedback_on, "反馈日期", petition)
    petition.feedback_on, petition.feedback_method = feedback_on, method
    petition.feedback_content, petition.feedback_objection = content, objection
    return _move(petition, "record_feedback", Status.FED_BACK, actor, request=request,
                 note=f"{feedback_on:%Y-%m-%d}，{FeedbackMethod(method).label}"
                      + ("；举报人有异议" if objection else ""),
                 fields=["feedback_on", "feedback_method", "feedback_content", "feedback_objection"])


@transaction.atomic
def archive(petition, *, actor, request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "archive")
    if petition.status == Status.CONCLUDED and petition.is_named:
        raise Refused("实名举报须先反馈，才能归档")
    petition.archived_on = timezone.localdate()
    return _move(petition, "archive", Status.ARCHIVED, actor, request=request, fields=["archived_on"])


@transaction.atomic
def link_duplicate(petition, main, *, actor, reason="", request=None):
    """重复件: this new report joins an existing case; statistics count the case once."""
    petition = _locked(petition)
    MACHINE.check(petition, "link_duplicate")
    main = Petition.objects.select_for_update().get(pk=main.pk)
    if main.pk == petition.pk:
        raise Refused("不能与本件并案")
    if main.status in (Status.MERGED, Status.VOIDED):
        raise Refused("只能并入有效的主案件")
    petition.duplicate_of = main
    petition.handlers.clear()
    _move(petition, "link_duplicate", Status.MERGED, actor, note=f"并入 {main.code}{('：' + reason) if reason else ''}",
          request=request, fields=["duplicate_of"])
    PetitionEvent.objects.create(petition=main, actor=actor, action="link_duplicate", label="收到重复件",
                                 note=f"{petition.code} 并入本案")
    return petition


@transaction.atomic
def void(petition, *, actor, reason, request=None):
    petition = _locked(petition)
    MACHINE.check(petition, "void")
    if not reason.strip():
        raise Refused("作废须写明原因")
    petition.void_reason = reason[:200]
    return _move(petition, "void", Status.VOIDED, actor, note=reason, request=request, fields=["void_reason"])


# --- recomputing stored deadlines -------------------------------------------------------------------------------

_MOVE_LABELS = {"acceptance_due": "受理期限", "forward_due": "转送期限", "handling_due": "办结期限",
                "feedback_due": "反馈期限"}


def recompute_deadlines(first=None, last=None, *, within=None):
    """Inside the transaction that changed a rule: recompute the stored deadlines of open or concluded cases and
    return the moved ones (for the handlers' notifications). The holiday schedule changed between `first` and
    `last` (a core.workdays hook): only cases counted from a date on or before `last` with a deadline on or after
    `first`; the time-limit table changed: no bounds, every case (of the jurisdiction `within`, if given)."""
    cases = in_subtree(Petition.objects.filter(status__in=[*OPEN_STATUSES, Status.CONCLUDED]), within)
    if first is not None:
        reaching = Q()
        for field in _MOVE_LABELS:
            reaching |= Q(**{f"{field}__gte": first})
        cases = cases.filter(reaching)
    if last is not None:
        cases = cases.filter(received_on__lte=last)
    moves = []
    with petition_deadlines.limits_loaded():
        for petition in cases.select_for_update().prefetch_related("handlers", "transfers"):
            moves += _recompute_one(petition)
    return moves


def _recompute_one(petition):
    before = {field: getattr(petition, field) for field in petition_deadlines.DEADLINE_FIELDS}
    petition_deadlines.compute(petition, list(petition.transfers.all()))
    if before == {field: getattr(petition, field) for field in petition_deadlines.DEADLINE_FIELDS}:
        return []
    petition.save(update_fields=petition_deadlines.DEADLINE_FIELDS)
    return [workdays.Move(petition, field, label, before[field], getattr(petition, field),
                          getattr(petition, f"{field}_provisional"), tuple(petition.handlers.all()),
                          f"信访举报件 {petition.code}", petition.get_absolute_url())
            for field, label in _MOVE_LABELS.items()
            if before[field] and getattr(petition, field) and before[field] != getattr(petition, field)]

