import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres import personal_matters as pm
from cadres import services
from cadres.models import Cadre, MeasureKind, RandomDraw, SupervisionMeasure
from core.audit import AuditEvent
from tests.cadres.test_import import row, xlsx
from tests.factories import CadreFactory
from tests.support.exports import export_list

D = datetime.date


@pytest.fixture
def cadre(unit_a, staff):
    return CadreFactory(unit=unit_a, actor=staff, name="陈志远", post_since=D(2012, 1, 1))


def url(name, *args):
    return reverse(f"cadres:{name}", args=args)


# --- list, search, export ---------------------------------------------------------------------------------------

def test_staff_finds_a_cadre_by_part_of_the_name(client_for, staff, cadre, unit_b):
    CadreFactory(unit=unit_b, actor=staff, name="李四")
    response = client_for(staff).get(url("index"), {"q": "志远"})
    assert response.status_code == 200, response.get("Location")
    assert [c.name for c, _ in response.context["rows"]] == ["陈志远"]


@pytest.mark.parametrize("q, found", [
    ("陈志", ["陈志远"]), ("志远", ["陈志远"]), ("李四", ["李四"]), ("志", ["陈志远", "志强"]), ("远志", []),
    ("陈志远", ["陈志远"]), ("ab", ["王AB"]),  # two characters through the bigram index, case-insensitive
])
def test_search_by_one_two_or_three_characters(client_for, staff, cadre, unit_b, q, found):
    CadreFactory(unit=unit_b, actor=staff, name="李四")
    CadreFactory(unit=unit_b, actor=staff, name="志强")
    CadreFactory(unit=unit_b, actor=staff, name="王AB")
    rows = client_for(staff).get(url("index"), {"q": q}).context["rows"]
    assert sorted(c.name for c, _ in rows) == sorted(found)


def test_search_by_full_id_number_and_by_unit_with_sub_units(client_for, staff, cadre, county, unit_b):
    CadreFactory(unit=unit_b, actor=staff, name="李四")
    client = client_for(staff)
    rows = client.get(url("index"), {"q": cadre.id_number}).context["rows"]
    assert [c for c, _ in rows] == [cadre]
    rows = client.get(url("index"), {"unit": county.pk}).context["rows"]
    assert {c.name for c, _ in rows} == {"陈志远", "李四"}
    rows = client.get(url("index"), {"unit": unit_b.pk, "sort": "-name"}).context["rows"]
    assert [c.name for c, _ in rows] == ["李四"]


def test_filter_by_warning_shows_the_warned_cadre_only(client_for, staff, cadre, unit_b):
    CadreFactory(unit=unit_b, actor=staff, name="李四")
    rows = client_for(staff).get(url("index"), {"warning": "long_tenure"}).context["rows"]
    assert [(c.name, [w.code for w in ws]) for c, ws in rows] == [("陈志远", ["long_tenure"])]


def test_the_list_masks_the_id_number(client_for, staff, cadre):
    body = client_for(staff).get(url("index")).content.decode()
    assert cadre.masked_id_number in body and cadre.id_number not in body


OWN_RULES = ["impact_period", "concealment", "omission", "unfit_votes", "frequent_reports", "long_tenure",
             "non_leading_age"]
# session, user (its roles, unit and jurisdiction come from the cache: core.user_facts), count, page; warnings:
# today's snapshot and its rows for the page; the bell count; the unit <select> of the filter form.
LIST_QUERIES = 8


def _fill(staff, units, n, start=0):
    for i in range(start, start + n):
        cadre = CadreFactory(unit=units[i % 2], actor=staff, post_since=D(2010, 1, 1))
        services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2026, 10, 1), "诫勉", actor=staff)
        services.record_assessment(cadre, actor=staff, year=2025, grade="basic", unfit_vote_share=40)


def _count(client, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("index"), params)
    return len(queries.captured_queries), len(response.context["rows"])


