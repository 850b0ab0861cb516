"""Who sees which report: the unit's own officer, the office by jurisdiction, nobody else; every URL of another
unit's report is 404 and the attempt is logged."""

import datetime
import uuid

import pytest
from django.urls import reverse

from core.models import AuditEvent
from liaison import services
from liaison.models import Report
from tests.liaison.conftest import refresh
from tests.liaison.factories import ItemFactory, ReportFactory, submitted


def report_urls(report):
    """Every URL of a report: (method, url)."""
    item = report.items.first()
    attachment = item.attachments.first()
    code, item_code = report.code, item.code
    return [
        ("get", reverse("liaison:report_detail", args=[code])),
        ("get", reverse("liaison:report_edit", args=[code])),
        ("post", reverse("liaison:report_edit", args=[code])),
        ("get", reverse("liaison:report_export", args=[code])),
        ("get", reverse("liaison:report_nil", args=[code])),
        ("post", reverse("liaison:report_nil", args=[code])),
        ("post", reverse("liaison:report_submit", args=[code])),
        ("post", reverse("liaison:report_reopen", args=[code])),
        ("post", reverse("liaison:report_sign", args=[code])),
        ("post", reverse("liaison:report_return", args=[code])),
        ("get", reverse("liaison:item_new", args=[code])),
        ("post", reverse("liaison:item_new", args=[code])),
        ("get", reverse("liaison:item_edit", args=[code, item_code])),
        ("post", reverse("liaison:item_edit", args=[code, item_code])),
        ("post", reverse("liaison:item_void", args=[code, item_code])),
        ("get", reverse("liaison:item_handle", args=[code, item_code])),
        ("get", reverse("liaison:attachments", args=[code, item_code])),
        ("post", reverse("liaison:attachments", args=[code, item_code])),
        ("get", reverse("liaison:attachment_download", args=[code, item_code, attachment.code])),
    ]


