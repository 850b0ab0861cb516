"""Every operation on a vetting case. Each one is atomic, locks the case row, refuses to touch a closed case,
appends to the case record (全程纪实, StepEvent) and writes the audit log. The moves between stages go through
`transition`, which applies vetting.workflow.MACHINE."""

from django.db import transaction
from django.utils import timezone

from cadres import registry
from cadres import services as cadre_services
from cadres.dates import add_months
from cadres.models import Rank
from core import audit, numbering, workdays
from core.concurrency import LATEST
from core.refusals import Refused
from vetting import permissions, posts, ranks, workflow
from vetting.audit_events import STATUS_EVENTS
from vetting.crosscheck import run_crosscheck
from vetting.models import (
    Appointment,
    ArchiveReview,
    CaseStatus,
    CrossCheck,
    Department,
    DisciplineOpinion,
    ExamAttempt,
    IntegrityTalk,
    OpinionRequest,
    PersonalMattersCheck,
    PetitionCheck,
    ProbationResult,
    Publicity,
    PublicityFeedback,
    PublicityOutcome,
    Recommendation,
    StepEvent,
    StepKind,
    VettingCase,
)

S = CaseStatus


# --- helpers ----------------------------------------------------------------------------------------------------

def _today():
    return timezone.localdate()


def _lock(case):
    return VettingCase.objects.select_for_update().select_related("cadre", "proposed_unit").get(pk=case.pk)


def _require_step_open(case, step, actor=None):
    """Refuse a change to a closed case, to a step of another stage, or (with `actor`) by a user who does not
    handle cases."""
    if actor is not None and not permissions.can_handle(actor):
        raise Refused("只有监督科工作人员或科室负责人可以录入", code="denied")
    if case.is_closed:
        raise Refused(f"案件已{case.get_status_display()}，任何环节均不能再修改", code="closed")
    if case.status not in workflow.STEP_STAGES[step]:
        raise Refused(f"案件当前处于“{case.get_status_display()}”，不能录入{StepKind(step).label}", code="step")


def _log(case, step, verb, actor, *, event, detail="", changes=None, request=None, action=audit.Action.UPDATE):
    """Append to the case record and the audit log. Detail text never holds informant identities."""
    StepEvent.objects.create(case=case, step=step, verb=verb, detail=detail[:2000], changes=changes or {},
                             actor=actor, actor_name=getattr(actor, "display_name", "") if actor else "")
    audit.record(actor, action, event, case, request=request, summary=f"{case.number} {verb}"[:500],
                 changes=changes)


def _stamp(record, actor):
    record.recorded_by = actor
    record.recorded_at = timezone.now()


def _values(instance, fields):
    out = {}
    for field in fields:
        value = getattr(instance, field)
        out[field] = value if isinstance(value, int | bool | type(None) | list) else str(value)
    return out


CASE_NUMBER_SERIES = "vetting.case"  # core.models.YearlyCounter.series


def _next_number(year, jurisdiction):
    """RQ-<year>-<4 digits>, a county's RQ-<county>-<year>-<4 digits>, gap-free (core.numbering)."""
    seq = numbering.next_number(CASE_NUMBER_SERIES, year, jurisdiction)
    return f"RQ-{numbering.segment(jurisdiction)}{year}-{seq:04d}"


def _require(check, user, message):
    if not check(user):
        raise Refused(message, code="denied")


def _not_future(day, label):
    """Steps record what already happened: a date after today is a typing error or a wish, never a fact."""
    today = _today()
    if day is not None and day > today:
        raise Refused(f"{label}（{day:%Y-%m-%d}）晚于今天（{today:%Y-%m-%d}），不能登记尚未发生的事项")


# --- opening and moving a case ----------------------------------------------------------------------------------

@transaction.atomic
def open_case(*, cadre, proposed_unit, proposed_title, proposed_rank, move_kind, handler, actor,
              is_elected_post=False, is_principal_post=False, batch=None, opened_on=None, request=None):
    """Start vetting a candidate; the cross-check against the cadres hub runs at once."""
    _require(permissions.can_handle, actor, "只有监督科工作人员或科室负责人可以启动任前把关")
    if VettingCase.objects.open().filter(cadre=cadre).exclude(status=S.PROBATION).exists():
        raise Refused(f"{cadre.name}已有正在办理的任前把关案件")
    opened_on = opened_on or _today()
    _not_future(opened_on, "启动日期")
    case = VettingCase.objects.create(
        number=_next_number(opened_on.year, numbering.jurisdiction_of(actor)), cadre=cadre, proposed_unit=proposed_unit,
        proposed_title=proposed_title, proposed_rank=proposed_rank, move_kind=move_kind,
        is_elected_post=is_elected_post, is_principal_post=is_principal_post, batch=batch, handler=handler,
        opened_on=opened_on, created_by=actor,
        probation_required=(move_kind == "promotion" and not is_elected_post),
    )
    _log(case, StepKind.CASE, "启动任前把关", actor, event="vetting.case.opened", action=audit.Action.CREATE,
         detail=f"人选{cadre.name}，拟任{proposed_unit.display_name}{proposed_title}（{case.get_move_kind_display()}）"
                f"，经办人{handler.display_name}", request=request)
    check = run_crosscheck(case, CrossCheck.Occasion.OPENING, actor=actor, on_date=opened_on)
    _log_crosscheck(case, check, actor, request)
    return case


