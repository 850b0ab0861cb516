"""Time limits of a petition: one function per deadline, all reading the editable TimeLimit table, and the provider
for the daily deadline scan (handlers; the 科室负责人 too once a deadline is overdue). A case's limits are its
county's where the county set its own (the nearest jurisdiction above the case's unit), else the city's.

Two clocks (domain.md §3): a 检举控告 counts working days (core.workdays), a 信访事项 calendar days.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.conf import settings

from core import roles, workdays
from core.deadlines import Query
from core.models import Unit, ancestors, nearest
from petitions.models import (
    BEFORE_ACCEPTANCE,
    HANDLING_STATUSES,
    OPEN_STATUSES,
    CaseType,
    DayKind,
    Disposal,
    Petition,
    ReviewLevel,
    ReviewRequest,
    Stage,
    Status,
    TimeLimit,
)

# A recompute over thousands of cases reads the (small) table once instead of once per deadline.
_limits_table = contextvars.ContextVar("petition_time_limits", default=None)


def time_limit(case_type, stage, unit=None):
    """The TimeLimit row for a case type and stage that applies to `unit` (a case's unit, or its id; None: the
    city's), or None when the table sets no limit."""
    table = _limits_table.get()
    if table is not None:
        return table.get(case_type, stage, unit)
    return nearest(TimeLimit.objects.filter(case_type=case_type, stage=stage), unit).first()


class _Limits:
    """The whole table in memory, and the paths of the units asked about."""

    def __init__(self):
        self.rows = {(row.jurisdiction_id, row.case_type, row.stage): row for row in TimeLimit.objects.all()}
        self.counties = any(jurisdiction is not None for jurisdiction, _, _ in self.rows)
        self.paths = {}

    def get(self, case_type, stage, unit):
        if not self.counties:  # no county sets its own: no unit to look up (a bulk load's thousands of them)
            return self.rows.get((None, case_type, stage))
        for jurisdiction in [*reversed(self._ancestors(unit)), None]:
            row = self.rows.get((jurisdiction, case_type, stage))
            if row is not None:
                return row
        return None

    def _ancestors(self, unit):
        if unit is None or isinstance(unit, Unit):
            return ancestors(unit)
        if unit not in self.paths:
            self.paths[unit] = Unit.objects.get(pk=unit)
        return ancestors(self.paths[unit])


@contextlib.contextmanager
def limits_loaded():
    token = _limits_table.set(_Limits())
    try:
        yield
    finally:
        _limits_table.reset(token)


def unit_of(petition):
    """The case's unit as the time limits need it: the loaded row, else its id (read within the limits' query)."""
    return petition.unit if Petition.unit.is_cached(petition) else petition.unit_id


def _add(limit, start, extra_days=0):
    if limit.day_kind == DayKind.WORKING:
        deadline = workdays.add_working_days(start, limit.days)
        if extra_days:
            deadline = workdays.Deadline(workdays.add_calendar_days(deadline.date, extra_days).date,
                                         deadline.provisional)
        return deadline
    return workdays.add_calendar_days(start, limit.days + extra_days, roll_over=limit.roll_over_holidays)


def acceptance_deadline(petition):
    """检举控告: tell a named reporter whether it was accepted (15 working days of receipt).
    信访事项: decide on acceptance (15 days of receipt)."""
    if petition.case_type == CaseType.ACCUSATION and not petition.is_named:
        return None
    limit = time_limit(petition.case_type, Stage.ACCEPTANCE, unit_of(petition))
    return _add(limit, petition.received_on) if limit else None


def forward_deadline(petition):
    """A report for another level or body is forwarded within the limit (检举控告: 5 working days of receipt),
    counted as soon as a transfer is proposed."""
    if Disposal.TRANSFER not in (petition.proposed_disposal, petition.disposal):
        return None
    limit = time_limit(petition.case_type, Stage.FORWARD, unit_of(petition))
    return _add(limit, petition.received_on) if limit else None


def handling_deadline(petition):
    """信访事项: finished within 60 days of acceptance, plus an approved extension (at most 30 days)."""
    if petition.accepted_on is None:
        return None
    limit = time_limit(petition.case_type, Stage.HANDLING, unit_of(petition))
    return _add(limit, petition.accepted_on, petition.extension_days) if limit else None


def feedback_deadline(petition):
    """检举控告: the result is fed back to a named reporter within 15 working days of closing. Without a feedback
    limit (信访事项) the reply is due with the handling deadline."""
    if not petition.is_named or petition.concluded_on is None:
        return None
    limit = time_limit(petition.case_type, Stage.FEEDBACK, unit_of(petition))
    if limit:
        return _add(limit, petition.concluded_on)
    return handling_deadline(petition)


def rolling_stages(petition):
    """Stages of the case's type counted in calendar days whose last day moves past a statutory holiday (shown as
    遇法定节假日顺延 beside the deadline), by the limits that apply to the case. One query."""
    applying = {}
    for limit in nearest(TimeLimit.objects.filter(case_type=petition.case_type), unit_of(petition)):
        applying.setdefault(limit.stage, limit)  # nearest first
    return {stage for stage, limit in applying.items()
            if limit.day_kind == DayKind.CALENDAR and limit.roll_over_holidays}


def max_extension_days(petition):
    """The longest extension the limits of the case allow (0: no extension)."""
    limit = time_limit(petition.case_type, Stage.EXTENSION, unit_of(petition))
    return limit.days if limit else 0


REQUEST_STAGES = {ReviewLevel.REVIEW: Stage.REVIEW_REQUEST, ReviewLevel.RECHECK: Stage.RECHECK_REQUEST}


def review_request_limit(petition, level):
    return time_limit(petition.case_type, REQUEST_STAGES[level], unit_of(petition))


def review_request_deadline(petition, level, reply_received_on):
    """《信访工作条例》第三十五条、第三十六条: 复查 (复核) may be requested within 30 days of receiving the written
    reply (the 复查 answer). None when the table sets no limit: this case type has no 复查."""
    limit = review_request_limit(petition, level)
    return _add(limit, reply_received_on) if limit else None


def review_answer_deadline(review):
    """The body that received a 复查 (复核) request answers within 30 days of receiving it."""
    limit = time_limit(review.petition.case_type, review.answer_stage, unit_of(review.petition))
    return _add(limit, review.received_on) if limit else None


def has_reviews(case_type):
    """Whether the time-limit table gives this case type a 复查 stage (信访事项: yes; 检举控告: no). A county sets
    its own numbers, not its own stages: the city's rows decide."""
    return time_limit(case_type, Stage.REVIEW_REQUEST) is not None


@dataclass(frozen=True)
class PendingDeadline:
    stage: str
    label: str
    date: object
    provisional: bool = False


# A reply has been given: 复查/复核 may follow (the case is 已反馈, possibly archived meanwhile).
REVIEWABLE_STATUSES = (Status.FED_BACK, Status.ARCHIVED)


def pending(petition, transfers=None, reviews=None):
    """The deadlines still to be met in the case's current status, from the stored dates."""
    items = []
    status = petition.status
    if status in OPEN_STATUSES and petition.acceptance_due:
        done = (petition.acceptance_notified_on is not None if petition.case_type == CaseType.ACCUSATION
                else status not in BEFORE_ACCEPTANCE)
        if not done:
            label = "受理告知" if petition.case_type == CaseType.ACCUSATION else "受理决定"
            items.append(PendingDeadline(Stage.ACCEPTANCE, label, petition.acceptance_due,
                                         petition.acceptance_due_provisional))
    if status in BEFORE_ACCEPTANCE and petition.forward_due:
        items.append(PendingDeadline(Stage.FORWARD, "转送", petition.forward_due, petition.forward_due_provisional))
    if status in HANDLING_STATUSES and petition.handling_due:
        items.append(PendingDeadline(Stage.HANDLING, "办结", petition.handling_due,
                                     petition.handling_due_provisional))
    if status == Status.TRANSFERRED:
        transfers = petition.transfers.all() if transfers is None else transfers
        for transfer in transfers:
            if transfer.replied_on is None:
                items.append(PendingDeadline(Stage.TRANSFER_REPLY, "转办回复", transfer.reply_due))
    if status == Status.CONCLUDED and petition.feedback_due:
        items.append(PendingDeadline(Stage.FEEDBACK, "反馈", petition.feedback_due,
                                     petition.feedback_due_provisional))
    if status in REVIEWABLE_STATUSES:
        reviews = petition.review_requests.all() if reviews is None else reviews
        for review in reviews:
            if review.state == ReviewRequest.State.PENDING and review.answer_due:
                items.append(PendingDeadline(review.answer_stage, Stage(review.answer_stage).label,
                                             review.answer_due, review.answer_due_provisional))
    return sorted(items, key=lambda item: item.date)


def compute(petition, transfers=None):
    """Set the stored deadline fields and the nearest pending one (no save)."""
    for field, function in (("acceptance_due", acceptance_deadline), ("forward_due", forward_deadline),
                            ("handling_due", handling_deadline), ("feedback_due", feedback_deadline)):
        deadline = function(petition)
        setattr(petition, field, deadline.date if deadline else None)
        setattr(petition, f"{field}_provisional", bool(deadline and deadline.provisional))
    items = pending(petition, transfers)
    first = items[0] if items else None
    petition.next_due = first.date if first else None
    petition.next_due_provisional = bool(first and first.provisional)
    petition.next_due_label = first.label if first else ""
    return petition


DEADLINE_FIELDS = ["acceptance_due", "acceptance_due_provisional", "forward_due", "forward_due_provisional",
                   "handling_due", "handling_due_provisional", "feedback_due", "feedback_due_provisional",
                   "next_due", "next_due_provisional", "next_due_label"]


def days_left(due, on_date):
    return None if due is None else (due - on_date).days


def days_class(due, on_date):
    """CSS class for the days-left cell: red on the day and after, yellow within the notice window."""
    left = days_left(due, on_date)
    if left is None:
        return ""
    if left <= 0:
        return "days-red"
    if left <= settings.DEADLINE_NOTICE_DAYS:
        return "days-yellow"
    return "days-normal"


def provider(on_date):
    """Deadline scan: what is due within the notice window, due today or overdue — the deadlines `pending` lists, in
    SQL. To the handlers; once overdue, also to the section heads covering the case's unit, unless the date is 暂定
    (not escalated: it is final only once the year's schedule is entered, workdays.require_final)."""
    q = Query(Petition, on_date)
    q.params.update(
        open=list(OPEN_STATUSES), before_acceptance=list(BEFORE_ACCEPTANCE),
        handling=list(HANDLING_STATUSES), transferred=Status.TRANSFERRED,
        concluded=Status.CONCLUDED, reviewable=list(REVIEWABLE_STATUSES), accusation=CaseType.ACCUSATION,
        review=ReviewLevel.REVIEW, review_pending=ReviewRequest.State.PENDING,
        **{f"stage_{stage.value}": stage.value for stage in Stage},
        **{f"label_{stage.value}": str(stage.label) for stage in (Stage.REVIEW_ANSWER, Stage.RECHECK_ANSWER)},
    )
    q.ctes["petition_due"] = """
        SELECT p.id, p.code, p.unit_id, %(stage_acceptance)s AS stage,
               CASE WHEN p.case_type = %(accusation)s THEN '受理告知' ELSE '受理决定' END AS label,
               p.acceptance_due AS due, p.acceptance_due_provisional AS provisional
        FROM petitions_petition p
        WHERE p.status = ANY(%(open)s) AND p.acceptance_due <= %(horizon)s
          AND (p.acceptance_notified_on IS NULL OR p.status = ANY(%(before_acceptance)s))
          AND (p.case_type = %(accusation)s AND p.acceptance_notified_on IS NULL
               OR p.case_type <> %(accusation)s AND p.status = ANY(%(before_acceptance)s))
        UNION ALL
        SELECT p.id, p.code, p.unit_id, %(stage_forward)s, '转送', p.forward_due, p.forward_due_provisional
        FROM petitions_petition p WHERE p.status = ANY(%(before_acceptance)s) AND p.forward_due <= %(horizon)s
        UNION ALL
        SELECT p.id, p.code, p.unit_id, %(stage_handling)s, '办结', p.handling_due, p.handling_due_provisional
        FROM petitions_petition p WHERE p.status = ANY(%(handling)s) AND p.handling_due <= %(horizon)s
        UNION ALL
        SELECT p.id, p.code, p.unit_id, %(stage_transfer_reply)s, '转办回复', t.reply_due, false
        FROM petitions_petition p JOIN petitions_transfer t ON t.petition_id = p.id
        WHERE p.status = %(transferred)s AND t.replied_on IS NULL AND t.reply_due <= %(horizon)s
        UNION ALL
        SELECT p.id, p.code, p.unit_id, %(stage_feedback)s, '反馈', p.feedback_due, p.feedback_due_provisional
        FROM petitions_petition p WHERE p.status = %(concluded)s AND p.feedback_due <= %(horizon)s
        UNION ALL
        SELECT p.id, p.code, p.unit_id, a.stage, a.label, r.answer_due, r.answer_due_provisional
        FROM petitions_petition p JOIN petitions_reviewrequest r ON r.petition_id = p.id
        CROSS JOIN LATERAL (SELECT CASE WHEN r.level = %(review)s THEN %(stage_review_answer)s
                                        ELSE %(stage_recheck_answer)s END AS stage,
                                   CASE WHEN r.level = %(review)s THEN %(label_review_answer)s
                                        ELSE %(label_recheck_answer)s END AS label) AS a
        WHERE p.status = ANY(%(reviewable)s) AND r.state = %(review_pending)s AND r.answer_due <= %(horizon)s
    """
    heads = q.covering([roles.SECTION_HEAD])  # told of what is overdue in their jurisdiction
    # Never the informant in a title: the case number and the step only.
    columns = f"""'petitions.' || d.stage AS kind, d.id AS target_id, d.due AS due_date,
               {q.level("d.due")} AS level,
               '信访举报件 ' || d.code || '：' || d.label || '期限 ' || {q.ymd("d.due")}
                   || CASE WHEN d.provisional THEN '（暂定）' ELSE '' END AS title,
               {q.url("petitions:detail", "d.code", samples=["XF-9999-99999"])} AS url"""
    yield q.rows(f"""
        SELECT h.user_id AS recipient_id, {columns}
        FROM petition_due d JOIN petitions_petition_handlers h ON h.petition_id = d.id
        UNION ALL
        SELECT c.user_id AS recipient_id, {columns}
        FROM petition_due d JOIN {heads} c ON c.unit_id = d.unit_id
        WHERE d.due < %(on_date)s AND NOT d.provisional
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)
