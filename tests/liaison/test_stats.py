import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exports import ListExport
from core.models import AuditEvent
from liaison import stats
from liaison.models import Report
from liaison.stats import Compliance
from tests.factories import UnitFactory
from tests.liaison.factories import ItemFactory, ReportFactory, member_unit, submitted

ON = datetime.date(2026, 11, 23)


def matrix(user, on_date=ON):
    return stats.compliance_matrix(user, datetime.date(2026, 8, 1), datetime.date(2026, 11, 1), on_date=on_date)


@pytest.mark.django_db
def test_states_on_time_late_nil_missing_pending(staff, member_a, member_b):
    on_time = ReportFactory(member_unit=member_a, period=datetime.date(2026, 8, 1))
    ItemFactory(report=on_time, aspect="conduct")
    ItemFactory(report=on_time, aspect="discipline")
    submitted(on_time, datetime.date(2026, 9, 15))  # the due day itself is on time
    nil = ReportFactory(member_unit=member_a, period=datetime.date(2026, 9, 1), is_nil=True)
    submitted(nil, datetime.date(2026, 10, 10))
    late = ReportFactory(member_unit=member_a, period=datetime.date(2026, 10, 1))
    ItemFactory(report=late, aspect="conduct")
    submitted(late, datetime.date(2026, 11, 18))
    ReportFactory(member_unit=member_b, period=datetime.date(2026, 8, 1))  # a draft past its due date: missing
    result = matrix(staff)
    row_a, row_b = result.rows
    assert [c.state for c in row_a.cells] == [Compliance.ON_TIME, Compliance.NIL, Compliance.LATE,
                                              Compliance.PENDING]
    assert [c.state for c in row_b.cells] == [Compliance.MISSING] * 3 + [Compliance.PENDING]
    assert [c.items for c in row_a.cells] == [2, 0, 1, 0]
    assert row_a.aspects == {"conduct": 2, "discipline": 1}
    assert result.aspect_totals == {"conduct": 2, "discipline": 1}
    assert result.aspects_by_period[datetime.date(2026, 8, 1)] == {"conduct": 1, "discipline": 1}


@pytest.mark.django_db
def test_nil_reports_count_as_on_time(staff, member_a):
    for month in (8, 9, 10):
        report = ReportFactory(member_unit=member_a, period=datetime.date(2026, month, 1), is_nil=True)
        submitted(report, datetime.date(2026, month + 1, 5))
    row = matrix(staff).rows[0]
    assert row.counts[Compliance.NIL] == 3
    assert row.on_time == 3 and row.due == 3 and row.on_time_rate == 100


@pytest.mark.django_db
def test_a_unit_that_joined_later_is_not_counted_before(staff, county):
    member = member_unit(UnitFactory(code="LATE", name="县统计局", parent=county),
                         active_from=datetime.date(2026, 10, 1))
    assert [c.state for c in matrix(staff).rows[0].cells][:2] == [Compliance.INACTIVE] * 2
    assert member.pk


@pytest.mark.django_db
def test_drafts_and_urgent_reports_in_the_counts(staff, member_a):
    draft = ReportFactory(member_unit=member_a, period=datetime.date(2026, 10, 1))
    ItemFactory(report=draft)
    urgent = ReportFactory(member_unit=member_a, kind=Report.Kind.URGENT, period=datetime.date(2026, 10, 1),
                           due_date=None)
    ItemFactory(report=urgent, aspect="political_rules", is_principal=True)
    submitted(urgent, datetime.date(2026, 10, 9))
    result = matrix(staff)
    # the draft's item is not counted; the urgent item counts in the aspects but does not make the month reported
    assert result.aspect_totals == {"political_rules": 1}
    assert result.rows[0].cells[2].state == Compliance.MISSING


@pytest.mark.django_db
def test_scope_follows_the_user(other_county_staff, liaison_a, member_a):
    assert matrix(other_county_staff).rows == []
    assert matrix(liaison_a).rows == []