def test_list_query_count_is_pinned_and_does_not_grow_with_rows(client_for, staff, unit_a, unit_b, monkeypatch,
                                                                django_assert_num_queries,
                                                                django_capture_on_commit_callbacks):
    from cadres import registry

    own = {code: rule for code, rule in registry.warning_rules().items() if code in OWN_RULES}
    monkeypatch.setattr(registry, "_warning_rules", own)
    monkeypatch.setattr(registry, "_report_counters", [])
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        _fill(staff, [unit_a, unit_b], 3)
    client.get(url("index"))  # warm up: content types, session refresh, today's warning snapshot
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(url("index")).context["rows"]) == 3
    with django_capture_on_commit_callbacks(execute=True):  # the new cadres' warnings enter today's snapshot
        _fill(staff, [unit_a, unit_b], 40, start=3)
    with django_assert_num_queries(LIST_QUERIES):
        rows = client.get(url("index")).context["rows"]
    assert len(rows) == 30  # a full page
    assert all("impact_period" in [tag.code for tag in tags] for _, tags in rows)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(url("index"), {"page": 2}).context["rows"]) == 13


def test_list_query_count_with_every_apps_rules_does_not_grow_with_rows(client_for, staff, unit_a, unit_b):
    client = client_for(staff)
    _fill(staff, [unit_a, unit_b], 2)
    client.get(url("index"))
    few, rows = _count(client)
    assert rows == 2
    _fill(staff, [unit_a, unit_b], 20, start=2)
    assert _count(client) == (few, 22)
    assert _count(client, warning="any")[0] <= few * 2  # the warning filter evaluates the rules once more


