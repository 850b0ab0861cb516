"""Stored script is shown escaped; a POST cannot smuggle a field that the form does not list."""

import pytest
from django.urls import reverse

from tests.factories import CadreFactory, UnitFactory
from tests.security.test_optimistic_locking import edit_form_data

SCRIPT = "<script>alert('x')</script>"


@pytest.mark.django_db
def test_stored_script_is_shown_escaped(client_for, staff, county):
    cadre = CadreFactory(unit=county, native_place=SCRIPT, name="测试<b>干部</b>")
    body = client_for(staff).get(cadre.get_absolute_url()).content.decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body
    assert "<b>干部</b>" not in body


@pytest.mark.django_db
def test_a_smuggled_field_changes_nothing(client_for, staff, county):
    cadre = CadreFactory(unit=county)
    elsewhere = UnitFactory(name="他县单位")
    url = reverse("cadres:edit", args=[cadre.code])
    client = client_for(staff)
    data = edit_form_data(client, url)
    data.update(unit=elsewhere.pk, post_title="篡改的职务", is_principal="on", version=1)
    assert client.post(url, data).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.unit_id, cadre.post_title, cadre.is_principal) == (county.pk, "局长", False)
