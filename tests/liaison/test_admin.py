"""The joint meeting's configuration in the admin (三员分立): the 系统管理员 keeps the member units and the
reporting schedule, the 安全保密管理员 only names the liaison officers, the 安全审计员 sees none of it, and
reports (case data) are in the admin for nobody."""

import pytest
from django.contrib.auth.models import Group

from core.models import AuditEvent
from liaison.models import MemberUnit, Report, ReportingSchedule
from tests.factories import UnitFactory, UserFactory
from tests.liaison.factories import ItemFactory

ADD = "/admin/liaison/memberunit/add/"


def change_url(member):
    return f"/admin/liaison/memberunit/{member.pk}/change/"


def liaison_models(response):
    return {model["object_name"] for app in response.context["app_list"] if app["app_label"] == "liaison"
            for model in app["models"]}


@pytest.mark.django_db
def test_a_member_unit_added_in_the_admin_gets_its_liaison_group_and_officers(client_for, county, liaison_a):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, unit=county)
    unit = UnitFactory(code="QX-TJ", name="县统计局", parent=county)
    response = client_for(root).post(ADD, {
        "unit": unit.pk, "active_from": "2026-01-01", "sort_order": 3, "officers": [liaison_a.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    member = MemberUnit.objects.get(unit=unit)
    assert member.group == Group.objects.get(name="联络员-QX-TJ")
    assert list(member.officers()) == [liaison_a]
    assert AuditEvent.objects.filter(name="liaison.member_unit.officers_changed").exists()
    assert not Report.objects.visible_to(liaison_a).exists()


# ---------------------------------------------------------------- 系统管理员: configuration

@pytest.mark.django_db
def test_the_system_admin_sees_member_units_and_the_schedule_but_no_report(client_for, system_admin):
    response = client_for(system_admin).get("/admin/")
    assert liaison_models(response) == {"MemberUnit", "ReportingSchedule"}


@pytest.mark.django_db
def test_the_system_admin_adds_a_member_unit_but_names_no_officer(client_for, system_admin, county, liaison_a):
    unit = UnitFactory(code="QX-TJ", name="县统计局", parent=county)
    client = client_for(system_admin)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, {"unit": unit.pk, "active_from": "2026-01-01", "sort_order": 3,
                                 "officers": [liaison_a.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    member = MemberUnit.objects.get(unit=unit)
    assert member.group.name == "联络员-QX-TJ" and member.sort_order == 3
    assert list(member.officers()) == []  # the officers field is disabled for the system admin
    assert AuditEvent.objects.filter(name="liaison.member_unit.created", actor=system_admin).exists()


@pytest.mark.django_db
def test_the_system_admin_changes_dates_and_order_and_it_is_logged(client_for, system_admin, member_a, liaison_a):
    response = client_for(system_admin).post(change_url(member_a), {
        "active_from": "2025-01-01", "active_to": "2026-12-31", "sort_order": 7, "officers": []})
    assert response.status_code == 302, response.content.decode()[:2000]
    member_a.refresh_from_db()
    assert member_a.active_to.isoformat() == "2026-12-31" and member_a.sort_order == 7
    assert list(member_a.officers()) == [liaison_a]  # untouched: not his to change
    client = client_for(system_admin)
    for url in ("/admin/liaison/memberunit/", change_url(member_a)):
        page = client.get(url).content.decode()
        assert f"{liaison_a.display_name}（liaison_a）" in page  # shown read-only
    assert 'name="officers"' not in client.get(change_url(member_a)).content.decode()
    event = AuditEvent.objects.get(name="liaison.member_unit.updated", actor=system_admin)
    assert set(event.changes) == {"active_to", "sort_order"}


@pytest.mark.django_db
def test_the_system_admin_edits_the_rules_but_cannot_add_a_second_or_delete_them(client_for, system_admin):
    schedule = ReportingSchedule.objects.get()  # the one row, made by the data migration with the defaults
    assert (schedule.due_day, schedule.reminder_day, schedule.plenary_per_year) == (15, 10, 1)
    client = client_for(system_admin)
    url = f"/admin/liaison/reportingschedule/{schedule.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"due_day": 20, "reminder_day": 12, "plenary_per_year": 2,
                                 "plenary_notice_days": 120, "roll_over_holidays": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ReportingSchedule.current().plenary_per_year == 2 and ReportingSchedule.current().due_day == 20
    event = AuditEvent.objects.get(name="liaison.rules.updated", actor=system_admin)
    assert set(event.changes) == {"due_day", "reminder_day", "plenary_per_year", "plenary_notice_days"}
    # a second row is a county's own (tests/liaison/test_county_schedule.py); the city's default is never deleted
    assert client.post(f"/admin/liaison/reportingschedule/{schedule.pk}/delete/").status_code == 403
    response = client.post(url, {"due_day": 31, "reminder_day": 12, "plenary_per_year": 0,
                                 "plenary_notice_days": 120})
    assert response.status_code == 200 and ReportingSchedule.current().due_day == 20  # refused by the checks


@pytest.mark.django_db
def test_the_system_admin_cannot_delete_a_member_unit(client_for, system_admin, member_a):
    assert client_for(system_admin).post(f"/admin/liaison/memberunit/{member_a.pk}/delete/").status_code == 403
    assert MemberUnit.objects.filter(pk=member_a.pk).exists()


@pytest.mark.django_db
def test_a_member_unit_that_does_not_exist_is_not_found(client_for, system_admin):
    # the admin redirects a missing object to its list with a message, it never shows one
    response = client_for(system_admin).get("/admin/liaison/memberunit/999999/change/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "不存在" in response.content.decode()


@pytest.mark.django_db
def test_the_member_unit_pages_show_no_report_content(client_for, system_admin, report_b):
    ItemFactory(report=report_b, cadre_name="保密的名字", description="保密的案情")
    client = client_for(system_admin)
    for url in ("/admin/liaison/memberunit/", change_url(report_b.member_unit)):
        page = client.get(url).content.decode()
        assert "保密的名字" not in page and "保密的案情" not in page
    # and no case page of the app opens for him
    assert client.get(report_b.get_absolute_url()).status_code == 403
    assert client.get("/liaison/compliance/").status_code == 403


# ---------------------------------------------------------------- 安全保密管理员: officers only

@pytest.mark.django_db
def test_the_security_admin_names_officers_and_changes_nothing_else(client, client_for, system_admin,
                                                                   security_admin, member_a, liaison_a, liaison_b):
    # the system admin's form (officers disabled) opened first must not disable the field for the security admin
    assert client_for(system_admin).get(change_url(member_a)).status_code == 200
    client.logout()
    client = client_for(security_admin)
    assert liaison_models(client.get("/admin/")) == {"MemberUnit"}
    assert client.get(ADD).status_code == 403
    assert 'name="officers"' in client.get(change_url(member_a)).content.decode()
    response = client.post(change_url(member_a), {"active_to": "2020-01-01", "sort_order": 99,
                                                  "officers": [liaison_a.pk, liaison_b.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    member_a.refresh_from_db()
    assert member_a.active_to is None and member_a.sort_order == 0  # read-only for him
    assert set(member_a.officers()) == {liaison_a, liaison_b}
    assert AuditEvent.objects.filter(name="liaison.member_unit.officers_changed", actor=security_admin).exists()
    assert not AuditEvent.objects.filter(name="liaison.member_unit.updated").exists()
    assert client.get("/admin/liaison/reportingschedule/").status_code == 403


@pytest.mark.django_db
def test_the_security_auditor_sees_nothing_of_the_joint_meeting(client_for, security_auditor, member_a):
    client = client_for(security_auditor)
    assert liaison_models(client.get("/admin/")) == set()
    assert client.get("/admin/liaison/memberunit/").status_code == 403
    assert client.get(change_url(member_a)).status_code == 403
    assert client.get("/admin/liaison/reportingschedule/").status_code == 403


@pytest.mark.django_db
def test_office_staff_and_officers_have_no_admin(client, client_for, staff, liaison_a, member_a):
    for user in (staff, liaison_a):
        response = client_for(user).get("/admin/liaison/memberunit/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        client.logout()


@pytest.mark.django_db
def test_reports_are_in_the_admin_for_nobody(client_for, county, report_a):
    root = UserFactory(username="root", is_superuser=True, is_staff=True, unit=county)
    assert client_for(root).get("/admin/liaison/report/").status_code == 404
    assert client_for(root).get(f"/admin/liaison/report/{report_a.pk}/change/").status_code == 404
