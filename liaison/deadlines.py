"""Deadline providers for the core scan (registered in LiaisonConfig.ready()).

Keys are stable so reruns add nothing: a report reminder or a missing-report notice targets the member unit with
the period's due date as `due_date` (there may be no report row to target at all); a decision notice targets the
decision with its deadline; a plenary-meeting notice targets the unit whose joint meeting it concerns (an office
user's jurisdiction) with 31 December of the year as `due_date`.
"""

import datetime

from django.conf import settings
from django.urls import reverse

from core import roles
from core.deadlines import Covering, Due, Level, Query, level_for
from core.models import Unit
from liaison.models import (
    Meeting,
    MeetingDecision,
    MemberUnit,
    Report,
    ReportingSchedule,
    first_of_month,
    month_end,
    previous_month,
)
from liaison.services import report_due_date

REMINDER_KIND = "liaison.report_reminder"
MISSING_KIND = "liaison.report_missing"
DECISION_KIND = "liaison.meeting_decision"
DECISION_UNIT_KIND = "liaison.meeting_decision_unit"
PLENARY_KIND = "liaison.plenary_meeting"
# A plenary reminder becomes a warning this many days before the year ends (the notice itself starts earlier,
# ReportingSchedule.plenary_notice_days).
PLENARY_WARNING_DAYS = 30


def _officers(member_unit):
    """Joins giving officer.user_id: the active liaison officers of the member unit `member_unit` (an id column)."""
    return f"""JOIN liaison_memberunit officer_unit ON officer_unit.id = {member_unit}
        JOIN core_user_groups officer ON officer.group_id = officer_unit.group_id
        JOIN core_user officer_user ON officer_user.id = officer.user_id AND officer_user.is_active
        AND EXISTS (SELECT 1 FROM core_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                    WHERE ug.user_id = officer.user_id AND g.name = %(liaison)s)"""  # noqa: S608  # nosec B608


def _monthly_reports(q, period, due):
    """The member units active in `period` (alias mu, its unit mu_unit) with their monthly report of it, if any
    (alias rp), and the unit's due date (rp's, else `due`, the SQL of the period's) as unit_due."""
    q.params.update(period=period, period_end=month_end(period), monthly=Report.Kind.MONTHLY,
                    received=list(Report.RECEIVED), liaison=roles.LIAISON)
    return f"""liaison_memberunit mu JOIN core_unit mu_unit ON mu_unit.id = mu.unit_id
        LEFT JOIN liaison_report rp ON rp.member_unit_id = mu.id AND rp.kind = %(monthly)s AND rp.period = %(period)s
        CROSS JOIN LATERAL (SELECT COALESCE(rp.due_date, {due}) AS unit_due) AS d"""  # noqa: S608  # nosec B608


def _by_schedule(q, schedules, value):
    """`value(schedule)` of the member unit's (mu_unit) jurisdiction's schedule, as SQL: a county's own where it
    set one (the deepest first), else the city's. `schedules` is ReportingSchedule.rows(); NULL where it is None."""
    default, counties = schedules
    otherwise = f"{q.param(value(default))}::date"
    if not counties:
        return otherwise
    whens = " ".join(f"WHEN mu_unit.path LIKE {q.param(row.jurisdiction.path + '%')} THEN {q.param(value(row))}::date"
                     for row in counties)
    return f"(CASE {whens} ELSE {otherwise} END)"


_ACTIVE = "mu.active_from <= %(period_end)s AND (mu.active_to IS NULL OR mu.active_to >= %(period)s)"


def _month_day(date):
    return f"extract(month FROM {date})::int || '月' || extract(day FROM {date})::int || '日'"