def _mark(item):
    if not item.blocking:
        return "【提示】"
    return "【阻止·已经部领导批准】" if item.overridden else "【阻止】"


def _log_crosscheck(case, check, actor, request=None):
    items = list(check.items.all())
    blocking = sum(1 for i in items if i.blocking)
    detail = "；".join(f"{_mark(i)}{i.label}：{i.reason}" for i in items)
    detail = detail or "未发现预警事项"
    _log(case, StepKind.CROSSCHECK, f"预警核对（{check.get_occasion_display()}）", actor,
         event="vetting.crosscheck.performed", detail=detail, changes={"items": len(items), "blocking": blocking},
         request=request)


@transaction.atomic
def transition(case, action, *, actor, target=None, reason="", request=None, on_date=None):
    """The only place a case's status changes: `action` of workflow.MACHINE (its target named when it has several),
    then what the target stage needs (workflow.gaps_for)."""
    case = _lock(case)
    from_status = case.status
    row = workflow.MACHINE.check(case, action, actor, target=target, data={"reason": reason})
    to_status = target or row.target[0]
    if action == "resume" and to_status != case.suspended_from:
        raise Refused(f"暂缓的案件只能恢复到暂缓前的环节“{S(case.suspended_from).label}”", code="state")
    gaps = workflow.gaps_for(case, to_status, on_date=on_date)
    if gaps:
        raise Refused("；".join(gaps), code="incomplete")
    if to_status == S.SUSPENDED:
        case.suspended_from = from_status
    elif from_status == S.SUSPENDED:
        case.suspended_from = ""
    if to_status in (S.SUSPENDED, S.TERMINATED):
        case.status_reason = reason.strip()
    changes = workflow.MACHINE.apply(case, action, target=to_status, data={"reason": reason})
    if case.is_closed:
        case.closed_on = on_date or _today()
    case.save(update_fields=["status", "suspended_from", "status_reason", "closed_on", "updated_at"])
    verb = f"{S(from_status).label} → {S(to_status).label}"
    _log(case, StepKind.CASE, verb, actor, event=STATUS_EVENTS[to_status], detail=reason.strip(),
         changes=changes, request=request)
    return case


@transaction.atomic
def suspend(case, reason, *, actor, request=None):
    return transition(case, "suspend", actor=actor, reason=reason, request=request)


@transaction.atomic
def resume(case, reason, *, actor, request=None):
    locked = _lock(case)
    return transition(locked, "resume", target=locked.suspended_from or None, actor=actor, reason=reason,
                      request=request)


@transaction.atomic
def terminate(case, reason, *, actor, request=None):
    return transition(case, "terminate", actor=actor, reason=reason, request=request)


# --- 民主推荐 -----------------------------------------------------------------------------------------------------

@transaction.atomic
def record_recommendation(case, *, held_on, votes_cast, votes_for, actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.RECOMMENDATION, actor)
    _not_future(held_on, "民主推荐日期")
    if votes_cast <= 0 or votes_for < 0 or votes_for > votes_cast:
        raise Refused("得票数应在0与有效票数之间")
    threshold = workflow.settings_of(case).recommendation_threshold
    rec = Recommendation.objects.filter(case=case).first() or Recommendation(case=case)
    rec.held_on, rec.votes_cast, rec.votes_for, rec.threshold = held_on, votes_cast, votes_for, threshold
    rec.below_threshold = rec.share < threshold
    # New figures need a new decision on them.
    rec.override_reason, rec.override_by, rec.override_at = "", None, None
    _stamp(rec, actor)
    rec.save()
    flag = f"，低于{threshold}%，须记录继续推进的理由" if rec.below_threshold else ""
    _log(case, StepKind.RECOMMENDATION, "录入民主推荐结果", actor, event="vetting.recommendation.recorded",
         detail=f"{held_on:%Y-%m-%d}，有效票{votes_cast}，得票{votes_for}，得票率{rec.share}%{flag}",
         changes=_values(rec, ["votes_cast", "votes_for", "below_threshold"]), request=request)
    return rec


