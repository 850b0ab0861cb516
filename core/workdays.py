"""Working days (工作日) by the official holiday schedule.

Order of authority for a date: the admin table (WorkCalendarDay), then the `chinese-calendar` package, then — for a
year neither covers and whose schedule has not been entered (WorkCalendarYear) — a provisional rule: weekends and the
fixed-date statutory holidays. Results from the provisional rule are marked 暂定 and recomputed once the year is
entered (see `recompute_provisional`).
"""

import datetime
from dataclasses import dataclass

import chinese_calendar

from core.models import WorkCalendarDay, WorkCalendarYear

# Statutory holidays with a fixed Gregorian date (元旦, 劳动节 two days since 2025, 国庆节).
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


@dataclass(frozen=True)
class Deadline:
    date: datetime.date
    provisional: bool = False  # 暂定: depends on a year whose holiday schedule is not known yet

    def __str__(self):
        return f"{self.date:%Y-%m-%d}{'（暂定）' if self.provisional else ''}"


@dataclass(frozen=True)
class WorkdayCount:
    value: int
    provisional: bool = False


class WorkCalendar:
    """Answers working-day questions, loading the admin table once per year it touches."""

    def __init__(self):
        self._days = {}
        self._entered_years = None
        self._loaded_years = set()

    def _load_year(self, year):
        if year not in self._loaded_years:
            for day in WorkCalendarDay.objects.filter(date__year=year):
                self._days[day.date] = day.is_working_day
            self._loaded_years.add(year)

    def _year_entered(self, year):
        if self._entered_years is None:
            self._entered_years = set(WorkCalendarYear.objects.values_list("year", flat=True))
        return year in self._entered_years

    def is_working_day(self, day):
        """(is it a working day, is the answer provisional)."""
        self._load_year(day.year)
        if day in self._days:
            return self._days[day], False
        if self._year_entered(day.year):
            return day.weekday() < 5, False
        try:
            return chinese_calendar.is_workday(day), False
        except NotImplementedError:
            return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS, True

    def add_working_days(self, start, n):
        """The n-th working day after `start` (start itself not counted), e.g. 15 working days from delivery."""
        if n < 0:
            raise ValueError("n 必须为非负整数")
        day, provisional, counted = start, False, 0
        while counted < n:
            day += datetime.timedelta(days=1)
            working, guessed = self.is_working_day(day)
            provisional |= guessed
            counted += working
        return Deadline(day, provisional)

    def working_days_between(self, start, end):
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            count = self.working_days_between(end, start)
            return WorkdayCount(-count.value, count.provisional)
        value, provisional, day = 0, False, start
        while day < end:
            day += datetime.timedelta(days=1)
            working, guessed = self.is_working_day(day)
            provisional |= guessed
            value += working
        return WorkdayCount(value, provisional)


def is_working_day(day):
    return WorkCalendar().is_working_day(day)[0]


def add_working_days(start, n):
    return WorkCalendar().add_working_days(start, n)


def working_days_between(start, end):
    return WorkCalendar().working_days_between(start, end)


def add_calendar_days(start, n):
    """Calendar-day limits (信访事项) never depend on the holiday schedule."""
    return Deadline(start + datetime.timedelta(days=n), False)


# Models holding computed deadlines register how to recompute their provisional ones.
_recomputers = []


def register_provisional(recompute):
    """`recompute(year)` recomputes every stored deadline still marked provisional that touches `year`;
    it returns how many it changed."""
    _recomputers.append(recompute)
    return recompute


def recompute_provisional(year):
    return sum(recompute(year) for recompute in _recomputers)
