"""Views: every URL walked with the personas (allowed / denied / not found), the travel flow a staff user goes
through, exports that are logged and formula-safe, certificate views logged, and list query counts."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import SupervisionMeasure
from core.models import AuditEvent
from matters import services
from matters.models import (
    AccountabilitySituation,
    ApplicationStatus,
    CertificateStatus,
    InspectionKind,
    TravelApplication,
)
from tests.factories import CadreFactory, UnitFactory
from tests.matters import factories
from tests.support.exports import export_list

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(county, staff):
    person = CadreFactory(unit=county, name="陈志刚")
    app, loan = factories.travelling(person, staff)
    registration = services.register_cadre(person, D(2025, 1, 2), actor=staff)
    investigation = services.record_investigation(CadreFactory(unit=county), kind="review", started_on=D(2026, 1, 5),
                                                  actor=staff)
    event = services.report_personal_event(person, kind="wedding", party="儿子", event_date=D(2026, 5, 10),
                                           venue="青溪宾馆", tables=10, guests=100, accepts_gifts=False,
                                           reported_on=D(2026, 5, 1), actor=staff)
    town = UnitFactory(code="DSZ", name="东山镇", parent=county)
    secretary = CadreFactory(unit=town, is_principal=True, post_title="党委书记")
    inspection = services.create_inspection(town, kind=InspectionKind.INSPECTION, round_name="2026年第一轮巡察",
                                            team="第二巡察组", feedback_on=D(2026, 3, 2), feedback="整改不力",
                                            secretary=secretary, actor=staff)
    item = services.add_item(inspection, problem="问题", rectification_required="要求", owner_name="办公室",
                             actor=staff)
    from core import rectification

    evidence = rectification.attach_evidence(item, SimpleUploadedFile("整改.pdf", PDF), actor=staff)
    return {"person": person, "app": app, "loan": loan, "cert": loan.certificate, "registration": registration,
            "investigation": investigation, "event": event, "inspection": inspection, "item": item,
            "evidence": evidence, "secretary": secretary}


def _urls(w):
    app, cert, ins, item = w["app"], w["cert"], w["inspection"], w["item"]
    it = (ins.code, item.code)
    return {
        # name: (method, url, data, needs "view" or "edit", object-scoped)
        "index": ("get", reverse("matters:index"), None, "view", False),
        "application_list": ("get", reverse("matters:application_list"), None, "view", False),
        "application_export": ("get", reverse("matters:application_export"), None, "view", False),
        "application_create": ("get", reverse("matters:application_create"), None, "edit", False),
        "application_detail": ("get", reverse("matters:application_detail", args=[app.code]), None, "view", True),
        "opinion_record": ("post", reverse("matters:opinion_record", args=[app.code, "secrecy"]), {}, "edit", True),
        "application_action": ("post", reverse("matters:application_action", args=[app.code, "withdraw"]),
                               {"reason": "x"}, "edit", True),
        "application_lend": ("post", reverse("matters:application_lend", args=[app.code]), {}, "edit", True),
        "application_return": ("post", reverse("matters:application_return", args=[app.code]), {}, "edit", True),
        "certificate_list": ("get", reverse("matters:certificate_list"), None, "view", False),
        "certificate_export": ("get", reverse("matters:certificate_export"), None, "view", False),
        "reconciliation_export": ("get", reverse("matters:reconciliation_export"), None, "view", False),
        "certificate_create": ("get", reverse("matters:certificate_create"), None, "edit", False),
        "certificate_detail": ("get", reverse("matters:certificate_detail", args=[cert.code]), None, "view", True),
        "certificate_action": ("post", reverse("matters:certificate_action", args=[cert.code, "cancel"]), {},
                               "edit", True),
        "registration_list": ("get", reverse("matters:registration_list"), None, "view", False),
        "registration_export": ("get", reverse("matters:registration_export"), None, "view", False),
        "registration_create": ("get", reverse("matters:registration_create"), None, "edit", False),
        "registration_remove": ("get", reverse("matters:registration_remove", args=[w["registration"].code]), None,
                                "edit", True),
        "investigation_list": ("get", reverse("matters:investigation_list"), None, "view", False),
        "investigation_create": ("get", reverse("matters:investigation_create"), None, "edit", False),
        "investigation_close": ("post", reverse("matters:investigation_close", args=[w["investigation"].code]), {},
                                "edit", True),
        "event_list": ("get", reverse("matters:event_list"), None, "view", False),
        "event_export": ("get", reverse("matters:event_export"), None, "view", False),
        "event_create": ("get", reverse("matters:event_create"), None, "edit", False),
        "event_detail": ("get", reverse("matters:event_detail", args=[w["event"].code]), None, "view", True),
        "inspection_list": ("get", reverse("matters:inspection_list"), None, "view", False),
        "inspection_create": ("get", reverse("matters:inspection_create"), None, "edit", False),
        "inspection_detail": ("get", reverse("matters:inspection_detail", args=[ins.code]), None, "view", True),
        "item_create": ("get", reverse("matters:item_create", args=[ins.code]), None, "edit", True),
        "review_create": ("post", reverse("matters:review_create", args=[ins.code]), {}, "edit", True),
        "accountability_create": ("post", reverse("matters:accountability_create", args=[ins.code]), {}, "edit",
                                  True),
        "inspection_close": ("post", reverse("matters:inspection_close", args=[ins.code]), {}, "edit", True),
        "item_list": ("get", reverse("matters:item_list"), None, "view", False),
        "item_export": ("get", reverse("matters:item_export"), None, "view", False),
        "item_detail": ("get", reverse("matters:item_detail", args=it), None, "view", True),
        "item_progress": ("post", reverse("matters:item_progress", args=it), {}, "edit", True),
        "item_deadline": ("post", reverse("matters:item_deadline", args=it), {}, "edit", True),
        "item_void": ("post", reverse("matters:item_void", args=it), {}, "edit", True),
        "evidence_upload": ("post", reverse("matters:evidence_upload", args=it), {}, "edit", True),
        "evidence_download": ("get", reverse("matters:evidence_download", args=[*it, w["evidence"].code]), None,
                              "view", True),
        "evidence_void": ("post", reverse("matters:evidence_void", args=[*it, w["evidence"].code]), {}, "edit",
                          True),
    }


URL_NAMES = [
    "index", "application_list", "application_export", "application_create", "application_detail", "opinion_record",
    "application_action", "application_lend", "application_return", "certificate_list", "certificate_export",
    "reconciliation_export", "certificate_create", "certificate_detail", "certificate_action", "registration_list",
    "registration_export", "registration_create", "registration_remove", "investigation_list",
    "investigation_create", "investigation_close", "event_list", "event_export", "event_create", "event_detail",
    "inspection_list", "inspection_create", "inspection_detail", "item_create", "review_create",
    "accountability_create", "inspection_close", "item_list", "item_export", "item_detail", "item_progress",
    "item_deadline", "item_void", "evidence_upload", "evidence_download", "evidence_void"]


# The lists' former synchronous exports: a bookmark is sent back to the list (the export is now asked for with a POST
# to core:export_request; tests/core/test_exports_kinds.py).
MOVED = {"application_export", "certificate_export", "registration_export", "event_export", "item_export"}


def _ok(name):
    return 302 if name in MOVED else 200


def _call(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data or {})


def test_url_table_is_complete(world):
    assert sorted(_urls(world)) == sorted(URL_NAMES)


@pytest.mark.parametrize("name", URL_NAMES)
def test_staff_may_use_every_url(world, client_for, staff, name):
    method, url, data, _need, _scoped = _urls(world)[name]
    response = _call(client_for(staff), method, url, data)
    assert response.status_code in (200, 302), response.status_code


@pytest.mark.parametrize("name", URL_NAMES)
def test_leader_reads_but_does_not_edit(world, client_for, leader, name):
    method, url, data, need, _scoped = _urls(world)[name]
    response = _call(client_for(leader), method, url, data)
    assert response.status_code == (403 if need == "edit" else _ok(name))


@pytest.mark.parametrize("persona", ["liaison_a", "system_admin", "security_admin", "security_auditor", "outsider"])
@pytest.mark.parametrize("name", URL_NAMES)
def test_no_case_access_for_non_office_roles(request, world, client_for, persona, name):
    method, url, data, _need, _scoped = _urls(world)[name]
    response = _call(client_for(request.getfixturevalue(persona)), method, url, data)
    assert response.status_code == 403


@pytest.mark.parametrize("name", URL_NAMES)
def test_other_county_staff_gets_not_found_for_objects(world, client_for, other_county_staff, name):
    method, url, data, _need, scoped = _urls(world)[name]
    response = _call(client_for(other_county_staff), method, url, data)
    if scoped:
        assert response.status_code == 404
    else:
        assert response.status_code == _ok(name)


def test_other_county_lists_show_nothing(world, client_for, other_county_staff):
    client = client_for(other_county_staff)
    assert "陈志刚" not in client.get(reverse("matters:application_list")).content.decode()
    assert "陈志刚" not in client.get(reverse("matters:certificate_list")).content.decode()


@pytest.mark.parametrize("name", ["application_detail", "certificate_detail", "event_detail", "inspection_detail"])
def test_unknown_codes_are_not_found(world, client_for, staff, name):
    assert client_for(staff).get(reverse(f"matters:{name}", args=[uuid.uuid4()])).status_code == 404


def test_unknown_item_under_a_known_inspection_is_not_found(world, client_for, staff):
    url = reverse("matters:item_detail", args=[world["inspection"].code, uuid.uuid4()])
    assert client_for(staff).get(url).status_code == 404


# --- the staff flow ------------------------------------------------------------------------------------------


def test_staff_records_an_application_through_approval_lends_and_records_the_return(county, staff, client_for):
    person = CadreFactory(unit=county, name="林海涛")
    cert = factories.certificate(person, staff)
    client = client_for(staff)
    response = client.post(reverse("matters:application_create"), {
        "cadre": person.pk, "destination": "新加坡", "departs_on": "2026-04-01", "returns_on": "2026-04-08",
        "purpose": "旅游（年休假）", "funding": "self", "applied_on": "2026-03-02", "certificate": cert.pk})
    app = TravelApplication.objects.get(cadre=person)
    assert response.status_code == 302 and response.url == app.get_absolute_url()
    for department in ["discipline", "organization", "secrecy", "public_security"]:
        response = client.post(reverse("matters:opinion_record", args=[app.code, department]), {
            f"{department}-replied_on": "2026-03-05", f"{department}-result": "agree", f"{department}-note": ""})
        assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED
    client.post(reverse("matters:application_action", args=[app.code, "approve"]),
                {"decided_on": "2026-03-10", "decision_ref": "青组干审〔2026〕9号"})
    client.post(reverse("matters:application_lend", args=[app.code]), {"lent_on": "2026-03-30",
                                                                       "certificate": cert.pk})
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.LENT
    page = client.get(app.get_absolute_url()).content.decode()
    assert "2026-04-15" in page and "证照交回" in page
    client.post(reverse("matters:application_return", args=[app.code]),
                {"returned_on": "2026-04-10", "report": "按批准行程往返，无其他情况"})
    app.refresh_from_db()
    cert.refresh_from_db()
    assert (app.status, cert.status) == (ApplicationStatus.COMPLETED, CertificateStatus.IN_CUSTODY)


def test_the_form_shows_why_an_application_is_blocked(county, staff, client_for):
    person = CadreFactory(unit=county)
    services.record_investigation(person, kind="review", started_on=D(2026, 2, 1), actor=staff)
    response = client_for(staff).post(reverse("matters:application_create"), {
        "cadre": person.pk, "destination": "日本", "departs_on": "2026-04-01", "returns_on": "2026-04-08",
        "purpose": "探亲", "funding": "self", "applied_on": "2026-03-02"})
    assert response.status_code == 200
    assert "正在接受县纪委监委立案审查（2026-02-01立案）" in response.content.decode()
    assert not TravelApplication.objects.exists()


def test_staff_holds_the_secretary_accountable(world, staff, client_for):
    situation = AccountabilitySituation.objects.filter(active=True).first()
    response = client_for(staff).post(reverse("matters:accountability_create", args=[world["inspection"].code]), {
        "situations": [situation.pk], "measure_kind": "reminder_talk", "decided_on": "2026-05-10",
        "reason": "整改推进迟缓"})
    assert response.status_code == 302
    assert SupervisionMeasure.objects.get(cadre=world["secretary"]).source_channel == "inspection"


# --- exports and logging -------------------------------------------------------------------------------------


def _sheet(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                    else response.content)).worksheets


def test_exports_are_logged_and_formula_safe(county, staff, client_for, settings, tmp_path,
                                            django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    person = CadreFactory(unit=county, name="=HYPERLINK(\"x\")")
    factories.travelling(person, staff, destination="+日本")
    _job, header, rows = export_list(client_for(staff), "matters-applications", django_capture_on_commit_callbacks)
    assert header[0] == "申请编号"
    assert rows[0][1] == "'=HYPERLINK(\"x\")" and rows[0][4] == "'+日本"
    assert rows[0][5] == datetime.datetime(2026, 4, 1)
    assert AuditEvent.objects.filter(name="matters.application.exported", actor=staff).exists()


def test_registration_list_masks_id_numbers_unless_allowed(world, staff, section_head, client_for, settings, tmp_path,
                                                           django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    person = world["person"]
    kind = "matters-registrations"
    _job, header, rows = export_list(client_for(staff), kind, django_capture_on_commit_callbacks)
    assert header[4] == "身份证号" and rows[0][4] == person.masked_id_number != person.id_number
    _job, _header, rows = export_list(client_for(section_head), kind, django_capture_on_commit_callbacks)
    assert rows[0][4] == person.id_number
    assert AuditEvent.objects.filter(name="matters.registration.exported").count() == 2


def test_reconciliation_lists_every_certificate_with_its_state(world, staff, client_for):
    response = client_for(staff).get(reverse("matters:reconciliation_export"))
    sheets = _sheet(response)
    rows = list(sheets[0].iter_rows(values_only=True))
    assert rows[1][5] == "证件号码" and rows[2][5] == world["cert"].number and rows[2][-1] == "借出逾期未还"
    summary = {row[0]: row[1] for row in sheets[1].iter_rows(values_only=True) if len(row) > 1}
    assert summary["借出逾期未还"] == 1 and summary["合计"] == 1
    assert AuditEvent.objects.filter(name="matters.certificate.reconciliation_exported").exists()


def test_viewing_a_certificate_is_logged(world, staff, client_for):
    client_for(staff).get(reverse("matters:certificate_detail", args=[world["cert"].code]))
    event = AuditEvent.objects.get(name="matters.certificate.viewed")
    assert world["cert"].number not in event.summary


# --- query counts --------------------------------------------------------------------------------------------


# Each list: session and user, the user's roles, the filter's unit choices are lazy (not rendered as queries per
# row), the page count and page rows, one prefetch (opinions / open loans) where the list shows them, the rules row.
LISTS = ["application_list", "certificate_list", "registration_list", "event_list", "inspection_list", "item_list"]


def _add_rows(county, staff, n):
    for _ in range(n):
        person = CadreFactory(unit=county)
        factories.travelling(person, staff)
        services.register_cadre(person, D(2025, 1, 2), actor=staff)
        services.report_personal_event(person, kind="wedding", party="儿子", event_date=D(2026, 5, 10), venue="宾馆",
                                       tables=1, guests=10, accepts_gifts=False, reported_on=D(2026, 5, 1),
                                       actor=staff)
        inspection = services.create_inspection(county, kind="inspection", round_name="巡察", team="组",
                                                feedback_on=D(2026, 3, 2), feedback="x", actor=staff)
        services.add_item(inspection, problem="p", rectification_required="r", owner_cadre=person, actor=staff)


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_do_not_grow_with_rows(county, staff, client_for, django_assert_num_queries, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff)
    url = reverse(f"matters:{name}")
    _add_rows(county, staff, 1)
    client.get(url)  # warm caches (content types, the rules row)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    _add_rows(county, staff, 4)
    with django_assert_num_queries(len(one_row.captured_queries)):
        assert client.get(url).status_code == 200