@transaction.atomic
def override_recommendation(case, reason, *, actor, request=None):
    """A 科室负责人 or 部领导 records why a candidate below the threshold goes on."""
    _require(permissions.can_override_recommendation, actor, "只有科室负责人或部领导可以决定继续推进")
    case = _lock(case)
    _require_step_open(case, StepKind.RECOMMENDATION)
    rec = Recommendation.objects.filter(case=case).first()
    if rec is None or not rec.below_threshold:
        raise Refused("得票率未低于下限，无需记录理由")
    if not reason.strip():
        raise Refused("请填写继续推进的理由")
    rec.override_reason, rec.override_by, rec.override_at = reason.strip(), actor, timezone.now()
    rec.save(update_fields=["override_reason", "override_by", "override_at"])
    _log(case, StepKind.RECOMMENDATION, "得票率低于下限，批准继续推进", actor,
         event="vetting.recommendation.overridden", detail=reason.strip(), request=request)
    return rec


@transaction.atomic
def start_inspection(case, *, actor, request=None):
    _require(permissions.can_handle, actor, "无权办理")
    return transition(case, "start_inspection", actor=actor, request=request)


# --- 凡提四必 -----------------------------------------------------------------------------------------------------

@transaction.atomic
def record_archive_review(case, *, reviewed_on, result, problems, findings, actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.ARCHIVE, actor)
    _not_future(reviewed_on, "档案审核日期")
    review = ArchiveReview.objects.filter(case=case).first() or ArchiveReview(case=case)
    review.reviewed_on, review.result, review.problems, review.findings = reviewed_on, result, list(problems), findings
    _stamp(review, actor)
    review.save()
    problems_text = "、".join(review.problem_labels()) or "无"
    _log(case, StepKind.ARCHIVE, "录入档案审核结果", actor, event="vetting.archive.recorded",
         detail=f"{review.get_result_display()}；问题类别：{problems_text}。{findings}",
         changes=_values(review, ["result", "problems"]), request=request)
    return review


@transaction.atomic
def record_personal_matters(case, *, checked_on, result, verification_ref="", notes="", actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.PERSONAL_MATTERS, actor)
    _not_future(checked_on, "查核日期")
    check = PersonalMattersCheck.objects.filter(case=case).first() or PersonalMattersCheck(case=case)
    check.checked_on, check.result, check.verification_ref, check.notes = checked_on, result, verification_ref, notes
    _stamp(check, actor)
    check.save()
    ref = f"（查核记录{verification_ref}）" if verification_ref else ""
    _log(case, StepKind.PERSONAL_MATTERS, "录入个人有关事项报告查核结果", actor,
         event="vetting.personal_matters.recorded", detail=f"{check.get_result_display()}{ref}。{notes}",
         changes=_values(check, ["result", "verification_ref"]), request=request)
    return check


def discipline_deadline(requested_on, days):
    return workdays.add_working_days(requested_on, days)


@transaction.atomic
def request_discipline_opinion(case, *, requested_on, actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.DISCIPLINE, actor)
    _not_future(requested_on, "发函日期")
    if DisciplineOpinion.objects.filter(case=case).exists():
        raise Refused("已向纪检监察机关征求意见")
    days = workflow.settings_of(case).discipline_reply_working_days
    due = discipline_deadline(requested_on, days)
    opinion = DisciplineOpinion(case=case, requested_on=requested_on, reply_days=days, reply_deadline=due.date,
                                reply_deadline_provisional=due.provisional)
    _stamp(opinion, actor)
    opinion.save()
    _log(case, StepKind.DISCIPLINE, "函请纪委监委回复党风廉政意见", actor, event="vetting.discipline.requested",
         detail=f"{requested_on:%Y-%m-%d}发函，答复期限{due}", request=request)
    return opinion


@transaction.atomic
def record_discipline_reply(case, *, replied_on, conclusion, reply, actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.DISCIPLINE, actor)
    _not_future(replied_on, "回复日期")
    opinion = DisciplineOpinion.objects.filter(case=case).first()
    if opinion is None:
        raise Refused("尚未向纪检监察机关征求意见")
    if replied_on < opinion.requested_on:
        raise Refused("回复日期不能早于发函日期")
    opinion.replied_on, opinion.conclusion, opinion.reply = replied_on, conclusion, reply
    _stamp(opinion, actor)
    opinion.save()
    late = "（逾期）" if replied_on > opinion.reply_deadline else ""
    _log(case, StepKind.DISCIPLINE, "登记纪委监委回复意见", actor, event="vetting.discipline.replied",
         detail=f"{replied_on:%Y-%m-%d}回复{late}：{opinion.get_conclusion_display()}。{reply}",
         changes=_values(opinion, ["conclusion"]), request=request)
    return opinion


