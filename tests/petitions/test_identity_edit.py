"""更正举报人信息: only on the identity page, only by those who may see the identity, encrypted as at registration,
with the keyed hashes recomputed, and logged without any identity value."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from petitions import crypto
from petitions.identity import Reporter, reveal
from petitions.models import PetitionEvent, ReporterIdentity
from tests.factories import UserFactory
from tests.petitions.factories import REPORTER, make_petition
from tests.petitions.test_identity import all_database_text, assert_no_secret

NEW_PHONE = "13700001111"
pytestmark = pytest.mark.django_db


@pytest.fixture
def case(staff):
    return make_petition(staff)


@pytest.fixture
def colleague(staff):
    return UserFactory(username="colleague2", roles=["监督科工作人员"], unit=staff.unit,
                       jurisdiction=staff.jurisdiction)


def edit_url(case):
    return reverse("petitions:update_identity", args=[case.code])


def correction(**changes):
    data = {"reporter_name": REPORTER.name, "reporter_id_number": REPORTER.id_number,
            "reporter_phone": REPORTER.phone, "reporter_address": REPORTER.address,
            "correction_reason": "登记时电话号码录入有误"}
    data.update(changes)
    return data


def decrypted(case):
    identity = ReporterIdentity.objects.get(petition=case)
    return {field: crypto.decrypt(getattr(identity, field), identity.aad(field))
            for field in ReporterIdentity.TOKEN_FIELDS}, identity


def test_the_form_is_on_the_identity_page_only(case, staff, client_for):
    client = client_for(staff)
    detail = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="identity-edit"' not in detail and edit_url(case) not in detail
    page = client.post(reverse("petitions:reveal", args=[case.code]), {"reason": "回访"}).content.decode()
    form = page[page.index('data-testid="identity-edit"'):]
    form = form[:form.index("</form>")]
    assert f'action="{edit_url(case)}"' in form
    assert re.search(rf'name="reporter_phone" value="{REPORTER.phone}"', form)


def test_a_handler_corrects_the_phone_number(case, staff, client_for):
    before, identity = decrypted(case)
    old_hash = identity.phone_hash
    response = client_for(staff).post(edit_url(case), correction(reporter_phone=f" {NEW_PHONE} "))
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    after, identity = decrypted(case)
    assert after["phone_token"] == NEW_PHONE
    assert {k: v for k, v in after.items() if k != "phone_token"} == {
        k: v for k, v in before.items() if k != "phone_token"}
    assert identity.phone_token.startswith("sm4gcm$") and NEW_PHONE not in identity.phone_token
    assert identity.phone_hash == crypto.keyed_hash(NEW_PHONE) != old_hash
    assert identity.id_number_hash == crypto.keyed_hash(REPORTER.id_number)
    # repeat-reporter matching follows the corrected number
    other = make_petition(staff, reporter=Reporter(name="另一人", phone=NEW_PHONE))
    revealed = reveal(other, actor=staff, reason="核对")
    assert case.code in revealed.other_cases


def test_the_log_and_the_timeline_name_the_fields_never_the_values(case, staff, client_for):
    client = client_for(staff)
    follow = client.post(edit_url(case), correction(reporter_phone=NEW_PHONE,
                                                    reporter_address="青溪县城关镇人民路1号"), follow=True)
    page = follow.content.decode()
    assert "已更正举报人信息（联系电话、联系地址）" in page
    assert NEW_PHONE not in page and "人民路1号" not in page
    assert_no_secret(page)
    event = AuditEvent.objects.get(name="petitions.identity.updated")
    assert event.actor == staff and event.target_id == case.code and event.action == "update"
    assert event.changes == {"fields": ["联系电话", "联系地址"]}
    logged = f"{event.summary} {event.changes} {event.target_repr}"
    assert NEW_PHONE not in logged and "人民路" not in logged
    assert_no_secret(logged)
    step = PetitionEvent.objects.get(petition=case, action="update_identity")
    assert step.note == "更正项：联系电话、联系地址"
    text = all_database_text()
    assert NEW_PHONE not in text and "人民路1号" not in text
    assert_no_secret(text)
    listing = client.get(reverse("petitions:index")).content.decode()
    assert NEW_PHONE not in listing


def test_the_section_head_may_correct_it_too(case, section_head, client_for):
    assert client_for(section_head).post(edit_url(case), correction(reporter_name="钱多")).status_code == 302
    assert decrypted(case)[0]["name_token"] == "钱多"


@pytest.mark.parametrize("persona", ["colleague", "leader", "liaison_a", "system_admin", "security_auditor"])
def test_others_may_not(persona, case, client_for, request):
    response = client_for(request.getfixturevalue(persona)).post(edit_url(case), correction(reporter_phone=NEW_PHONE))
    assert response.status_code == 403
    assert decrypted(case)[0]["phone_token"] == REPORTER.phone
    assert not AuditEvent.objects.filter(name="petitions.identity.updated").exists()


def test_anonymous_report_and_missing_or_foreign_case(staff, other_county_staff, case, client_for):
    anonymous = make_petition(staff, named=False)
    assert client_for(staff).post(edit_url(anonymous), correction()).status_code == 403
    missing = reverse("petitions:update_identity", args=["XF-2026-99999"])
    assert client_for(staff).post(missing, correction()).status_code == 404
    assert client_for(other_county_staff).post(edit_url(case), correction()).status_code == 404
    assert client_for(staff).get(edit_url(case)).status_code == 405


@pytest.mark.parametrize(("changes", "message"), [
    ({"correction_reason": ""}, "该字段是必填项"),
    ({"reporter_phone": "", "reporter_address": ""}, "请填写联系电话或联系地址"),
    ({"reporter_id_number": "331102198001010028"}, "校验"),
    ({}, "举报人信息没有变化"),
])
def test_refused_corrections_come_back_with_what_was_typed(changes, message, case, staff, client_for):
    response = client_for(staff).post(edit_url(case), correction(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert decrypted(case)[0]["phone_token"] == REPORTER.phone
    assert not AuditEvent.objects.filter(name="petitions.identity.updated").exists()
    assert 'data-testid="identity"' not in page  # the stored identity is shown only after a reveal
