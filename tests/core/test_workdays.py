import datetime

import pytest

from core import workdays
from core.models import WorkCalendarDay, WorkCalendarYear

D = datetime.date


@pytest.mark.django_db
class TestSpringFestival2026:
    def test_saturday_before_the_holiday_is_a_working_day(self):
        assert workdays.is_working_day(D(2026, 2, 14))  # 调休上班 (Saturday)
        assert workdays.add_working_days(D(2026, 2, 13), 1) == workdays.Deadline(D(2026, 2, 14))

    def test_holiday_days_are_skipped(self):
        assert not workdays.is_working_day(D(2026, 2, 16))
        assert workdays.add_working_days(D(2026, 2, 14), 1) == workdays.Deadline(D(2026, 2, 24))

    def test_counting_across_the_holiday(self):
        # 2-14 (Sat, working), 2-24 .. 2-27, 2-28 (Sat, working)
        assert workdays.working_days_between(D(2026, 2, 13), D(2026, 2, 28)).value == 6
        assert workdays.working_days_between(D(2026, 2, 28), D(2026, 2, 13)).value == -6


@pytest.mark.django_db
class TestNationalDay2026:
    def test_holiday_week_is_skipped(self):
        assert workdays.add_working_days(D(2026, 9, 30), 1) == workdays.Deadline(D(2026, 10, 8))

    def test_saturday_after_is_a_working_day(self):
        assert workdays.is_working_day(D(2026, 10, 10))
        # publicity from Monday 09-28: 09-29, 09-30, 10-08, 10-09, 10-10
        assert workdays.add_working_days(D(2026, 9, 28), 5) == workdays.Deadline(D(2026, 10, 10))

    def test_fifteen_working_days_for_an_inquiry_reply(self):
        # 09-28..30 (3); 10-08..10 (6); 10-12..16 (11); 10-19..22 (15)
        assert workdays.add_working_days(D(2026, 9, 25), 15).date == D(2026, 10, 22)


@pytest.mark.django_db
def test_admin_table_overrides_the_package():
    WorkCalendarDay.objects.create(date=D(2026, 10, 12), is_working_day=False, name="本地调整")
    assert not workdays.is_working_day(D(2026, 10, 12))
    assert workdays.add_working_days(D(2026, 10, 10), 1).date == D(2026, 10, 13)


@pytest.mark.django_db
def test_negative_day_count_is_refused():
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 1, 5), -1)


@pytest.mark.django_db
class TestYearNotCovered:
    """2027: the package stops at 2026 and the State Council has not published 2027 yet."""

    start = D(2026, 12, 25)

    def test_deadline_is_provisional_using_weekends_and_fixed_holidays(self):
        deadline = workdays.add_working_days(self.start, 15)
        # 12-28..12-31 (4); 2027-01-01 元旦 skipped; 01-04..08 (9); 01-11..15 (14); 01-18 (15)
        assert deadline == workdays.Deadline(D(2027, 1, 18), provisional=True)
        assert str(deadline) == "2027-01-18（暂定）"

    def test_deadline_inside_a_covered_year_is_not_provisional(self):
        assert not workdays.add_working_days(self.start, 4).provisional

    def test_entering_the_schedule_makes_it_final(self):
        WorkCalendarYear.objects.create(year=2027, source="测试安排")
        WorkCalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
        WorkCalendarDay.objects.create(date=D(2027, 1, 4), is_working_day=False, name="元旦调休")
        WorkCalendarDay.objects.create(date=D(2027, 1, 5), is_working_day=False, name="元旦调休")
        # 12-28..31 (4); 01-06..08 (7); 01-11..15 (12); 01-18..20 (15)
        assert workdays.add_working_days(self.start, 15) == workdays.Deadline(D(2027, 1, 20))

    def test_provisional_deadlines_are_recomputed_when_the_year_is_entered(self, monkeypatch):
        stored = {"reply_due": workdays.add_working_days(self.start, 15)}

        def recompute(first, last):
            if self.start <= last and stored["reply_due"].date >= first:
                stored["reply_due"] = workdays.add_working_days(self.start, 15)
            return []

        monkeypatch.setattr(workdays, "_recomputers", [recompute])
        # No on-commit callback: the recompute runs inside the saving transaction.
        WorkCalendarYear.objects.create(year=2027)
        WorkCalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
        WorkCalendarDay.objects.create(date=D(2027, 1, 4), is_working_day=False, name="调休")
        # 12-28..31 (4); 01-05..08 (8); 01-11..15 (13); 01-18..19 (15)
        assert stored["reply_due"] == workdays.Deadline(D(2027, 1, 19))
