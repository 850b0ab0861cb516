"""An item about a unit's 一把手 put into a monthly report goes on at once as a 即时通报 (it does not wait for the
15th of the next month), and the page says so."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from core.refusals import Refused
from liaison import services, tasks
from liaison.models import Report, ReportItem
from tests.liaison.conftest import refresh

FIELDS = {"cadre_name": "王某", "cadre_post": "县某局局长", "aspect": "discipline", "description": "涉嫌违规干预招投标",
          "source": "案件办理中发现", "occurred_on": datetime.date(2026, 11, 20), "severity": "severe"}


@pytest.mark.django_db
def test_a_principal_item_added_to_a_monthly_report_is_sent_at_once(report_a, liaison_a,
                                                                    django_capture_on_commit_callbacks):
    """联席会议制度 (domain.md §3, liaison meeting, seed 003): 一把手 matters are reported at once (即时通报)."""
    with mock.patch.object(tasks.notify_urgent_report, "apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True):
            item = services.add_item(refresh(report_a), actor=liaison_a, is_principal=True, **FIELDS)
    urgent = item.report
    assert urgent.kind == Report.Kind.URGENT and urgent.status == Report.Status.SUBMITTED
    assert urgent.member_unit == report_a.member_unit and urgent.submitted_by == liaison_a
    send.assert_called_once()  # through the outbox, once the transaction committed
    assert send.call_args.kwargs["args"] == [urgent.pk]
    assert not report_a.items.exists()  # one item, counted and disposed of once
    assert refresh(report_a).status == Report.Status.DRAFT
    assert AuditEvent.objects.filter(name="liaison.item.escalated").count() == 1


@pytest.mark.django_db
def test_marking_an_item_as_principal_sends_it_at_once(report_a, liaison_a):
    """联席会议制度 (domain.md §3): the same when an item of the draft is corrected to concern the 一把手."""
    item = services.add_item(refresh(report_a), actor=liaison_a, is_principal=False, **FIELDS)
    assert item.report_id == report_a.pk
    item = services.update_item(ReportItem.objects.get(pk=item.pk), actor=liaison_a, is_principal=True,
                                version=item.version, **FIELDS)
    assert item.report.kind == Report.Kind.URGENT and item.report.status == Report.Status.SUBMITTED
    assert not report_a.items.exists()


@pytest.mark.django_db
def test_other_items_stay_in_the_monthly_report(report_a, liaison_a):
    """联席会议制度 (domain.md §3): other matters are reported monthly, by the 15th of the following month."""
    item = services.add_item(refresh(report_a), actor=liaison_a, is_principal=False, **FIELDS)
    assert item.report_id == report_a.pk
    assert not Report.objects.filter(kind=Report.Kind.URGENT).exists()


@pytest.mark.django_db
def test_a_future_occurrence_is_refused_by_the_service(report_a, liaison_a):
    """An item records something that happened: a future 发生时间 is refused whatever calls the service."""
    with pytest.raises(Refused, match="发生时间不能晚于今天"):
        services.add_item(refresh(report_a), actor=liaison_a, is_principal=True,
                          **{**FIELDS, "occurred_on": timezone.localdate() + datetime.timedelta(days=1)})
    assert not ReportItem.objects.exists() and not Report.objects.filter(kind=Report.Kind.URGENT).exists()


@pytest.mark.django_db
def test_the_page_says_the_item_went_as_an_urgent_report(client_for, report_a, liaison_a):
    """联席会议制度 (domain.md §3): the officer is told where the item went and that the office was alerted."""
    response = client_for(liaison_a).post(reverse("liaison:item_new", args=[report_a.code]),
                                          {**FIELDS, "occurred_on": "2026-11-20", "is_principal": "on"}, follow=True)
    text = response.content.decode()
    assert "作为即时通报报送" in text and "不再列入本月月度通报" in text
    urgent = Report.objects.get(kind=Report.Kind.URGENT)
    assert urgent.items.get().cadre_name == "王某" and not report_a.items.exists()


@pytest.mark.django_db
def test_a_future_disposal_date_is_refused(member_b, staff):
    """A disposal records a decision already taken: a future 处置日期 is refused, nothing saved."""
    from liaison.models import Disposal
    from tests.liaison.factories import ItemFactory, ReportFactory, submitted

    report = ReportFactory(member_unit=member_b)
    item = ItemFactory(report=report, occurred_on=datetime.date(2026, 10, 8))
    submitted(report, datetime.date(2026, 11, 10), signed=True, actor=staff)
    with pytest.raises(Refused, match="处置日期不能晚于今天"):
        services.dispose(item, Disposal.Action.ARCHIVE, actor=staff,
                         decided_on=timezone.localdate() + datetime.timedelta(days=1))
    assert not Disposal.objects.exists()
