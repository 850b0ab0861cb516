import pytest
from django.contrib.auth.models import Group

from core.models import AuditEvent
from liaison.models import MemberUnit, Report
from tests.factories import UnitFactory, UserFactory


@pytest.mark.django_db
def test_a_member_unit_added_in_the_admin_gets_its_liaison_group_and_officers(client_for, county, liaison_a):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, unit=county)
    unit = UnitFactory(code="QX-TJ", name="县统计局", parent=county)
    response = client_for(root).post("/admin/liaison/memberunit/add/", {
        "unit": unit.pk, "active_from": "2026-01-01", "sort_order": 3, "officers": [liaison_a.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    member = MemberUnit.objects.get(unit=unit)
    assert member.group == Group.objects.get(name="联络员-QX-TJ")
    assert list(member.officers()) == [liaison_a]
    assert AuditEvent.objects.filter(name="liaison.member_unit.officers_changed").exists()
    assert not Report.objects.visible_to(liaison_a).exists()


@pytest.mark.django_db
def test_administrators_do_not_see_the_liaison_app_in_the_admin(client_for, system_admin):
    response = client_for(system_admin).get("/admin/")
    assert "liaison" not in {app["app_label"] for app in response.context["app_list"]}
