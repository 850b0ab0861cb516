"""The .lrmx pages: upload with preview and confirm, export, the printable 任免审批表 and its photo."""

import datetime
import re

import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.lrmx import importing, parse
from cadres.models import Cadre, FamilyMember, Rank
from core.audit import AuditEvent
from core.models import Unit
from tests.cadres.lrmx_files import PHOTO, full_fields, lrmx_file, minimal_fields, zipped
from tests.factories import CadreFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(name, *args):
    return reverse(f"cadres:{name}", args=args)


def upload(client, *files, unit=None, rank=Rank.SECTION_DEPUTY):
    data = {"files": [SimpleUploadedFile(name, content) for name, content in files], "rank": rank}
    if unit is not None:
        data["unit"] = unit.pk
    return client.post(url("lrmx_import"), data)


@pytest.fixture
def imported(unit_b, staff):
    """林晓东, imported from a full form (family members, photo, résumé, assessments)."""
    batch = importing.plan(parse.open_upload("林晓东.lrmx", lrmx_file(full_fields())), units=Unit.objects.all(),
                           default_rank=Rank.SECTION_DEPUTY)
    importing.apply(batch, actor=staff)
    return Cadre.objects.get(name="林晓东")


# --- upload, preview, confirm ----------------------------------------------------------------------------------

