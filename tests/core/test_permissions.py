"""三员分立: the three administrators run the system but read no case data; only the 安全审计员 reads the log."""

import pytest
from django.urls import reverse

from core import audit
from core.exports import ListExport
from core.models import AuditEvent
from tests.support.exports import export_list

CASE_PAGES = ["cadres:index", "petitions:index", "audits:index", "liaison:index", "vetting:index",
              "matters:index", "dashboard:index"]


@pytest.fixture(params=["system_admin", "security_admin", "security_auditor"])
def administrator(request):
    return request.getfixturevalue(request.param)


@pytest.mark.django_db
class TestThreeAdministrators:
    @pytest.mark.parametrize("page", [p for p in CASE_PAGES if p != "liaison:index"])
    def test_cannot_open_case_pages(self, client_for, administrator, page):
        assert client_for(administrator).get(reverse(page)).status_code == 403

    def test_denied_attempt_is_logged(self, client_for, administrator):
        client_for(administrator).get(reverse("cadres:index"))
        assert AuditEvent.objects.filter(action="denied", actor=administrator).exists()

    def test_admin_site_shows_no_case_models(self, client_for, administrator):
        response = client_for(administrator).get("/admin/")
        assert response.status_code == 200
        # Case models are the ones whose manager scopes rows to a user; settings tables have no such method.
        case_models = [model["object_name"] for app in response.context["app_list"] for model in app["models"]
                       if hasattr(model["model"].objects, "visible_to")]
        assert case_models == []


@pytest.mark.django_db
class TestAuditLogReader:
    def test_only_the_security_auditor_reads_the_audit_log(self, client_for, security_auditor):
        assert client_for(security_auditor).get(reverse("core:audit_log")).status_code == 200

    @pytest.mark.parametrize("persona", ["staff", "section_head", "leader", "system_admin", "security_admin",
                                         "liaison_a", "outsider"])
    def test_everyone_else_is_refused(self, request, client_for, persona):
        user = request.getfixturevalue(persona)
        assert client_for(user).get(reverse("core:audit_log")).status_code == 403

    def test_auditor_reads_events_in_the_admin_but_cannot_change_them(self, client_for, security_auditor):
        client = client_for(security_auditor)
        assert client.get("/admin/core/auditevent/").status_code == 200
        assert client.get("/admin/core/auditevent/add/").status_code == 403
        assert client.get("/admin/core/user/").status_code == 403


@pytest.mark.django_db
class TestAdministratorDuties:
    def test_system_admin_manages_users_and_units_not_roles(self, client_for, system_admin):
        client = client_for(system_admin)
        assert client.get("/admin/core/user/").status_code == 200
        assert client.get("/admin/core/unit/").status_code == 200
        assert client.get("/admin/core/workcalendaryear/").status_code == 200
        assert client.get("/admin/auth/group/").status_code == 403
        assert client.get("/admin/core/auditevent/").status_code == 403

    def test_security_admin_manages_roles_not_the_log(self, client_for, security_admin):
        client = client_for(security_admin)
        assert client.get("/admin/auth/group/").status_code == 200
        assert client.get("/admin/core/auditevent/").status_code == 403


@pytest.mark.django_db
class TestOfficeRoles:
    @pytest.mark.parametrize("persona", ["staff", "section_head", "leader"])
    def test_office_roles_open_case_pages(self, request, client_for, persona):
        user = request.getfixturevalue(persona)
        assert client_for(user).get(reverse("cadres:index")).status_code == 200

    def test_outsider_without_role_is_refused(self, client_for, outsider):
        assert client_for(outsider).get(reverse("cadres:index")).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("cadres:index"))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
class TestAuditLogExport:
    def test_auditor_exports_the_filtered_log_and_the_export_is_logged(self, client_for, security_auditor, staff,
                                                                       django_capture_on_commit_callbacks):
        audit.record(staff, audit.Action.VIEW, "cadres.cadre.profile_viewed", summary="查看干部档案")
        audit.record(staff, audit.Action.VIEW, "cadres.cadre.profile_viewed", summary="=HYPERLINK(1)")
        audit.record(security_auditor, audit.Action.VIEW, "core.search.performed", summary="不在筛选结果中")
        client = client_for(security_auditor)
        page = client.get(reverse("core:audit_log"), {"q": "staff"}).content.decode()
        assert reverse("core:export_request", args=["audit-log"]) in page
        job, header, rows = export_list(client, "audit-log", django_capture_on_commit_callbacks, query="q=staff")
        assert header == ("时间", "用户", "IP 地址", "操作", "事件", "对象", "摘要", "事件标识")
        assert ("查看廉政档案", None, "'=HYPERLINK(1)", "cadres.cadre.profile_viewed") in {row[4:] for row in rows}
        summaries = {row[6] for row in rows}
        assert "查看干部档案" in summaries and "'=HYPERLINK(1)" in summaries and "不在筛选结果中" not in summaries
        exported = AuditEvent.objects.get(name="core.auditlog.exported", actor=security_auditor)
        assert (exported.name, exported.summary) == ("core.auditlog.exported", "导出审计日志（条件：staff）")
        assert AuditEvent.objects.filter(name="core.auditlog.export_downloaded", actor=security_auditor).exists()

    def test_staff_cannot_export_the_log(self, client_for, staff):
        response = client_for(staff).post(reverse("core:export_request", args=["audit-log"]), {"query": ""})
        assert response.status_code == 403
        assert not ListExport.objects.filter(kind="audit-log").exists()


@pytest.mark.django_db
class TestOneAdministratorRolePerAccount:
    def test_the_database_refuses_a_second_administrator_role(self, system_admin):
        from django.contrib.auth.models import Group
        from django.db import IntegrityError, transaction

        from core import roles

        with pytest.raises(IntegrityError, match="三员分立"), transaction.atomic():
            system_admin.groups.add(Group.objects.get(name=roles.SECURITY_AUDITOR))
        assert list(system_admin.groups.values_list("name", flat=True)) == [roles.SYSTEM_ADMIN]

    def test_other_roles_combine_freely(self, staff):
        from django.contrib.auth.models import Group

        from core import roles

        staff.groups.add(Group.objects.get(name=roles.SECTION_HEAD))
        assert staff.groups.count() == 2
