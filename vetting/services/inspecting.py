"""考察: 民主推荐, 凡提四必 (archive, personal matters, discipline opinion, petitions), 征求意见 and 三考."""

from django.db import transaction
from django.utils import timezone

from cadres import registry
from core import workdays
from core.refusals import Refused
from vetting import permissions, workflow
from vetting.models import (
    ArchiveReview,
    Department,
    DisciplineOpinion,
    ExamAttempt,
    OpinionRequest,
    PersonalMattersCheck,
    PetitionCheck,
    Recommendation,
    StepKind,
)
from vetting.services.common import field_values, lock_case, log_step, not_future, require, require_step_open, stamp
from vetting.services.lifecycle import transition

# --- 民主推荐 -----------------------------------------------------------------------------------------------------

@transaction.atomic
def record_recommendation(case, *, held_on, votes_cast, votes_for, actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.RECOMMENDATION, actor)
    not_future(held_on, "民主推荐日期")
    if votes_cast <= 0 or votes_for < 0 or votes_for > votes_cast:
        raise Refused("得票数应在0与有效票数之间")
    threshold = workflow.settings_of(case).recommendation_threshold
    rec = Recommendation.objects.filter(case=case).first() or Recommendation(case=case)
    rec.held_on, rec.votes_cast, rec.votes_for, rec.threshold = held_on, votes_cast, votes_for, threshold
    rec.below_threshold = rec.share < threshold
    # New figures need a new decision on them.
    rec.override_reason, rec.override_by, rec.override_at = "", None, None
    stamp(rec, actor)
    rec.save()
    flag = f"，低于{threshold}%，须记录继续推进的理由" if rec.below_threshold else ""
    log_step(case, StepKind.RECOMMENDATION, "录入民主推荐结果", actor, event="vetting.recommendation.recorded",
             detail=f"{held_on:%Y-%m-%d}，有效票{votes_cast}，得票{votes_for}，得票率{rec.share}%{flag}",
             changes=field_values(rec, ["votes_cast", "votes_for", "below_threshold"]), request=request)
    return rec


@transaction.atomic
def override_recommendation(case, reason, *, actor, request=None):
    """A 科室负责人 or 部领导 records why a candidate below the threshold goes on."""
    require(permissions.can_override_recommendation, actor, "只有科室负责人或部领导可以决定继续推进")
    case = lock_case(case)
    require_step_open(case, StepKind.RECOMMENDATION)
    rec = Recommendation.objects.filter(case=case).first()
    if rec is None or not rec.below_threshold:
        raise Refused("得票率未低于下限，无需记录理由")
    if not reason.strip():
        raise Refused("请填写继续推进的理由")
    rec.override_reason, rec.override_by, rec.override_at = reason.strip(), actor, timezone.now()
    rec.save(update_fields=["override_reason", "override_by", "override_at"])
    log_step(case, StepKind.RECOMMENDATION, "得票率低于下限，批准继续推进", actor,
             event="vetting.recommendation.overridden", detail=reason.strip(), request=request)
    return rec


@transaction.atomic
def start_inspection(case, *, actor, request=None):
    require(permissions.can_handle, actor, "无权办理")
    return transition(case, "start_inspection", actor=actor, request=request)


# --- 凡提四必 -----------------------------------------------------------------------------------------------------

@transaction.atomic
def record_archive_review(case, *, reviewed_on, result, problems, findings, actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.ARCHIVE, actor)
    not_future(reviewed_on, "档案审核日期")
    review = ArchiveReview.objects.filter(case=case).first() or ArchiveReview(case=case)
    review.reviewed_on, review.result, review.problems, review.findings = reviewed_on, result, list(problems), findings
    stamp(review, actor)
    review.save()
    problems_text = "、".join(review.problem_labels()) or "无"
    log_step(case, StepKind.ARCHIVE, "录入档案审核结果", actor, event="vetting.archive.recorded",
             detail=f"{review.get_result_display()}；问题类别：{problems_text}。{findings}",
             changes=field_values(review, ["result", "problems"]), request=request)
    return review


@transaction.atomic
def record_personal_matters(case, *, checked_on, result, verification_ref="", notes="", actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.PERSONAL_MATTERS, actor)
    not_future(checked_on, "查核日期")
    check = PersonalMattersCheck.objects.filter(case=case).first() or PersonalMattersCheck(case=case)
    check.checked_on, check.result, check.verification_ref, check.notes = checked_on, result, verification_ref, notes
    stamp(check, actor)
    check.save()
    ref = f"（查核记录{verification_ref}）" if verification_ref else ""
    log_step(case, StepKind.PERSONAL_MATTERS, "录入个人有关事项报告查核结果", actor,
             event="vetting.personal_matters.recorded", detail=f"{check.get_result_display()}{ref}。{notes}",
             changes=field_values(check, ["result", "verification_ref"]), request=request)
    return check


