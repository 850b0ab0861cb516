"""Each app's stored deadlines follow the holiday schedule (issue 16 §2): petitions (calendar-day limits rolled
over statutory holidays, a 暂定 overdue not escalated) and the liaison monthly report due day."""

import datetime

import pytest

from core.deadlines import evaluate
from core.models import Notification, WorkCalendarDay, WorkCalendarYear
from liaison import services as liaison_services
from liaison.models import ReportingSchedule
from petitions.deadlines import provider
from petitions.models import CaseType, Petition, Stage, TimeLimit
from tests.liaison.factories import member_unit
from tests.petitions.factories import make_petition

D = datetime.date
pytestmark = pytest.mark.django_db


def test_petition_matter_acceptance_rolls_over_national_day(staff, client_for):
    """《信访工作条例》第二十四条 (15 days to decide on acceptance) with 民事诉讼法 第八十五条: received 2026-09-20,
    the 15th day 10-05 is in the National Day holiday (10-01..07), so the limit ends 10-08."""
    petition = make_petition(staff, case_type=CaseType.PETITION_MATTER, received_on=D(2026, 9, 20))
    assert petition.acceptance_due == D(2026, 10, 8) and not petition.acceptance_due_provisional
    page = client_for(staff).get(petition.get_absolute_url()).content.decode()
    assert "遇法定节假日顺延" in page


def test_roll_over_is_a_setting_of_the_time_limit(staff):
    TimeLimit.objects.filter(case_type=CaseType.PETITION_MATTER, stage=Stage.ACCEPTANCE).update(
        roll_over_holidays=False)
    petition = make_petition(staff, case_type=CaseType.PETITION_MATTER, received_on=D(2026, 9, 20))
    assert petition.acceptance_due == D(2026, 10, 5)


def test_petition_deadline_moves_with_a_deleted_day_and_the_handler_is_told(staff):
    """A calendar-day limit follows the admin table too: 10-08 made a rest day, then deleted again."""
    petition = make_petition(staff, case_type=CaseType.PETITION_MATTER, received_on=D(2026, 9, 20))
    day = WorkCalendarDay.objects.create(date=D(2026, 10, 8), is_working_day=False, name="本地调整")
    assert Petition.objects.get(pk=petition.pk).acceptance_due == D(2026, 10, 9)
    assert Notification.objects.filter(recipient=staff, kind="calendar.moved.acceptance_due",
                                       title__contains="由 2026-10-08 调整为 2026-10-09").exists()
    day.delete()
    assert Petition.objects.get(pk=petition.pk).acceptance_due == D(2026, 10, 8)


def test_a_provisional_overdue_is_not_escalated_until_the_year_is_entered(staff, section_head, monkeypatch):
    """《信访工作条例》 / domain.md 工作日: a 暂定 date is not final, so its 逾期 does not go to the 科室负责人."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: D(2026, 12, 31))  # received in the past
    petition = make_petition(staff, received_on=D(2026, 12, 25))  # acceptance notice 2027-01-18（暂定）
    overdue = [item for item in evaluate(provider, D(2027, 1, 20)) if item.target == petition]
    assert overdue[0].level == "overdue" and set(overdue[0].recipients) == {staff}
    WorkCalendarYear.objects.create(year=2027, source="测试")  # entered without rest days: 01-01 is worked
    petition.refresh_from_db()
    assert petition.acceptance_due == D(2027, 1, 15) and not petition.acceptance_due_provisional
    overdue = [item for item in evaluate(provider, D(2027, 1, 20)) if item.target == petition]
    assert set(overdue[0].recipients) == {staff, section_head}


def test_monthly_report_due_day_rolls_over_a_rest_day(db):
    """Seed 003: reported by the 15th of the following month; 2026-11-15 is a Sunday → 11-16; 2026-02-15 is in the
    Spring Festival holiday (02-15..23) → 02-24."""
    assert liaison_services.report_due_date(D(2026, 10, 1)) == D(2026, 11, 16)
    assert liaison_services.report_due_date(D(2026, 1, 1)) == D(2026, 2, 24)
    assert liaison_services.report_due_date(D(2026, 9, 1)) == D(2026, 10, 15)
    ReportingSchedule.objects.update(roll_over_holidays=False)
    assert liaison_services.report_due_date(D(2026, 10, 1)) == D(2026, 11, 15)


def test_monthly_report_due_date_follows_the_schedule(unit_a, liaison_a):
    member = member_unit(unit_a, [liaison_a])
    report = liaison_services.create_report(member, D(2026, 10, 1), actor=liaison_a)
    assert report.due_date == D(2026, 11, 16)
    WorkCalendarDay.objects.create(date=D(2026, 11, 16), is_working_day=False, name="本地调整")
    report.refresh_from_db()
    assert report.due_date == D(2026, 11, 17)
    assert Notification.objects.filter(recipient=liaison_a, title__contains="由 2026-11-16 调整为 2026-11-17").exists()
