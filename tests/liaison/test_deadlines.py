"""The scan: on the 10th the officers of units that have not reported are reminded; on the 16th the office hears
of every missing or late unit; undone decisions past their deadline are reported. Reruns add nothing."""

import datetime

import pytest

from core import deadlines
from core.models import Notification
from liaison import services
from liaison.models import Meeting, MeetingDecision
from tests.factories import UnitFactory
from tests.liaison.factories import ItemFactory, ReportFactory, member_unit, submitted

PERIOD = datetime.date(2026, 10, 1)
DUE = datetime.date(2026, 11, 15)


def kinds(kind):
    return Notification.objects.filter(kind=kind)


@pytest.fixture
def member_c(county):
    """A unit that filed a nil report on time."""
    member = member_unit(UnitFactory(code="UNIT-C", name="县法院", parent=county))
    report = ReportFactory(member_unit=member, period=PERIOD, is_nil=True, nil_statement="本月无应报告事项")
    submitted(report, datetime.date(2026, 11, 12))
    return member


@pytest.mark.django_db
def test_nothing_before_the_10th(member_a, member_b):
    assert deadlines.scan(datetime.date(2026, 11, 9))["liaison.report_reminder"] == 0


@pytest.mark.django_db
def test_on_the_10th_officers_of_units_not_reported_are_reminded_once(member_a, member_b, liaison_a, liaison_b,
                                                                     staff, member_c):
    ReportFactory(member_unit=member_b, period=PERIOD)  # a draft is not a report
    created = deadlines.scan(datetime.date(2026, 11, 10))
    assert created["liaison.report_reminder"] == 2
    reminders = kinds("liaison.report_reminder")
    assert set(reminders.values_list("recipient", flat=True)) == {liaison_a.pk, liaison_b.pk}
    assert set(reminders.values_list("due_date", flat=True)) == {DUE}
    assert set(reminders.values_list("level", flat=True)) == {Notification.Level.NOTICE}
    assert "2026年10月" in reminders.first().title
    # a rerun the same day, and the next days, add nothing
    assert deadlines.scan(datetime.date(2026, 11, 10))["liaison.report_reminder"] == 0
    assert deadlines.scan(datetime.date(2026, 11, 11))["liaison.report_reminder"] == 0
    assert kinds("liaison.report_reminder").count() == 2


@pytest.mark.django_db
def test_a_unit_that_reported_is_not_reminded(member_a, member_b, liaison_a, liaison_b):
    report = ReportFactory(member_unit=member_b, period=PERIOD)
    ItemFactory(report=report)
    services.submit(report, actor=liaison_b)
    deadlines.scan(datetime.date(2026, 11, 10))
    assert list(kinds("liaison.report_reminder").values_list("recipient", flat=True)) == [liaison_a.pk]


@pytest.mark.django_db
def test_on_the_16th_the_office_hears_of_missing_and_late_units_once(member_a, member_b, member_c, staff,
                                                                    section_head, leader, liaison_a,
                                                                    other_county_staff):
    late = ReportFactory(member_unit=member_b, period=PERIOD)
    ItemFactory(report=late)
    submitted(late, datetime.date(2026, 11, 16))  # a day late
    created = deadlines.scan(datetime.date(2026, 11, 16))
    assert created["liaison.report_missing"] == 4  # units A (missing) and B (late) × staff and section head
    missing = kinds("liaison.report_missing")
    assert set(missing.values_list("recipient", flat=True)) == {staff.pk, section_head.pk}
    assert set(missing.values_list("target_id", flat=True)) == {str(member_a.pk), str(member_b.pk)}
    titles = set(missing.values_list("title", flat=True))
    assert any("县纪委监委" in t and "未报送" in t for t in titles)
    assert any("县审计局" in t and "逾期报送" in t for t in titles)
    assert set(missing.values_list("level", flat=True)) == {Notification.Level.OVERDUE}
    # the nil report filed on time counts as on time: unit C is not reported
    assert not missing.filter(target_id=str(member_c.pk)).exists()
    # reruns, even after unit A reports late, add nothing
    assert deadlines.scan(datetime.date(2026, 11, 16))["liaison.report_missing"] == 0
    report_a = ReportFactory(member_unit=member_a, period=PERIOD)
    submitted(report_a, datetime.date(2026, 11, 17))
    assert deadlines.scan(datetime.date(2026, 11, 17))["liaison.report_missing"] == 0


@pytest.mark.django_db
def test_not_before_the_due_date_has_passed(member_a, staff):
    assert deadlines.scan(DUE)["liaison.report_missing"] == 0


@pytest.mark.django_db
def test_overdue_decisions_are_reported_to_the_office(county, member_a, staff, section_head, leader):
    meeting = Meeting.objects.create(organizer=county, kind=Meeting.Kind.PLENARY, title="全体会议",
                                     held_on=datetime.date(2026, 1, 20))
    overdue = MeetingDecision.objects.create(meeting=meeting, content="建立移送清单", owner_unit=member_a,
                                             deadline=datetime.date(2026, 10, 31))
    MeetingDecision.objects.create(meeting=meeting, content="已办结的", owner_unit=member_a,
                                   deadline=datetime.date(2026, 10, 31), status="done",
                                   done_on=datetime.date(2026, 10, 30))
    MeetingDecision.objects.create(meeting=meeting, content="远期的", owner_unit=member_a,
                                   deadline=datetime.date(2026, 12, 31))
    assert deadlines.scan(datetime.date(2026, 11, 16))["liaison.meeting_decision"] == 2
    notes = kinds("liaison.meeting_decision")
    assert set(notes.values_list("target_id", flat=True)) == {str(overdue.pk)}
    assert set(notes.values_list("recipient", flat=True)) == {staff.pk, section_head.pk}
    assert "已逾期" in notes.first().title
    assert deadlines.scan(datetime.date(2026, 11, 16))["liaison.meeting_decision"] == 0
    services.complete_decision(overdue, actor=staff)
    assert deadlines.scan(datetime.date(2026, 11, 17))["liaison.meeting_decision"] == 0
