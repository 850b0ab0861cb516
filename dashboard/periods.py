"""Periods of the dashboard filter: a year ("2026"), a quarter ("2026-Q4") or a month ("2026-10"), each with the
period before it (the change shown next to every headline figure)."""

import calendar
import datetime
import re
from dataclasses import dataclass

from cadres.dates import add_months

YEAR, QUARTER, MONTH = "year", "quarter", "month"
_QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
_PATTERNS = (
    (re.compile(r"^(\d{4})$"), YEAR),
    (re.compile(r"^(\d{4})-Q([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), MONTH),
)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year):
        return cls(YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def quarter(cls, year, quarter):
        first = datetime.date(year, 3 * quarter - 2, 1)
        return cls(QUARTER, first, month_end(add_months(first, 2)))

    @classmethod
    def month(cls, year, month):
        first = datetime.date(year, month, 1)
        return cls(MONTH, first, month_end(first))

    @classmethod
    def parse(cls, text, default=None):
        """"2026", "2026-Q4" or "2026-10" → a Period; anything else → `default`."""
        text = (text or "").strip()
        for pattern, kind in _PATTERNS:
            match = pattern.match(text)
            if not match:
                continue
            year = int(match.group(1))
            if not 2000 <= year <= 2099:
                return default
            if kind == YEAR:
                return cls.year(year)
            number = int(match.group(2))
            if kind == QUARTER:
                return cls.quarter(year, number)
            return cls.month(year, number) if 1 <= number <= 12 else default
        return default

    @property
    def key(self):
        if self.kind == YEAR:
            return f"{self.start.year}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self):
        if self.kind == YEAR:
            return f"{self.start.year}年"
        if self.kind == QUARTER:
            return f"{self.start.year}年{_QUARTER_NAMES[(self.start.month + 2) // 3]}"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def short_label(self):
        """本年 / 本季度 / 本月 wording for the change column: "比上年", "比上季度", "比上月"."""
        return {YEAR: "上年", QUARTER: "上季度", MONTH: "上月"}[self.kind]

    def previous(self):
        if self.kind == YEAR:
            return Period.year(self.start.year - 1)
        months = 3 if self.kind == QUARTER else 1
        first = add_months(self.start, -months)
        return Period(self.kind, first, month_end(add_months(first, months - 1)))

    def months(self):
        """First days of the months in the period."""
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months

    def contains(self, day):
        return self.start <= day <= self.end

    def as_of(self, today):
        """The date the stock figures are taken at: the period's last day, or today while it runs."""
        return min(self.end, today)


def default_period(today):
    return Period.year(today.year)


def choices(today, years=4):
    """Grouped options for the period picker: years, the quarters and months of the recent years."""
    year_options = [(Period.year(year).key, Period.year(year).label)
                    for year in range(today.year, today.year - years, -1)]
    quarter_options, month_options = [], []
    for year in (today.year, today.year - 1):
        for quarter in range(4, 0, -1):
            period = Period.quarter(year, quarter)
            if period.start <= today:
                quarter_options.append((period.key, period.label))
        for month in range(12, 0, -1):
            period = Period.month(year, month)
            if period.start <= today:
                month_options.append((period.key, period.label))
    return [("年度", year_options), ("季度", quarter_options), ("月份", month_options)]
