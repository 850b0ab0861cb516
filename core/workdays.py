"""Working days (工作日) by the official holiday schedule, and the stored deadlines that follow it.

Order of authority for a date: the admin table (WorkCalendarDay), then the `chinese-calendar` package, then — for a
year neither covers and whose schedule has not been entered (WorkCalendarYear) — a provisional rule: weekends and the
statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision, in force 2025), the lunar ones computed with
`lunar-python`. Results from the provisional rule are marked 暂定. Any change to the schedule recomputes every stored
deadline it reaches (`recompute_range`, called by core.signals inside the same transaction).
"""

import contextlib
import contextvars
import datetime
from dataclasses import dataclass

import chinese_calendar
from lunar_python import Lunar

from core import deadlines
from core.models import WorkCalendarDay, WorkCalendarYear

# Statutory holidays with a fixed Gregorian date: 元旦, 劳动节 (two days since 2025), 国庆节 (three days).
FIXED_HOLIDAYS = {(1, 1): "元旦", (5, 1): "劳动节", (5, 2): "劳动节", (10, 1): "国庆节", (10, 2): "国庆节",
                  (10, 3): "国庆节"}


def statutory_holidays(year):
    """{date: name} of the statutory rest days of `year` (《全国年节及纪念日放假办法》 第二条, 2025 version): the fixed
    ones, 春节 four days from 除夕 (除夕 is off since 2025), 清明 (a solar term), 端午 and 中秋. Without the
    State Council's 调休 arrangement, which only the year's notice gives."""
    days = {datetime.date(year, month, day): name for (month, day), name in FIXED_HOLIDAYS.items()}
    new_year = Lunar.fromYmd(year, 1, 1)
    for offset in range(-1, 3):  # 除夕 .. 正月初三
        days[_solar(new_year.next(offset))] = "春节"
    days[_solar(new_year.getJieQiTable()["清明"])] = "清明节"
    days[_solar(Lunar.fromYmd(year, 5, 5))] = "端午节"
    days[_solar(Lunar.fromYmd(year, 8, 15))] = "中秋节"
    return days


def _solar(value):
    solar = value.getSolar() if isinstance(value, Lunar) else value
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


@dataclass(frozen=True)
class Deadline:
    date: datetime.date
    provisional: bool = False  # 暂定: depends on a year whose holiday schedule is not known yet
    rolled_over: bool = False  # a calendar-day limit whose last day fell on a rest day, moved past it

    def __str__(self):
        return f"{self.date:%Y-%m-%d}{'（暂定）' if self.provisional else ''}"


@dataclass(frozen=True)
class WorkdayCount:
    value: int
    provisional: bool = False


class ProvisionalDeadline(ValueError):
    """An action that needs a final date was attempted while the date is still 暂定; the message is shown."""