def petition_refs(cadre):
    """Everything the other apps list about the candidate for the 信访举报核查 step."""
    return {
        "petition": registry.cases_about(cadre, "petition"),
        "liaison_for_vetting": registry.cases_about(cadre, "liaison_for_vetting"),
        "audit_due": registry.cases_about(cadre, "audit_due"),
    }


@transaction.atomic
def complete_petition_check(case, *, checked_on, conclusion, actor, request=None):
    """凡提必查: refused while a petition case with specific clues about the candidate is still open."""
    case = _lock(case)
    _require_step_open(case, StepKind.PETITION, actor)
    _not_future(checked_on, "核查日期")
    if not conclusion.strip():
        raise Refused("请填写核查结论")
    blocking = workflow.blocking_petitions(case.cadre)
    if blocking:
        raise Refused("存在线索具体且尚未办结的信访举报（" + "、".join(r.code for r in blocking)
                      + "），须查清后才能完成信访举报核查", code="incomplete")
    refs = petition_refs(case.cadre)
    seen = [{"topic": r.topic, "code": r.code, "label": r.label, "status": r.status, "is_open": r.is_open}
            for topic_refs in refs.values() for r in topic_refs]
    check = PetitionCheck.objects.filter(case=case).first() or PetitionCheck(case=case)
    check.checked_on, check.conclusion, check.cases_seen = checked_on, conclusion.strip(), seen
    _stamp(check, actor)
    check.save()
    _log(case, StepKind.PETITION, "完成信访举报核查", actor, event="vetting.petition_check.completed",
         detail=f"核查相关案件{len(seen)}件。{conclusion.strip()}", request=request)
    return check


# --- 征求意见 -----------------------------------------------------------------------------------------------------

def opinion_deadline(requested_on, days):
    return workdays.add_working_days(requested_on, days)


@transaction.atomic
def request_opinion(case, *, department, requested_on, actor, department_name="", request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.OPINIONS, actor)
    _not_future(requested_on, "发函日期")
    department_name = department_name.strip() if department == Department.OTHER else ""
    if department == Department.OTHER and not department_name:
        raise Refused("选择“其他”时请填写部门名称")
    if OpinionRequest.objects.filter(case=case, department=department, department_name=department_name).exists():
        raise Refused("已向该部门征求意见")
    days = workflow.settings_of(case).opinion_reply_working_days
    due = opinion_deadline(requested_on, days)
    item = OpinionRequest(case=case, department=department, department_name=department_name,
                          requested_on=requested_on, reply_days=days, reply_deadline=due.date,
                          reply_deadline_provisional=due.provisional)
    _stamp(item, actor)
    item.save()
    _log(case, StepKind.OPINIONS, f"向{item.department_label}征求意见", actor, event="vetting.opinion.requested",
         detail=f"{requested_on:%Y-%m-%d}发函，答复期限{due}", request=request)
    return item


@transaction.atomic
def record_opinion_reply(case, item_code, *, replied_on, reply, actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.OPINIONS, actor)
    _not_future(replied_on, "回复日期")
    item = case.opinion_requests.select_for_update().get(code=item_code)
    if replied_on < item.requested_on:
        raise Refused("回复日期不能早于发函日期")
    if not reply.strip():
        raise Refused("请填写回复内容")
    item.replied_on, item.reply, item.replied_recorded_by = replied_on, reply.strip(), actor
    item.save(update_fields=["replied_on", "reply", "replied_recorded_by"])
    late = "（逾期）" if replied_on > item.reply_deadline else ""
    _log(case, StepKind.OPINIONS, f"登记{item.department_label}回复意见", actor, event="vetting.opinion.replied",
         detail=f"{replied_on:%Y-%m-%d}回复{late}：{item.reply}", request=request)
    return item


# --- 三考 -------------------------------------------------------------------------------------------------------