@pytest.mark.django_db
def test_no_user_means_no_user_scope(staff, other_county_staff, liaison_a, system_admin, member_a, other_county):
    """user=None is a trusted caller (the dashboard's export command): every member unit of every county, the same
    cells as the office sees; a user without the right role still sees nothing (None is not "anyone")."""
    report = ReportFactory(member_unit=member_a, period=datetime.date(2026, 8, 1))
    ItemFactory(report=report, aspect="conduct")
    submitted(report, datetime.date(2026, 9, 10))
    member_unit(UnitFactory(code="LX-JW", name="邻县纪委监委", parent=other_county))
    unscoped = matrix(None)
    assert [row.member_unit.unit.code for row in unscoped.rows] == ["UNIT-A", "LX-JW"]
    assert unscoped.rows[0].cells[0].state == Compliance.ON_TIME and unscoped.aspect_totals == {"conduct": 1}
    assert [row.member_unit.unit.code for row in matrix(staff).rows] == ["UNIT-A"]
    assert [c.state for c in matrix(staff).rows[0].cells] == [c.state for c in unscoped.rows[0].cells]
    assert [row.member_unit.unit.code for row in matrix(other_county_staff).rows] == ["LX-JW"]
    assert matrix(liaison_a).rows == [] and matrix(system_admin).rows == []
    assert list(stats.member_units(None)) == list(unscoped_units()) and stats.reports(None).count() == 1
    assert not stats.reports(system_admin).exists()


def unscoped_units():
    from liaison.models import MemberUnit

    return MemberUnit.objects.all()


@pytest.mark.django_db
def test_the_matrix_runs_a_fixed_number_of_queries(staff, county):
    """Queries: schedule, jurisdiction, member units, reports, item aggregate, the holiday schedule (due days roll
    over rest days) — however many units and months."""
    def build(n, start):
        for i in range(n):
            member = member_unit(UnitFactory(code=f"M{start + i}", parent=county))
            for month in (8, 9, 10):
                report = ReportFactory(member_unit=member, period=datetime.date(2026, month, 1))
                ItemFactory(report=report)
                submitted(report, datetime.date(2026, month + 1, 3))

    build(2, 0)
    matrix(staff)  # warm the per-process caches (content types)
    staff.refresh_from_db()
    with CaptureQueriesContext(connection) as few:
        matrix(staff)
    build(8, 10)
    staff.refresh_from_db()
    with CaptureQueriesContext(connection) as many:
        result = matrix(staff)
    assert len(result.rows) == 10
    assert len(many) == len(few) <= 7


@pytest.mark.django_db
def test_the_compliance_page_allowed_denied(client_for, staff, liaison_a, member_a):
    response = client_for(staff).get(reverse("liaison:compliance"), {"year": 2026})
    assert response.status_code == 200
    assert "县纪委监委" in response.content.decode()
    assert client_for(liaison_a).get(reverse("liaison:compliance")).status_code == 403


@pytest.mark.django_db
def test_the_compliance_matrix_exports_and_the_export_is_logged(client_for, staff, member_a):
    report = ReportFactory(member_unit=member_a, period=datetime.date(2026, 8, 1), is_nil=True)
    submitted(report, datetime.date(2026, 9, 2))
    response = client_for(staff).get(reverse("liaison:compliance"), {"year": 2026, "format": "xlsx"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "成员单位" and rows[2][0] == "县纪委监委" and "零报告" in rows[2]
    assert AuditEvent.objects.filter(name="liaison.compliance.exported", actor=staff).exists()


@pytest.mark.django_db
def test_the_report_list_exports_in_the_background_within_the_users_scope(
        client_for, staff, other_county_staff, liaison_a, member_a, member_b, django_capture_on_commit_callbacks):
    """导出 Excel on the list asks for a background export (core.exports) with the list's filters, built with the
    requester's scope; a liaison officer has no such export."""
    ReportFactory(member_unit=member_a)
    ReportFactory(member_unit=member_b, kind=Report.Kind.URGENT)
    button = f'action="{reverse("core:export_request", args=["liaison-reports"])}"'
    assert button in client_for(staff).get(reverse("liaison:index"), {"kind": "urgent"}).content.decode()
    assert button not in client_for(liaison_a).get(reverse("liaison:index")).content.decode()
    for user, query, expected in [(staff, "", 2), (staff, "kind=urgent", 1), (other_county_staff, "", 0)]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(user).post(reverse("core:export_request", args=["liaison-reports"]), {"query": query})
        job = ListExport.objects.filter(kind="liaison-reports", requested_by=user).latest("pk")
        assert response.status_code == 302 and job.status == ListExport.Status.DONE and job.rows == expected
        download = client_for(user).get(job.download_url())
        rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
                    .iter_rows(min_row=3, values_only=True))
        assert len(rows) == expected
    assert AuditEvent.objects.filter(name="liaison.report.list_exported", actor=staff).count() == 2
    assert AuditEvent.objects.filter(name="liaison.report.list_export_downloaded", actor=staff).count() == 2
    assert client_for(liaison_a).post(reverse("core:export_request", args=["liaison-reports"])).status_code == 403
