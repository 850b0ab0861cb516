"""The checklist of a case (未开始/进行中/已完成/不适用), its deadlines and who is responsible: what the case page,
the printable sheet and the Excel download show."""

from dataclasses import dataclass, field

from vetting import posts, workflow
from vetting.models import CaseStatus, ProbationResult, StepKind

NOT_STARTED, IN_PROGRESS, DONE, NOT_APPLICABLE = "not_started", "in_progress", "done", "not_applicable"
STATE_LABELS = {NOT_STARTED: "未开始", IN_PROGRESS: "进行中", DONE: "已完成", NOT_APPLICABLE: "不适用"}


@dataclass
class Item:
    step: str
    label: str
    state: str = NOT_STARTED
    summary: str = ""
    deadline: object = None
    deadline_provisional: bool = False
    responsible: str = ""
    recorded_by: object = None
    recorded_at: object = None
    lines: list = field(default_factory=list)  # details for the printed sheet
    done_on: object = None  # the date of its result (a folded step's summary line on the case page)
    current: bool = False  # the case page leads with it, unfolded (vetting.views._mark_current)

    @property
    def state_label(self):
        return STATE_LABELS[self.state]


def _record(case, name):
    return getattr(case, name, None)


def _stamp(item, record):
    if record is not None:
        item.recorded_by, item.recorded_at = record.recorded_by, record.recorded_at


def _recommendation(case, item):
    rec = _record(case, "recommendation")
    if rec is None:
        return
    item.summary = f"得票率{rec.share}%（{rec.votes_for}/{rec.votes_cast}，{rec.held_on:%Y-%m-%d}）"
    if rec.below_threshold:
        item.summary += f"，低于{rec.threshold}%"
        if rec.override_reason:
            item.lines.append(f"继续推进理由（{rec.override_by.display_name if rec.override_by else ''}）："
                              f"{rec.override_reason}")
    item.state = DONE if not workflow.recommendation_gaps(case) else IN_PROGRESS
    item.done_on = rec.held_on
    _stamp(item, rec)


def _archive(case, item):
    review = _record(case, "archive_review")
    if review is None:
        return
    item.state, item.done_on = DONE, review.reviewed_on
    item.summary = review.get_result_display()
    if review.problems:
        item.summary += "：" + "、".join(review.problem_labels())
    if review.findings:
        item.lines.append(review.findings)
    _stamp(item, review)


def _personal_matters(case, item):
    check = _record(case, "personal_matters")
    if check is None:
        return
    item.state, item.done_on = DONE, check.checked_on
    item.summary = f"查核结果：{check.get_result_display()}"
    if check.verification_ref:
        item.summary += f"（查核记录{check.verification_ref}）"
    if check.notes:
        item.lines.append(check.notes)
    _stamp(item, check)


def _discipline(case, item):
    opinion = _record(case, "discipline")
    item.responsible = f"纪委监委（经办：{case.handler.display_name}）"
    if opinion is None:
        return
    _stamp(item, opinion)
    if opinion.replied_on is None:
        item.state = IN_PROGRESS
        item.summary = f"{opinion.requested_on:%Y-%m-%d}已发函，待回复"
        item.deadline, item.deadline_provisional = opinion.reply_deadline, opinion.reply_deadline_provisional
        return
    item.state, item.done_on = DONE, opinion.replied_on
    item.summary = f"{opinion.replied_on:%Y-%m-%d}回复：{opinion.get_conclusion_display()}"
    if opinion.reply:
        item.lines.append(opinion.reply)


def _petition(case, item):
    check = _record(case, "petition_check")
    if check is None:
        return
    item.state, item.done_on = DONE, check.checked_on
    item.summary = f"{check.checked_on:%Y-%m-%d}核查，相关案件{len(check.cases_seen)}件"
    item.lines.append(check.conclusion)
    _stamp(item, check)


def _opinions(case, item):
    requests = list(case.opinion_requests.all())
    item.responsible = f"各有关部门（经办：{case.handler.display_name}）"
    if not requests:
        return
    waiting = [r for r in requests if r.replied_on is None]
    item.state = IN_PROGRESS if waiting else DONE
    item.summary = f"已回复{len(requests) - len(waiting)}/{len(requests)}个部门"
    if not waiting:
        item.done_on = max(r.replied_on for r in requests)
    if waiting:
        first = min(waiting, key=lambda r: r.reply_deadline)
        item.deadline, item.deadline_provisional = first.reply_deadline, first.reply_deadline_provisional
    for r in requests:
        if r.replied_on:
            reply = f"{r.replied_on:%Y-%m-%d}回复：{r.reply}"
        else:
            reply = f"待回复（期限{r.reply_deadline:%Y-%m-%d}）"
        item.lines.append(f"{r.department_label}：{reply}")
    _stamp(item, requests[-1])


def _exam(case, item):
    if not workflow.exam_required(case):
        item.state = NOT_APPLICABLE
        return
    attempts = list(case.exam_attempts.all())
    if not attempts:
        return
    item.state = DONE if any(a.passed for a in attempts) else IN_PROGRESS
    last = attempts[-1]
    item.done_on = last.exam_date
    item.summary = f"{last.label}{'通过' if last.passed else '未通过'}"
    if not last.passed:
        item.summary += "，可补考一次" if last.attempt_no == 1 else "，补考未通过"
    for a in attempts:
        item.lines.append(f"{a.label}（{a.exam_date:%Y-%m-%d}）：党章党规{a.score_party_rules}，宪法法律{a.score_law}，"
                          f"廉政知识{a.score_integrity}；及格分{a.pass_mark}，{'通过' if a.passed else '未通过'}")
    _stamp(item, last)