@transaction.atomic
def record_exam(case, *, exam_date, score_party_rules, score_law, score_integrity, actor, request=None):
    """One sitting; a failed first sitting may be retaken once. Both sittings are kept."""
    case = _lock(case)
    _require_step_open(case, StepKind.EXAM, actor)
    _not_future(exam_date, "考试日期")
    attempts = list(case.exam_attempts.all())
    if any(a.passed for a in attempts):
        raise Refused("三考已通过，无需再考")
    if len(attempts) >= 2:
        raise Refused("三考只能补考一次，补考仍未通过的应暂缓或不予任用")
    if attempts and exam_date < attempts[-1].exam_date:
        raise Refused("补考日期不能早于首考日期")
    pass_mark = workflow.settings_of(case).exam_pass_mark
    scores = (score_party_rules, score_law, score_integrity)
    attempt = ExamAttempt(case=case, attempt_no=len(attempts) + 1, exam_date=exam_date,
                          score_party_rules=score_party_rules, score_law=score_law, score_integrity=score_integrity,
                          pass_mark=pass_mark, passed=all(score >= pass_mark for score in scores))
    _stamp(attempt, actor)
    attempt.full_clean()
    attempt.save()
    outcome = "通过" if attempt.passed else ("未通过，可补考一次" if attempt.attempt_no == 1 else "补考未通过")
    _log(case, StepKind.EXAM, f"录入三考成绩（{attempt.label}）", actor, event="vetting.exam.recorded",
         detail=f"党章党规{score_party_rules}，宪法法律{score_law}，廉政知识{score_integrity}；"
                f"及格分{pass_mark}，{outcome}",
         changes=_values(attempt, ["attempt_no", "passed"]), request=request)
    return attempt


# --- 任前公示 -----------------------------------------------------------------------------------------------------

publicity_min_end = workflow.publicity_min_end


@transaction.atomic
def start_publicity(case, *, start_date, end_date=None, scope="", actor, request=None):
    """Re-run the cross-check, then move to publicity. The end date cannot be earlier than start + 5 working days."""
    _require(permissions.can_handle, actor, "无权办理")
    case = _lock(case)
    if case.status != S.INSPECTION:
        # Let transition() name the refused move.
        return transition(case, "start_publicity", actor=actor, request=request)
    _not_future(start_date, "公示开始日期")
    minimum = publicity_min_end(case, start_date)
    end_date = end_date or minimum.date
    if end_date < minimum.date:
        raise Refused(f"公示期不少于{workflow.settings_of(case).publicity_working_days}个工作日，"
                           f"结束日期不能早于{minimum}")
    transition(case, "start_publicity", actor=actor, request=request)
    check = run_crosscheck(case, CrossCheck.Occasion.BEFORE_PUBLICITY, actor=actor, on_date=_today())
    _log_crosscheck(case, check, actor, request)
    publicity = Publicity(case=case, start_date=start_date, end_date=end_date, min_end_date=minimum.date,
                          end_provisional=minimum.provisional and end_date == minimum.date, scope=scope)
    _stamp(publicity, actor)
    publicity.save()
    _log(case, StepKind.PUBLICITY, "开始任前公示", actor, event="vetting.publicity.started",
         detail=f"{start_date:%Y-%m-%d}至{end_date:%Y-%m-%d}{'（暂定）' if publicity.end_provisional else ''}"
                f"{('，' + scope) if scope else ''}", request=request)
    return publicity


@transaction.atomic
def record_feedback(case, *, received_on, channel, content, actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.PUBLICITY, actor)
    publicity = case.publicity
    _not_future(received_on, "收到日期")
    if received_on < publicity.start_date:
        raise Refused("收到日期不能早于公示开始日期")
    item = PublicityFeedback(publicity=publicity, received_on=received_on, channel=channel, content=content)
    _stamp(item, actor)
    item.save()
    _log(case, StepKind.PUBLICITY, f"登记公示期间反映（{item.get_channel_display()}）", actor,
         event="vetting.publicity.feedback_received", detail=f"{received_on:%Y-%m-%d}收到，待核查", request=request)
    return item


@transaction.atomic
def verify_feedback(case, feedback_code, *, conclusion, verification, verified_on, actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.PUBLICITY, actor)
    item = case.publicity.feedback.select_for_update().get(code=feedback_code)
    _not_future(verified_on, "核查日期")
    if verified_on is not None and verified_on < item.received_on:
        raise Refused("核查日期不能早于收到反映的日期")
    if not verification.strip():
        raise Refused("请填写核查情况")
    item.conclusion, item.verification, item.verified_on, item.verified_by = (
        conclusion, verification.strip(), verified_on, actor)
    item.save(update_fields=["conclusion", "verification", "verified_on", "verified_by"])
    _log(case, StepKind.PUBLICITY, "登记公示反映核查结果", actor, event="vetting.publicity.feedback_verified",
         detail=f"{item.get_conclusion_display()}：{item.verification}", request=request)
    return item