class WorkCalendar:
    """Answers working-day questions, loading the admin table once per year it touches."""

    def __init__(self):
        self._days = {}
        self._entered_years = None
        self._loaded_years = set()
        self._holidays = {}

    def _load_year(self, year):
        if year not in self._loaded_years:
            for day in WorkCalendarDay.objects.filter(date__year=year):
                self._days[day.date] = day.is_working_day
            self._loaded_years.add(year)

    def year_entered(self, year):
        if self._entered_years is None:
            self._entered_years = set(WorkCalendarYear.objects.values_list("year", flat=True))
        return year in self._entered_years

    def year_known(self, year):
        """Is `year`'s schedule final: entered by an administrator or carried by the package."""
        if self.year_entered(year):
            return True
        try:
            chinese_calendar.is_workday(datetime.date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def _provisional_holiday(self, day):
        if day.year not in self._holidays:
            self._holidays[day.year] = statutory_holidays(day.year)
        return day in self._holidays[day.year]

    def is_working_day(self, day):
        """(is it a working day, is the answer provisional)."""
        self._load_year(day.year)
        if day in self._days:
            return self._days[day], False
        if self.year_entered(day.year):
            return day.weekday() < 5, False
        try:
            return chinese_calendar.is_workday(day), False
        except NotImplementedError:
            return day.weekday() < 5 and not self._provisional_holiday(day), True

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

    def add_calendar_days(self, start, n, roll_over=False):
        """`start` + n days. With `roll_over`, a last day that is a rest day (法定休假日) moves to the first working
        day after it: 《民法典》第二百零三条, 《民事诉讼法》第八十五条 (期间届满的最后一日是法定休假日的，
        以法定休假日后的第一日为期间届满的日期)."""
        day = start + datetime.timedelta(days=n)
        if not roll_over:
            return Deadline(day, False)
        working, provisional = self.is_working_day(day)
        rolled = not working
        while not working:
            day += datetime.timedelta(days=1)
            working, guessed = self.is_working_day(day)
            provisional |= guessed
        return Deadline(day, provisional, rolled)

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


# A recompute shares one calendar across thousands of rows instead of loading the table per deadline.
_active_calendar = contextvars.ContextVar("work_calendar", default=None)


def calendar():
    return _active_calendar.get() or WorkCalendar()


@contextlib.contextmanager
def shared_calendar():
    """Answer every working-day question inside the block from one load of the table (a list, a recompute)."""
    token = _active_calendar.set(_active_calendar.get() or WorkCalendar())
    try:
        yield
    finally:
        _active_calendar.reset(token)


def is_working_day(day):
    return calendar().is_working_day(day)[0]


def add_working_days(start, n):
    return calendar().add_working_days(start, n)


def working_days_between(start, end):
    return calendar().working_days_between(start, end)


def add_calendar_days(start, n, roll_over=False):
    """Calendar-day limits (信访事项 15/60/30 days...): independent of the schedule unless `roll_over` (see
    WorkCalendar.add_calendar_days)."""
    if not roll_over:
        return Deadline(start + datetime.timedelta(days=n), False)
    return calendar().add_calendar_days(start, n, roll_over=True)


def is_final(date, provisional):
    """Is a stored deadline final (not 暂定)? For what may wait without refusing: e.g. the scan escalates an
    overdue only when final."""
    try:
        require_final((date, provisional))
    except ProvisionalDeadline:
        return False
    return True


def require_final(deadline, action="办理"):
    """Refuse an action that needs a final date while `deadline` (a Deadline, or a date and its stored 暂定 flag
    as a tuple) still depends on a year whose schedule is not entered (domain.md: 工作日)."""
    date, provisional = (deadline.date, deadline.provisional) if isinstance(deadline, Deadline) else deadline
    if not provisional:
        return
    cal = calendar()
    years = [year for year in (date.year - 1, date.year) if not cal.year_known(year)] or [date.year]
    listed = "、".join(str(year) for year in years)
    raise ProvisionalDeadline(f"须待 {listed} 年节假日安排录入后方可{action}：期限 {date:%Y-%m-%d} 目前为暂定")


# --- stored deadlines that follow the schedule ----------------------------------------------------------------------

@dataclass(frozen=True)
class Move:
    """A stored deadline a schedule change moved, returned by an app's recompute for the core to notify."""

    target: object  # the case (model instance) the handlers open
    field: str  # the model field that moved, e.g. "reply_due"
    label: str  # what the deadline is, e.g. "函询答复期限"
    old: datetime.date
    new: datetime.date
    provisional: bool = False  # the new date is still 暂定
    recipients: tuple = ()  # the case's handlers
    subject: str = ""  # how the notification names the case (never an informant)
    url: str = ""

    def __str__(self):
        return (f"{self.subject}：{self.label}由 {self.old:%Y-%m-%d} 调整为 {self.new:%Y-%m-%d}"
                f"{'（暂定）' if self.provisional else ''}")


_recomputers = []


def register_recompute(recompute):
    """Decorator (or call from AppConfig.ready()): `recompute(first, last)` recomputes every stored deadline of
    the app that could reach a date in [first, last] — rows whose start is on or before `last` and whose stored
    deadline is on or after `first` — saves the changed ones and returns their `Move`s (date changes only; a
    changed 暂定 flag alone is saved silently)."""
    if recompute not in _recomputers:
        _recomputers.append(recompute)
    return recompute


def recompute_range(first, last, notify=True):
    """Recompute what a change of the schedule between `first` and `last` moved, with one fresh calendar; the
    handlers of each moved deadline get a notification. Runs in the caller's transaction."""
    token = _active_calendar.set(WorkCalendar())  # fresh: it must see the change just saved
    try:
        moves = [move for recompute in _recomputers for move in recompute(first, last)]
    finally:
        _active_calendar.reset(token)
    if notify:
        notify_moves(moves)
    return moves


def notify_moves(moves):
    """One 提示 per handler and moved deadline (unique per target, field and new date: a rerun adds nothing)."""
    items = [deadlines.Due(kind=f"calendar.moved.{move.field}"[:64], target=move.target, due_date=move.new,
                           level=deadlines.Level.NOTICE, title=f"期限调整（节假日安排变更）：{move}",
                           recipients=tuple(move.recipients), url=move.url)
             for move in moves if move.recipients]
    rows = list(deadlines._rows(items))
    for start in range(0, len(rows), 1000):
        deadlines._insert(rows[start:start + 1000])


# Changes collected while a batch is open (the admin's year with its inline days, the schedule entry form) are
# recomputed once when it closes, so the order rows are saved in cannot show in the notifications.
_pending_changes = contextvars.ContextVar("calendar_changes", default=None)


@contextlib.contextmanager
def batch(notify=True):
    """Collect schedule changes and recompute once on leaving (inside the caller's transaction); yields a list
    that receives the moves."""
    moves = []
    token = _pending_changes.set([])
    try:
        yield moves
        changes = _pending_changes.get()
    finally:
        _pending_changes.reset(token)
    if changes:
        moves.extend(recompute_range(min(first for first, _ in changes), max(last for _, last in changes),
                                     notify=notify))


def schedule_changed(first, last):
    """core.signals: dates in [first, last] changed meaning. Recomputed now, or when the open batch closes."""
    pending = _pending_changes.get()
    if pending is not None:
        pending.append((first, last))
    else:
        recompute_range(first, last)