def test_upload_shows_a_preview_and_saves_nothing_until_confirmed(client_for, staff, unit_a, unit_b):
    client = client_for(staff)
    assert client.get(url("lrmx_import")).status_code == 200
    response = upload(client, ("林晓东.lrmx", lrmx_file(full_fields(DaoLingNianYue="x"))),
                      ("赵敏.lrmx", lrmx_file(minimal_fields())))
    assert response.status_code == 200 and not Cadre.objects.exists()
    batch = response.context["batch"]
    assert batch.ok and batch.creates == 2
    body = response.content.decode()
    assert "可新增 2 人" in body and "（其间：2005.09--2008.07" in body and "DaoLingNianYue" in body
    assert "331100197503120157" not in body  # the ID number is masked in the preview
    response = client.post(url("lrmx_import_confirm"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert set(Cadre.objects.values_list("name", flat=True)) == {"林晓东", "赵敏"}
    assert AuditEvent.objects.filter(name="cadres.cadre.lrmx_imported", action="import").count() == 2
    # the token is spent
    assert client.post(url("lrmx_import_confirm"), {"token": response.wsgi_request.POST["token"]}).status_code == 302
    assert Cadre.objects.count() == 2


def test_the_preview_of_an_existing_cadre_lists_each_change_old_and_new(client_for, staff, imported):
    fields = full_fields(JiGuan="浙江温州", NiRenZhiWu="县财政局局长")
    body = upload(client_for(staff), ("改.lrmx", lrmx_file(fields))).content.decode()
    changes = re.findall(r"<tr><td class=\"nowrap\">(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", body)
    assert changes == [("籍贯", "浙江青溪", "浙江温州"), ("拟任职务", "县审计局局长", "县财政局局长")]


def test_a_bad_file_stops_the_batch_unless_only_the_good_ones_are_chosen(client_for, staff, unit_a, unit_b):
    client = client_for(staff)
    response = upload(client, ("好.lrmx", lrmx_file(minimal_fields())),
                      ("坏日期.lrmx", lrmx_file(full_fields(RuDangShiJian="1998.13"))), ("表.xlsx", b"PK\x03\x04junk"))
    body = response.content.decode()
    assert "2个文件有误" in body and "“坏日期.lrmx”" in body and "RuDangShiJian" in body and "“表.xlsx”" in body
    assert "只导入无误的文件（1个）" in body
    assert AuditEvent.objects.get(name="cadres.cadre.lrmx_import_rejected").changes["good"] == 1
    token = response.context["token"]
    response = client.post(url("lrmx_import_confirm"), {"token": token})
    assert "整批未导入" in response.content.decode() and not Cadre.objects.exists()
    response = client.post(url("lrmx_import_confirm"), {"token": token, "only_good": "1"})
    assert response.status_code == 302 and list(Cadre.objects.values_list("name", flat=True)) == ["赵敏"]


def test_a_zip_is_expanded_in_the_preview(client_for, staff, unit_a, unit_b):
    archive = zipped({"林晓东.lrmx": lrmx_file(full_fields()), "赵敏.lrmx": lrmx_file(minimal_fields())})
    batch = upload(client_for(staff), ("干部.zip", archive)).context["batch"]
    assert [f.name for f in batch.files] == ["干部.zip/林晓东.lrmx", "干部.zip/赵敏.lrmx"] and batch.ok


def test_uploading_nothing_asks_for_a_file(client_for, staff):
    response = client_for(staff).post(url("lrmx_import"), {"rank": ""})
    assert response.status_code == 200 and response.context["form"].errors["files"]


def test_a_batch_with_no_good_file_offers_no_confirmation(client_for, staff):
    response = upload(client_for(staff), ("x.lrmx", b"plain text"))
    assert response.context["token"] is None and "不是任免审批表文件" in response.content.decode()


def test_family_members_in_the_preview_only_with_the_permission(client_for, staff, section_head, unit_b):
    assert section_head.has_perm("cadres.view_family_members") and not staff.has_perm("cadres.view_family_members")
    body = upload(client_for(staff), ("x.lrmx", lrmx_file(full_fields()))).content.decode()
    assert "王丽" not in body and "没有查看家庭成员的权限" in body
    body = upload(client_for(section_head), ("x.lrmx", lrmx_file(full_fields()))).content.decode()
    assert "王丽" in body and "青溪县第一中学教师" in body


@pytest.mark.parametrize("persona", ["leader", "liaison_a", "system_admin", "outsider"])
def test_import_denied_to_those_who_do_not_enter_records(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("lrmx_import")).status_code == 403
    assert client.post(url("lrmx_import_confirm"), {"token": "x"}).status_code == 403


def test_confirm_with_an_unknown_token_saves_nothing(client_for, staff):
    response = client_for(staff).post(url("lrmx_import_confirm"), {"token": "../../etc"})
    assert response.status_code == 302 and response["Location"] == url("lrmx_import")


# --- export ----------------------------------------------------------------------------------------------------

def test_section_head_exports_the_full_form_and_it_is_logged(client_for, section_head, imported):
    response = client_for(section_head).get(url("lrmx_export", imported.code))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml; charset=utf-8"
    assert "filename*=UTF-8''%E6%9E%97" in response["Content-Disposition"]
    root = ElementTree.fromstring(response.content)
    assert root.findtext("ShenFenZheng") == imported.id_number and len(root.find("JiaTingChengYuan")) == 2
    event = AuditEvent.objects.get(name="cadres.cadre.lrmx_exported")
    assert event.action == "export" and event.target_id == str(imported.code) and event.changes["full_id"]


def test_staff_export_leaves_out_the_id_number_and_family(client_for, staff, imported):
    root = ElementTree.fromstring(client_for(staff).get(url("lrmx_export", imported.code)).content)
    assert root.findtext("ShenFenZheng") == "" and len(root.find("JiaTingChengYuan")) == 0
    assert "不含身份证号、家庭成员" in AuditEvent.objects.get(name="cadres.cadre.lrmx_exported").summary


def test_leader_may_export(client_for, leader, imported):
    assert client_for(leader).get(url("lrmx_export", imported.code)).status_code == 200


def test_export_of_a_cadre_out_of_scope_is_not_found(client_for, other_county_staff, imported):
    assert client_for(other_county_staff).get(url("lrmx_export", imported.code)).status_code == 404
    assert not AuditEvent.objects.filter(name="cadres.cadre.lrmx_exported").exists()


def test_export_denied_to_liaison(client_for, liaison_b, imported):
    assert client_for(liaison_b).get(url("lrmx_export", imported.code)).status_code == 403


# --- the printable form ----------------------------------------------------------------------------------------

def test_the_form_shows_the_standard_sections_without_family_for_staff(client_for, staff, imported):
    response = client_for(staff).get(url("appointment_form", imported.code))
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("干部任免审批表", "出生年月", "现 任 职 务", "拟 任 职 务", "拟 免 职 务", "简<br><br>历", "奖<br>惩",
                  "年　度<br>考　核", "任　免<br>理　由", "家<br>庭", "呈　报<br>单　位"):
        assert label in body, label
    assert "2011.12--2019.03" in body and "（其间：2005.09--2008.07" in body
    assert "2024年度考核优秀" in body and "2016年被评为全县优秀共产党员" in body
    assert "王丽" not in body and "（无权查看）" in body
    assert url("appointment_photo", imported.code) in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)  # no inline script (CSP)
    assert "css/appointment-form-print.css" in body
    event = AuditEvent.objects.get(name="cadres.cadre.appointment_form_viewed")
    assert event.action == "view" and "不含家庭成员" in event.summary


def test_section_head_sees_the_family_members_on_the_form(client_for, section_head, imported):
    body = client_for(section_head).get(url("appointment_form", imported.code)).content.decode()
    assert "王丽" in body and "林浩" in body and "青溪县第一中学教师" in body


def test_the_form_lists_penalties_from_the_measures(client_for, staff, imported):
    from cadres import services
    from cadres.models import MeasureKind

    services.record_measure(imported, MeasureKind.ADMONISHMENT, D(2025, 4, 2), "违规", actor=staff)
    body = client_for(staff).get(url("appointment_form", imported.code)).content.decode()
    assert "2025.04 诫勉" in body


def test_the_form_of_a_cadre_out_of_scope_is_not_found(client_for, other_county_staff, imported):
    assert client_for(other_county_staff).get(url("appointment_form", imported.code)).status_code == 404


@pytest.mark.parametrize("persona", ["liaison_a", "security_auditor", "outsider"])
def test_the_form_is_denied_outside_the_office(client_for, request, persona, imported):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("appointment_form", imported.code)).status_code == 403
    assert client.get(url("appointment_photo", imported.code)).status_code == 403


def test_a_cadre_without_a_form_still_prints_from_the_record(client_for, staff, unit_a):
    cadre = CadreFactory(unit=unit_a, actor=staff, name="陈志远", education="大学")
    body = client_for(staff).get(url("appointment_form", cadre.code)).content.decode()
    assert "陈志远" in body and "县纪委监委局长" in body and "大学" in body and "照　片" in body


def test_the_photo(client_for, staff, other_county_staff, imported, unit_a):
    response = client_for(staff).get(url("appointment_photo", imported.code))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg" and response.content == PHOTO
    without_form = CadreFactory(unit=unit_a, actor=staff)
    assert client_for(staff).get(url("appointment_photo", without_form.code)).status_code == 404
    assert client_for(other_county_staff).get(url("appointment_photo", imported.code)).status_code == 404


def test_the_profile_links_to_the_form_and_the_export(client_for, staff, imported):
    body = client_for(staff).get(imported.get_absolute_url()).content.decode()
    assert url("appointment_form", imported.code) in body and url("lrmx_export", imported.code) in body
    assert FamilyMember.objects.filter(cadre=imported).count() == 2
