"""Yearly case numbers: one counter row per series and year (core.models.YearlyCounter).

Each app formats its own number (XF-2026-00042, RQ-2026-0012, JZSJ-2026-001, YS-2026-001) around `next_number`."""

from django.db import connection

from core.models import YearlyCounter

_TABLE = YearlyCounter._meta.db_table


def next_number(series, year):
    """The next number of `series` in `year`, starting at 1. One UPSERT: the counter row stays locked until the
    caller's transaction ends, so concurrent callers get distinct numbers, and a rollback hands the number back
    (no gaps). Call it inside the transaction that stores the number."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that stores the number")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (series, year, last) VALUES (%s, %s, 1) "  # noqa: S608  # nosec B608 (a model's table)
            f"ON CONFLICT (series, year) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last",
            [series, year],
        )
        (number,) = cursor.fetchone()
    return number


def advance_to(series, year, last):
    """Make sure the next number of `series` in `year` is above `last` (rows written in bulk: the scale generator)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (series, year, last) VALUES (%s, %s, %s) "  # noqa: S608  # nosec B608
            f"ON CONFLICT (series, year) DO UPDATE SET last = GREATEST({_TABLE}.last, EXCLUDED.last)",
            [series, year, last],
        )
