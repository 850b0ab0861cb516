"""Each view: allowed, denied, not found; the filing flow end to end through the views."""

import datetime
import io
import uuid

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from liaison.models import Meeting, MeetingDecision, Report
from tests.liaison.conftest import refresh
from tests.liaison.factories import ItemFactory, ReportFactory, submitted

ITEM = {"cadre_name": "陈志刚", "cadre_post": "县交通运输局局长", "aspect": "conduct", "description": "中午饮酒",
        "source": "群众来信", "occurred_on": "2026-11-02", "severity": "minor"}


@pytest.mark.django_db
def test_an_officer_files_a_report_with_two_items_and_submits(client_for, liaison_a, member_a):
    client = client_for(liaison_a)
    assert client.get(reverse("liaison:report_new")).status_code == 200
    response = client.post(reverse("liaison:report_new"), {"period": "2026-11"})
    report = Report.objects.get(member_unit=member_a)
    assert response.url == report.get_absolute_url()
    client.post(reverse("liaison:item_new", args=[report.code]), {**ITEM, "add_another": "1"})
    client.post(reverse("liaison:item_new", args=[report.code]),
                {**ITEM, "cadre_name": "黄伟", "aspect": "performance"})
    assert report.items.count() == 2
    client.post(reverse("liaison:report_submit", args=[report.code]))
    assert refresh(report).status == Report.Status.SUBMITTED


@pytest.mark.django_db
def test_a_double_submit_of_the_new_report_form_opens_the_existing_one(client_for, liaison_a, member_a):
    client = client_for(liaison_a)
    first = client.post(reverse("liaison:report_new"), {"period": "2026-10"})
    second = client.post(reverse("liaison:report_new"), {"period": "2026-10"})
    assert Report.objects.filter(member_unit=member_a).count() == 1
    assert first.status_code == 302 and second.status_code in (200, 302)


