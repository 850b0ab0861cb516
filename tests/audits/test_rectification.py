"""Rectification tracking: default and edited deadlines, the status table, evidence, the overdue escalation."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from audits.models import AuditRules, Finding
from core import deadlines, rectification, roles
from core.models import AuditEvent, Notification
from core.rectification import RectificationStatus
from core.refusals import Refused
from tests.audits import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def audit(county, staff):
    factories.classify(county)
    leader = factories.principal(county)
    return factories.reported_audit(leader, staff, report_date=datetime.date(2026, 3, 1))


def pdf(name="整改报告.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_deadline_defaults_to_60_days_after_the_result_report(audit, staff):
    finding = factories.finding(audit, staff)
    assert finding.rectification_start == datetime.date(2026, 3, 1)
    assert finding.rectification_deadline == datetime.date(2026, 4, 30)
    assert finding.rectification_status == RectificationStatus.PENDING


def test_deadline_days_are_a_setting_and_the_deadline_can_be_set_by_hand(audit, staff):
    rules = AuditRules.current()
    rules.rectification_days = 90
    rules.save()
    assert factories.finding(audit, staff).rectification_deadline == datetime.date(2026, 5, 30)
    chosen = factories.finding(audit, staff, deadline=datetime.date(2026, 12, 31))
    assert chosen.rectification_deadline == datetime.date(2026, 12, 31)


def test_changing_the_deadline_needs_a_reason_and_is_logged(audit, staff):
    finding = factories.finding(audit, staff)
    with pytest.raises(Refused, match="理由"):
        rectification.change_deadline(finding, datetime.date(2026, 6, 30), "", actor=staff)
    with pytest.raises(Refused, match="早于"):
        rectification.change_deadline(finding, datetime.date(2026, 2, 1), "提前", actor=staff)
    rectification.change_deadline(finding, datetime.date(2026, 6, 30), "需省级审批", actor=staff)
    assert finding.rectification_deadline == datetime.date(2026, 6, 30)
    entry = finding.progress_entries.get()
    assert "2026-04-30调整为2026-06-30：需省级审批" in entry.note
    event = AuditEvent.objects.get(name="audits.finding.deadline_changed")
    assert event.changes["rectification_deadline"] == ["2026-04-30", "2026-06-30"]


@pytest.mark.parametrize("old", RectificationStatus.values)
@pytest.mark.parametrize("new", RectificationStatus.values)
def test_every_status_change_follows_the_table(audit, staff, old, new):
    finding = factories.finding(audit, staff)
    rectification.attach_evidence(finding, pdf(), actor=staff)
    Finding.objects.filter(pk=finding.pk).update(rectification_status=old)
    finding.refresh_from_db()
    legal = new in rectification.MACHINE.find(old, "progress").target  # every status may take a progress note
    if legal:
        rectification.record_progress(finding, date=datetime.date(2026, 3, 10), note="进展", status=new,
                                      actor=staff)
        assert finding.rectification_status == new
    else:
        with pytest.raises(Refused, match="不能由"):
            rectification.record_progress(finding, date=datetime.date(2026, 3, 10), note="进展", status=new,
                                          actor=staff)
        finding.refresh_from_db()
        assert finding.rectification_status == old


def test_done_needs_evidence_and_records_the_date(audit, staff):
    finding = factories.finding(audit, staff)
    with pytest.raises(Refused, match="佐证材料"):
        rectification.record_progress(finding, date=datetime.date(2026, 4, 1), note="已整改",
                                      status=RectificationStatus.DONE, actor=staff)
    rectification.attach_evidence(finding, pdf(), actor=staff)
    rectification.record_progress(finding, date=datetime.date(2026, 4, 1), note="已追回资金",
                                  status=RectificationStatus.DONE, actor=staff)
    assert finding.rectification_done_on == datetime.date(2026, 4, 1)
    assert [e.status_after for e in finding.progress_entries.all()] == [RectificationStatus.DONE]
    rectification.record_progress(finding, date=datetime.date(2026, 4, 20), note="复查发现未到位，重新整改",
                                  status=RectificationStatus.IN_PROGRESS, actor=staff)
    assert finding.rectification_done_on is None


def test_progress_dates_must_be_real(audit, staff):
    finding = factories.finding(audit, staff)
    with pytest.raises(Refused, match="晚于今天"):
        rectification.record_progress(finding, date=datetime.date(2999, 1, 1), note="x",
                                      status=RectificationStatus.IN_PROGRESS, actor=staff)
    with pytest.raises(Refused, match="早于整改起算日期"):
        rectification.record_progress(finding, date=datetime.date(2026, 1, 1), note="x",
                                      status=RectificationStatus.IN_PROGRESS, actor=staff)


def test_evidence_is_stored_under_media_root_with_a_generated_name(audit, staff, media):
    finding = factories.finding(audit, staff)
    evidence = rectification.attach_evidence(finding, pdf("../../etc/passwd.pdf"), actor=staff)
    path = media / evidence.file.name
    assert path.read_bytes() == PDF
    assert evidence.file.name.startswith("audits/evidence/") and evidence.file.name.endswith(".pdf")
    assert "passwd" not in evidence.file.name
    assert evidence.original_name == "passwd.pdf" and evidence.content_type == "application/pdf"
    assert len(evidence.sha256) == 64
    assert AuditEvent.objects.filter(name="audits.findingevidence.uploaded").exists()


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "body", "expected"), [
    ("a.pdf", PDF, "application/pdf"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg"),
    ("report.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_accepted_kinds_are_recognised_by_content(name, body, expected):
    assert rectification.check_upload(SimpleUploadedFile(name, body))[0] == expected


@pytest.mark.parametrize(("name", "body"), [
    ("evil.pdf", b"<html><script>alert(1)</script></html>"),  # an HTML page named .pdf
    ("archive.zip", b"PK\x03\x04not really a zip"),
    ("empty.pdf", b""),
])
def test_other_content_is_refused(name, body):
    with pytest.raises(Refused):
        rectification.check_upload(SimpleUploadedFile(name, body))


def test_size_limit(monkeypatch):
    monkeypatch.setattr(rectification, "MAX_EVIDENCE_BYTES", 10)
    with pytest.raises(Refused, match="文件过大"):
        rectification.check_upload(SimpleUploadedFile("a.pdf", PDF))


def test_evidence_is_voided_not_deleted(audit, staff):
    finding = factories.finding(audit, staff)
    evidence = rectification.attach_evidence(finding, pdf(), actor=staff)
    rectification.void_evidence(finding, evidence, "传错文件", actor=staff)
    evidence.refresh_from_db()
    assert evidence.voided_at and evidence.file.storage.exists(evidence.file.name)
    with pytest.raises(Refused, match="佐证材料"):  # voided evidence does not count
        rectification.record_progress(finding, date=datetime.date(2026, 4, 1), note="已整改",
                                      status=RectificationStatus.DONE, actor=staff)


# --- the deadline scan ---------------------------------------------------------------------------------------


@pytest.fixture
def heads(county, other_county):
    inside = UserFactory(username="head_in", roles=[roles.SECTION_HEAD], unit=county, jurisdiction=county)
    everywhere = UserFactory(username="head_all", roles=[roles.SECTION_HEAD], unit=county)
    outside = UserFactory(username="head_out", roles=[roles.SECTION_HEAD], unit=other_county,
                          jurisdiction=other_county)
    return inside, everywhere, outside


def _notes(kind):
    return sorted((n.recipient.username, n.level, n.due_date) for n in Notification.objects.filter(kind=kind))


@override_settings(DEADLINE_NOTICE_DAYS=5)
def test_overdue_rectification_reminds_the_handler_then_the_section_heads(audit, staff, heads):
    finding = factories.finding(audit, staff)  # deadline 2026-04-30
    deadline = finding.rectification_deadline

    deadlines.scan(datetime.date(2026, 4, 20))
    assert _notes("audits.rectification") == []  # outside the notice window
    deadlines.scan(datetime.date(2026, 4, 27))
    assert _notes("audits.rectification") == [("staff", "notice", deadline)]
    deadlines.scan(datetime.date(2026, 5, 1))
    assert ("staff", "overdue", deadline) in _notes("audits.rectification")
    deadlines.scan(datetime.date(2026, 5, 29))  # 29 days overdue: not yet escalated
    assert _notes("audits.rectification_escalated") == []

    deadlines.scan(datetime.date(2026, 5, 30))  # 30 days overdue
    assert _notes("audits.rectification_escalated") == [("head_all", "overdue", deadline),
                                                        ("head_in", "overdue", deadline)]
    title = Notification.objects.filter(kind="audits.rectification_escalated").first().title
    assert "逾期30天" in title and audit.number in title
    count = Notification.objects.count()
    deadlines.scan(datetime.date(2026, 5, 30))  # rerun: nothing twice
    deadlines.scan(datetime.date(2026, 6, 2))
    assert Notification.objects.count() == count


def test_escalation_threshold_is_a_setting(audit, staff, heads):
    rules = AuditRules.current()
    rules.escalation_overdue_days = 10
    rules.save()
    factories.finding(audit, staff)
    deadlines.scan(datetime.date(2026, 5, 10))
    assert len(_notes("audits.rectification_escalated")) == 2


def test_closed_or_voided_findings_are_not_reminded(audit, staff, heads):
    from audits import services

    done = factories.finding(audit, staff)
    rectification.attach_evidence(done, pdf(), actor=staff)
    rectification.record_progress(done, date=datetime.date(2026, 4, 1), note="完成",
                                  status=RectificationStatus.DONE, actor=staff)
    voided = factories.finding(audit, staff)
    services.void_finding(voided, "重复登记", actor=staff)
    deadlines.scan(datetime.date(2026, 6, 30))
    assert Notification.objects.filter(kind__startswith="audits.").count() == 0
