"""Yearly case numbers: one counter row per series, year and jurisdiction (core.models.YearlyCounter).

Each app formats its own number (XF-2026-00042, RQ-2026-0012, JZSJ-2026-001, YS-2026-001) around `next_number`.
A county numbers the cases its office registers in its own sequence, and its number shows the county's unit code
after the series letters (XF-BS-2026-00001, RQ-BS-2026-0001): two counties' cases never share a number, and the
city's own cases (and a deployment with one jurisdiction) keep the numbers without a segment."""

import re

from django.db import connection

from core import scoping
from core.models import YearlyCounter

_TABLE = YearlyCounter._meta.db_table
SEGMENT = r"[A-Z0-9]{1,12}"  # the county part of a number; URL converters accept it as (?:SEGMENT-)?


def jurisdiction_of(user):
    """The county whose sequence a case registered by `user` takes (core.scoping.county_of); None for the city's
    office and users without a limit: the plain series."""
    return scoping.county_of(user)


def segment(jurisdiction):
    """"BS-" for 白石县 (its unit code), "" for the plain series. A code unfit for a number (lower case, 中文,
    too long) gives the unit's id instead."""
    if jurisdiction is None:
        return ""
    code = jurisdiction.code if re.fullmatch(SEGMENT, jurisdiction.code) else f"U{jurisdiction.pk}"
    return f"{code}-"


def next_number(series, year, jurisdiction=None):
    """The next number of `series` in `year` for `jurisdiction` (None: the plain series), starting at 1. One
    UPSERT: the counter row stays locked until the caller's transaction ends, so concurrent callers get distinct
    numbers, and a rollback hands the number back (no gaps). Call it inside the transaction that stores the number."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that stores the number")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (series, year, jurisdiction_id, last) VALUES (%s, %s, %s, 1) "  # noqa: S608  # nosec B608 (a model's table)
            f"ON CONFLICT ON CONSTRAINT core_yearlycounter_one_per_series_year "
            f"DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last",
            [series, year, getattr(jurisdiction, "pk", jurisdiction)],
        )
        (number,) = cursor.fetchone()
    return number


def advance_to(series, year, last, jurisdiction=None):
    """Make sure the next number of `series` in `year` is above `last` (rows written in bulk: the scale generator)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (series, year, jurisdiction_id, last) VALUES (%s, %s, %s, %s) "  # noqa: S608  # nosec B608
            f"ON CONFLICT ON CONSTRAINT core_yearlycounter_one_per_series_year "
            f"DO UPDATE SET last = GREATEST({_TABLE}.last, EXCLUDED.last)",
            [series, year, getattr(jurisdiction, "pk", jurisdiction), last],
        )
