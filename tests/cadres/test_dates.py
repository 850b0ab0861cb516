"""cadres.dates.add_months: the one month arithmetic (impact periods, warning windows, probation, the dashboard)."""

import datetime

import pytest

from cadres.dates import add_months, years_before
from dashboard.periods import Period

D = datetime.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to the month's end
    (D(2024, 1, 31), 1, D(2024, 2, 29)),  # a leap year keeps the 29th
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),  # a probation from 29 February ends on the 28th
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2026, 1, 15), 0, D(2026, 1, 15)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year end
    (D(2024, 3, 31), -1, D(2024, 2, 29)),  # negative months clamp the same way
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2026, 1, 31), -2, D(2025, 11, 30)),
    (D(2026, 5, 10), -29, D(2023, 12, 10)),
])
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_years_before_maps_29_february_to_the_28th():
    assert years_before(D(2024, 2, 29), 1) == D(2023, 2, 28)
    assert years_before(D(2024, 2, 29), 4) == D(2020, 2, 29)


def test_dashboard_periods_step_by_whole_months():
    assert Period.quarter(2026, 4).previous() == Period.quarter(2026, 3)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.month(2026, 3).previous() == Period.month(2026, 2)
    assert Period.month(2026, 1).previous().end == D(2025, 12, 31)
