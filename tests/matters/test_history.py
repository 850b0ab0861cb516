"""变更记录 on the matters pages, as on the audit pages: the audit log's changes of the record (and of the records
that belong to it and have no page of their own), newest first; views and refusals are not part of it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import rectification
from matters import services
from matters.models import AccountabilitySituation, InspectionKind
from tests.factories import CadreFactory, UnitFactory
from tests.matters import factories

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _history(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert "变更记录" in page
    return page[page.index("变更记录"):]


@pytest.fixture
def inspection(county, staff):
    town = UnitFactory(code="DSZ", name="东山镇", parent=county)
    secretary = CadreFactory(unit=town, name="孙永强", is_principal=True, post_title="党委书记")
    return services.create_inspection(town, kind=InspectionKind.INSPECTION, round_name="2026年第一轮巡察",
                                      team="第二巡察组", feedback_on=D(2026, 3, 2), feedback="整改不力",
                                      secretary=secretary, actor=staff)


def test_inspection_page_lists_its_changes_and_its_accountability(inspection, staff, section_head, client_for):
    situations = [AccountabilitySituation.objects.create(label="整改不力"),
                  AccountabilitySituation.objects.create(label="敷衍整改")]
    services.hold_accountable(inspection, situations=situations, measure_kind="reminder_talk",
                              decided_on=D(2026, 6, 1), reason="整改不力，约谈提醒", actor=section_head)
    history = _history(client_for(staff).get(inspection.get_absolute_url()))
    # the actors by the names the office knows them by, not their login names
    assert "登记" in history and staff.full_name in history and "staff" not in history
    assert section_head.full_name in history and "巡察整改问责" in history
    assert "整改不力 → 敷衍整改" not in history  # two situations are not an old and a new value
    assert history.index(section_head.full_name) < history.index(staff.full_name)  # newest first


def test_item_page_lists_progress_deadline_and_evidence(inspection, staff, client_for):
    item = services.add_item(inspection, problem="惠农资金管理不规范", rectification_required="清理追回",
                             owner_name="农业农村办", actor=staff)
    evidence = rectification.attach_evidence(item, SimpleUploadedFile("整改报告.pdf", PDF), actor=staff)
    rectification.change_deadline(item, D(2026, 12, 31), "需上级审批", actor=staff)
    rectification.void_evidence(item, evidence, "上传错误", actor=staff)
    client = client_for(staff)
    client.get(reverse("matters:evidence_download", args=[inspection.code, item.code, evidence.code]))
    history = _history(client.get(item.get_absolute_url()))
    assert "调整整改期限" in history and "整改期限：2026-05-01 → 2026-12-31" in history
    assert "上传整改佐证材料" in history and "作废整改佐证材料" in history
    assert "下载" not in history  # a view is the security auditor's business, not the case history


def test_application_certificate_and_event_pages_show_their_history(county, staff, client_for):
    person = CadreFactory(unit=county, name="陈志刚")
    app, loan = factories.travelling(person, staff)
    event = services.report_personal_event(person, kind="wedding", party="儿子", event_date=D(2026, 5, 10),
                                           venue="青溪宾馆", tables=10, guests=100, accepts_gifts=False,
                                           reported_on=D(2026, 5, 1), actor=staff)
    client = client_for(staff)
    app_history = _history(client.get(app.get_absolute_url()))
    assert app.number in app_history and "已领证出行" in app_history
    cert_history = _history(client.get(loan.certificate.get_absolute_url()))
    assert "登记证照" in cert_history and "借出证照" in cert_history
    assert loan.certificate.number not in cert_history  # the full number stays out of the log
    assert "查看证照" not in cert_history
    assert "个人重大事项报告" in _history(client.get(event.get_absolute_url()))


def test_audit_finding_page_shows_its_history_too(county, staff, client_for):
    from tests.audits import factories as audit_factories

    audit = audit_factories.reported_audit(audit_factories.principal(county), staff)
    finding = audit_factories.finding(audit, staff)
    rectification.attach_evidence(finding, SimpleUploadedFile("整改报告.pdf", PDF), actor=staff)
    history = _history(client_for(staff).get(finding.get_absolute_url()))
    assert "登记审计发现问题" in history and "上传整改佐证材料" in history
