"""零报告 in one step: the month's report page offers it on an empty draft; a confirmation page (no JavaScript) records
the statement and submits through services.submit_nil. Seed 003 (联席会议制度): each member unit reports monthly, and a
unit with nothing to report says so explicitly (零报告)."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.refusals import Refused
from liaison import services
from liaison.forms import NIL_STATEMENT
from liaison.models import Report
from tests.liaison.conftest import refresh
from tests.liaison.factories import ItemFactory, ReportFactory

S = Report.Status
pytestmark = pytest.mark.django_db


def test_submit_nil_records_the_statement_and_submits(report_a, liaison_a):
    """Seed 003: a nil report is an explicit statement, submitted like any report and audited as both steps."""
    services.submit_nil(report_a, actor=liaison_a, nil_statement="本月无事项。", version=report_a.version)
    report = refresh(report_a)
    assert (report.status, report.is_nil, report.nil_statement) == (S.SUBMITTED, True, "本月无事项。")
    assert report.first_submitted_at is not None
    names = set(AuditEvent.objects.filter(actor=liaison_a, target_repr=str(report)).values_list("name", flat=True))
    assert {"liaison.report.updated", "liaison.report.submitted"} <= names


def test_submit_nil_is_refused_with_items_and_leaves_nothing_half_saved(report_a, liaison_a):
    """A report with items cannot be a 零报告 (seed 003: 零报告 means nothing to report); nothing changes."""
    ItemFactory(report=report_a)
    with pytest.raises(Refused, match="不能作为零报告"):
        services.submit_nil(report_a, actor=liaison_a, version=report_a.version)
    report = refresh(report_a)
    assert (report.status, report.is_nil) == (S.DRAFT, False)


def test_a_refused_submit_rolls_back_the_nil_statement(report_a, liaison_a):
    """Submit refuses a report that is not a draft any more: the nil flag written before it is rolled back."""
    Report.objects.filter(pk=report_a.pk).update(status=S.SUBMITTED)
    with pytest.raises(Refused):
        services.submit_nil(report_a, actor=liaison_a, version=report_a.version)
    assert refresh(report_a).is_nil is False


def test_the_report_page_offers_nil_on_an_empty_draft_only(client_for, liaison_a, report_a):
    client = client_for(liaison_a)
    page = client.get(report_a.get_absolute_url()).content.decode()
    assert 'data-testid="nil-button"' in page
    assert reverse("liaison:report_submit", args=[report_a.code]) not in page  # an empty draft cannot be submitted
    ItemFactory(report=report_a)
    page = client.get(report_a.get_absolute_url()).content.decode()
    assert 'data-testid="nil-button"' not in page
    assert reverse("liaison:report_submit", args=[report_a.code]) in page


def test_confirm_page_then_post_submits_the_nil_report(client_for, liaison_a, report_a):
    client = client_for(liaison_a)
    url = reverse("liaison:report_nil", args=[report_a.code])
    page = client.get(url)
    assert page.status_code == 200
    assert NIL_STATEMENT in page.content.decode() and "确认零报告并报送" in page.content.decode()
    assert refresh(report_a).status == S.DRAFT  # opening the page changes nothing
    response = client.post(url, {"nil_statement": NIL_STATEMENT, "version": report_a.version}, follow=True)
    report = refresh(report_a)
    assert (report.status, report.is_nil, report.nil_statement) == (S.SUBMITTED, True, NIL_STATEMENT)
    body = response.content.decode()
    assert "已提交" in body or "已报送" in body
    again = client.post(url, {"nil_statement": NIL_STATEMENT, "version": report.version}, follow=True)
    assert "无需重复提交" in again.content.decode()  # a second click is answered, not refused


def test_a_stale_confirmation_page_does_not_overwrite(client_for, liaison_a, report_a):
    stale = report_a.version
    services.update_report(report_a, actor=liaison_a, is_nil=False, remarks="已改备注", version=stale)
    response = client_for(liaison_a).post(reverse("liaison:report_nil", args=[report_a.code]),
                                          {"nil_statement": NIL_STATEMENT, "version": stale})
    assert response.status_code == 200
    report = refresh(report_a)
    assert (report.status, report.is_nil) == (S.DRAFT, False)


def test_items_added_meanwhile_turn_the_nil_confirmation_into_a_message(client_for, liaison_a, report_a):
    ItemFactory(report=report_a)
    response = client_for(liaison_a).post(reverse("liaison:report_nil", args=[report_a.code]),
                                          {"nil_statement": NIL_STATEMENT, "version": report_a.version}, follow=True)
    assert "不能作为零报告" in response.content.decode()
    assert refresh(report_a).status == S.DRAFT


def test_nil_is_denied_to_the_office_and_hidden_from_another_unit(client_for, staff, liaison_b, report_a):
    url = reverse("liaison:report_nil", args=[report_a.code])
    assert client_for(staff).get(url).status_code == 403
    assert client_for(liaison_b).get(url).status_code == 404
    assert client_for(liaison_b).post(url, {"nil_statement": "x", "version": report_a.version}).status_code == 404
    assert refresh(report_a).status == S.DRAFT


def test_an_urgent_report_has_no_nil(client_for, liaison_a, member_a):
    urgent = ReportFactory(member_unit=member_a, kind=Report.Kind.URGENT)
    assert client_for(liaison_a).get(reverse("liaison:report_nil", args=[urgent.code])).status_code == 403
    with pytest.raises(Refused):
        services.submit_nil(urgent, actor=liaison_a, version=urgent.version)


# --- the month owed, on the officer's list (issue 20: "cannot find where to say so") ------------------------------

def test_month_due_is_last_month_until_it_is_submitted(member_a, report_a, liaison_a):
    november = datetime.date(2026, 11, 5)  # report_a is October's, due in November
    due = services.month_due(member_a, today=november)
    assert (due.period, due.due_date, due.report, due.has_items) == (report_a.period, report_a.due_date, report_a,
                                                                      False)
    ItemFactory(report=report_a)
    assert services.month_due(member_a, today=november).has_items is True
    services.submit(report_a, actor=liaison_a)
    assert services.month_due(member_a, today=november) is None
    # December: November is owed and not started yet
    due = services.month_due(member_a, today=datetime.date(2026, 12, 5))
    assert (due.period, due.report) == (datetime.date(2026, 11, 1), None)
    assert due.due_date == services.report_due_date(datetime.date(2026, 11, 1))


def test_the_list_offers_nil_for_the_month_owed_and_leads_to_its_confirmation(client_for, liaison_a, member_a):
    client = client_for(liaison_a)
    due = services.month_due(member_a)
    page = client.get(reverse("liaison:index")).content.decode()
    assert 'data-testid="month-due-nil"' in page and f"{due.period.year}年{due.period.month}月月度通报" in page
    response = client.post(reverse("liaison:report_new"), {"period": f"{due.period:%Y-%m}", "then": "nil"})
    report = Report.objects.get(member_unit=member_a, period=due.period)
    assert response.status_code == 302 and response["Location"] == reverse("liaison:report_nil", args=[report.code])
    assert report.status == S.DRAFT  # nothing is submitted before the officer confirms
    assert "无应报告的干部监督信息" in client.get(response["Location"]).content.decode()


def test_the_office_list_shows_no_month_owed(client_for, staff, member_a):
    assert 'data-testid="month-due"' not in client_for(staff).get(reverse("liaison:index")).content.decode()