def test_export_uses_the_current_filter_masks_ids_and_is_logged(client_for, staff, cadre, unit_b, settings, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    CadreFactory(unit=unit_b, actor=staff, name="李四")
    job, header, rows = export_list(client_for(staff), "cadres", django_capture_on_commit_callbacks, query="q=志远")
    assert header[0] == "姓名" and [r[0] for r in rows] == ["陈志远"] and job.rows == 1
    assert rows[0][4] == cadre.masked_id_number
    assert "同一职位" in rows[0][15]
    event = AuditEvent.objects.get(name="cadres.cadre.exported")
    assert event.action == "export" and event.changes == {"query": "q=志远"}
    assert AuditEvent.objects.filter(name="cadres.cadre.export_downloaded", actor=staff).exists()


def test_section_head_export_has_full_ids(client_for, section_head, cadre, settings, tmp_path,
                                          django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    _job, _header, rows = export_list(client_for(section_head), "cadres", django_capture_on_commit_callbacks)
    assert rows[0][4] == cadre.id_number


def test_the_old_export_address_goes_back_to_the_list(client_for, staff):
    response = client_for(staff).get(url("export"), {"q": "志远"})
    assert response.status_code == 302 and response["Location"] == url("index") + "?q=%E5%BF%97%E8%BF%9C"


@pytest.mark.parametrize("persona", ["liaison_a", "system_admin", "security_auditor", "outsider"])
def test_non_office_users_get_403_on_the_list(client_for, request, persona, cadre):
    assert client_for(request.getfixturevalue(persona)).get(url("index")).status_code == 403


def test_other_county_sees_none_of_these_cadres(client_for, other_county_staff, cadre):
    assert client_for(other_county_staff).get(url("index")).context["page"].paginator.count == 0


# --- profile and the full ID number -----------------------------------------------------------------------------

def test_profile_shows_everything_and_is_logged(client_for, staff, cadre):
    services.record_measure(cadre, MeasureKind.ADMONISHMENT, D(2026, 9, 1), "接受宴请", actor=staff)
    response = client_for(staff).get(cadre.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "处于影响期：2026-09-01受到诫勉，期内不得提拔，影响期至2027-02-28" in body
    assert "接受宴请" in body and "同一职位任职时间较长" in body
    assert cadre.id_number not in body and "显示完整" not in body
    assert AuditEvent.objects.filter(name="cadres.cadre.profile_viewed", target_id=str(cadre.code)).exists()


def test_profile_lists_the_changes_to_the_cadre_and_its_measures(client_for, staff, cadre):
    services.update_cadre(cadre, actor=staff, version=cadre.version, native_place="浙江杭州")
    services.record_measure(cadre, MeasureKind.REMINDER_TALK, D(2026, 10, 1), "提醒谈话事由", actor=staff)
    html = client_for(staff).get(url("profile", cadre.code)).content.decode()
    history = html[html.index("变更记录"):]
    assert "籍贯" in history and "浙江杭州" in history
    assert "提醒谈话" in history


def test_profile_denied_and_not_found(client_for, liaison_a, other_county_staff, cadre):
    assert client_for(liaison_a).get(cadre.get_absolute_url()).status_code == 403
    assert client_for(other_county_staff).get(cadre.get_absolute_url()).status_code == 404


def test_full_id_number_needs_the_permission_and_every_view_is_logged(client_for, staff, section_head, cadre):
    assert client_for(staff).post(url("id_number", cadre.code)).status_code == 403
    client = client_for(section_head)
    assert "显示完整" in client.get(cadre.get_absolute_url()).content.decode()
    response = client.post(url("id_number", cadre.code), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and cadre.id_number in response.content.decode()
    client.post(url("id_number", cadre.code))
    assert AuditEvent.objects.filter(name="cadres.cadre.id_number_viewed").count() == 2


def test_full_id_number_not_found_out_of_scope(client_for, other_county_staff, cadre):
    assert client_for(other_county_staff).post(url("id_number", cadre.code)).status_code == 404


# --- forms on the profile ---------------------------------------------------------------------------------------

def test_staff_adds_an_inquiry_and_sees_its_reply_deadline(client_for, staff, cadre):
    client = client_for(staff)
    response = client.post(url("measure_create", cadre.code), {
        "kind": "inquiry", "date": "2026-10-30", "reason": "反映其配偶经商", "source_channel": "petition",
        "delivered_on": "2026-11-02"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "答复期限为2026年11月23日" in body
    assert '<b class="days-red" data-testid="reply-due">2026年11月23日</b>' in body or \
        '<b class="days-normal" data-testid="reply-due">2026年11月23日</b>' in body
    measure = cadre.measures.get()
    assert (measure.reply_due, measure.reply_due_provisional) == (D(2026, 11, 23), False)


def test_delivery_date_only_for_inquiries(client_for, staff, cadre):
    response = client_for(staff).post(url("measure_create", cadre.code), {
        "kind": "admonishment", "date": "2026-10-30", "reason": "x", "source_channel": "other",
        "delivered_on": "2026-11-02"})
    assert "只有函询需要填写送达日期" in response.content.decode()
    assert not cadre.measures.exists()


def _inquiry(cadre, staff):
    return services.record_measure(cadre, MeasureKind.INQUIRY, D(2026, 11, 2), "函询", actor=staff,
                                   delivered_on=D(2026, 11, 2))


FORMS = {
    "measure_create": ({"kind": "reminder_talk", "date": "2026-11-01", "reason": "提醒", "source_channel": "other"},
                       lambda c: c.measures.filter(kind="reminder_talk").exists()),
    "assessment_create": ({"year": "2025", "grade": "competent", "unfit_vote_share": "3.5"},
                          lambda c: c.assessments.filter(year=2025).exists()),
    "duty_report_create": ({"year": "2025", "reported_on": "2026-01-15", "rating": "good", "summary": "好"},
                           lambda c: c.duty_reports.filter(year=2025).exists()),
    "report_create": ({"year": "2026", "kind": "annual", "submitted_on": "2026-01-20"},
                      lambda c: c.personal_matters_reports.filter(year=2026).exists()),
    "verification_create": ({"year": "2026", "reason": "拟提拔"},
                            lambda c: c.verifications.filter(method="targeted").exists()),
    "edit": ({"name": "陈志远", "gender": "M", "ethnicity": "汉族", "birth_date": "1980-03-15",
              "management_level": "county", "status": "serving", "education": "研究生", "version": "1"},
             lambda c: Cadre.objects.get(pk=c.pk).education == "研究生"),
}


@pytest.mark.parametrize("name", FORMS)
def test_record_forms_allowed_denied_not_found(client_for, staff, leader, other_county_staff, cadre, name):
    data, saved = FORMS[name]
    if name == "edit":
        data = {**data, "id_number": cadre.id_number}
    assert client_for(staff).get(url(name, cadre.code)).status_code == 200
    assert client_for(leader).post(url(name, cadre.code), data).status_code == 403
    assert client_for(other_county_staff).post(url(name, cadre.code), data).status_code == 404
    assert not saved(cadre)
    response = client_for(staff).post(url(name, cadre.code), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert saved(cadre)


def test_change_of_post_through_the_page(client_for, staff, leader, other_county_staff, cadre, unit_b):
    data = {"unit": unit_b.pk, "post_title": "局长", "rank": "section_chief", "start_date": "2026-03-01",
            "is_principal": "on"}
    assert client_for(leader).post(url("change_post", cadre.code), data).status_code == 403
    assert client_for(other_county_staff).post(url("change_post", cadre.code), data).status_code == 404
    assert client_for(staff).post(url("change_post", cadre.code), data).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.unit, cadre.is_principal, cadre.positions.count()) == (unit_b, True, 2)


def test_new_cadre_page_checks_the_id_number(client_for, staff, leader, unit_a):
    data = {"name": "新人", "gender": "M", "ethnicity": "汉族", "birth_date": "1985-01-01",
            "id_number": "110105198501010010", "unit": unit_a.pk, "post_title": "副局长", "rank": "section_deputy",
            "management_level": "county", "status": "serving", "reports_personal_matters": "on"}
    assert client_for(leader).post(url("create"), data).status_code == 403
    response = client_for(staff).post(url("create"), data)
    assert "校验位错误" in response.content.decode()
    from cadres import idcard

    data["id_number"] = idcard.make(D(1985, 1, 1), "M", sequence=3)
    assert client_for(staff).post(url("create"), data).status_code == 302
    assert Cadre.objects.get(name="新人").positions.count() == 1


@pytest.mark.parametrize("name, data", [
    ("inquiry_reply", {"replied_on": "2026-11-10", "reply": "书面说明"}),
    ("inquiry_delivery", {"delivered_on": "2026-11-03"}),
    ("measure_void", {"reason": "录入错误"}),
])
def test_measure_actions_allowed_denied_not_found(client_for, staff, leader, other_county_staff, cadre, name, data):
    measure = _inquiry(cadre, staff)
    assert client_for(leader).post(url(name, cadre.code, measure.code), data).status_code == 403
    assert client_for(other_county_staff).post(url(name, cadre.code, measure.code), data).status_code == 404
    other = CadreFactory(unit=cadre.unit, actor=staff)
    assert client_for(staff).post(url(name, other.code, measure.code), data).status_code == 404  # via its parent
    assert client_for(staff).post(url(name, cadre.code, measure.code), data).status_code == 302
    measure = SupervisionMeasure.objects.get(pk=measure.pk)
    assert {"inquiry_reply": measure.replied_on, "inquiry_delivery": measure.delivered_on,
            "measure_void": measure.voided_at}[name] is not None


def test_verification_result(client_for, staff, leader, other_county_staff, cadre):
    verification = pm.open_targeted_verification(cadre, actor=staff, year=2026, reason="拟提拔")
    data = {"result": "concealment", "verified_on": "2026-11-01", "handling": "诫勉"}
    target = url("verification_result", cadre.code, verification.code)
    assert client_for(leader).post(target, data).status_code == 403
    assert client_for(other_county_staff).post(target, data).status_code == 404
    assert client_for(staff).post(target, data).status_code == 302
    verification.refresh_from_db()
    assert verification.result == "concealment"


# --- warnings, personal matters, import -------------------------------------------------------------------------

def test_warning_list_shows_the_cadre_with_the_reason(client_for, staff, cadre, unit_b):
    CadreFactory(unit=unit_b, actor=staff, name="李四")
    client = client_for(staff)
    response = client.get(url("warnings"))
    assert [(c.name, [w.code for w in ws]) for c, _, ws in response.context["rows"]] == [("陈志远", ["long_tenure"])]
    assert client.get(url("warnings"), {"q": "李"}).context["rows"] == []
    assert "自2012-01-01任现职已满" in response.content.decode()
    assert client.get(url("warnings"), {"rule": "non_leading_age"}).context["rows"] == []
    assert client.get(url("warnings"), {"unit": unit_b.code}).context["rows"] == []


def test_warning_list_denied_and_scoped(client_for, liaison_a, other_county_staff, cadre):
    assert client_for(liaison_a).get(url("warnings")).status_code == 403
    assert client_for(other_county_staff).get(url("warnings")).context["rows"] == []


def test_random_draw_through_the_pages(client_for, staff, leader, other_county_staff, cadre):
    pm.record_report(cadre, actor=staff, year=2026, submitted_on=D(2026, 1, 20))
    data = {"year": "2026", "percent": "10", "seed": "7"}
    assert client_for(leader).post(url("draw_create"), data).status_code == 403
    response = client_for(staff).post(url("draw_create"), data)
    draw = RandomDraw.objects.get()
    assert response.status_code == 302 and response.url == draw.get_absolute_url()
    detail = client_for(staff).get(draw.get_absolute_url())
    assert detail.context["reproduced"] and "陈志远" in detail.content.decode()
    assert client_for(other_county_staff).get(draw.get_absolute_url()).status_code == 404
    overview = client_for(staff).get(url("personal_matters"), {"year": "2026"})
    assert overview.status_code == 200 and overview.context["reporter_count"] == 1


def test_personal_matters_overview_denied(client_for, liaison_a):
    assert client_for(liaison_a).get(url("personal_matters")).status_code == 403


def _upload(client, buffer, name="名册.xlsx"):
    buffer.name = name
    return client.post(url("import"), {"file": buffer})


def test_import_preview_then_confirm(client_for, staff, unit_a):
    client = client_for(staff)
    response = _upload(client, xlsx(row("甲", D(1980, 1, 1), sequence=1)))
    plan = response.context["plan"]
    assert plan.ok and plan.creates == 1 and Cadre.objects.count() == 0
    assert "将新增 1 人" in response.content.decode()
    response = client.post(url("import_confirm"), {"token": response.context["token"]})
    assert response.status_code == 302 and Cadre.objects.get().name == "甲"
    # the token is spent
    assert client.post(url("import_confirm"), {"token": "x"}).status_code == 302
    assert Cadre.objects.count() == 1


def test_import_page_shows_every_bad_row_and_saves_nothing(client_for, staff, unit_a):
    response = _upload(client_for(staff), xlsx(row("甲", D(1980, 1, 1), unit="无"), row("乙", D(1981, 1, 1),
                                                                                       post_since="2099-01-01")))
    body = response.content.decode()
    assert "发现 2 处错误，未导入任何数据" in body and "不存在" in body and "晚于今天" in body
    assert Cadre.objects.count() == 0
    assert AuditEvent.objects.get(name="cadres.cadre.import_rejected").changes["errors"] == 2


def test_import_refuses_other_file_types(client_for, staff):
    response = _upload(client_for(staff), io.BytesIO(b"a,b"), name="名册.csv")
    assert "请上传 .xlsx" in response.content.decode()


def test_import_denied(client_for, leader, liaison_a):
    assert client_for(leader).get(url("import")).status_code == 403
    assert client_for(liaison_a).get(url("import_template")).status_code == 403


def test_template_download(client_for, staff):
    response = client_for(staff).get(url("import_template"))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"].value == "姓名"


def test_system_admin_edits_impact_periods_in_the_admin(client_for, system_admin):
    client = client_for(system_admin)
    assert client.get("/admin/cadres/impactperiod/").status_code == 200
    assert client.get("/admin/cadres/cadresettings/1/change/").status_code == 200
