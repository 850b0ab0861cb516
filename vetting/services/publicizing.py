"""任前公示: starting it (with the cross-check before publicity), feedback, its verification and the decision."""

from django.db import transaction

from core.refusals import Refused
from vetting import permissions, workflow
from vetting.crosscheck import run_crosscheck
from vetting.models import (
    CaseStatus,
    CrossCheck,
    Publicity,
    PublicityFeedback,
    PublicityOutcome,
    StepKind,
)
from vetting.services import common
from vetting.services.common import lock_case, log_crosscheck, log_step, not_future, require, require_step_open, stamp
from vetting.services.lifecycle import transition

S = CaseStatus


# --- 任前公示 -----------------------------------------------------------------------------------------------------

publicity_min_end = workflow.publicity_min_end


@transaction.atomic
def start_publicity(case, *, start_date, end_date=None, scope="", actor, request=None):
    """Re-run the cross-check, then move to publicity. The end date cannot be earlier than start + 5 working days."""
    require(permissions.can_handle, actor, "无权办理")
    case = lock_case(case)
    if case.status != S.INSPECTION:
        # Let transition() name the refused move.
        return transition(case, "start_publicity", actor=actor, request=request)
    not_future(start_date, "公示开始日期")
    minimum = publicity_min_end(case, start_date)
    end_date = end_date or minimum.date
    if end_date < minimum.date:
        raise Refused(f"公示期不少于{workflow.settings_of(case).publicity_working_days}个工作日，"
                           f"结束日期不能早于{minimum}")
    transition(case, "start_publicity", actor=actor, request=request)
    check = run_crosscheck(case, CrossCheck.Occasion.BEFORE_PUBLICITY, actor=actor, on_date=common.today())
    log_crosscheck(case, check, actor, request)
    publicity = Publicity(case=case, start_date=start_date, end_date=end_date, min_end_date=minimum.date,
                          end_provisional=minimum.provisional and end_date == minimum.date, scope=scope)
    stamp(publicity, actor)
    publicity.save()
    log_step(case, StepKind.PUBLICITY, "开始任前公示", actor, event="vetting.publicity.started",
             detail=f"{start_date:%Y-%m-%d}至{end_date:%Y-%m-%d}{'（暂定）' if publicity.end_provisional else ''}"
                    f"{('，' + scope) if scope else ''}", request=request)
    return publicity


@transaction.atomic
def record_feedback(case, *, received_on, channel, content, actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.PUBLICITY, actor)
    publicity = case.publicity
    not_future(received_on, "收到日期")
    if received_on < publicity.start_date:
        raise Refused("收到日期不能早于公示开始日期")
    item = PublicityFeedback(publicity=publicity, received_on=received_on, channel=channel, content=content)
    stamp(item, actor)
    item.save()
    log_step(case, StepKind.PUBLICITY, f"登记公示期间反映（{item.get_channel_display()}）", actor,
             event="vetting.publicity.feedback_received", detail=f"{received_on:%Y-%m-%d}收到，待核查", request=request)
    return item


@transaction.atomic
def verify_feedback(case, feedback_code, *, conclusion, verification, verified_on, actor, request=None):
    case = lock_case(case)
    require_step_open(case, StepKind.PUBLICITY, actor)
    item = case.publicity.feedback.select_for_update().get(code=feedback_code)
    not_future(verified_on, "核查日期")
    if verified_on is not None and verified_on < item.received_on:
        raise Refused("核查日期不能早于收到反映的日期")
    if not verification.strip():
        raise Refused("请填写核查情况")
    item.conclusion, item.verification, item.verified_on, item.verified_by = (
        conclusion, verification.strip(), verified_on, actor)
    item.save(update_fields=["conclusion", "verification", "verified_on", "verified_by"])
    log_step(case, StepKind.PUBLICITY, "登记公示反映核查结果", actor, event="vetting.publicity.feedback_verified",
             detail=f"{item.get_conclusion_display()}：{item.verification}", request=request)
    return item


@transaction.atomic
def decide_publicity(case, *, outcome, note="", decided_on=None, actor, request=None):
    """Record the outcome and leave publicity: on to the talk, or 暂缓 / 终止. Only once the period has run out
    (workflow.publicity_not_over), whatever page or command calls it."""
    case = lock_case(case)
    require_step_open(case, StepKind.PUBLICITY, actor)
    decided_on = decided_on or common.today()
    not_future(decided_on, "认定日期")
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
    log_step(case, StepKind.PUBLICITY, f"认定公示结果：{publicity.get_outcome_display()}", actor,
             event="vetting.publicity.decided", detail=note.strip(), request=request)
    if outcome == PublicityOutcome.POSTPONE:
        # 暂缓任职: held in publicity; on resuming, the outcome is decided again.
        return transition(case, "postpone", actor=actor, reason=note, request=request, on_date=decided_on)
    if outcome == PublicityOutcome.REJECT:
        return transition(case, "reject", actor=actor, reason=note, request=request, on_date=decided_on)
    return transition(case, "conclude_publicity", actor=actor, request=request, on_date=decided_on)