@transaction.atomic
def decide_publicity(case, *, outcome, note="", decided_on=None, actor, request=None):
    """Record the outcome and leave publicity: on to the talk, or 暂缓 / 终止. Only once the period has run out
    (workflow.publicity_not_over), whatever page or command calls it."""
    case = _lock(case)
    _require_step_open(case, StepKind.PUBLICITY, actor)
    decided_on = decided_on or _today()
    _not_future(decided_on, "认定日期")
    publicity = case.publicity
    unverified = publicity.feedback.filter(conclusion="").count()
    if unverified:
        raise Refused(f"公示期间反映的{unverified}件问题尚未核查完毕，不能认定公示结果", code="incomplete")
    not_over = workflow.publicity_not_over(publicity, decided_on)
    if not_over:
        raise Refused(not_over, code="incomplete")
    if outcome in (PublicityOutcome.POSTPONE, PublicityOutcome.REJECT) and not note.strip():
        raise Refused("暂缓或不予任职须写明理由")
    publicity.outcome, publicity.outcome_note = outcome, note.strip()
    publicity.decided_on, publicity.decided_by = decided_on, actor
    publicity.save(update_fields=["outcome", "outcome_note", "decided_on", "decided_by"])
    _log(case, StepKind.PUBLICITY, f"认定公示结果：{publicity.get_outcome_display()}", actor,
         event="vetting.publicity.decided", detail=note.strip(), request=request)
    if outcome == PublicityOutcome.POSTPONE:
        # 暂缓任职: held in publicity; on resuming, the outcome is decided again.
        return transition(case, "postpone", actor=actor, reason=note, request=request, on_date=decided_on)
    if outcome == PublicityOutcome.REJECT:
        return transition(case, "reject", actor=actor, reason=note, request=request, on_date=decided_on)
    return transition(case, "conclude_publicity", actor=actor, request=request, on_date=decided_on)


# --- 任前廉政谈话, 任职, 试用期 --------------------------------------------------------------------------------------

@transaction.atomic
def record_talk(case, *, talk_date, bodies, talkers, key_points, pledge=None, actor, request=None):
    case = _lock(case)
    _require_step_open(case, StepKind.TALK, actor)
    _not_future(talk_date, "谈话日期")
    talk = IntegrityTalk.objects.filter(case=case).first() or IntegrityTalk(case=case)
    if pledge is None and not talk.pledge:
        raise Refused("请上传签字的廉政承诺书")
    talk.talk_date, talk.bodies, talk.talkers, talk.key_points = talk_date, list(bodies), talkers, key_points
    if pledge is not None:
        talk.pledge = pledge
        talk.pledge_name = pledge.name[:200]
    _stamp(talk, actor)
    talk.save()
    _log(case, StepKind.TALK, "录入任前廉政谈话", actor, event="vetting.talk.recorded",
         detail=f"{talk_date:%Y-%m-%d}，谈话主体：{'、'.join(talk.body_labels())}，谈话人：{talkers}；"
                f"廉政承诺书已签字（{talk.pledge_name}）", request=request)
    return talk


@transaction.atomic
def override_blocking(case, reason, *, actor, request=None):
    """A 部领导's written decision that the blocking items of the latest cross-check do not stop the appointment.
    The approval names those items (CrossCheck.overridden_keys): later cross-checks carry it for them only, so a
    blocker found afterwards needs an approval of its own."""
    _require(permissions.can_override_block, actor, "阻止任职的预警事项只能由部领导书面批准")
    case = _lock(case)
    if case.is_closed:
        raise Refused("案件已办结", code="closed")
    check = workflow.latest_crosscheck(case)
    blocking = workflow.unresolved_blocking(case)
    if not blocking:
        raise Refused("没有待批准的阻止任职事项")
    if not reason.strip():
        raise Refused("请填写书面意见")
    check.override_reason, check.overridden_by, check.overridden_at = reason.strip(), actor, timezone.now()
    check.overridden_keys = sorted({item.key for item in blocking})
    check.save(update_fields=["override_reason", "overridden_by", "overridden_at", "overridden_keys"])
    check.items.filter(pk__in=[item.pk for item in blocking]).update(overridden=True)
    _log(case, StepKind.CROSSCHECK, "部领导批准：预警事项不影响任职", actor, event="vetting.crosscheck.overridden",
         detail=f"{'；'.join(i.label + '：' + i.reason for i in blocking)}。书面意见：{reason.strip()}",
         changes={"override_reason": reason.strip(), "items": [i.label for i in blocking],
                  "keys": check.overridden_keys}, request=request)
    return check


@transaction.atomic
def rerun_crosscheck(case, *, actor, request=None):
    _require(permissions.can_handle, actor, "无权办理")
    case = _lock(case)
    if case.is_closed:
        raise Refused("案件已办结", code="closed")
    check = run_crosscheck(case, CrossCheck.Occasion.MANUAL, actor=actor, on_date=_today())
    _log_crosscheck(case, check, actor, request)
    return check


