"""Issue 22: a second click on a transition that already happened (double-click, back button, a second tab) is
answered with what happened and a link to the record, not 403 and a "denied" audit event."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

import core.security  # noqa: F401  (connects the login-time receiver before force_login)
from core.models import AuditEvent
from liaison.models import Report
from tests.liaison.factories import ItemFactory, ReportFactory, member_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report(unit_a, liaison_a):
    report = ReportFactory(member_unit=member_unit(unit_a, [liaison_a]), created_by=liaison_a)
    ItemFactory(report=report)
    return report


def _post_twice(client, name, report, data=None):
    url = reverse(f"liaison:{name}", args=[report.code])
    first = client.post(url, data or {})
    denied_before = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count()
    second = client.post(url, data or {})
    return first, second, denied_before


def _assert_answered(second, report, denied_before, words):
    assert second.status_code == 302 and second.url == report.get_absolute_url()
    assert any(words in str(message) for message in get_messages(second.wsgi_request))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == denied_before


def test_a_second_submission_of_a_monthly_report_answers_already_submitted(client_for, liaison_a, report):
    first, second, denied = _post_twice(client_for(liaison_a), "report_submit", report)
    assert first.status_code == 302
    _assert_answered(second, report, denied, "已提交")
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


@pytest.mark.parametrize(("name", "data", "words", "status"), [
    ("report_sign", {}, "已签收", Report.Status.SIGNED),
    ("report_return", {"reason": "请补充信息来源"}, "已退回", Report.Status.RETURNED),
])
def test_a_second_click_of_the_office_answers_what_happened(client_for, liaison_a, staff, report, name, data, words,
                                                            status):
    client_for(liaison_a).post(reverse("liaison:report_submit", args=[report.code]))
    first, second, denied = _post_twice(client_for(staff), name, report, data)
    assert first.status_code == 302
    _assert_answered(second, report, denied, words)
    assert Report.objects.get(pk=report.pk).status == status


def test_a_report_of_another_unit_is_still_not_found(client_for, liaison_b, unit_b, report):
    client = client_for(liaison_b)
    member_unit(unit_b, [liaison_b])
    report.status = Report.Status.SUBMITTED
    report.submitted_at = datetime.datetime(2026, 11, 10, tzinfo=datetime.UTC)
    report.save()
    assert client.post(reverse("liaison:report_submit", args=[report.code])).status_code == 404
