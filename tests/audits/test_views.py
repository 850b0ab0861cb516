"""Views: every URL walked with every persona (allowed / denied / not found), the flows staff use, exports that
are logged and formatted, downloads that are checked, and list query counts that do not grow with rows."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from audits import services
from audits.models import Audit, AuditPlan, Category, EntryDecision, PlanStatus
from core import rectification
from core.models import AuditEvent
from tests.audits import factories
from tests.factories import UnitFactory
from tests.support.exports import export_list
from tests.support.folds import fold

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(county, staff):
    factories.classify(county, Category.A)
    leader = factories.principal(county, name="陈志刚")
    audit = factories.reported_audit(leader, staff, report_date=datetime.date(2026, 3, 1),
                                     amount=Decimal("1286500.35"))
    finding = factories.finding(audit, staff, amount="856000.35", responsible=leader)
    evidence = rectification.attach_evidence(finding, SimpleUploadedFile("整改报告.pdf", PDF), actor=staff)
    water = UnitFactory(code="SW", name="县水务集团", parent=county)
    factories.classify(water, Category.A)
    factories.principal(water, name="吴晓燕", post_since=datetime.date(2020, 1, 1))  # due in 2027
    plan = services.create_plan(2027, county, actor=staff)
    entry = plan.entries.first()
    return {"leader": leader, "audit": audit, "finding": finding, "evidence": evidence, "plan": plan,
            "entry": entry, "county": county}


def _urls(w):
    a, f, e, p = w["audit"], w["finding"], w["evidence"], w["plan"]
    fa = (a.code, f.code)
    return {
        # name: (method, url, data, who may: "view" | "edit" | "approve")
        "index": ("get", reverse("audits:index"), None, "view"),
        "list": ("get", reverse("audits:list"), None, "view"),
        "export": ("get", reverse("audits:export"), None, "view"),
        "create": ("get", reverse("audits:create"), None, "edit"),
        "finding_list": ("get", reverse("audits:finding_list"), None, "view"),
        "finding_export": ("get", reverse("audits:finding_export"), None, "view"),
        "plan_list": ("get", reverse("audits:plan_list"), None, "view"),
        "classification_list": ("get", reverse("audits:classification_list"), None, "view"),
        "summary": ("get", reverse("audits:summary"), None, "view"),
        "detail": ("get", reverse("audits:detail", args=[a.code]), None, "view"),
        "edit": ("get", reverse("audits:edit", args=[a.code]), None, "edit"),
        "transition": ("get", reverse("audits:transition", args=[a.code, "close"]), None, "edit"),
        "finding_create": ("get", reverse("audits:finding_create", args=[a.code]), None, "edit"),
        "finding_detail": ("get", reverse("audits:finding_detail", args=fa), None, "view"),
        "finding_progress": ("post", reverse("audits:finding_progress", args=fa),
                             {"date": "2026-03-05", "status": "in_progress", "note": "已启动"}, "edit"),
        "finding_deadline": ("post", reverse("audits:finding_deadline", args=fa),
                             {"deadline": "2026-06-30", "reason": "延期"}, "edit"),
        "evidence_download": ("get", reverse("audits:evidence_download", args=[*fa, e.code]), None, "view"),
        "result_create": ("post", reverse("audits:result_create", args=[a.code]),
                          {"cadre": w["leader"].pk, "kind": "assessment", "date": "2026-03-05", "reason": "纳入考核"},
                          "edit"),
        "plan_detail": ("get", reverse("audits:plan_detail", args=[p.code]), None, "view"),
        "plan_export": ("get", reverse("audits:plan_export", args=[p.code]), None, "view"),
        "entry_decide": ("post", reverse("audits:entry_decide", args=[p.code, w["entry"].code]),
                         {"decision": "accepted"}, "edit"),
        "plan_refresh": ("post", reverse("audits:plan_refresh", args=[p.code]), {}, "edit"),
        "plan_approve": ("post", reverse("audits:plan_status", args=[p.code, "approve"]),
                         {"approved_on": "2027-01-10"}, "approve"),
        "classification_edit": ("get", reverse("audits:classification_edit", args=[w["county"].code]), None,
                                "edit"),
    }


ALLOWED = {
    "view": {"staff", "section_head", "leader"},
    "edit": {"staff", "section_head"},
    "approve": {"section_head", "leader"},
}
PERSONAS = ["staff", "section_head", "leader", "liaison_a", "system_admin", "security_admin", "security_auditor",
            "outsider"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(persona, request, world, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for name, (method, url, data, need) in _urls(world).items():
        response = getattr(client, method)(url, data or {})
        if persona in ALLOWED[need]:
            assert response.status_code in (200, 302), (name, response.status_code)
            if response.status_code == 302:
                assert "/login/" not in response["Location"], name
        else:
            assert response.status_code == 403, (name, persona, response.status_code)
    if persona not in ALLOWED["view"]:
        assert AuditEvent.objects.filter(name="core.access.denied", actor=user).exists()


def test_other_county_sees_nothing_of_ours(world, other_county_staff, client_for):
    client = client_for(other_county_staff)
    for name, (method, url, data, _need) in _urls(world).items():
        response = getattr(client, method)(url, data or {})
        if name in ("index", "list", "export", "create", "finding_list", "finding_export", "plan_list",
                    "classification_list", "summary"):
            assert response.status_code in (200, 302), name
        else:
            assert response.status_code == 404, (name, response.status_code)
    page = client.get(reverse("audits:list")).content.decode()
    assert world["audit"].number not in page


def test_unknown_codes_are_not_found(world, client_for, staff):
    client = client_for(staff)
    a, f = world["audit"], world["finding"]
    missing = uuid.uuid4()
    for url in [reverse("audits:detail", args=[missing]), reverse("audits:plan_detail", args=[missing]),
                reverse("audits:finding_detail", args=[a.code, missing]),
                reverse("audits:evidence_download", args=[a.code, f.code, missing]),
                reverse("audits:transition", args=[a.code, "explode"]),
                reverse("audits:classification_edit", args=["NO-SUCH-UNIT"])]:
        assert client.get(url).status_code == 404, url


def test_a_finding_is_reached_only_through_its_audit(world, staff, client_for, county):
    other = factories.reported_audit(factories.principal(county), staff)
    url = reverse("audits:finding_detail", args=[other.code, world["finding"].code])
    assert client_for(staff).get(url).status_code == 404


def test_evidence_download_is_an_attachment_with_nosniff_and_logged(world, staff, client_for):
    a, f, e = world["audit"], world["finding"], world["evidence"]
    response = client_for(staff).get(reverse("audits:evidence_download", args=[a.code, f.code, e.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(name="audits.findingevidence.downloaded", actor=staff).exists()


def test_upload_through_the_view_checks_the_content(world, staff, client_for):
    a, f = world["audit"], world["finding"]
    url = reverse("audits:evidence_upload", args=[a.code, f.code])
    client = client_for(staff)
    response = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>")}, follow=True)
    assert "不支持的文件类型" in response.content.decode()
    assert f.evidence_files.count() == 1
    client.post(url, {"file": SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 30)})
    assert f.evidence_files.count() == 2


def test_staff_records_a_finding_and_its_rectification(world, staff, client_for):
    client = client_for(staff)
    audit = world["audit"]
    response = client.post(reverse("audits:finding_create", args=[audit.code]), {
        "category": "project", "amount": "430500.00", "description": "工程未批先建", "responsibility": "leadership",
        "rectification_required": "补办手续"})
    finding = audit.findings.get(number=2)
    assert response.status_code == 302 and response["Location"] == finding.get_absolute_url()
    assert finding.amount == Decimal("430500.00")
    assert finding.rectification_deadline == datetime.date(2026, 4, 30)  # 60 days after the result report
    fa = (audit.code, finding.code)
    client.post(reverse("audits:evidence_upload", args=fa), {"file": SimpleUploadedFile("批复.pdf", PDF)})
    client.post(reverse("audits:finding_progress", args=fa),
                {"date": "2026-04-10", "status": "done", "note": "已补办审批手续"})
    finding.refresh_from_db()
    assert finding.rectification_status == "done" and finding.rectification_done_on == datetime.date(2026, 4, 10)
    page = client.get(finding.get_absolute_url()).content.decode()
    assert "已补办审批手续" in page and "批复.pdf" in page and "430,500.00" in page


def test_an_illegal_step_is_refused_with_a_message(world, staff, client_for):
    client = client_for(staff)
    a, f = world["audit"], world["finding"]
    response = client.post(reverse("audits:finding_progress", args=[a.code, f.code]),
                           {"date": "2026-03-05", "status": "impossible", "note": ""}, follow=True)
    assert "进展情况" in response.content.decode()
    response = client.post(reverse("audits:transition", args=[a.code, "close"]), {})
    assert "尚有1个问题未完成整改" in response.content.decode()
    assert Audit.objects.get(pk=a.pk).status == "results"


def test_staff_builds_a_plan_from_the_suggestion_and_exports_it(county, staff, client_for):
    factories.classify(county, Category.A)
    due = factories.principal(county, name="程芳", post_since=datetime.date(2020, 1, 1))
    client = client_for(staff)
    response = client.post(reverse("audits:plan_list"), {"year": "2027"})
    plan = AuditPlan.objects.get(year=2027)
    assert response["Location"] == plan.get_absolute_url()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "A类单位（每3年审计一次），2020年任现职以来未审计，2027年已满周期" in page
    entry = plan.entries.get(cadre=due)
    client.post(reverse("audits:entry_decide", args=[plan.code, entry.code]), {"decision": "accepted"})
    assert plan.entries.get(pk=entry.pk).decision == EntryDecision.ACCEPTED

    response = client.get(reverse("audits:plan_export", args=[plan.code]))
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''2027")
    sheet = load_workbook(io.BytesIO(response.content))["审计计划"]
    assert sheet["A1"].value == "2027年度经济责任审计计划"
    assert [c.value for c in sheet[3]] == ["序号", "单位", "单位类别", "审计对象", "职务", "审计类型", "审计方式",
                                         "列入理由", "备注"]
    assert [sheet.cell(4, c).value for c in (1, 4, 6, 7)] == [1, "程芳", "任中审计", "直审"]
    assert "2027年已满周期" in sheet["H4"].value
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
    assert sheet["A5"].value.startswith("合计：1个审计对象")
    assert AuditEvent.objects.filter(name="audits.plan.exported", action="export", actor=staff).exists()


def test_approved_plan_refuses_edits_with_a_message(world, staff, section_head, client_for):
    plan = world["plan"]
    for entry in plan.entries.all():
        services.decide_entry(entry, EntryDecision.ACCEPTED, actor=staff)
    client = client_for(section_head)
    client.post(reverse("audits:plan_status", args=[plan.code, "approve"]),
                {"approved_on": "2027-01-10", "approval_ref": "青审委〔2027〕1号"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    client = client_for(staff)
    response = client.post(reverse("audits:entry_decide", args=[plan.code, world["entry"].code]),
                           {"decision": "dropped", "note": "改主意"}, follow=True)
    assert "计划已冻结，不能修改" in response.content.decode()
    assert plan.entries.get(pk=world["entry"].pk).decision == EntryDecision.ACCEPTED
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "已冻结" in page and "不列入" not in page.split('data-testid="frozen"')[1]


def test_staff_cannot_approve(world, staff, client_for):
    response = client_for(staff).post(reverse("audits:plan_status", args=[world["plan"].code, "approve"]),
                                      {"approved_on": "2027-01-10"})
    assert response.status_code == 403


def test_list_exports_are_logged_and_formula_safe(world, staff, client_for, county, settings, tmp_path,
                                                   django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    county.name = "=HYPERLINK(\"http://x\")"
    county.save()
    client = client_for(staff)
    job, header, rows = export_list(client, "audits", django_capture_on_commit_callbacks, query="year=2026")
    assert header[0] == "项目编号" and [row[0] for row in rows] == [world["audit"].number]
    assert rows[0][2].startswith("'=") and rows[0][13] == 1286500.35
    event = AuditEvent.objects.get(name="audits.audit.exported")
    assert event.action == "export" and event.changes == {"query": "year=2026"}
    _job, header, rows = export_list(client, "audit-findings", django_capture_on_commit_callbacks)
    assert header[0] == "项目编号" and rows and all(row[0] == world["audit"].number for row in rows)
    assert AuditEvent.objects.filter(name="audits.finding.exported").exists()


def test_list_export_holds_only_the_requesters_county(world, staff, other_county_staff, client_for, settings,
                                                      tmp_path, django_capture_on_commit_callbacks):
    """A county user's export never contains another county's rows (the scope is the requester's, at run time)."""
    settings.MEDIA_ROOT = tmp_path
    for kind in ("audits", "audit-findings"):
        _job, _header, rows = export_list(client_for(other_county_staff), kind, django_capture_on_commit_callbacks)
        assert rows == [], kind


def test_list_filters(world, staff, client_for, county):
    client = client_for(staff)
    rows = client.get(reverse("audits:list"), {"rectification": "open"}).context["page"].object_list
    assert [a.number for a in rows] == [world["audit"].number]
    assert not client.get(reverse("audits:list"), {"rectification": "none"}).context["page"].object_list
    assert not client.get(reverse("audits:list"), {"year": "2025"}).context["page"].object_list
    assert client.get(reverse("audits:list"), {"category": "A", "unit": county.pk}).context["page"].object_list
    findings = client.get(reverse("audits:finding_list"), {"status": "pending"}).context["page"].object_list
    assert [f.pk for f in findings] == [world["finding"].pk]


@pytest.mark.django_db
def test_the_page_leads_with_the_current_step_and_folds_the_other(world, staff, client_for):
    page = client_for(staff).get(world["audit"].get_absolute_url()).content.decode()  # 结果运用中
    assert fold(page, "results") == {"open": True, "current": True}
    assert fold(page, "findings") == {"open": False, "current": False}
    assert '<span class="fold-result">问题1项：未整改1项</span>' in page
    assert '<a href="#findings-body">审计发现问题</a>' in page


def _more_audits(county, staff, n):
    for _ in range(n):
        leader = factories.principal(county)
        audit = factories.reported_audit(leader, staff)
        factories.finding(audit, staff)


def test_list_query_counts_do_not_grow_with_rows(world, staff, client_for, county, django_assert_num_queries):
    client = client_for(staff)
    for name in ("audits:list", "audits:finding_list", "audits:export", "audits:finding_export"):
        client.get(reverse(name))  # warm caches (content types, rules)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name in ("audits:list", "audits:finding_list", "audits:export", "audits:finding_export"):
        with CaptureQueriesContext(connection) as few:
            client.get(reverse(name))
        counts[name] = len(few.captured_queries)
    _more_audits(county, staff, 4)
    # session, user, roles, notifications count, the page's count and rows, prefetched subjects (audit list)
    for name, count in counts.items():
        with django_assert_num_queries(count):
            client.get(reverse(name))
    assert counts["audits:list"] <= 12


def test_summary_page_shows_the_year(world, staff, client_for):
    page = client_for(staff).get(reverse("audits:summary"), {"year": "2026"}).content.decode()
    assert "1,286,500.35" in page and "计划审计" in page


def test_classification_edit_keeps_history(world, staff, client_for, county):
    client = client_for(staff)
    url = reverse("audits:classification_edit", args=[county.code])
    response = client.post(url, {"category": "B", "mode": "", "basis": "调整", "is_subject": "on", "reason": "",
                                 "version": "1"})
    assert "须说明理由" in response.content.decode()
    client.post(url, {"category": "B", "mode": "", "basis": "调整", "is_subject": "on", "reason": "业务划转",
                        "version": "1"})
    page = client.get(url).content.decode()
    assert "业务划转" in page and "A类 → B类" in page
