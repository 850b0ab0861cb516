"""The vetting state machine in one place: the allowed moves, which step may be entered at which stage, and what
must be done before each move. vetting.services applies them; nothing else changes a case's status."""

import datetime

from django.utils import timezone

from cadres import registry
from core import workdays
from core.transitions import Machine, Transition
from vetting import permissions
from vetting.models import (
    ArchiveResult,
    CaseStatus,
    DisciplineConclusion,
    MoveKind,
    PersonalMattersResult,
    ProbationResult,
    PublicityOutcome,
    StepKind,
    VettingSettings,
)

S = CaseStatus

ACTIVE_STAGES = (S.RECOMMENDATION, S.INSPECTION, S.PUBLICITY, S.TALK)
STAGE_ORDER = (S.RECOMMENDATION, S.INSPECTION, S.PUBLICITY, S.TALK, S.PROBATION, S.APPOINTED)


def _may(check):
    return lambda user, case: check(user)


# Forward only through the stages, or aside to 暂缓 / 终止 with a reason. A suspended case resumes only at the
# stage it was held at (VettingCase.suspended_from; checked in vetting.services.lifecycle.transition). What a
# move needs besides is in gaps_for. Who may: the table says it for the page's status actions; the steps that move
# a case (公示, 任职, 试用期考核) check their own right in their services, before anything is recorded.
MACHINE = Machine(S, [
    Transition("start_inspection", "进入考察", source=S.RECOMMENDATION, target=S.INSPECTION),
    Transition("start_publicity", "开始公示", source=S.INSPECTION, target=S.PUBLICITY),
    Transition("conclude_publicity", "认定公示结果", source=S.PUBLICITY, target=S.TALK),
    # the publicity's outcome 暂缓任职 / 不予任职, decided by whoever records the outcome
    Transition("postpone", "暂缓任职", source=S.PUBLICITY, target=S.SUSPENDED, required={"reason": "暂缓理由"}),
    Transition("reject", "不予任职", source=S.PUBLICITY, target=S.TERMINATED, required={"reason": "理由"}),
    Transition("appoint", "任职", source=S.TALK, target=(S.PROBATION, S.APPOINTED)),
    Transition("assess_probation", "试用期考核", source=S.PROBATION, target=(S.APPOINTED, S.TRIAL_REMOVED)),
    Transition("suspend", "暂缓", source=ACTIVE_STAGES, target=S.SUSPENDED, allowed=_may(permissions.can_handle),
               required={"reason": "暂缓理由"}),
    Transition("resume", "恢复", source=S.SUSPENDED, target=ACTIVE_STAGES, allowed=_may(permissions.can_handle)),
    Transition("terminate", "终止", source=(*ACTIVE_STAGES, S.SUSPENDED), target=S.TERMINATED,
               allowed=_may(permissions.can_terminate), required={"reason": "终止理由"}),
])

# The stage during which each step's record may be entered or changed.
STEP_STAGES = {
    StepKind.RECOMMENDATION: {S.RECOMMENDATION},
    StepKind.ARCHIVE: {S.INSPECTION},
    StepKind.PERSONAL_MATTERS: {S.INSPECTION},
    StepKind.DISCIPLINE: {S.INSPECTION},
    StepKind.PETITION: {S.INSPECTION},
    StepKind.OPINIONS: {S.INSPECTION},
    StepKind.EXAM: {S.INSPECTION},
    StepKind.PUBLICITY: {S.PUBLICITY},
    StepKind.TALK: {S.TALK},
    StepKind.APPOINTMENT: {S.TALK},
    StepKind.PROBATION: {S.PROBATION},
}

# Which step the case is working on at each stage (for the checklist's 进行中).
STAGE_STEPS = {
    S.RECOMMENDATION: {StepKind.RECOMMENDATION},
    S.INSPECTION: {StepKind.ARCHIVE, StepKind.PERSONAL_MATTERS, StepKind.DISCIPLINE, StepKind.PETITION,
                   StepKind.OPINIONS, StepKind.EXAM},
    S.PUBLICITY: {StepKind.PUBLICITY},
    S.TALK: {StepKind.TALK, StepKind.APPOINTMENT},
    S.PROBATION: {StepKind.PROBATION},
}