def _check_now(case, occasion, step, actor, request, precheck=None):
    """The cross-check again at the moment of a gate (任职, 试用期满正式任职), not the one stored before publicity: a
    measure, petition or audit recorded since blocks until a 部领导 approves it. Committed on its own, so a refused
    action still leaves on the case what it found (the page then offers the 部领导's approval, lists count the case
    as blocked); the action, in its own transaction, then reads this check under the case lock. `precheck(case)`
    refuses first what would refuse the action anyway, so that no check is left for an action that could not be."""
    with transaction.atomic():
        locked = _lock(case)
        _require_step_open(locked, step)
        if precheck is not None:
            precheck(locked)
        check = run_crosscheck(locked, occasion, actor=actor, on_date=_today())
        _log_crosscheck(locked, check, actor, request)
    blocking = [item for item in check.items.all() if item.blocking and not item.overridden]
    if blocking:
        raise Refused(workflow.blocking_gap(blocking), code="incomplete")


def appoint(case, *, appointed_on, document_no="", actor, request=None):
    """任职, confirmed by a 部领导: the case goes to 试用期 (提拔 to a non-elected post) or straight to 已任职. The
    blocking rules are evaluated now (_check_now), whatever was found before publicity."""
    _require(permissions.can_appoint, actor, "任职须由部领导确认")
    _not_future(appointed_on, "任职日期")
    _check_now(case, CrossCheck.Occasion.APPOINTMENT, StepKind.APPOINTMENT, actor, request,
               precheck=lambda locked: _appointment_date_check(locked, appointed_on))
    return _record_appointment(case, appointed_on=appointed_on, document_no=document_no, actor=actor,
                               request=request)


def _appointment_date_check(case, appointed_on):
    talk = getattr(case, "talk", None)
    if talk is not None and appointed_on < talk.talk_date:
        raise Refused("任职日期不能早于任前廉政谈话日期")


@transaction.atomic
def _record_appointment(case, *, appointed_on, document_no, actor, request):
    case = _lock(case)
    _require_step_open(case, StepKind.APPOINTMENT)
    _appointment_date_check(case, appointed_on)
    settings = workflow.settings_of(case)
    appointment = Appointment(case=case, appointed_on=appointed_on, document_no=document_no)
    if case.probation_required:
        appointment.probation_end = add_months(appointed_on, settings.probation_months)
    _stamp(appointment, actor)
    appointment.save()
    target = S.PROBATION if case.probation_required else S.APPOINTED
    case = transition(case, "appoint", target=target, actor=actor, request=request, on_date=appointed_on)
    trial = f"，试用期至{appointment.probation_end:%Y-%m-%d}" if appointment.probation_end else ""
    _log(case, StepKind.APPOINTMENT, "任职", actor, event="vetting.case.appointment_recorded",
         detail=f"{appointed_on:%Y-%m-%d}任{case.proposed_unit.display_name}{case.proposed_title}"
                f"{('（' + document_no + '）') if document_no else ''}{trial}", request=request)
    _update_cadre_post(case, appointment, actor, request)
    return appointment


def _update_cadre_post(case, appointment, actor, request):
    """Keep the cadre's post in step through the cadres public service, when it offers one."""
    change_post = getattr(cadre_services, "change_post", None)
    if change_post is None:
        return
    status = "probation" if case.probation_required else "serving"
    try:
        with transaction.atomic():
            change_post(case.cadre, actor=actor, unit=case.proposed_unit, post_title=case.proposed_title,
                        rank=case.proposed_rank, start_date=appointment.appointed_on, status=status,
                        is_principal=case.is_principal_post, request=request)
    except ValueError as error:
        # The appointment is a fact and stays recorded; the cadre's post is left for the cadres office to fix.
        _log(case, StepKind.APPOINTMENT, "干部现任职务未能同步", actor, event="vetting.case.cadre_sync_failed",
             detail=str(error), request=request)
        return
    appointment.cadre_updated = True
    appointment.save(update_fields=["cadre_updated"])


