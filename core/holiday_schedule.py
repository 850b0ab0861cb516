"""Entering a year's holiday schedule from the State Council notice (国务院办公厅关于XXXX年部分节假日安排的通知):
放假 ranges with their names and the 调休上班 days, instead of one admin row per date. A preview shows which stored
deadlines would move; applying replaces the year's rows, marks the year entered and recomputes in one transaction.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction

from core import audit, workdays
from core.models import WorkCalendarDay, WorkCalendarYear
from core.refusals import Refused

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
MAX_RANGE_DAYS = 15  # the longest holiday in a notice (春节/国庆) is 8–9 days; more is a typing error


class ScheduleError(Refused):
    """The entered schedule cannot be applied (a refusal like any other); the message is shown to the administrator."""


@dataclass(frozen=True)
class Schedule:
    year: int
    source: str
    days: tuple  # ((date, is_working_day, name), ...) sorted by date

    @property
    def rest_days(self):
        return sum(not working for _, working, _ in self.days)

    @property
    def working_days(self):
        return sum(working for _, working, _ in self.days)


def _dates_and_name(line, number, what):
    dates = []
    for match in _DATE.finditer(line):
        try:
            dates.append(datetime.date(*(int(part) for part in match.groups())))
        except ValueError:
            raise ScheduleError(f"{what}第{number}行：日期 {match.group(0)} 不存在") from None
    name = _DATE.sub(" ", line)
    name = re.sub(r"[至到~～—,，:：]", " ", name).strip()
    return dates, " ".join(name.split())[:50]


def _check_year(day, year, number, what):
    # A notice may carry the turn of the year (元旦 from 12-30), never further.
    if not datetime.date(year - 1, 12, 1) <= day <= datetime.date(year + 1, 1, 31):
        raise ScheduleError(f"{what}第{number}行：日期 {day:%Y-%m-%d} 不在 {year} 年的安排内")


def _rest_days(text, year):
    days = {}
    for number, line in enumerate(filter(str.strip, text.splitlines()), 1):
        dates, name = _dates_and_name(line, number, "放假安排")
        if len(dates) not in (1, 2):
            raise ScheduleError(f"放假安排第{number}行：请写“名称 起始日期 至 结束日期”或“名称 日期”")
        first, last = dates[0], dates[-1]
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            raise ScheduleError(f"放假安排第{number}行：结束日期须不早于起始日期，且一段放假不超过{MAX_RANGE_DAYS}天")
        for offset in range((last - first).days + 1):
            day = first + datetime.timedelta(days=offset)
            _check_year(day, year, number, "放假安排")
            days[day] = name or "放假"
    return days


def _working_days(text, year, rest):
    days = {}
    for number, line in enumerate(filter(str.strip, text.splitlines()), 1):
        dates, name = _dates_and_name(line, number, "调休上班")
        if len(dates) != 1:
            raise ScheduleError(f"调休上班第{number}行：每行写一个日期（可加说明）")
        day = dates[0]
        _check_year(day, year, number, "调休上班")
        if day in rest:
            raise ScheduleError(f"调休上班第{number}行：{day:%Y-%m-%d} 同时列在放假安排中")
        if day.weekday() < 5:
            raise ScheduleError(f"调休上班第{number}行：{day:%Y-%m-%d} 本是工作日，调休上班应为周末")
        days[day] = name or "调休上班"
    return days


def parse(year, source, rest_text, working_text):
    """The notice's ranges as a Schedule, or ScheduleError naming the line at fault."""
    if not 2000 <= year <= 2100:
        raise ScheduleError("年份有误")
    rest = _rest_days(rest_text, year)
    if not rest:
        raise ScheduleError("请至少填写一段放假安排")
    working = _working_days(working_text, year, rest)
    days = [(day, False, name) for day, name in rest.items()] + [(day, True, name) for day, name in working.items()]
    return Schedule(year, source.strip()[:200], tuple(sorted(days)))


def apply(schedule, actor=None, request=None, notify=True):
    """Replace the year's rows with the schedule and mark the year entered, in one transaction; every stored
    deadline the change reaches is recomputed once (workdays.batch) and its handlers notified. Returns the moves."""
    dates = [day for day, _, _ in schedule.days]
    with transaction.atomic():
        with workdays.batch(notify=notify) as moves:
            # Delete row by row: each deletion is a schedule change the recompute must see.
            for stale in WorkCalendarDay.objects.filter(date__year=schedule.year).exclude(date__in=dates):
                stale.delete()
            for day, working, name in schedule.days:
                WorkCalendarDay.objects.update_or_create(date=day, defaults={"is_working_day": working,
                                                                             "name": name})
            year, created = WorkCalendarYear.objects.update_or_create(year=schedule.year,
                                                                      defaults={"source": schedule.source})
        if actor is not None:
            _record(schedule, year, created, len(moves), actor, request)
    return moves


def _record(schedule, year, created, moved, actor, request):
    summary = (f"录入{schedule.year}年节假日安排（{schedule.source or '未填依据'}）：放假{schedule.rest_days}天，"
               f"调休上班{schedule.working_days}天，调整期限{moved}项")
    days = [[f"{day:%Y-%m-%d}", working, name] for day, working, name in schedule.days]
    audit.record(actor, audit.Action.CREATE if created else audit.Action.UPDATE, "core.work_calendar.year_entered",
                 year, request=request, summary=summary, changes={"days": days})


def preview(schedule):
    """The moves `apply` would make, computed on the real rows and rolled back (nothing saved, nobody notified)."""
    with transaction.atomic():
        moves = apply(schedule, notify=False)
        transaction.set_rollback(True)
    return moves
