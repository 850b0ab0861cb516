"""Calendar helpers used by impact periods, warning windows, probation and the dashboard's months."""

import datetime

from dateutil.relativedelta import relativedelta


def add_months(day, months):
    """The same day `months` later (or earlier), clamped to the month's last day: 2026-08-31 + 6 → 2027-02-28,
    2024-02-29 + 12 → 2025-02-28 (the one month arithmetic of every app)."""
    return day + relativedelta(months=months)


def years_before(day, years):
    """The date `years` years before `day` (29 February → 28 February)."""
    return add_months(day, -12 * years)


def cn_date(day):
    """2026年12月9日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def period_until(ends_on, label="影响期"):
    """The one wording of a running period that ends on `ends_on` (the first day it no longer applies), used by
    every warning with an end date, in every app: "影响期至<the last day it applies>"."""
    return f"{label}至{ends_on - datetime.timedelta(days=1):%Y-%m-%d}"
