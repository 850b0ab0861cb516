"""Views: allowed, denied (403) and not found (404) for each, the actions through HTTP, the printable sheet and its
Excel twin, the batch page, and the list's fixed query count."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadres.registry import register_warning_rule
from core.models import AuditEvent
from tests.factories import CadreFactory
from tests.support.folds import fold
from tests.vetting.conftest import fresh
from tests.vetting.factories import BatchFactory
from vetting.models import CaseStatus, VettingCase

D = datetime.date
S = CaseStatus
NOT_OFFICE = ["liaison_a", "system_admin", "security_admin", "security_auditor", "outsider"]


def url(name, case=None, action=None):
    args = [case.number] if case is not None else []
    return reverse(f"vetting:{name}", args=args + ([action] if action else []))


# --- permission matrix ------------------------------------------------------------------------------------------

@pytest.fixture
def pages(case, county):
    batch = BatchFactory(unit=county)
    VettingCase.objects.filter(pk=case.pk).update(batch=batch)
    return {
        "index": url("index"), "batch_list": url("batch_list"), "batch": reverse("vetting:batch", args=[batch.code]),
        "case": url("case", case), "sheet": url("sheet", case), "sheet_xlsx": url("sheet_xlsx", case),
        "case_create": url("case_create"), "batch_create": url("batch_create"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["staff", "section_head", "leader", "other_county_staff", *NOT_OFFICE])
def test_permission_matrix(request, client_for, pages, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for name, address in pages.items():
        status = client.get(address).status_code
        if persona in NOT_OFFICE:
            expected = 403
        elif persona == "leader" and name in ("case_create", "batch_create"):
            expected = 403  # leaders review and decide; they do not enter cases
        elif persona == "other_county_staff" and name in ("batch", "case", "sheet", "sheet_xlsx"):
            expected = 404  # outside their jurisdiction: as if it did not exist
        else:
            expected = 200
        assert status == expected, (persona, name, status)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, pages):
    for address in pages.values():
        response = client.get(address)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_unknown_case_number_is_404(client_for, staff):
    client = client_for(staff)
    assert client.get("/vetting/RQ-2026-9999/").status_code == 404
    assert client.get("/vetting/1/").status_code == 404  # no sequential ids


@pytest.mark.django_db
def test_a_user_never_sees_the_case_about_himself(client_for, staff, town, section_head):
    from vetting.services import lifecycle

    own = CadreFactory(unit=town, user=staff)
    case = lifecycle.open_case(cadre=own, proposed_unit=town, proposed_title="镇长", proposed_rank="section_chief",
                               move_kind="promotion", handler=section_head, actor=section_head)
    assert client_for(staff).get(url("case", case)).status_code == 404


# --- the case page and its actions -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_case_page_shows_checklist_and_record(client_for, staff, case):
    response = client_for(staff).get(url("case", case))
    body = response.content.decode()
    for label in ("民主推荐", "档案审核", "个人有关事项报告查核", "纪检监察机关意见", "信访举报核查", "征求意见",
                  "三考（任前考试）", "任前公示", "任前廉政谈话", "任职", "试用期", "全程纪实", "启动任前把关"):
        assert label in body
    assert "进行中" in body and "未开始" in body
    assert AuditEvent.objects.filter(name="vetting.case.viewed", target_id=case.number).exists()


@pytest.mark.django_db
def test_case_page_leads_with_the_current_step_and_folds_the_finished_ones(client_for, staff, case, drive):
    drive.talk(case)
    page = client_for(staff).get(url("case", case)).content.decode()
    for step in ("talk", "appointment"):  # 任前廉政谈话 and 任职: in progress, unfolded, marked
        assert fold(page, f"step-{step}") == {"open": True, "current": True}, step
    for step in ("recommendation", "archive", "personal_matters", "discipline", "petition", "opinions", "exam",
                 "publicity", "probation"):
        assert fold(page, f"step-{step}") == {"open": False, "current": False}, step
    assert fold(page, "status") == {"open": False, "current": False}  # 暂缓 / 终止: at hand, folded
    assert fold(page, "checklist")["open"] is False
    # a folded step's summary line: its result and date; the outline links into it (following one unfolds it)
    summary = '<span class="fold-result">得票率80.00%（48/60，2026-09-02）</span><span class="fold-date">2026-09-02'
    assert summary in page
    assert '<a href="#step-recommendation-body">民主推荐</a>' in page
    assert '<a class="current" href="#step-talk-body">任前廉政谈话</a>' in page


@pytest.mark.django_db
def test_the_step_holding_the_move_on_stays_unfolded_and_so_does_a_refused_form(client_for, staff, case, drive):
    drive.inspection(case)
    drive.checks(case)  # every check done: 开始任前公示 sits in the finished 三考
    client = client_for(staff)
    page = client.get(url("case", case)).content.decode()
    assert fold(page, "step-exam") == {"open": True, "current": True}
    assert fold(page, "step-archive")["open"] is False
    response = client.post(url("action", case, action="archive"), {"archive-reviewed_on": ""})
    assert response.status_code == 400
    assert fold(response.content.decode(), "step-archive") == {"open": True, "current": True}


@pytest.mark.django_db
def test_a_suspended_case_leads_with_resuming(client_for, staff, case, drive):
    from vetting.services import lifecycle

    drive.inspection(case)
    lifecycle.suspend(case, "等待纪委监委核查结果", actor=staff)
    page = client_for(staff).get(url("case", case)).content.decode()
    assert fold(page, "status") == {"open": True, "current": True}
    assert fold(page, "step-archive") == {"open": False, "current": False}


@pytest.mark.django_db
def test_recording_a_step_through_the_page(client_for, staff, case):
    response = client_for(staff).post(url("action", case, action="recommendation"), {
        "recommendation-held_on": "2026-09-02", "recommendation-votes_cast": "50",
        "recommendation-votes_for": "20"})
    assert response.status_code == 302 and response["Location"].endswith("#step-recommendation")
    assert fresh(case).recommendation.below_threshold
    page = client_for(staff).get(url("case", case)).content.decode()
    assert "低于50.00%" in page


@pytest.mark.django_db
def test_invalid_form_is_shown_again(client_for, staff, case):
    response = client_for(staff).post(url("action", case, action="recommendation"), {
        "recommendation-held_on": "2026-09-02", "recommendation-votes_cast": "50",
        "recommendation-votes_for": "60"})
    assert response.status_code == 400
    assert "得票数不能大于有效票数" in response.content.decode()


@pytest.mark.django_db
def test_refused_operation_is_explained(client_for, staff, case):
    response = client_for(staff).post(url("action", case, action="start_inspection"), follow=True)
    assert "尚未录入民主推荐结果" in response.content.decode()
    assert fresh(case).status == S.RECOMMENDATION


@pytest.mark.django_db
def test_actions_denied_and_not_found(client_for, case, leader, liaison_a, other_county_staff, staff):
    data = {"recommendation-held_on": "2026-09-02", "recommendation-votes_cast": "50",
            "recommendation-votes_for": "40"}
    assert client_for(leader).post(url("action", case, action="recommendation"), data).status_code == 403
    assert client_for(liaison_a).post(url("action", case, action="recommendation"), data).status_code == 403
    assert client_for(other_county_staff).post(url("action", case, action="recommendation"),
                                               data).status_code == 404
    assert client_for(staff).post(url("action", case, action="no_such_step"), data).status_code == 404
    assert client_for(staff).get(url("action", case, action="recommendation")).status_code == 405
    assert AuditEvent.objects.filter(name="core.access.denied").count() == 2


@pytest.mark.django_db
def test_leader_overrides_blocking_item_through_the_page(cadre, client_for, case, drive, leader, staff):
    @register_warning_rule("fake_concealment", "个人有关事项瞒报", blocking=True)
    def rule(cadres, on_date):
        return {c.pk: ["2025年度查核发现瞒报房产"] for c in cadres}

    drive.talk(case)
    drive.record_talk(case)
    page = client_for(staff).get(url("case", case)).content.decode()
    assert "个人有关事项瞒报" in page and "须由部领导书面批准" in page
    assert client_for(staff).post(url("action", case, action="override_block"),
                                  {"override_block-reason": "同意"}).status_code == 403
    response = client_for(leader).post(url("action", case, action="override_block"),
                                       {"override_block-reason": "经部务会研究，所瞒报房产系继承取得且已补报"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(name="vetting.crosscheck.overridden", actor=leader).exists()
    client_for(leader).post(url("action", case, action="appoint"), {"appoint-appointed_on": "2026-10-15"})
    assert fresh(case).status == S.PROBATION


@pytest.mark.django_db
def test_talk_with_pledge_upload_and_download(client_for, staff, case, drive, other_county_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    drive.talk(case)
    client = client_for(staff)
    assert client.get(url("pledge", case)).status_code == 404
    bad = SimpleUploadedFile("承诺书.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url("action", case, action="talk"), {
        "talk-talk_date": "2026-10-13", "talk-bodies": ["organization"], "talk-talkers": "王建国",
        "talk-key_points": "要点", "talk-pledge": bad})
    assert response.status_code == 400 and "仅接受" in response.content.decode()
    good = SimpleUploadedFile("承诺书.pdf", b"%PDF-1.4 pledge", content_type="application/pdf")
    response = client.post(url("action", case, action="talk"), {
        "talk-talk_date": "2026-10-13", "talk-bodies": ["organization", "discipline"], "talk-talkers": "王建国",
        "talk-key_points": "要点", "talk-pledge": good})
    assert response.status_code == 302
    download = client.get(url("pledge", case))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 pledge"
    assert client_for(other_county_staff).get(url("pledge", case)).status_code == 404


# --- 任前审查意见表 -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_printable_sheet_shows_every_step(client_for, staff, case, drive):
    drive.appointed(case)
    response = client_for(staff).get(url("sheet", case))
    body = response.content.decode()
    assert response.status_code == 200
    assert "css/vetting-print.css" in body and "<script>" not in body
    for text in ("任前审查意见表", case.number, case.cadre.name, "镇长", "得票率80.00%", "审核无问题",
                 "查核结果：一致", "未发现问题", "无信访举报", "公安：2026-09-07回复：无违法犯罪记录", "首考通过",
                 "2026-09-28至2026-10-10", "无异议", "王建国（县委组织部副部长）", "已签廉政承诺", "2026-10-15任",
                 "试用期至2027-10-15", "立案时", "公示前", "经办人"):
        assert text in body, text
    assert body.count('data-step="') == 11
    assert AuditEvent.objects.filter(name="vetting.sheet.printed", target_id=case.number).exists()


@pytest.mark.django_db
def test_sheet_excel_download(client_for, staff, case, drive):
    drive.appointed(case)
    response = client_for(staff).get(url("sheet_xlsx", case))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    for label in ("姓名", "拟任职务", "民主推荐", "档案审核", "个人有关事项报告查核", "纪检监察机关意见",
                  "信访举报核查", "征求意见", "三考（任前考试）", "任前公示", "任前廉政谈话", "任职", "试用期",
                  "预警核对", "经办人"):
        assert label in labels
    assert AuditEvent.objects.filter(name="vetting.sheet.exported", target_id=case.number).exists()


@pytest.mark.django_db
def test_sheet_excel_is_formula_safe(client_for, staff, case, drive):
    from vetting.services import inspecting

    drive.inspection(case)
    inspecting.record_personal_matters(case, checked_on=D(2026, 9, 4), result="consistent",
                                       notes="=HYPERLINK(\"http://x\")", actor=staff)
    content = client_for(staff).get(url("sheet_xlsx", case)).content
    values = [c for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in row if c]
    assert not any(str(v).startswith("=") for v in values)


# --- batches ----------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_batch_page_shows_readiness(client_for, staff, county, open_case, drive, cadre):
    batch = BatchFactory(unit=county)
    ready = open_case(batch=batch)
    drive.inspection(ready)
    drive.checks(ready)
    waiting = open_case(batch=batch, candidate=CadreFactory(unit=cadre.unit))
    body = client_for(staff).get(reverse("vetting:batch", args=[batch.code])).content.decode()
    assert "共2名，已具备上会条件1名" in body
    assert "尚在民主推荐环节" in body and waiting.number in body and ready.number in body


@pytest.mark.django_db
def test_batch_create(client_for, staff, county):
    response = client_for(staff).post(url("batch_create"), {
        "unit": county.pk, "kind": "standing_committee", "title": "县委常委会2026年第20次会议",
        "meeting_date": "2026-12-01"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(name="vetting.batch.created").exists()


@pytest.mark.django_db
def test_case_create_through_the_page(client_for, staff, cadre, town):
    response = client_for(staff).post(url("case_create"), {
        "cadre": cadre.pk, "proposed_unit": town.pk, "proposed_title": "镇长", "proposed_rank": "section_chief",
        "move_kind": "promotion", "handler": staff.pk})
    case = VettingCase.objects.get()
    assert response.status_code == 302 and response["Location"] == url("case", case)
    assert case.number.startswith("RQ-") and case.probation_required and case.crosschecks.count() == 1


# --- the list ---------------------------------------------------------------------------------------------------

def _make_cases(n, open_case, town, county):
    batch = BatchFactory(unit=county)
    for _ in range(n):
        open_case(candidate=CadreFactory(unit=town), batch=batch)


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(client_for, staff, open_case, town, county):
    client = client_for(staff)
    _make_cases(3, open_case, town, county)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("index")).status_code == 200
    _make_cases(12, open_case, town, county)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("index")).status_code == 200
    # session, user (roles, unit and jurisdiction from the cache: core.user_facts), unread count, the count, the page
    # of cases (with the blocking and post-at-opening subqueries), the batch and unit choices of the filter
    assert len(few) == len(many) == 7


@pytest.mark.django_db
def test_list_filters(client_for, staff, open_case, town, county, cadre):
    _make_cases(2, open_case, town, county)
    target = open_case()
    body = client_for(staff).get(url("index"), {"q": cadre.name}).content.decode()
    assert target.number in body and body.count('href="/vetting/RQ-2026-') == 1