def report_reminders(on_date):
    """From the reminder day (10th) to the due day (15th): remind the officers of units that have not reported
    last month. Target: the member unit; due date: the unit's report's due date (else the period's). The days are
    those of the unit's jurisdiction's schedule."""
    period = previous_month(first_of_month(on_date))

    def due_in_window(schedule):
        due = report_due_date(period, schedule)
        return due if due.replace(day=schedule.reminder_day) <= on_date <= due else None

    schedules = ReportingSchedule.rows()
    if all(due_in_window(row) is None for row in [schedules[0], *schedules[1]]):
        return
    q = Query(MemberUnit, on_date)
    in_window = _by_schedule(q, schedules, due_in_window)  # NULL for a unit whose schedule is not reminding
    units = _monthly_reports(q, period, in_window)
    q.params.update(url=reverse("liaison:report_new") + f"?period={period:%Y-%m}",
                    text=f"前报送{period.year}年{period.month}月月度通报")
    yield q.rows(f"""
        SELECT '{REMINDER_KIND}' AS kind, officer.user_id AS recipient_id, mu.id AS target_id,
               d.unit_due AS due_date, COALESCE({q.level("d.unit_due")}, 'notice') AS level,
               '请于' || {_month_day("d.unit_due")} || %(text)s AS title, %(url)s AS url
        FROM {units} {_officers("mu.id")}
        WHERE {_ACTIVE} AND {in_window} IS NOT NULL
          AND (rp.id IS NULL OR rp.status <> ALL(%(received)s)) AND d.unit_due >= %(on_date)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def missing_reports(on_date):
    """After the due day (the 16th on): tell the office which units reported late or not at all last month (to the
    office users covering the member unit). The due day is the one of the unit's jurisdiction's schedule."""
    period = previous_month(first_of_month(on_date))
    schedules = ReportingSchedule.rows()
    if all(on_date <= report_due_date(period, row) for row in [schedules[0], *schedules[1]]):
        return
    q = Query(MemberUnit, on_date)
    due = _by_schedule(q, schedules, lambda row: report_due_date(period, row))
    units = _monthly_reports(q, period, due)
    q.params.update(url=reverse("liaison:compliance") + f"?year={period.year}",
                    text=f"{period.year}年{period.month}月月度通报", zone=settings.TIME_ZONE)
    submitted = "rp.first_submitted_at IS NOT NULL"
    on_time = f"{submitted} AND (rp.first_submitted_at AT TIME ZONE %(zone)s)::date <= rp.due_date"
    yield q.rows(f"""
        SELECT '{MISSING_KIND}' AS kind, r.user_id AS recipient_id, mu.id AS target_id, d.unit_due AS due_date,
               'overdue' AS level,
               COALESCE(NULLIF(u.short_name, ''), u.name) || %(text)s
                   || CASE WHEN {submitted} THEN '逾期报送' ELSE '未报送' END
                   || '（期限' || {_month_day("d.unit_due")} || '）' AS title, %(url)s AS url
        FROM {units} JOIN core_unit u ON u.id = mu.unit_id JOIN {q.covering()} r ON r.unit_id = mu.unit_id
        WHERE {_ACTIVE} AND {due} < %(on_date)s AND NOT COALESCE({on_time}, false) AND d.unit_due < %(on_date)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def decision_deadlines(on_date):
    """Open meeting decisions near or past their deadline, to the office users covering the organizing unit
    (set-based, core.deadlines.Query)."""
    q = Query(MeetingDecision, on_date)
    q.params["open"] = MeetingDecision.Status.OPEN
    yield q.rows(f"""
        SELECT '{DECISION_KIND}' AS kind, r.user_id AS recipient_id, d.id AS target_id, d.deadline AS due_date,
               {q.level("d.deadline")} AS level,
               '议定事项' || {_decision_state()} || '：' || left(d.content, 40) || '（牵头：'
                   || COALESCE(NULLIF(u.short_name, ''), u.name) || '）' AS title,
               {q.url("liaison:meeting_detail", "m.code")} || '#decision-' || d.code AS url
        FROM liaison_meetingdecision d JOIN liaison_meeting m ON m.id = d.meeting_id
        JOIN liaison_memberunit o ON o.id = d.owner_unit_id JOIN core_unit u ON u.id = o.unit_id
        JOIN {q.covering()} r ON r.unit_id = m.organizer_id
        WHERE d.status = %(open)s AND d.deadline <= %(horizon)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def decision_deadlines_for_units(on_date):
    """The same open decisions near or past their deadline, to the lead unit's active liaison officers, linking to
    the decision's own page (the meeting page is the office's)."""
    q = Query(MeetingDecision, on_date)
    q.params.update(open=MeetingDecision.Status.OPEN, liaison=roles.LIAISON)
    yield q.rows(f"""
        SELECT '{DECISION_UNIT_KIND}' AS kind, officer.user_id AS recipient_id, d.id AS target_id,
               d.deadline AS due_date, {q.level("d.deadline")} AS level,
               '本单位牵头的议定事项' || {_decision_state()} || '（期限' || {q.ymd("d.deadline")} || '）：'
                   || left(d.content, 40) AS title,
               {q.url("liaison:decision_detail", "d.code")} AS url
        FROM liaison_meetingdecision d {_officers("d.owner_unit_id")}
        WHERE d.status = %(open)s AND d.deadline <= %(horizon)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)


