"""Stored deadlines follow every change of the holiday schedule (issue 16 §2): recomputed in the same transaction,
whatever the order of entry, deletes included, with a notification from the old date to the new one."""

import datetime

import pytest

from cadres import services as cadre_services
from cadres.models import MeasureKind, SupervisionMeasure
from core import holiday_schedule, workdays
from core.models import AuditEvent, Notification, WorkCalendarDay, WorkCalendarYear
from tests.factories import CadreFactory

D = datetime.date
pytestmark = pytest.mark.django_db

# A hypothetical 2027 notice: 春节 02-05..02-13 off, Saturday 02-20 worked instead.
REST_2027 = "春节 2027-02-05 至 2027-02-13"
WORKING_2027 = "2027-02-20 春节调休上班"


@pytest.fixture
def inquiry(county, staff, monkeypatch):
    """A 函询 delivered 2027-01-25: 15 working days, provisional while 2027 is not entered. Today is pinned after
    the delivery: a measure records what already happened."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: D(2027, 1, 31))
    cadre = CadreFactory(unit=county, actor=staff)
    return cadre_services.record_measure(cadre, MeasureKind.INQUIRY, D(2027, 1, 25), "函询", actor=staff,
                                         delivered_on=D(2027, 1, 25))


def reply_due(measure):
    measure = SupervisionMeasure.objects.get(pk=measure.pk)
    return measure.reply_due, measure.reply_due_provisional


def enter_2027_year_first():
    WorkCalendarYear.objects.create(year=2027, source="测试")
    for offset in range(9):
        WorkCalendarDay.objects.create(date=D(2027, 2, 5) + datetime.timedelta(days=offset), is_working_day=False)
    WorkCalendarDay.objects.create(date=D(2027, 2, 20), is_working_day=True)


def enter_2027_days_first():
    WorkCalendarDay.objects.create(date=D(2027, 2, 20), is_working_day=True)
    for offset in reversed(range(9)):
        WorkCalendarDay.objects.create(date=D(2027, 2, 5) + datetime.timedelta(days=offset), is_working_day=False)
    WorkCalendarYear.objects.create(year=2027, source="测试")


def test_provisional_spring_festival_comes_from_the_lunar_calendar(inquiry):
    """《全国年节及纪念日放假办法》(2024 revision) 第二条: 春节 4 days from 除夕, 清明, 端午, 中秋 — estimated for a
    year chinese-calendar (1.11: up to 2026) does not cover."""
    holidays = workdays.statutory_holidays(2027)
    assert {day for day, name in holidays.items() if name == "春节"} == {D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7),
                                                                        D(2027, 2, 8)}
    assert holidays[D(2027, 4, 5)] == "清明节" and holidays[D(2027, 6, 9)] == "端午节"
    assert holidays[D(2027, 9, 15)] == "中秋节" and holidays[D(2027, 5, 2)] == "劳动节"
    # 01-26..29 (4), 02-01..04 (8), 02-05 除夕 and 02-08 初三 off, 02-09..12 (12), 02-15..17 (15)
    assert reply_due(inquiry) == (D(2027, 2, 17), True)


@pytest.mark.parametrize("enter", [enter_2027_year_first, enter_2027_days_first])
def test_entering_a_year_gives_the_same_deadlines_in_any_order(inquiry, enter):
    """Order of entry must not matter (issue 16 §2). 01-26..29 (4), 02-01..04 (8), 02-15..19 (13), 02-20 (14),
    02-22 (15)."""
    enter()
    assert reply_due(inquiry) == (D(2027, 2, 22), False)


def test_deleting_a_day_recomputes_and_notifies_from_and_to(inquiry, staff):
    enter_2027_year_first()
    Notification.objects.all().delete()
    WorkCalendarDay.objects.get(date=D(2027, 2, 20)).delete()
    assert reply_due(inquiry) == (D(2027, 2, 23), False)
    note = Notification.objects.get(recipient=staff, kind="calendar.moved.reply_due")
    assert "由 2027-02-22 调整为 2027-02-23" in note.title and note.due_date == D(2027, 2, 23)


def test_a_final_deadline_moves_too_when_a_local_day_off_is_added(county, staff):
    """Not only 暂定 deadlines: a 2026 deadline (package year) moves when the admin table adds a rest day.
    函询 15 working days from 2026-09-25 across National Day 2026 (10-01..07 off, 10-10 worked) ends 10-22."""
    cadre = CadreFactory(unit=county, actor=staff)
    measure = cadre_services.record_measure(cadre, MeasureKind.INQUIRY, D(2026, 9, 25), "函询", actor=staff,
                                            delivered_on=D(2026, 9, 25))
    assert reply_due(measure) == (D(2026, 10, 22), False)
    day = WorkCalendarDay.objects.create(date=D(2026, 10, 12), is_working_day=False, name="本地调整")
    assert reply_due(measure) == (D(2026, 10, 23), False)
    assert Notification.objects.filter(recipient=staff, title__contains="由 2026-10-22 调整为 2026-10-23").exists()
    day.date = D(2026, 11, 30)  # moving the day elsewhere puts 10-12 back
    day.save()
    assert reply_due(measure) == (D(2026, 10, 22), False)


def test_a_change_after_the_deadline_reaches_nothing(inquiry):
    enter_2027_year_first()
    Notification.objects.all().delete()
    WorkCalendarDay.objects.create(date=D(2027, 3, 1), is_working_day=False)
    assert reply_due(inquiry) == (D(2027, 2, 22), False)
    assert not Notification.objects.exists()


def test_calendar_day_limit_rolls_over_a_statutory_holiday():
    """民法典 第二百零三条 / 民事诉讼法 第八十五条: 期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间
    届满的日期. 15 days from 2026-09-20 end on 10-05 (National Day) → 10-08; a 10-10 end (worked Saturday) stays."""
    assert workdays.add_calendar_days(D(2026, 9, 20), 15, roll_over=True) == workdays.Deadline(D(2026, 10, 8),
                                                                                            False, True)
    assert workdays.add_calendar_days(D(2026, 9, 20), 15).date == D(2026, 10, 5)
    assert workdays.add_calendar_days(D(2026, 9, 25), 15, roll_over=True).date == D(2026, 10, 10)
    # Spring Festival 2026: 02-15..02-23 off
    assert workdays.add_calendar_days(D(2026, 2, 2), 15, roll_over=True).date == D(2026, 2, 24)
    # 2027 not covered: rolled over the estimated 春节, and so 暂定
    assert workdays.add_calendar_days(D(2027, 1, 22), 15, roll_over=True) == workdays.Deadline(D(2027, 2, 9),
                                                                                            True, True)


def test_require_final_refuses_a_provisional_date(inquiry):
    """domain.md 工作日: an action that needs a final date waits for the year's schedule."""
    with pytest.raises(workdays.ProvisionalDeadline, match="须待 2027 年节假日安排录入后方可认定公示结果"):
        workdays.require_final(workdays.Deadline(D(2027, 2, 17), True), "认定公示结果")
    workdays.require_final(workdays.Deadline(D(2026, 10, 10)))
    assert not workdays.is_final(D(2027, 2, 17), True)