@pytest.mark.django_db
def test_a_liaison_officer_gets_404_on_every_url_of_another_units_report_and_it_is_logged(
        client_for, liaison_a, member_a, report_b):
    client = client_for(liaison_a)
    urls = report_urls(report_b)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=liaison_a,
                                       target_id=str(report_b.code))
    assert denied.count() == len(urls)
    assert set(denied.values_list("name", flat=True)) == {"liaison.report.denied"}
    # and nothing of unit B changed
    report = refresh(report_b)
    assert report.status == Report.Status.DRAFT and report.items.filter(voided_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_404_is_the_same_as_for_a_report_that_does_not_exist(client_for, liaison_a, member_a, report_b):
    client = client_for(liaison_a)
    hidden = client.get(reverse("liaison:report_detail", args=[report_b.code]))
    missing = client.get(reverse("liaison:report_detail", args=[uuid.uuid4()]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


@pytest.mark.django_db
def test_office_staff_of_another_county_get_404(client_for, other_county_staff, report_b):
    response = client_for(other_county_staff).get(reverse("liaison:report_detail", args=[report_b.code]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="denied", actor=other_county_staff).exists()


@pytest.mark.django_db
def test_an_officer_reads_and_edits_their_own_draft(client_for, liaison_b, report_b, item_b):
    client = client_for(liaison_b)
    for method, url in [("get", reverse("liaison:report_detail", args=[report_b.code])),
                        ("get", reverse("liaison:report_edit", args=[report_b.code])),
                        ("get", reverse("liaison:item_edit", args=[report_b.code, item_b.code])),
                        ("get", reverse("liaison:attachments", args=[report_b.code, item_b.code])),
                        ("get", reverse("liaison:report_export", args=[report_b.code]))]:
        assert getattr(client, method)(url).status_code == 200, url
    attachment = item_b.attachments.get()
    download = client.get(reverse("liaison:attachment_download", args=[report_b.code, item_b.code, attachment.code]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert AuditEvent.objects.filter(name="liaison.attachment.downloaded", actor=liaison_b).exists()


@pytest.mark.django_db
def test_a_signed_report_is_read_only_to_the_officer(client_for, liaison_b, report_b, item_b, staff):
    submitted(report_b, datetime.date(2026, 11, 10), signed=True, actor=staff)
    client = client_for(liaison_b)
    detail = client.get(reverse("liaison:report_detail", args=[report_b.code]))
    assert detail.status_code == 200
    assert reverse("liaison:item_new", args=[report_b.code]) not in detail.content.decode()
    for method, url in [("get", reverse("liaison:report_edit", args=[report_b.code])),
                        ("get", reverse("liaison:item_new", args=[report_b.code])),
                        ("post", reverse("liaison:item_edit", args=[report_b.code, item_b.code])),
                        ("post", reverse("liaison:item_void", args=[report_b.code, item_b.code])),
                        ("post", reverse("liaison:attachments", args=[report_b.code, item_b.code]))]:
        assert getattr(client, method)(url).status_code == 403, url
    assert client.get(reverse("liaison:report_export", args=[report_b.code])).status_code == 200


@pytest.mark.django_db
def test_office_staff_cannot_edit_a_units_report(client_for, staff, report_b, item_b):
    client = client_for(staff)
    assert client.get(reverse("liaison:report_detail", args=[report_b.code])).status_code == 200
    assert client.get(reverse("liaison:item_new", args=[report_b.code])).status_code == 403
    assert client.post(reverse("liaison:report_submit", args=[report_b.code])).status_code == 403


@pytest.mark.django_db
def test_an_officer_cannot_sign_or_handle_their_own_report(client_for, liaison_b, report_b, item_b):
    submitted(report_b, datetime.date(2026, 11, 10))
    client = client_for(liaison_b)
    assert client.post(reverse("liaison:report_sign", args=[report_b.code])).status_code == 403
    assert client.get(reverse("liaison:item_handle", args=[report_b.code, item_b.code])).status_code == 403
    assert refresh(report_b).status == Report.Status.SUBMITTED


@pytest.mark.django_db
def test_a_leader_reads_but_does_not_sign(client_for, leader, report_b):
    submitted(report_b, datetime.date(2026, 11, 10))
    client = client_for(leader)
    assert client.get(reverse("liaison:report_detail", args=[report_b.code])).status_code == 200
    assert client.post(reverse("liaison:report_sign", args=[report_b.code])).status_code == 403


# ---------------------------------------------------------------- lists

@pytest.mark.django_db
def test_the_list_is_filtered_by_permission(client_for, liaison_a, liaison_b, staff, other_county_staff,
                                            report_a, report_b):
    urgent_b = ReportFactory(member_unit=report_b.member_unit, kind=Report.Kind.URGENT, due_date=None)
    assert set(Report.objects.visible_to(liaison_a)) == {report_a}
    assert set(Report.objects.visible_to(liaison_b)) == {report_b, urgent_b}
    assert set(Report.objects.visible_to(staff)) == {report_a, report_b, urgent_b}
    assert not Report.objects.visible_to(other_county_staff).exists()
    page = client_for(liaison_a).get(reverse("liaison:index")).content.decode()
    assert str(report_a.code) in page and str(report_b.code) not in page


@pytest.mark.django_db
def test_an_officer_removed_from_the_unit_loses_access_at_once(client_for, liaison_a, member_a, report_a):
    services.set_officers(member_a, [], actor=None)
    assert not Report.objects.visible_to(liaison_a).exists()
    assert AuditEvent.objects.filter(name="liaison.member_unit.officers_changed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "security_auditor", "outsider"])
def test_administrators_and_outsiders_see_no_reports(request, client_for, report_b, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("liaison:index")).status_code == 403
    assert client.get(reverse("liaison:report_detail", args=[report_b.code])).status_code == 403
    assert not Report.objects.visible_to(user).exists()


@pytest.mark.django_db
def test_the_office_list_keeps_its_query_count(client_for, staff, member_a, member_b, django_assert_num_queries):
    """Queries: session, user, roles, unread count (shell), jurisdiction, member units and months (filter form),
    count, page of reports — the same for 2 reports and for 20."""
    client = client_for(staff)
    ReportFactory(member_unit=member_a)
    ReportFactory(member_unit=member_b)
    url = reverse("liaison:index")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for month in range(1, 10):
        for member in (member_a, member_b):
            report = ReportFactory(member_unit=member, period=datetime.date(2026, month, 1))
            ItemFactory(report=report)
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_liaison_officer_of_no_unit_is_refused_a_new_report(client_for, liaison_a):
    assert client_for(liaison_a).get(reverse("liaison:report_new")).status_code == 403