CHECKLIST_STEPS = (
    StepKind.RECOMMENDATION, StepKind.ARCHIVE, StepKind.PERSONAL_MATTERS, StepKind.DISCIPLINE, StepKind.PETITION,
    StepKind.OPINIONS, StepKind.EXAM, StepKind.PUBLICITY, StepKind.TALK, StepKind.APPOINTMENT, StepKind.PROBATION,
)

FOUR_CHECKS = (StepKind.ARCHIVE, StepKind.PERSONAL_MATTERS, StepKind.DISCIPLINE, StepKind.PETITION)

# The 三考 is the exam before a promotion (提拔 and 进一步使用); lateral moves do not sit it.
EXAM_KINDS = {MoveKind.PROMOTION, MoveKind.FURTHER_USE}


def exam_required(case):
    return case.move_kind in EXAM_KINDS


def _related(case, name):
    """The one-to-one step record, or None (without raising DoesNotExist)."""
    return getattr(case, name, None)  # RelatedObjectDoesNotExist is an AttributeError


def blocking_petitions(cadre):
    """Open petition cases with specific clues naming the cadre: 凡提必查 stops the 信访举报核查 step."""
    return [ref for ref in registry.cases_about(cadre, "petition") if ref.is_open and ref.blocks_vetting]


def recommendation_gaps(case):
    rec = _related(case, "recommendation")
    if rec is None:
        return ["尚未录入民主推荐结果"]
    if rec.below_threshold and not rec.override_reason:
        return [f"民主推荐得票率{rec.share}%低于{rec.threshold}%，须由科室负责人或部领导记录继续推进的理由"]
    return []


def exam_passed(case):
    return any(attempt.passed for attempt in case.exam_attempts.all())


def inspection_gaps(case):
    """What is still missing before publicity: the four mandatory checks, the opinions, the exam."""
    gaps = []
    archive = _related(case, "archive_review")
    if archive is None:
        gaps.append("档案审核未完成")
    elif archive.result == ArchiveResult.FALSIFIED:
        gaps.append("档案审核发现造假等严重问题，不得进入公示")
    matters = _related(case, "personal_matters")
    if matters is None:
        gaps.append("个人有关事项报告查核未完成")
    elif matters.result == PersonalMattersResult.CONCEALMENT:
        gaps.append("个人有关事项瞒报，不得提拔")
    discipline = _related(case, "discipline")
    if discipline is None:
        gaps.append("尚未征求纪检监察机关意见")
    elif discipline.replied_on is None:
        gaps.append("纪检监察机关尚未回复意见")
    elif discipline.conclusion == DisciplineConclusion.ISSUES:
        gaps.append("纪检监察机关建议暂缓或不予使用")
    if _related(case, "petition_check") is None:
        gaps.append("信访举报核查未完成")
    requests = list(case.opinion_requests.all())
    if not requests:
        gaps.append("尚未征求有关部门意见")
    waiting = [r.department_label for r in requests if r.replied_on is None]
    if waiting:
        gaps.append("征求意见尚未回复：" + "、".join(waiting))
    if exam_required(case) and not exam_passed(case):
        gaps.append("三考（任前考试）尚未通过")
    return gaps


def settings_of(case):
    """The vetting numbers of the case's jurisdiction: the proposed post's county's own, else the city's."""
    return VettingSettings.for_unit(case.proposed_unit_id)


def publicity_min_end(case, start_date):
    """The earliest end of the case's publicity starting on `start_date`: start + N working days (default 5:
    《党政领导干部选拔任用工作条例》(2019) 任职前公示制度, 公示期不少于5个工作日)."""
    return workdays.add_working_days(start_date, settings_of(case).publicity_working_days)


def publicity_not_over(publicity, on_date):
    """Why the outcome of `publicity` cannot be recorded on `on_date`, or "". The period must have run out: its end
    is final (not 暂定 for want of the year's 节假日安排), at least the minimum by the calendar as it stands now, and
    its last day has passed."""
    minimum = publicity_min_end(publicity.case, publicity.start_date)
    if publicity.end_provisional or minimum.provisional:
        year = minimum.date.year if minimum.provisional else publicity.end_date.year
        return (f"公示期满日期{publicity.end_date:%Y-%m-%d}为暂定：须待录入{year}年节假日安排、确定公示期满日期后"
                "才能认定公示结果")
    if publicity.end_date < minimum.date:
        return (f"按节假日安排，公示期不少于{settings_of(publicity.case).publicity_working_days}个工作日，"
                f"应至{minimum.date:%Y-%m-%d}，期满后才能认定公示结果")
    if on_date <= publicity.end_date:
        return (f"公示期至{publicity.end_date:%Y-%m-%d}，须在公示期满后"
                f"（{publicity.end_date + datetime.timedelta(days=1):%Y-%m-%d}起）才能认定公示结果")
    return ""