def assess_probation(case, *, result, assessed_on, note, actor, arranged_unit=None, arranged_title="",
                     arranged_rank="", request=None):
    """At the end of the probation: 胜任 → 正式任职; 不胜任 → 免去试任职务 and work arranged at a rank no lower than
    the one held before the trial (《党政领导干部选拔任用工作条例》: 免去试任职务，一般按照试任前职级安排工作). The
    arranged post starts on `assessed_on` through cadres.services.change_post, so the position history stays the
    one record of posts; a refused post change refuses the whole assessment. 胜任 is a gate: the blocking rules
    are evaluated now (_check_now)."""
    _require(permissions.can_assess_probation, actor, "无权办理")
    _not_future(assessed_on, "考核日期")
    if result == ProbationResult.COMPETENT:
        _check_now(case, CrossCheck.Occasion.CONFIRMATION, StepKind.PROBATION, actor, request,
                   precheck=lambda locked: _probation_over_check(locked, assessed_on))
    return _record_probation_result(case, result=result, assessed_on=assessed_on, note=note, actor=actor,
                                    arranged_unit=arranged_unit, arranged_title=arranged_title,
                                    arranged_rank=arranged_rank, request=request)


@transaction.atomic
def _record_probation_result(case, *, result, assessed_on, note, actor, arranged_unit, arranged_title, arranged_rank,
                             request):
    case = _lock(case)
    _require_step_open(case, StepKind.PROBATION, actor)
    appointment = case.appointment
    if result == ProbationResult.COMPETENT:
        _probation_over_check(case, assessed_on)
    if not note.strip():
        raise Refused("请填写考核情况")
    arranged = None
    if result == ProbationResult.INCOMPETENT:
        arranged = _arranged_post(case, appointment, arranged_unit, (arranged_title or "").strip(), arranged_rank,
                                  assessed_on)
    appointment.probation_result, appointment.assessed_on = result, assessed_on
    appointment.assessment_note, appointment.assessed_by = note.strip(), actor
    appointment.save(update_fields=["probation_result", "assessed_on", "assessment_note", "assessed_by"])
    _log(case, StepKind.PROBATION, f"试用期考核：{appointment.get_probation_result_display()}", actor,
         event="vetting.probation.assessed", detail=note.strip(), request=request)
    target = S.APPOINTED if result == ProbationResult.COMPETENT else S.TRIAL_REMOVED
    case = transition(case, "assess_probation", target=target, actor=actor, request=request, on_date=assessed_on)
    if arranged is not None:
        _remove_trial_post(case, arranged, assessed_on, actor, request)
    else:
        update = getattr(cadre_services, "update_cadre", None)
        if update is not None:
            update(case.cadre, actor=actor, request=request, status="serving", version=LATEST)
    return appointment


def _probation_over_check(case, assessed_on):
    end = case.appointment.probation_end
    if assessed_on < end:
        raise Refused(f"试用期至{end:%Y-%m-%d}，期满后方可认定胜任、正式任职")


def _arranged_post(case, appointment, unit, title, rank, assessed_on):
    if unit is None or not title or not rank:
        raise Refused("试用期不胜任的，须免去试任职务并安排工作：请填写安排的单位、职务和职级")
    if assessed_on <= appointment.appointed_on:
        raise Refused("免去试任职务的日期应晚于任职日期")
    before = posts.pre_trial_post(case, appointment)
    if before is not None and before.rank:
        before_rank = before.rank
    else:
        case.post_at_opening_display  # noqa: B018 (loads rank_at_opening from the position history)
        before_rank = case.rank_at_opening or ""
    if before_rank and not ranks.not_lower(rank, before_rank):
        raise Refused(f"安排的职级（{Rank(rank).label}）低于试任前职级（{Rank(before_rank).label}），"
                           "应按照不低于试任前职级安排工作")
    return {"unit": unit, "post_title": title, "rank": rank, "before_rank": before_rank}


def _remove_trial_post(case, arranged, on_date, actor, request):
    """免去试任职务: end the trial post and open the arranged one (cadres.services.change_post, audit-logged there)."""
    unit, title, rank = arranged["unit"], arranged["post_title"], arranged["rank"]
    try:
        cadre_services.change_post(case.cadre, actor=actor, unit=unit, post_title=title, rank=rank,
                                   start_date=on_date, status="serving", is_principal=False, request=request)
    except ValueError as error:
        raise Refused(f"免去试任职务未能完成：{error}") from error
    before = f"（试任前职级{Rank(arranged['before_rank']).label}）" if arranged["before_rank"] else ""
    _log(case, StepKind.PROBATION, "免去试任职务，按试任前职级安排工作", actor,
         event="vetting.probation.trial_post_removed",
         detail=f"{on_date:%Y-%m-%d}免去{case.proposed_unit.display_name}{case.proposed_title}（试任），"
                f"安排为{unit.display_name}{title}（{Rank(rank).label}）{before}",
         changes={"trial_post": f"{case.proposed_unit.display_name}{case.proposed_title}",
                  "arranged_post": f"{unit.display_name}{title}", "arranged_rank": rank,
                  "before_rank": arranged["before_rank"]}, request=request)
