"""Deadline providers for the core scan (registered in LiaisonConfig.ready()).

Keys are stable so reruns add nothing: a report reminder or a missing-report notice targets the member unit with
the period's due date as `due_date` (there may be no report row to target at all); a decision notice targets the
decision with its deadline; a plenary-meeting notice targets the unit whose joint meeting it concerns (an office
user's jurisdiction) with 31 December of the year as `due_date`.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.urls import reverse

from core import roles
from core.deadlines import Covering, Due, Level, level_for
from core.models import Unit, User
from liaison.models import (
    Meeting,
    MeetingDecision,
    MemberUnit,
    Report,
    ReportingSchedule,
    first_of_month,
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


def _officers(member_unit_ids):
    """{member unit id: [user id]} of the active liaison officers of those member units, in one query."""
    officers = defaultdict(list)
    through = User.groups.through.objects.filter(
        group__member_unit__in=member_unit_ids, user__is_active=True, user__groups__name=roles.LIAISON)
    for member_unit_id, user_id in through.values_list("group__member_unit", "user_id"):
        officers[member_unit_id].append(user_id)
    return officers


def _monthly_reports(period, member_units):
    return {report.member_unit_id: report
            for report in Report.objects.monthly().filter(period=period, member_unit__in=member_units)}


def _reported_on_time(report):
    return report is not None and report.first_submitted_at is not None and not report.is_late


def report_reminders(on_date):
    """From the reminder day (10th) to the due day (15th): remind the officers of units that have not reported
    last month. Target: the member unit; due date: the period's due date."""
    schedule = ReportingSchedule.current()
    period = previous_month(first_of_month(on_date))
    due = report_due_date(period, schedule)
    if not (due.replace(day=schedule.reminder_day) <= on_date <= due):
        return
    units = list(MemberUnit.objects.active_in(period).select_related("unit"))
    reports = _monthly_reports(period, units)
    waiting = [unit for unit in units
               if reports.get(unit.pk) is None or reports[unit.pk].status not in Report.RECEIVED]
    officers = _officers(waiting)
    url = reverse("liaison:report_new") + f"?period={period:%Y-%m}"
    for unit in waiting:
        report = reports.get(unit.pk)
        unit_due = report.due_date if report else due
        if not officers[unit.pk] or unit_due < on_date:
            continue
        yield Due(kind=REMINDER_KIND, target=unit, due_date=unit_due,
                  level=level_for(unit_due, on_date) or Level.NOTICE,
                  title=f"请于{unit_due.month}月{unit_due.day}日前报送{period.year}年{period.month}月月度通报",
                  recipients=tuple(officers[unit.pk]), url=url)


def missing_reports(on_date):
    """After the due day (the 16th on): tell the office which units reported late or not at all last month."""
    period = previous_month(first_of_month(on_date))
    due = report_due_date(period)
    if on_date <= due:
        return
    units = list(MemberUnit.objects.active_in(period).select_related("unit"))
    reports = _monthly_reports(period, units)
    covering = Covering()
    url = reverse("liaison:compliance") + f"?year={period.year}"
    for unit in units:
        report = reports.get(unit.pk)
        unit_due = report.due_date if report else due
        if _reported_on_time(report) or unit_due >= on_date:
            continue
        state = "逾期报送" if report is not None and report.first_submitted_at else "未报送"
        users = covering(unit.unit)
        if users:
            yield Due(kind=MISSING_KIND, target=unit, due_date=unit_due, level=Level.OVERDUE,
                      title=f"{unit}{period.year}年{period.month}月月度通报{state}"
                            f"（期限{unit_due.month}月{unit_due.day}日）",
                      recipients=users, url=url)


def decision_deadlines(on_date):
    """Open meeting decisions near or past their deadline, to the office."""
    horizon = on_date + datetime.timedelta(days=settings.DEADLINE_NOTICE_DAYS)
    decisions = (MeetingDecision.objects.filter(status=MeetingDecision.Status.OPEN, deadline__lte=horizon)
                 .select_related("meeting__organizer", "owner_unit__unit"))
    covering = Covering()
    for decision in decisions:
        level = level_for(decision.deadline, on_date)
        users = covering(decision.meeting.organizer)
        if level is None or not users:
            continue
        state = "已逾期" if level == Level.OVERDUE else "即将到期"
        yield Due(kind=DECISION_KIND, target=decision, due_date=decision.deadline, level=level,
                  title=f"议定事项{state}：{decision.content[:40]}（牵头：{decision.owner_unit}）",
                  recipients=users)


def decision_deadlines_for_units(on_date):
    """The same open decisions near or past their deadline, to the lead unit's liaison officers, linking to the
    decision's own page (the meeting page is the office's)."""
    horizon = on_date + datetime.timedelta(days=settings.DEADLINE_NOTICE_DAYS)
    decisions = list(MeetingDecision.objects.open().filter(deadline__lte=horizon).select_related("meeting"))
    officers = _officers({d.owner_unit_id for d in decisions})
    for decision in decisions:
        level = level_for(decision.deadline, on_date)
        if level is None or not officers[decision.owner_unit_id]:
            continue
        state = "已逾期" if level == Level.OVERDUE else "即将到期"
        yield Due(kind=DECISION_UNIT_KIND, target=decision, due_date=decision.deadline, level=level,
                  title=f"本单位牵头的议定事项{state}（期限{decision.deadline:%Y-%m-%d}）：{decision.content[:40]}",
                  recipients=tuple(officers[decision.owner_unit_id]), url=decision.get_unit_url())


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

    Queries: the schedule, the office users, the areas, the member units, the plenary meetings."""
    schedule = ReportingSchedule.current()
    years = [year for year in (on_date.year - 1, on_date.year)
             if plenary_level(datetime.date(year, 12, 31), on_date, schedule.plenary_notice_days) is not None]
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
        level = plenary_level(due, on_date, schedule.plenary_notice_days)
        meeting_areas = [(area, path) for area, path in areas
                         if any(unit_path.startswith(path) and joined <= due and (left is None or left >= first)
                                for unit_path, joined, left in members)]
        for area, path in meeting_areas:
            held = sum(1 for held_year, organizer in plenaries if held_year == year and organizer.startswith(path))
            users = covering(path)
            if held >= schedule.plenary_per_year or not users:
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
