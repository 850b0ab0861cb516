"""Two people edit the same record: the second save is refused with what changed, and nothing is overwritten."""

import datetime

import pytest
from django.urls import reverse

from cadres.models import Cadre
from tests.factories import CadreFactory


def edit_form_data(client, url):
    """What the browser would send back unchanged: the form's initial values, version included."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


@pytest.mark.django_db
class TestCadreEdit:
    def test_second_save_is_refused_with_the_differences(self, client_for, staff, section_head, county):
        cadre = CadreFactory(unit=county, native_place="浙江丽水", education="大学")
        url = reverse("cadres:edit", args=[cadre.code])
        mine, theirs = client_for(staff), None
        my_data = edit_form_data(mine, url)
        from django.test import Client

        from tests.conftest import verify_two_factor

        theirs = Client()
        theirs.force_login(section_head)
        verify_two_factor(theirs, section_head)
        their_data = edit_form_data(theirs, url)

        their_data["native_place"] = "浙江温州"
        assert theirs.post(url, their_data).status_code == 302

        my_data["native_place"] = "浙江杭州"
        response = mine.post(url, my_data)
        assert response.status_code == 200
        message = " ".join(response.context["form"].non_field_errors())
        assert "保存未成功" in message and "籍贯" in message and "浙江温州" in message and "浙江杭州" in message
        cadre.refresh_from_db()
        assert cadre.native_place == "浙江温州"
        assert cadre.version == 2

    def test_a_fresh_form_saves(self, client_for, staff, county):
        cadre = CadreFactory(unit=county)
        url = reverse("cadres:edit", args=[cadre.code])
        client = client_for(staff)
        data = edit_form_data(client, url)
        data["native_place"] = "福建福州"
        assert client.post(url, data).status_code == 302
        assert Cadre.objects.get(pk=cadre.pk).native_place == "福建福州"

    def test_service_refuses_a_stale_version(self, staff, county):
        from cadres import services
        from core.concurrency import EditConflict

        cadre = CadreFactory(unit=county, native_place="甲")
        services.update_cadre(cadre, actor=staff, version=1, native_place="乙")
        with pytest.raises(EditConflict, match="籍贯"):
            services.update_cadre(cadre, actor=staff, version=1, native_place="丙")
        assert Cadre.objects.get(pk=cadre.pk).native_place == "乙"


@pytest.mark.django_db
def test_audit_edit_refuses_a_stale_version(staff, county):
    from audits import services
    from core.concurrency import EditConflict
    from tests.audits import factories

    cadre = factories.principal(county)
    project = factories.audit(cadre, staff)
    services.update_audit(project, actor=staff, version=1, auditing_body="县审计局第一审计组")
    with pytest.raises(EditConflict, match="县审计局第一审计组"):
        services.update_audit(project, actor=staff, version=1, auditing_body="县审计局第二审计组")
    project.refresh_from_db()
    assert project.auditing_body == "县审计局第一审计组"

