"""即时通报: one item about a 一把手, sent at once; the section head and the leaders are notified by a Celery task
published on commit."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from core.models import Notification, OutboxMessage
from liaison import services, tasks
from liaison.models import Report

ITEM = {"cadre_name": "王某", "cadre_post": "县某局局长", "aspect": "discipline", "description": "涉嫌违规干预招投标",
        "source": "案件办理中发现", "occurred_on": "2026-11-20", "severity": "severe"}


@pytest.mark.django_db
def test_an_urgent_report_notifies_the_section_head_and_leaders_through_the_task(
        client_for, liaison_a, member_a, staff, section_head, leader, other_county_staff,
        django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.notify_urgent_report, "apply_async") as send:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client_for(liaison_a).post(reverse("liaison:urgent_new"), ITEM)
        assert response.status_code == 302
        report = Report.objects.get(kind=Report.Kind.URGENT)
        assert report.status == Report.Status.SUBMITTED
        # nothing is sent inside the request's transaction: the task is in the outbox, sent on commit, with the id
        send.assert_not_called()
        assert OutboxMessage.objects.get().args == [report.pk]
        for callback in callbacks:
            callback()
        send.assert_called_once()
        assert send.call_args.kwargs["args"] == [report.pk]
    assert tasks.notify_urgent_report.delay(report.pk).get() == 2  # eager in tests
    notified = Notification.objects.filter(kind="liaison.urgent_report")
    assert set(notified.values_list("recipient", flat=True)) == {section_head.pk, leader.pk}
    note = notified.first()
    assert note.url == report.get_absolute_url() and note.target == report.items.get()
    assert "一把手" in note.title and "王某" not in note.title


@pytest.mark.django_db
def test_a_retry_of_the_task_creates_no_duplicates(liaison_a, member_a, section_head, leader,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.send_urgent(member_a, actor=liaison_a, is_principal=True, cadre_name="王某", cadre_post="",
                                      aspect="discipline", description="x", source="y",
                                      occurred_on=datetime.date(2026, 11, 20), severity="severe")
    assert Notification.objects.filter(kind="liaison.urgent_report").count() == 2
    assert tasks.notify_urgent_report.delay(report.pk).get() == 0
    assert tasks.notify_urgent_report(report.pk) == 0
    assert Notification.objects.filter(kind="liaison.urgent_report").count() == 2


@pytest.mark.django_db
def test_urgent_reports_are_only_for_principal_leaders(liaison_a, member_a):
    from core.refusals import Refused

    with pytest.raises(Refused):
        services.send_urgent(member_a, actor=liaison_a, is_principal=False, cadre_name="某", cadre_post="",
                             aspect="conduct", description="x", source="y", occurred_on=datetime.date(2026, 11, 1),
                             severity="minor")
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_urgent_form_allowed_denied(client_for, liaison_a, member_a, staff):
    assert client_for(liaison_a).get(reverse("liaison:urgent_new")).status_code == 200
    assert client_for(staff).get(reverse("liaison:urgent_new")).status_code == 403