def _decision_state():
    return "CASE WHEN d.deadline < %(on_date)s THEN '已逾期' ELSE '即将到期' END"


def plenary_level(due_date, on_date, notice_days):
    """Notice from `notice_days` before the year's end, warning in its last PLENARY_WARNING_DAYS, then overdue."""
    level = level_for(due_date, on_date, notice_days=notice_days)
    if level == Level.NOTICE and (due_date - on_date).days <= PLENARY_WARNING_DAYS:
        return Level.WARNING
    return level


def _joint_meeting_areas(office_users):
    """The units whose joint meeting the office runs: each office user's jurisdiction, and the top of the tree for
    users without one. [(unit, path)]"""
    ids = {user.jurisdiction_id for user in office_users if user.jurisdiction_id}
    areas = Unit.objects.filter(pk__in=ids)
    if any(user.jurisdiction_id is None for user in office_users):
        areas = areas | Unit.objects.filter(parent__isnull=True)
    return [(unit, unit.path) for unit in areas.order_by("path")]


def plenary_meeting(on_date):
    """The joint meeting meets in plenary at least `plenary_per_year` times a year (domain.md, local). From
    `plenary_notice_days` before 31 December the office is reminded while the year has fewer; once the year has
    passed without them it is told so, once. Areas without member units that year are left alone.

    Each area by its own jurisdiction's schedule (a county's, else the city's).

    Queries: the schedules, the office users, the areas, the member units, the plenary meetings."""
    schedules = ReportingSchedule.rows()
    schedule_of = ReportingSchedule.resolver(schedules)
    longest = max(row.plenary_notice_days for row in [schedules[0], *schedules[1]])
    years = [year for year in (on_date.year - 1, on_date.year)
             if plenary_level(datetime.date(year, 12, 31), on_date, longest) is not None]
    if not years:
        return
    covering = Covering()
    if not covering.users:
        return
    areas = _joint_meeting_areas(covering.users)
    members = list(MemberUnit.objects.filter(active_from__lte=datetime.date(years[-1], 12, 31))
                   .values_list("unit__path", "active_from", "active_to"))
    plenaries = list(Meeting.objects.filter(kind=Meeting.Kind.PLENARY, held_on__year__in=years)
                     .values_list("held_on__year", "organizer__path"))
    url = reverse("liaison:meeting_list")
    for year in years:
        first, due = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        meeting_areas = [(area, path) for area, path in areas
                         if any(unit_path.startswith(path) and joined <= due and (left is None or left >= first)
                                for unit_path, joined, left in members)]
        for area, path in meeting_areas:
            held = sum(1 for held_year, organizer in plenaries if held_year == year and organizer.startswith(path))
            users = covering(path)
            schedule = schedule_of(area)
            level = plenary_level(due, on_date, schedule.plenary_notice_days)
            if level is None or held >= schedule.plenary_per_year or not users:
                continue
            where = f"（{area.display_name}）" if len(meeting_areas) > 1 else ""
            rule = f"每年至少{schedule.plenary_per_year}次"
            if level == Level.OVERDUE:
                title = (f"{year}年未召开联席会议全体会议{where}（{rule}）" if not held else
                         f"{year}年联席会议全体会议仅召开{held}次{where}（{rule}）")
            else:
                title = (f"{year}年尚未召开联席会议全体会议{where}，请于12月31日前召开（{rule}）" if not held else
                         f"{year}年联席会议全体会议已召开{held}次{where}，请于12月31日前再召开"
                         f"{schedule.plenary_per_year - held}次（{rule}）")
            yield Due(kind=PLENARY_KIND, target=area, due_date=due, level=level, title=title, recipients=users,
                      url=url)