@pytest.mark.django_db
def test_a_nil_report_through_the_form(client_for, liaison_a, report_a):
    client = client_for(liaison_a)
    client.post(reverse("liaison:report_edit", args=[report_a.code]),
                {"is_nil": "on", "nil_statement": "本月无应报告事项", "remarks": "", "version": "1"})
    client.post(reverse("liaison:report_submit", args=[report_a.code]))
    report = refresh(report_a)
    assert report.is_nil and report.status == Report.Status.SUBMITTED
    assert "零报告" in client.get(report.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_empty_report_is_not_submitted_through_the_view(client_for, liaison_a, report_a):
    client_for(liaison_a).post(reverse("liaison:report_submit", args=[report_a.code]))
    assert refresh(report_a).status == Report.Status.DRAFT


@pytest.mark.django_db
def test_office_signs_or_returns(client_for, staff, liaison_a, report_a):
    ItemFactory(report=report_a)
    submitted(report_a, datetime.date(2026, 11, 10))
    client = client_for(staff)
    client.post(reverse("liaison:report_return", args=[report_a.code]), {"reason": "请补充信息来源"})
    assert refresh(report_a).status == Report.Status.RETURNED
    client_for(liaison_a).post(reverse("liaison:report_reopen", args=[report_a.code]))
    assert refresh(report_a).status == Report.Status.DRAFT
    client_for(liaison_a).post(reverse("liaison:report_submit", args=[report_a.code]))
    client_for(staff).post(reverse("liaison:report_sign", args=[report_a.code]))
    assert refresh(report_a).status == Report.Status.SIGNED


@pytest.mark.django_db
def test_the_export_is_logged_and_formula_safe(client_for, staff, report_a):
    ItemFactory(report=report_a, description="=HYPERLINK(\"http://x\")")
    response = client_for(staff).get(reverse("liaison:report_export", args=[report_a.code]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in values
    assert AuditEvent.objects.filter(name="liaison.report.exported", action="export").exists()


@pytest.mark.django_db
def test_attachments_are_checked_by_content_not_by_name(client_for, liaison_b, report_b, item_b):
    url = reverse("liaison:attachments", args=[report_b.code, item_b.code])
    client_for(liaison_b).post(url, {"file": SimpleUploadedFile("run.exe", b"MZ")})
    client_for(liaison_b).post(url, {"file": SimpleUploadedFile("说明.pdf", b"MZ\x90\x00 renamed program")})
    client_for(liaison_b).post(url, {"file": SimpleUploadedFile("说明.docx", b"PK")})
    assert item_b.attachments.count() == 1
    client_for(liaison_b).post(url, {"file": SimpleUploadedFile("情况说明", b"%PDF-1.7 scanned")})
    assert item_b.attachments.count() == 2


@pytest.mark.django_db
def test_not_found_for_unknown_codes(client_for, staff, liaison_b, report_b, item_b):
    assert client_for(staff).get(reverse("liaison:report_detail", args=[uuid.uuid4()])).status_code == 404
    assert client_for(liaison_b).get(
        reverse("liaison:item_edit", args=[report_b.code, uuid.uuid4()])).status_code == 404
    assert client_for(liaison_b).get(
        reverse("liaison:attachment_download", args=[report_b.code, item_b.code, uuid.uuid4()])).status_code == 404


@pytest.mark.django_db
def test_an_item_of_another_report_is_not_found_through_this_report(client_for, liaison_a, report_a, member_a):
    other = ReportFactory(member_unit=member_a, period=datetime.date(2026, 9, 1))
    item = ItemFactory(report=other)
    url = reverse("liaison:item_edit", args=[report_a.code, item.code])
    assert client_for(liaison_a).get(url).status_code == 404


@pytest.mark.django_db
def test_member_units_page(client_for, staff, liaison_a, member_a):
    page = client_for(staff).get(reverse("liaison:member_units"))
    assert page.status_code == 200 and liaison_a.display_name in page.content.decode()
    assert client_for(liaison_a).get(reverse("liaison:member_units")).status_code == 403


# ---------------------------------------------------------------- meetings

@pytest.mark.django_db
def test_meetings_record_decisions_tracked_to_done(client_for, staff, member_a, member_b):
    client = client_for(staff)
    response = client.post(reverse("liaison:meeting_new"), {
        "kind": "plenary", "title": "2026年全体会议", "held_on": "2026-01-20", "agenda": "议程",
        "minutes": "纪要", "attendees": [member_a.pk, member_b.pk]})
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert meeting.attendees.count() == 2 and meeting.organizer == staff.jurisdiction
    client.post(reverse("liaison:decision_new", args=[meeting.code]),
                {"content": "建立移送清单", "owner_unit": member_b.pk, "deadline": "2026-06-30"})
    decision = MeetingDecision.objects.get()
    client.post(reverse("liaison:decision_done", args=[meeting.code, decision.code]), {"note": "已建立"})
    decision.refresh_from_db()
    assert decision.status == "done" and decision.done_by == staff and decision.done_note == "已建立"
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get(reverse("liaison:meeting_list")).status_code == 200
    assert client.get(reverse("liaison:meeting_edit", args=[meeting.code])).status_code == 200


@pytest.mark.django_db
def test_meetings_denied_and_not_found(client_for, staff, leader, liaison_a, other_county_staff, county, member_a):
    meeting = Meeting.objects.create(organizer=county, kind="thematic", title="专题会议",
                                     held_on=datetime.date(2026, 7, 15))
    assert client_for(liaison_a).get(reverse("liaison:meeting_list")).status_code == 403
    assert client_for(leader).get(meeting.get_absolute_url()).status_code == 200
    assert client_for(leader).get(reverse("liaison:meeting_new")).status_code == 403
    assert client_for(leader).get(reverse("liaison:meeting_edit", args=[meeting.code])).status_code == 403
    assert client_for(other_county_staff).get(meeting.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(action="denied", name="liaison.meeting.denied").exists()
    assert client_for(staff).get(reverse("liaison:meeting_detail", args=[uuid.uuid4()])).status_code == 404
    url = reverse("liaison:decision_done", args=[meeting.code, uuid.uuid4()])
    assert client_for(staff).post(url).status_code == 404


# ---------------------------------------------------------------- demo

@pytest.mark.django_db
def test_demo_data_is_complete_and_idempotent():
    from core import demo as core_demo
    from liaison import demo
    from liaison.models import MemberUnit
    from liaison.stats import Compliance, compliance_matrix

    context = {}
    core_demo.seed(context)
    demo.seed(context)
    counts = (MemberUnit.objects.count(), Report.objects.count(), Meeting.objects.count())
    demo.seed(context)
    assert (MemberUnit.objects.count(), Report.objects.count(), Meeting.objects.count()) == counts
    assert Report.objects.filter(kind="urgent").count() == 1
    assert Report.objects.filter(is_nil=True).exists()
    assert MeetingDecision.objects.count() >= 4
    officer = context["users"]["liaison_jw"]
    assert set(Report.objects.visible_to(officer).values_list("member_unit__unit__code", flat=True)) == {"QX-JW"}
    matrix = compliance_matrix(context["users"]["staff01"], datetime.date(2025, 11, 1), datetime.date(2026, 10, 1),
                               on_date=datetime.date(2026, 11, 23))
    states = {row.member_unit.unit.code: row.counts for row in matrix.rows}
    assert states["QX-RS"][Compliance.LATE] > 0 and states["QX-TJ"][Compliance.MISSING] > 0
    assert sum(1 for c in states.values() if c[Compliance.LATE]) == 1
    assert sum(1 for c in states.values() if c[Compliance.MISSING]) == 1


@pytest.mark.django_db
def test_the_meeting_list_keeps_its_query_count(client_for, staff, county, member_a, member_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def meeting(n):
        m = Meeting.objects.create(organizer=county, kind="thematic", title=f"专题会议{n}",
                                   held_on=datetime.date(2026, 1 + n % 12, 1))
        m.attendees.set([member_a, member_b])
        MeetingDecision.objects.create(meeting=m, content="事项", owner_unit=member_a,
                                       deadline=datetime.date(2026, 12, 31))

    client = client_for(staff)
    meeting(0)
    url = reverse("liaison:meeting_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(1, 12):
        meeting(n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
