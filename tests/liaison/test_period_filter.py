"""The list's month box (issue 20): a list of the months that have reports, whose blank choice reads 全部 — the
browser's empty <input type="month"> read "--------- ----"."""

import datetime

import pytest
from django.urls import reverse

from tests.liaison.factories import ReportFactory


@pytest.mark.django_db
def test_the_month_box_lists_the_months_and_reads_all(client_for, staff, member_a):
    ReportFactory(member_unit=member_a, period=datetime.date(2026, 9, 1))
    ReportFactory(member_unit=member_a, period=datetime.date(2026, 10, 1))
    client = client_for(staff)
    html = client.get(reverse("liaison:index")).content.decode()
    assert '<option value="" selected>全部</option>' in html
    assert html.index('value="2026-10">2026年10月') < html.index('value="2026-09">2026年9月')
    assert "---------" not in html
    october = client.get(reverse("liaison:index"), {"period": "2026-10"}).context["page"]
    assert [report.period for report in october] == [datetime.date(2026, 10, 1)]
