"""The API's reads do not grow a query per row: the same count for one report (item) as for several, pinned; a
list's later pages as its first."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison import services as liaison_services
from liaison.models import Disposal
from tests.liaison.factories import ItemFactory, ReportFactory, submitted

pytestmark = pytest.mark.django_db


def count(caller, path):
    caller.get(path)  # warm per-process caches (content types, the security policy)
    with CaptureQueriesContext(connection) as queries:
        assert caller.get(path).status_code == 200
    return len(queries)


# The report list: the client's key (1; its role facts and rate counter are in the cache), the page's count (1)
# and rows (1), the call's audit event (6: savepoint, chain lock, id, previous hash, insert, release).
LIST_QUERIES = 9


def months(count, start=2015):
    return [datetime.date(start + index // 12, index % 12 + 1, 1) for index in range(count)]


def test_the_report_list_runs_a_pinned_number_of_queries_whatever_the_data(call_as, unit_client, member_a):
    caller = call_as(unit_client)
    ReportFactory(member_unit=member_a, period=datetime.date(2026, 1, 1))
    assert count(caller, "/api/v1/liaison/reports/") == LIST_QUERIES
    for period in months(60):  # more than a page
        ReportFactory(member_unit=member_a, period=period)
    assert count(caller, "/api/v1/liaison/reports/") == LIST_QUERIES
    assert count(caller, "/api/v1/liaison/reports/?page=2") == LIST_QUERIES
    assert count(caller, "/api/v1/liaison/reports/?page_size=200") == LIST_QUERIES


def test_the_report_detail_runs_a_fixed_number_of_queries(call_as, unit_client, member_a, staff):
    caller = call_as(unit_client)
    report = ReportFactory(member_unit=member_a)
    items = [ItemFactory(report=report)]
    submitted(report, datetime.date(2026, 11, 10), signed=True, actor=staff)
    liaison_services.dispose(items[0], Disposal.Action.FEEDBACK, actor=staff, feedback="已阅")
    path = f"/api/v1/liaison/reports/{report.code}/"
    one = count(caller, path)
    for _ in range(4):
        liaison_services.dispose(ItemFactory(report=report), Disposal.Action.ARCHIVE, actor=staff)
    assert count(caller, path) == one
