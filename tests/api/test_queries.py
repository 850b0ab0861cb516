"""The API's reads do not grow a query per row: the same count for one report (item) as for several."""

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


def test_the_report_list_runs_a_fixed_number_of_queries(call_as, unit_client, member_a):
    caller = call_as(unit_client)
    ReportFactory(member_unit=member_a, period=datetime.date(2026, 1, 1))
    one = count(caller, "/api/v1/liaison/reports/")
    for month in range(2, 7):
        ReportFactory(member_unit=member_a, period=datetime.date(2026, month, 1))
    assert count(caller, "/api/v1/liaison/reports/") == one


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
