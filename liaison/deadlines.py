"""Deadline providers for the core scan (registered in LiaisonConfig.ready()).

Keys are stable so reruns add nothing: a report reminder or a missing-report notice targets the member unit with
the period's due date as `due_date` (there may be no report row to target at all); a decision notice targets the
decision with its deadline.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.urls import reverse

from core import roles
from core.deadlines import Due, Level, level_for
from core.models import User
from liaison.models import MeetingDecision, MemberUnit, Report, ReportingSchedule, first_of_month, previous_month
from liaison.services import report_due_date

REMINDER_KIND = "liaison.report_reminder"
MISSING_KIND = "liaison.report_missing"
DECISION_KIND = "liaison.meeting_decision"
OFFICE_RECIPIENT_ROLES = (roles.STAFF, roles.SECTION_HEAD)


def _office_recipients():
    """[(user id, jurisdiction path or "")] of the office staff and section heads, in one query."""
    return list(User.objects.filter(is_active=True, groups__name__in=OFFICE_RECIPIENT_ROLES)
                .values_list("pk", "jurisdiction__path").distinct())


def _covering(recipients, unit_path):
    return tuple(pk for pk, path in recipients if not path or unit_path.startswith(path))


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
    officers = defaultdict(list)
    through = User.groups.through.objects.filter(
        group__member_unit__in=waiting, user__is_active=True, user__groups__name=roles.LIAISON)
    for member_unit_id, user_id in through.values_list("group__member_unit", "user_id"):
        officers[member_unit_id].append(user_id)
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
    recipients = _office_recipients()
    url = reverse("liaison:compliance") + f"?year={period.year}"
    for unit in units:
        report = reports.get(unit.pk)
        unit_due = report.due_date if report else due
        if _reported_on_time(report) or unit_due >= on_date:
            continue
        state = "逾期报送" if report is not None and report.first_submitted_at else "未报送"
        users = _covering(recipients, unit.unit.path)
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
    recipients = _office_recipients()
    for decision in decisions:
        level = level_for(decision.deadline, on_date)
        users = _covering(recipients, decision.meeting.organizer.path)
        if level is None or not users:
            continue
        state = "已逾期" if level == Level.OVERDUE else "即将到期"
        yield Due(kind=DECISION_KIND, target=decision, due_date=decision.deadline, level=level,
                  title=f"议定事项{state}：{decision.content[:40]}（牵头：{decision.owner_unit}）",
                  recipients=users)
