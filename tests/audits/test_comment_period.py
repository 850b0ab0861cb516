"""The audited body's written comments on the draft audit report: due N (default 10, an editable setting) days
after the draft is delivered; the deadline is computed by one function, shown on the audit page, and the core scan
reminds the handler (idempotently) while the audit is under way and no comments are recorded."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from audits import deadlines, services
from audits.models import Audit, AuditRules
from core import deadlines as core_deadlines
from core import roles
from core.concurrency import LATEST
from core.models import AuditEvent, Notification
from core.refusals import Refused
from tests.audits import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def audited(county):
    factories.classify(county)
    return factories.principal(county, name="陈志刚")


@pytest.fixture
def started(audited, staff):
    """An audit under way since 1 March 2026."""
    made = factories.audit(audited, staff)
    return services.transition(made, "start", entry_date=D(2026, 3, 1), actor=staff)


DELIVERED = D(2026, 4, 1)


def _deliver(audit, staff, on=DELIVERED, **values):
    return services.update_audit(audit, draft_delivered_on=on, actor=staff, version=LATEST, **values)


# --- the deadline -----------------------------------------------------------------------------------------------


def test_the_comment_deadline_is_ten_days_after_delivery(started, staff):
    audit = _deliver(started, staff)
    assert audit.comment_due == D(2026, 4, 11) == services.comment_due(audit, D(2026, 4, 1))
    event = AuditEvent.objects.filter(name="audits.audit.changed").latest("id")
    assert event.changes["comment_due"] == [None, "2026-04-11"]


def test_the_number_of_days_is_a_setting(started, staff):
    AuditRules.objects.update(comment_days=15)
    assert _deliver(started, staff).comment_due == D(2026, 4, 16)


def test_a_running_deadline_keeps_its_date_until_the_delivery_date_changes(started, staff):
    audit = _deliver(started, staff)
    AuditRules.objects.update(comment_days=5)
    audit = services.update_audit(audit, auditing_body="县审计局第一审计组", actor=staff, version=LATEST)
    assert audit.comment_due == D(2026, 4, 11)
    audit = services.update_audit(audit, draft_delivered_on=D(2026, 4, 3), actor=staff, version=LATEST)
    assert audit.comment_due == D(2026, 4, 8)
    audit = services.update_audit(audit, draft_delivered_on=None, actor=staff, version=LATEST)
    assert audit.comment_due is None


@pytest.mark.parametrize(("values", "message"), [
    ({"draft_delivered_on": D(2026, 2, 1)}, "不能早于进点日期"),
    ({"draft_delivered_on": D(2026, 4, 1), "comments_received_on": D(2026, 3, 30)}, "不能早于征求意见稿送达日期"),
    ({"comments_received_on": D(2026, 4, 5)}, "请先填写征求意见稿送达日期"),
    ({"draft_delivered_on": timezone.localdate() + datetime.timedelta(days=1)}, "不能晚于今天"),
])
def test_dates_must_follow_each_other(started, staff, values, message):
    with pytest.raises(Refused, match=message):
        services.update_audit(started, actor=staff, version=LATEST, **values)
    assert Audit.objects.get(pk=started.pk).draft_delivered_on is None


def test_the_report_cannot_predate_the_draft(started, staff):
    _deliver(started, staff)
    with pytest.raises(Refused, match="审计报告日期不能早于征求意见稿送达日期"):
        services.transition(started, "report", report_date=D(2026, 3, 20), assessment="good",
                            violation_amount="0", actor=staff)


# --- the deadline provider --------------------------------------------------------------------------------------


def _dues(on_date):
    return core_deadlines.evaluate(deadlines.draft_comment_deadlines, on_date)


def test_reminders_before_on_and_after_the_last_day(started, staff):
    _deliver(started, staff)  # due 11 April
    assert _dues(D(2026, 4, 2)) == []  # further away than the notice window
    notice, = _dues(D(2026, 4, 8))
    assert notice.level == Notification.Level.NOTICE and notice.kind == "audits.draft_comments"
    assert notice.recipients == (staff,) and notice.due_date == D(2026, 4, 11)
    assert started.number in notice.title and "2026-04-11" in notice.title
    assert _dues(D(2026, 4, 11))[0].level == Notification.Level.WARNING
    overdue, = _dues(D(2026, 4, 14))
    assert overdue.level == Notification.Level.OVERDUE and "3天" in overdue.title and "视同无异议" in overdue.title


def test_no_reminder_once_comments_are_in_or_the_report_is_issued(started, staff, audited):
    _deliver(started, staff, comments_received_on=D(2026, 4, 9), comments_note="无异议")
    assert _dues(D(2026, 4, 11)) == []
    other = services.transition(factories.audit(audited, staff), "start", entry_date=D(2026, 3, 1), actor=staff)
    _deliver(other, staff)
    services.transition(other, "report", report_date=D(2026, 4, 12), assessment="good", violation_amount="0",
                        actor=staff)
    assert _dues(D(2026, 4, 14)) == []


def test_without_an_active_handler_the_section_heads_of_the_unit_are_told(started, staff, section_head,
                                                                          other_county):
    UserFactory(username="far_head", roles=[roles.SECTION_HEAD], unit=other_county, jurisdiction=other_county)
    _deliver(started, staff)
    type(staff).objects.filter(pk=staff.pk).update(is_active=False)
    due, = _dues(D(2026, 4, 11))
    assert due.recipients == (section_head,)


def test_the_scan_is_idempotent_and_the_provider_registered_once(started, staff):
    assert core_deadlines.providers().count(deadlines.draft_comment_deadlines) == 1
    apps.get_app_config("audits").ready()  # a second ready() registers nothing twice
    assert core_deadlines.providers().count(deadlines.draft_comment_deadlines) == 1
    _deliver(started, staff)
    first = core_deadlines.scan(D(2026, 4, 11))
    assert first["audits.draft_comments"] == 1
    assert core_deadlines.scan(D(2026, 4, 11))["audits.draft_comments"] == 0
    assert Notification.objects.filter(kind="audits.draft_comments", recipient=staff).count() == 1


# --- the pages --------------------------------------------------------------------------------------------------


def test_staff_records_the_delivery_in_the_edit_form_and_sees_the_deadline(started, staff, client_for):
    client = client_for(staff)
    url = reverse("audits:edit", args=[started.code])
    form = client.get(url).context["form"]
    assert "10天内" in form.fields["draft_delivered_on"].help_text
    today = timezone.localdate()
    delivered = today - datetime.timedelta(days=3)
    data = {"mode": started.mode, "auditing_body": started.auditing_body, "handler": staff.pk,
            "entry_date": (today - datetime.timedelta(days=20)).isoformat(),
            "draft_delivered_on": delivered.isoformat(), "violation_amount": "0", "version": form["version"].value()}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(started.get_absolute_url()).content.decode()
    assert "书面意见反馈期限" in page and "（剩7天）" in page and "尚未反馈" in page
    assert (delivered + datetime.timedelta(days=10)).isoformat() in page
