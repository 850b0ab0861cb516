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
DUE = datetime.date(2026, 11, 16)  # the 15th is a Sunday: rolled over to Monday (民法典 第二百零三条)


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
    submitted(late, datetime.date(2026, 11, 17))  # a day late
    created = deadlines.scan(datetime.date(2026, 11, 17))
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
    assert deadlines.scan(datetime.date(2026, 11, 17))["liaison.report_missing"] == 0
    report_a = ReportFactory(member_unit=member_a, period=PERIOD)
    submitted(report_a, datetime.date(2026, 11, 18))
    assert deadlines.scan(datetime.date(2026, 11, 18))["liaison.report_missing"] == 0


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


# ---------------------------------------------------------------- at least one plenary meeting a year

PLENARY = "liaison.plenary_meeting"


def plenary_notes():
    return Notification.objects.filter(kind=PLENARY)


def plenary(county, held_on, kind=Meeting.Kind.PLENARY):
    return Meeting.objects.create(organizer=county, kind=kind, title="联席会议", held_on=held_on)


@pytest.mark.django_db
def test_no_plenary_reminder_before_the_notice_window(county, member_a, staff):
    plenary(county, datetime.date(2025, 12, 20))  # last year's was held
    assert deadlines.scan(datetime.date(2026, 10, 1))[PLENARY] == 0  # 91 days before the year's end


@pytest.mark.django_db
def test_a_year_without_a_plenary_meeting_reminds_the_office_in_time_then_warns_then_says_overdue(
        county, member_a, staff, section_head, leader, liaison_a, other_county_staff):
    plenary(county, datetime.date(2025, 12, 20))
    plenary(county, datetime.date(2026, 7, 15), kind=Meeting.Kind.THEMATIC)  # a thematic meeting does not count
    created = deadlines.scan(datetime.date(2026, 10, 2))  # 90 days before 31 December
    assert created[PLENARY] == 2
    notes = plenary_notes()
    assert set(notes.values_list("recipient", flat=True)) == {staff.pk, section_head.pk}
    assert set(notes.values_list("level", flat=True)) == {Notification.Level.NOTICE}
    assert set(notes.values_list("due_date", flat=True)) == {datetime.date(2026, 12, 31)}
    assert set(notes.values_list("target_id", flat=True)) == {str(county.pk)}
    assert notes.first().title == "2026年尚未召开联席会议全体会议，请于12月31日前召开（每年至少1次）"
    assert notes.first().url == "/liaison/meetings/"
    # idempotent: the same day and the following weeks add nothing
    assert deadlines.scan(datetime.date(2026, 10, 2))[PLENARY] == 0
    assert deadlines.scan(datetime.date(2026, 11, 23))[PLENARY] == 0
    # a month before the end it becomes a warning, once
    assert deadlines.scan(datetime.date(2026, 12, 1))[PLENARY] == 2
    assert deadlines.scan(datetime.date(2026, 12, 2))[PLENARY] == 0
    assert set(notes.filter(level=Notification.Level.WARNING).values_list("recipient", flat=True)) == {
        staff.pk, section_head.pk}
    # the year passed without one: said once, in the new year
    assert deadlines.scan(datetime.date(2027, 1, 1))[PLENARY] == 2
    assert deadlines.scan(datetime.date(2027, 3, 1))[PLENARY] == 0
    overdue = notes.get(level=Notification.Level.OVERDUE, recipient=staff)
    assert overdue.title == "2026年未召开联席会议全体会议（每年至少1次）"
    assert overdue.due_date == datetime.date(2026, 12, 31)


@pytest.mark.django_db
def test_a_plenary_meeting_held_in_the_year_stops_the_reminders(county, member_a, staff):
    plenary(county, datetime.date(2025, 12, 20))
    assert deadlines.scan(datetime.date(2026, 10, 2))[PLENARY] == 1
    plenary(county, datetime.date(2026, 11, 5))
    assert deadlines.scan(datetime.date(2026, 12, 1))[PLENARY] == 0
    assert deadlines.scan(datetime.date(2027, 1, 1))[PLENARY] == 0


@pytest.mark.django_db
def test_the_number_of_plenary_meetings_a_year_is_a_setting(county, member_a, staff):
    from liaison.models import ReportingSchedule

    ReportingSchedule.objects.update_or_create(pk=ReportingSchedule.current().pk,
                                               defaults={"plenary_per_year": 2, "plenary_notice_days": 120})
    plenary(county, datetime.date(2025, 6, 1))
    plenary(county, datetime.date(2025, 12, 1))
    plenary(county, datetime.date(2026, 3, 10))
    assert deadlines.scan(datetime.date(2026, 9, 1))[PLENARY] == 0  # 121 days before the end
    assert deadlines.scan(datetime.date(2026, 9, 2))[PLENARY] == 1
    assert plenary_notes().get().title == ("2026年联席会议全体会议已召开1次，请于12月31日前再召开1次"
                                          "（每年至少2次）")


@pytest.mark.django_db
def test_each_county_hears_of_its_own_joint_meeting_only(county, other_county, member_a, staff,
                                                         other_county_staff):
    """Another county with member units and no plenary is told; this county, which held one, is not."""
    plenary(county, datetime.date(2025, 12, 20))
    plenary(county, datetime.date(2026, 5, 20))
    plenary(other_county, datetime.date(2025, 12, 20))
    member_unit(UnitFactory(code="LX-JW", name="邻县纪委监委", parent=other_county))
    assert deadlines.scan(datetime.date(2026, 10, 2))[PLENARY] == 1
    note = plenary_notes().get()
    assert note.recipient == other_county_staff and note.target_id == str(other_county.pk)
    assert "邻县" in note.title  # several joint meetings: the title names which


@pytest.mark.django_db
def test_no_reminder_where_there_is_no_joint_meeting(county, staff, other_county_staff):
    """Without member units (or before any joined) there is no joint meeting to hold."""
    assert deadlines.scan(datetime.date(2026, 10, 2))[PLENARY] == 0
    member_unit(UnitFactory(code="LATE", name="县统计局", parent=county), active_from=datetime.date(2027, 2, 1))
    assert deadlines.scan(datetime.date(2027, 1, 5))[PLENARY] == 0  # it joined only in 2027


@pytest.mark.django_db
def test_office_users_without_a_jurisdiction_hear_of_the_county_at_the_top(county, member_a):
    from core import roles
    from tests.factories import UserFactory

    everywhere = UserFactory(username="everywhere", roles=[roles.STAFF], unit=county, jurisdiction=None)
    plenary(county, datetime.date(2025, 12, 20))
    assert deadlines.scan(datetime.date(2026, 10, 2))[PLENARY] == 1
    note = plenary_notes().get()
    assert note.recipient == everywhere and note.target_id == str(county.pk)