def publicity_exit_gaps(case, on_date=None):
    on_date = on_date or timezone.localdate()
    publicity = _related(case, "publicity")
    if publicity is None:
        return ["尚未开始公示"]
    gaps = []
    unverified = [f for f in publicity.feedback.all() if not f.is_verified]
    if unverified:
        gaps.append(f"公示期间反映的{len(unverified)}件问题尚未核查完毕")
    if not publicity.outcome:
        gaps.append("尚未认定公示结果")
    elif publicity.outcome not in (PublicityOutcome.NO_OBJECTION, PublicityOutcome.OBJECTION_CLEARED):
        gaps.append(f"公示结果为{publicity.get_outcome_display()}")
    not_over = publicity_not_over(publicity, on_date)
    if not_over:
        gaps.append(not_over)
    return gaps


def latest_crosscheck(case):
    """The newest cross-check (from the prefetched list when the caller prefetched `crosschecks`)."""
    checks = list(case.crosschecks.all())
    return max(checks, key=lambda c: (c.run_at, c.pk)) if checks else None


def unresolved_blocking(case):
    """Blocking items of the latest cross-check that no 部领导's written approval covers (CrossCheckItem.overridden:
    an approval names its items, so one found later is not covered)."""
    check = latest_crosscheck(case)
    if check is None:
        return []
    return [item for item in check.items.all() if item.blocking and not item.overridden]


def blocking_gap(blocking):
    return ("存在阻止任职的预警事项（" + "；".join(f"{i.label}：{i.reason}" if i.reason else i.label for i in blocking)
            + "），须部领导书面批准")


def appointment_gaps(case):
    gaps = []
    talk = _related(case, "talk")
    if talk is None:
        gaps.append("尚未进行任前廉政谈话")
    elif not talk.pledge:
        gaps.append("尚未上传签字的廉政承诺书")
    blocking = unresolved_blocking(case)
    if blocking:
        gaps.append(blocking_gap(blocking))
    if _related(case, "appointment") is None:
        gaps.append("尚未录入任职日期")
    return gaps


def gaps_for(case, to_status, *, on_date=None):
    """What stops `case` from moving to `to_status` (the move itself being allowed by MACHINE, which also asks
    the reason of 暂缓 / 终止)."""
    if to_status in (S.SUSPENDED, S.TERMINATED):
        return []
    if case.status == S.SUSPENDED:
        return []  # resuming: the stage's own conditions are checked when it is left
    if to_status == S.INSPECTION:
        return recommendation_gaps(case)
    if to_status == S.PUBLICITY:
        return inspection_gaps(case)
    if to_status == S.TALK:
        return publicity_exit_gaps(case, on_date)
    if case.status == S.TALK and to_status in (S.PROBATION, S.APPOINTED):
        gaps = appointment_gaps(case)
        if not gaps and (to_status == S.PROBATION) != case.probation_required:
            gaps.append("试用期安排与任用方式不符")
        return gaps
    appointment = _related(case, "appointment")
    result = appointment.probation_result if appointment else ""
    if to_status == S.APPOINTED:
        if result != ProbationResult.COMPETENT:
            return ["试用期考核结果不是胜任"]
        blocking = unresolved_blocking(case)
        return [blocking_gap(blocking)] if blocking else []
    if to_status == S.TRIAL_REMOVED:
        return [] if result == ProbationResult.INCOMPETENT else ["试用期考核结果不是不胜任"]
    return []


def meeting_readiness(case):
    """(ready, notes) for the 常委会/部务会: ready once every check before publicity is done."""
    if case.status == S.RECOMMENDATION:
        return False, ["尚在民主推荐环节"] + recommendation_gaps(case)
    if case.status == S.INSPECTION:
        gaps = inspection_gaps(case)
        return not gaps, gaps
    if case.status in (S.SUSPENDED, S.TERMINATED):
        return False, [f"已{case.get_status_display()}：{case.status_reason}"]
    return True, []