def discipline_deadline(requested_on, days):
    return workdays.add_working_days(requested_on, days)


@transaction.atomic
def request_discipline_opinion(case, *, requested_on, actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.DISCIPLINE, actor)
    not_future(requested_on, "发函日期")
    if DisciplineOpinion.objects.filter(case=case).exists():
        raise Refused("已向纪检监察机关征求意见")
    days = workflow.settings_of(case).discipline_reply_working_days
    due = discipline_deadline(requested_on, days)
    opinion = DisciplineOpinion(case=case, requested_on=requested_on, reply_days=days, reply_deadline=due.date,
                                reply_deadline_provisional=due.provisional)
    stamp(opinion, actor)
    opinion.save()
    log_step(case, StepKind.DISCIPLINE, "函请纪委监委回复党风廉政意见", actor, event="vetting.discipline.requested",
             detail=f"{requested_on:%Y-%m-%d}发函，答复期限{due}", request=request)
    return opinion


@transaction.atomic
def record_discipline_reply(case, *, replied_on, conclusion, reply, actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.DISCIPLINE, actor)
    not_future(replied_on, "回复日期")
    opinion = DisciplineOpinion.objects.filter(case=case).first()
    if opinion is None:
        raise Refused("尚未向纪检监察机关征求意见")
    if replied_on < opinion.requested_on:
        raise Refused("回复日期不能早于发函日期")
    opinion.replied_on, opinion.conclusion, opinion.reply = replied_on, conclusion, reply
    stamp(opinion, actor)
    opinion.save()
    late = "（逾期）" if replied_on > opinion.reply_deadline else ""
    log_step(case, StepKind.DISCIPLINE, "登记纪委监委回复意见", actor, event="vetting.discipline.replied",
             detail=f"{replied_on:%Y-%m-%d}回复{late}：{opinion.get_conclusion_display()}。{reply}",
             changes=field_values(opinion, ["conclusion"]), request=request)
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
    case = lock_case(case)
    require_step_open(case, StepKind.PETITION, actor)
    not_future(checked_on, "核查日期")
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
    stamp(check, actor)
    check.save()
    log_step(case, StepKind.PETITION, "完成信访举报核查", actor, event="vetting.petition_check.completed",
             detail=f"核查相关案件{len(seen)}件。{conclusion.strip()}", request=request)
    return check


# --- 征求意见 -----------------------------------------------------------------------------------------------------

def opinion_deadline(requested_on, days):
    return workdays.add_working_days(requested_on, days)


@transaction.atomic
def request_opinion(case, *, department, requested_on, actor, department_name="", request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.OPINIONS, actor)
    not_future(requested_on, "发函日期")
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
    stamp(item, actor)
    item.save()
    log_step(case, StepKind.OPINIONS, f"向{item.department_label}征求意见", actor, event="vetting.opinion.requested",
             detail=f"{requested_on:%Y-%m-%d}发函，答复期限{due}", request=request)
    return item


@transaction.atomic
def record_opinion_reply(case, item_code, *, replied_on, reply, actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.OPINIONS, actor)
    not_future(replied_on, "回复日期")
    item = case.opinion_requests.select_for_update().get(code=item_code)
    if replied_on < item.requested_on:
        raise Refused("回复日期不能早于发函日期")
    if not reply.strip():
        raise Refused("请填写回复内容")
    item.replied_on, item.reply, item.replied_recorded_by = replied_on, reply.strip(), actor
    item.save(update_fields=["replied_on", "reply", "replied_recorded_by"])
    late = "（逾期）" if replied_on > item.reply_deadline else ""
    log_step(case, StepKind.OPINIONS, f"登记{item.department_label}回复意见", actor, event="vetting.opinion.replied",
             detail=f"{replied_on:%Y-%m-%d}回复{late}：{item.reply}", request=request)
    return item


# --- 三考 -------------------------------------------------------------------------------------------------------

@transaction.atomic
def record_exam(case, *, exam_date, score_party_rules, score_law, score_integrity, actor, request=None):
    """One sitting; a failed first sitting may be retaken once. Both sittings are kept."""
    case = lock_case(case)
    require_step_open(case, StepKind.EXAM, actor)
    not_future(exam_date, "考试日期")
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
    stamp(attempt, actor)
    attempt.full_clean()
    attempt.save()
    outcome = "通过" if attempt.passed else ("未通过，可补考一次" if attempt.attempt_no == 1 else "补考未通过")
    log_step(case, StepKind.EXAM, f"录入三考成绩（{attempt.label}）", actor, event="vetting.exam.recorded",
             detail=f"党章党规{score_party_rules}，宪法法律{score_law}，廉政知识{score_integrity}；"
                    f"及格分{pass_mark}，{outcome}",
             changes=field_values(attempt, ["attempt_no", "passed"]), request=request)
    return attempt
