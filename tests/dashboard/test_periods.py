import datetime

from dashboard.periods import Period, choices, default_period

D = datetime.date


def test_parse_year_quarter_month():
    assert Period.parse("2026") == Period.year(2026)
    assert Period.parse("2026-Q4") == Period("quarter", D(2026, 10, 1), D(2026, 12, 31))
    assert Period.parse("2026-02") == Period("month", D(2026, 2, 1), D(2026, 2, 28))
    for bad in ("", "2026-13", "2026-Q5", "abc", "1900", "2026-10-01"):
        assert Period.parse(bad) is None


def test_previous_period_and_labels():
    assert Period.year(2026).previous() == Period.year(2025)
    assert Period.parse("2026-Q1").previous() == Period.parse("2025-Q4")
    assert Period.parse("2026-01").previous() == Period.parse("2025-12")
    assert Period.parse("2026-Q3").label == "2026年第三季度"
    assert Period.parse("2026-10").label == "2026年10月"
    assert Period.parse("2026-10").key == "2026-10"
    assert Period.year(2026).months()[0] == D(2026, 1, 1) and len(Period.year(2026).months()) == 12


def test_as_of_and_picker():
    today = D(2026, 11, 20)
    assert Period.year(2026).as_of(today) == today
    assert Period.parse("2026-10").as_of(today) == D(2026, 10, 31)
    assert default_period(today) == Period.year(2026)
    groups = dict(choices(today))
    assert ("2026-12", "2026年12月") not in groups["月份"]  # no future month
    assert ("2026-11", "2026年11月") in groups["月份"]