class TestScheduleEntry:
    def test_preview_saves_nothing_and_apply_saves_all_with_notifications(self, inquiry, staff, system_admin):
        schedule = holiday_schedule.parse(2027, "国办发明电〔2026〕X号", f"元旦 2027-01-01\n{REST_2027}",
                                          WORKING_2027)
        moves = holiday_schedule.preview(schedule)
        assert [(m.label, m.old, m.new, m.provisional) for m in moves] == [
            ("函询答复期限", D(2027, 2, 17), D(2027, 2, 22), False)]
        assert not WorkCalendarYear.objects.exists() and not WorkCalendarDay.objects.exists()
        assert not Notification.objects.exists() and reply_due(inquiry) == (D(2027, 2, 17), True)

        moves = holiday_schedule.apply(schedule, actor=system_admin)
        assert len(moves) == 1 and reply_due(inquiry) == (D(2027, 2, 22), False)
        assert WorkCalendarDay.objects.filter(date__year=2027, is_working_day=False).count() == 10
        moved = Notification.objects.filter(recipient=staff, title__contains="由 2027-02-17 调整为 2027-02-22")
        assert moved.count() == 1
        assert AuditEvent.objects.filter(name="core.work_calendar.year_entered").exists()

    def test_reentering_replaces_the_year_days(self, inquiry):
        holiday_schedule.apply(holiday_schedule.parse(2027, "", REST_2027, WORKING_2027))
        holiday_schedule.apply(holiday_schedule.parse(2027, "更正", "春节 2027-02-05 至 2027-02-11", ""))
        assert not WorkCalendarDay.objects.filter(date=D(2027, 2, 20)).exists()
        # 01-26..29 (4), 02-01..04 (8), 02-12 (9), 02-15..19 (14), 02-22 (15)
        assert reply_due(inquiry) == (D(2027, 2, 22), False)

    @pytest.mark.parametrize("rest, working, message", [
        ("春节 2027-02-13 至 2027-02-05", "", "结束日期须不早于起始日期"),
        ("春节 2027-02-30", "", "不存在"),
        ("国庆节 2029-10-01", "", "不在 2027 年的安排内"),
        (REST_2027, "2027-02-22", "调休上班应为周末"),
        (REST_2027, "2027-02-06", "同时列在放假安排中"),
    ])
    def test_entry_mistakes_are_refused_with_the_line(self, db, rest, working, message):
        with pytest.raises(holiday_schedule.ScheduleError, match=message):
            holiday_schedule.parse(2027, "", rest, working)

    def test_admin_page_previews_then_applies(self, inquiry, system_admin, client_for):
        client = client_for(system_admin)
        url = "/admin/core/workcalendaryear/enter/"
        data = {"year": 2027, "source": "测试", "rest_text": REST_2027, "working_text": WORKING_2027}
        page = client.post(url, {**data, "preview": "1"})
        assert page.status_code == 200
        assert "2027-02-22" in page.content.decode() and not WorkCalendarYear.objects.exists()
        response = client.post(url, {**data, "confirm": "1"})
        assert response.status_code == 302 and WorkCalendarYear.objects.filter(year=2027).exists()
        assert reply_due(inquiry) == (D(2027, 2, 22), False)

    def test_admin_page_shows_mistakes_and_is_closed_to_staff(self, system_admin, staff, client_for):
        page = client_for(system_admin).post("/admin/core/workcalendaryear/enter/", {
            "year": 2027, "rest_text": "春节 2027-02-13 至 2027-02-05", "preview": "1"})
        assert page.status_code == 200 and "结束日期须不早于起始日期" in page.content.decode()
        assert client_for(staff).get("/admin/core/workcalendaryear/enter/").status_code in (302, 403)
