"""Query budgets of the API's reads, as tests/bench_budgets/test_query_budgets.py for the pages: the same number of
SQL queries on small data and on data ten times larger, for an office client that sees both loads (statistics)
and a member unit's client (its report list, the unit given ten times its reports). The statistics are the
dashboard's sections (tallies and warning counts), without its breakdown by county, which they do not return."""

import datetime
import re
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from api import services
from api.models import Scope
from core import roles
from tests.api.conftest import Caller
from tests.bench_budgets.test_query_budgets import SMALL, _load
from tests.factories import UserFactory
from tests.liaison.factories import ReportFactory


def _counts(callers, sql):
    """Queries per call."""
    counts = {}
    for name, (caller, path) in callers.items():
        assert caller.get(path).status_code == 200, path  # warm-up: caches, the key's role facts
        with CaptureQueriesContext(connection) as queries:
            assert caller.get(path).status_code == 200, path
        counts[name] = len(queries)
        sql[name] = [re.sub(r'"s\d+_x\d+"', "s", re.sub(r"\d+", "N", query["sql"]))[:200]
                     for query in queries.captured_queries]
    return counts


def _grow(member, times=9):
    """Give the member unit `times` as many monthly reports, in the months before its first."""
    from liaison.models import Report

    first = Report.objects.filter(member_unit=member).order_by("period").first().period
    for index in range(1, Report.objects.filter(member_unit=member).count() * times + 1):
        months = first.year * 12 + first.month - 1 - index
        ReportFactory(member_unit=member, period=datetime.date(months // 12, months % 12 + 1, 1))


@pytest.mark.django_db
def test_api_query_counts_do_not_grow_with_the_data():
    from liaison.models import MemberUnit

    _load(SMALL, 1)
    issuer = UserFactory(username="budget-secadmin", roles=[roles.SECURITY_ADMIN], jurisdiction=None)
    member = MemberUnit.objects.annotate(n=Count("reports")).order_by("-n", "id").first()
    unit_key = services.create_client(actor=issuer, name="成员单位", member_unit=member, scopes=[Scope.LIAISON_READ],
                                      rate_per_minute=6000)[1]
    office_key = services.create_client(actor=issuer, name="监督科", scopes=[Scope.STATS_READ],
                                        rate_per_minute=6000)[1]
    callers = {"report list": (Caller(unit_key), "/api/v1/liaison/reports/?page_size=200"),
               "statistics": (Caller(office_key), "/api/v1/stats/")}
    small_sql, large_sql = {}, {}
    small = _counts(callers, small_sql)
    _load(SMALL * 9, 2)  # now ten times as much
    _grow(member)
    large = _counts(callers, large_sql)
    differing = {name: (Counter(small_sql[name]) - Counter(large_sql[name]),
                        Counter(large_sql[name]) - Counter(small_sql[name]))
                 for name in small if small[name] != large[name]}
    assert large == small, differing
