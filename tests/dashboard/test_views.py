"""Views: who sees the dashboard (leaders and heads the whole picture, staff their own cases, nobody else), the
unit filter's scope, no inline script, the measures list, and the export button's flow with its audit log."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from dashboard import figures
from dashboard.models import MonthlyExport
from dashboard.periods import Period
from tests.dashboard.conftest import build_month, file_reports

INDEX = reverse("dashboard:index")
MEASURES = reverse("dashboard:measures")
OCT = "2026-10"


@pytest.mark.parametrize("persona", ["leader", "section_head"])
def test_leaders_and_heads_see_the_overview(persona, request, client_for, october):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(INDEX, {"period": OCT})
    assert response.status_code == 200
    board = figures.build(user, Period.parse(OCT), today=timezone.localdate())
    html = response.content.decode()
    for figure in board.headline():
        match = re.search(rf'data-testid="figure-{figure.key}">([^<]*)<', html)
        assert match and match.group(1) == figure.display, figure.key
    assert 'data-testid="export-monthly"' in html


def test_no_inline_script_only_json_blocks(client_for, leader, october):
    html = client_for(leader).get(INDEX, {"period": OCT}).content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    for name in ("petitions_by_month", "petitions_by_category", "petitions_by_unit", "findings", "compliance"):
        assert f'id="chart-{name}"' in html and f'data-chart="{name}"' in html
    assert "vendor/echarts.min.js" in html and "dashboard/dashboard.js" in html


def test_staff_see_their_own_cases(client_for, staff, october):
    response = client_for(staff).get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我承办的工作" in html
    assert re.search(r'data-testid="own-vetting-open">2<', html)  # the cases staff opened as handler
    assert 'data-testid="export-monthly"' not in html


@pytest.mark.parametrize("persona", ["liaison_a", "system_admin", "security_admin", "security_auditor", "outsider"])
def test_others_are_refused(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(INDEX).status_code == 403
    assert client.get(MEASURES).status_code == 403
    assert client.post(reverse("dashboard:export_create"), {"month": OCT}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unit_outside_the_jurisdiction_is_not_found(client_for, leader, other_county, unit_a):
    client = client_for(leader)
    assert client.get(INDEX, {"unit": other_county.code}).status_code == 404
    assert client.get(INDEX, {"unit": "NO-SUCH-UNIT"}).status_code == 404
    response = client.get(INDEX, {"unit": unit_a.code, "period": "2026"})
    assert response.status_code == 200 and response.context["unit"] == unit_a


def test_bad_period_falls_back_to_this_year(client_for, leader):
    response = client_for(leader).get(INDEX, {"period": "nonsense"})
    assert response.status_code == 200
    assert response.context["period"] == Period.year(timezone.localdate().year)


def _index_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(INDEX, {"period": OCT, "fresh": "1"}).status_code == 200
    return len(captured)


def test_index_queries_do_not_grow_with_the_data(client_for, leader, staff, section_head, unit_a, unit_b, members):
    client = client_for(leader)
    build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=1)
    file_reports(members, items=1)
    _index_queries(client)  # computes the warning snapshots of both periods' ends, once
    small = _index_queries(client)
    build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=4)
    larger = _index_queries(client)
    assert small == larger
    # session, user, two-factor device (roles from the cache: core.user_facts), bell count; the figures (22, see
    # test_figures); unit picker; recent exports
    assert larger == 28


def test_the_board_is_kept_a_minute_per_user_and_recomputed_on_request(client_for, leader, section_head, staff,
                                                                         unit_a, unit_b, members,
                                                                         django_capture_on_commit_callbacks):
    build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=1)
    client = client_for(leader)
    first = client.get(INDEX, {"period": OCT}).context["board"]
    with django_capture_on_commit_callbacks(execute=True):  # the tallies follow on commit
        build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=2)
    with CaptureQueriesContext(connection) as captured:
        kept = client.get(INDEX, {"period": OCT})
    assert kept.context["board"].computed_at == first.computed_at
    assert len(captured) < 15  # session, user, roles, bell, picker, exports: no figures recomputed
    assert "统计于" in kept.content.decode()
    fresh = client.get(INDEX, {"period": OCT, "fresh": "1"}).context["board"]
    assert fresh.computed_at > first.computed_at
    received = next(f for f in fresh.headline() if f.key == "petitions_received")
    assert received.value > next(f for f in first.headline() if f.key == "petitions_received").value
    # another user's page is computed for that user, not taken from the leader's
    other = client_for(section_head).get(INDEX, {"period": OCT}).context["board"]
    assert other.computed_at > first.computed_at


# --- the measures list -------------------------------------------------------------------------------------------

def test_measures_list_filters_by_kind_period_and_unit(client_for, leader, october, unit_a):
    client = client_for(leader)
    response = client.get(MEASURES, {"period": OCT, "kind": "admonishment"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    assert client.get(MEASURES, {"period": OCT, "unit": unit_a.code}).context["page"].paginator.count == 2
    assert client.get(MEASURES, {"period": "2026-09"}).context["page"].paginator.count == 0


def test_measures_list_does_not_show_another_county(client_for, other_county_staff, october):
    response = client_for(other_county_staff).get(MEASURES, {"period": OCT})
    assert response.status_code == 200 and response.context["page"].paginator.count == 0


def test_measures_list_queries_are_fixed(client_for, leader, staff, section_head, unit_a, unit_b, members):
    client = client_for(leader)
    build_month(staff=staff, head=section_head, units=[unit_a], n=1)
    with CaptureQueriesContext(connection) as small:
        client.get(MEASURES)
    build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=4)
    with CaptureQueriesContext(connection) as larger:
        client.get(MEASURES)
    # session, user, two-factor device (roles, unit, jurisdiction from the cache: core.user_facts), count, bell
    # count, the unit picker's options, the page of measures (cadre and unit joined)
    assert len(small) == len(larger) == 7


# --- the export button ----------------------------------------------------------------------------------------

def test_export_runs_and_the_download_is_logged(client_for, section_head, october, django_capture_on_commit_callbacks):
    client = client_for(section_head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:export_create"), {"month": OCT})
    export = MonthlyExport.objects.get()
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    assert export.status == MonthlyExport.Status.DONE and export.progress == 100
    assert export.month == datetime.date(2026, 10, 1) and export.requested_by == section_head
    requested = AuditEvent.objects.get(name="dashboard.monthly.requested")
    assert requested.actor == section_head and requested.changes["month"] == OCT

    page = client.get(export.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="export-download"' in page.content.decode()
    status = client.get(reverse("dashboard:export_status", args=[export.code])).json()
    assert status["status"] == "done" and status["downloadable"] and status["progress"] == 100

    download = client.get(reverse("dashboard:export_download", args=[export.code]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert content[:2] == b"PK"
    logged = AuditEvent.objects.get(name="dashboard.monthly.downloaded")
    assert logged.action == "export" and logged.actor == section_head and logged.changes == {"month": OCT}


def test_export_of_another_user_is_not_found(client_for, section_head, leader):
    export = MonthlyExport.objects.create(month=datetime.date(2026, 10, 1), requested_by=leader,
                                          expires_at=timezone.now() + datetime.timedelta(hours=1))
    client = client_for(section_head)
    for name in ("dashboard:export_detail", "dashboard:export_status", "dashboard:export_download"):
        assert client.get(reverse(name, args=[export.code])).status_code == 404


def test_staff_may_not_export_or_read_exports(client_for, staff, leader):
    export = MonthlyExport.objects.create(month=datetime.date(2026, 10, 1), requested_by=leader,
                                          expires_at=timezone.now() + datetime.timedelta(hours=1))
    client = client_for(staff)
    assert client.post(reverse("dashboard:export_create"), {"month": OCT}).status_code == 403
    assert client.get(reverse("dashboard:export_detail", args=[export.code])).status_code == 403
    assert AuditEvent.objects.filter(name="core.access.denied", actor=staff).count() == 2


def test_expired_or_unfinished_export_is_not_downloadable(client_for, leader):
    client = client_for(leader)
    pending = MonthlyExport.objects.create(month=datetime.date(2026, 10, 1), requested_by=leader,
                                           expires_at=timezone.now() + datetime.timedelta(hours=1))
    expired = MonthlyExport.objects.create(month=datetime.date(2026, 9, 1), requested_by=leader, file="x.xlsx",
                                           status=MonthlyExport.Status.DONE,
                                           expires_at=timezone.now() - datetime.timedelta(minutes=1))
    for export in (pending, expired):
        assert client.get(reverse("dashboard:export_download", args=[export.code])).status_code == 404
    assert not AuditEvent.objects.filter(name="dashboard.monthly.downloaded").exists()


def test_a_finished_export_without_its_file_says_why_and_offers_retry(client_for, leader, settings, tmp_path):
    """Issue 20: 已完成 with no link read as broken; an expired or vanished file is explained, with 重试."""
    settings.MEDIA_ROOT = tmp_path
    client = client_for(leader)
    hour = datetime.timedelta(hours=1)
    month = datetime.date(2026, 10, 1)
    gone = MonthlyExport.objects.create(month=month, requested_by=leader, file="exports/gone.xlsx", progress=100,
                                        status=MonthlyExport.Status.DONE, expires_at=timezone.now() + hour)
    expired = MonthlyExport.objects.create(month=month, requested_by=leader, status=MonthlyExport.Status.EXPIRED,
                                           expires_at=timezone.now() - hour)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "here.xlsx").write_bytes(b"PK")
    ready = MonthlyExport.objects.create(month=month, requested_by=leader, file="exports/here.xlsx", progress=100,
                                         status=MonthlyExport.Status.DONE, expires_at=timezone.now() + hour)
    pages = {export: client.get(export.get_absolute_url()).content.decode() for export in (gone, expired, ready)}
    assert "未找到生成的文件" in pages[gone] and "已过期" in pages[expired]
    for export in (gone, expired):
        assert 'data-testid="export-retry"' in pages[export] and 'data-testid="export-download"' not in pages[export]
    assert 'data-testid="export-download"' in pages[ready]
    assert 'data-testid="export-retry"' not in pages[ready] and 'data-testid="export-unavailable"' not in pages[ready]


def test_export_month_must_be_valid_and_not_in_the_future(client_for, leader):
    client = client_for(leader)
    assert client.post(reverse("dashboard:export_create"), {"month": "bad"}).status_code == 302
    next_month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")
    assert client.post(reverse("dashboard:export_create"), {"month": next_month}).status_code == 302
    assert not MonthlyExport.objects.exists()


# --- every figure leads to the list behind it -----------------------------------------------------------------

def _list_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    return context["total"] if "total" in context else context["page"].paginator.count


def test_figures_link_to_lists_with_the_same_count(client_for, leader, october):
    """Following a figure's link gives a list as long as the figure (this month's data is all in October, so
    lists that have no period filter yet still agree)."""
    client = client_for(leader)
    board = figures.build(leader, Period.parse(OCT), today=timezone.localdate())
    checked = {
        "petitions_received", "vetting_cases", "vetting_blocked", "audits_planned", "audits_overdue",
        "warnings_cadres", "measures_total",
    }
    for figure in board.headline():
        if figure.key in checked:
            assert _list_count(client, figure.url) == figure.value, (figure.key, figure.url)
    for section in ("warnings", "measures"):
        for figure in board.section(section).details:
            assert _list_count(client, figure.url) == figure.value, (figure.key, figure.url)
    for name in ("petitions_by_category", "findings"):
        chart = board.charts[name]
        for item in chart["series"][0]["data"]:
            expected = item.get("count", item["value"])
            assert _list_count(client, item["url"]) == expected, (name, item["url"])
    liaison = board.section("liaison").figures[0]
    assert _list_count(client, liaison.url) == liaison.value  # the month's reports (all received here)