def _publicity(case, item):
    publicity = _record(case, "publicity")
    if publicity is None:
        return
    item.state = DONE if publicity.outcome else IN_PROGRESS
    item.summary = f"{publicity.start_date:%Y-%m-%d}至{publicity.end_date:%Y-%m-%d}"
    if publicity.outcome:
        item.summary += f"，{publicity.get_outcome_display()}"
        item.done_on = publicity.decided_on
    else:
        item.deadline, item.deadline_provisional = publicity.end_date, publicity.end_provisional
    feedback = list(publicity.feedback.all())
    item.lines.append(f"公示期间收到反映{len(feedback)}件" if feedback else "公示期间未收到反映")
    for f in feedback:
        verified = f"{f.get_conclusion_display()}：{f.verification}" if f.is_verified else "尚未核查"
        item.lines.append(f"{f.received_on:%Y-%m-%d} {f.get_channel_display()}：{f.content}（核查：{verified}）")
    if publicity.outcome_note:
        item.lines.append(publicity.outcome_note)
    _stamp(item, publicity)


def _talk(case, item):
    talk = _record(case, "talk")
    if talk is None:
        return
    item.state, item.done_on = DONE, talk.talk_date
    item.summary = f"{talk.talk_date:%Y-%m-%d}，{'、'.join(talk.body_labels())}：{talk.talkers}；已签廉政承诺"
    item.lines.append(talk.key_points)
    _stamp(item, talk)


def _appointment(case, item):
    appointment = _record(case, "appointment")
    if appointment is None:
        return
    item.state, item.done_on = DONE, appointment.appointed_on
    item.summary = f"{appointment.appointed_on:%Y-%m-%d}任{case.proposed_unit.display_name}{case.proposed_title}"
    if appointment.document_no:
        item.summary += f"（{appointment.document_no}）"
    _stamp(item, appointment)


def _probation(case, item):
    if not case.probation_required:
        item.state = NOT_APPLICABLE
        item.summary = "不实行试用期"
        return
    appointment = _record(case, "appointment")
    if appointment is None:
        item.summary = "提拔担任非选举产生的领导职务，试用期一年"
        return
    if appointment.probation_result:
        item.state, item.done_on = DONE, appointment.assessed_on
        item.summary = f"{appointment.assessed_on:%Y-%m-%d}考核：{appointment.get_probation_result_display()}"
        item.lines.append(appointment.assessment_note)
        if appointment.probation_result == ProbationResult.INCOMPETENT:
            arranged = posts.arranged_post(case)
            item.summary += "，免去试任职务"
            if arranged is not None:
                item.lines.append(f"免去试任职务，{arranged.start_date:%Y-%m-%d}起安排为{posts.label(arranged)}")
    else:
        item.state = IN_PROGRESS
        item.summary = f"试用期至{appointment.probation_end:%Y-%m-%d}"
        item.deadline = appointment.probation_end


FILLERS = {
    StepKind.RECOMMENDATION: _recommendation, StepKind.ARCHIVE: _archive,
    StepKind.PERSONAL_MATTERS: _personal_matters, StepKind.DISCIPLINE: _discipline, StepKind.PETITION: _petition,
    StepKind.OPINIONS: _opinions, StepKind.EXAM: _exam, StepKind.PUBLICITY: _publicity, StepKind.TALK: _talk,
    StepKind.APPOINTMENT: _appointment, StepKind.PROBATION: _probation,
}


def build(case):
    """The checklist items of a case, in order."""
    stage = case.suspended_from if case.status == CaseStatus.SUSPENDED else case.status
    current = workflow.STAGE_STEPS.get(stage, set())
    items = []
    for step in workflow.CHECKLIST_STEPS:
        item = Item(step=step, label=StepKind(step).label, responsible=case.handler.display_name)
        FILLERS[step](case, item)
        if item.state == NOT_STARTED:
            if step in current:
                item.state = IN_PROGRESS
            elif case.status == CaseStatus.TERMINATED:
                item.state = NOT_APPLICABLE
        items.append(item)
    return items


def progress(items):
    """How far the checklist is, in one line: 已完成8项，进行中2项，未开始1项."""
    counts = {state: sum(1 for item in items if item.state == state) for state in STATE_LABELS}
    order = (DONE, IN_PROGRESS, NOT_STARTED, NOT_APPLICABLE)
    return "，".join(f"{STATE_LABELS[state]}{counts[state]}项" for state in order if counts[state])


# The step records a case page needs, loaded with the case in a fixed number of queries.
CASE_RELATED = ("cadre", "cadre__unit", "proposed_unit", "handler", "batch", "recommendation",
                "recommendation__override_by", "recommendation__recorded_by", "archive_review",
                "archive_review__recorded_by", "personal_matters", "personal_matters__recorded_by", "discipline",
                "discipline__recorded_by", "petition_check", "petition_check__recorded_by", "publicity",
                "publicity__recorded_by", "talk", "talk__recorded_by", "appointment", "appointment__recorded_by")
CASE_PREFETCH = ("opinion_requests__recorded_by", "exam_attempts__recorded_by", "publicity__feedback",
                 "crosschecks__items", "crosschecks__overridden_by")
