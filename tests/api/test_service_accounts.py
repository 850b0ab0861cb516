"""An API client's service account holds no role of a person: no user picker offers it, no reminder reaches it, it
never handles a case and never reads an informant's identity; a 12380 intake goes to the office's 科室负责人."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from audits import views as audit_views
from cadres import personal_matters as pm
from cadres.deadlines import change_and_new_reports
from cadres.models import ReportKind
from core import roles
from core.deadlines import evaluate, scan, users_covering
from core.models import Notification
from core.refusals import Refused
from core.scoping import regions_below
from liaison.deadlines import report_reminders
from petitions import identity
from petitions import permissions as petition_perms
from petitions import services as petition_services
from petitions.deadlines import provider as petition_deadlines
from petitions.forms import office_users
from petitions.models import Petition
from tests.api.test_petitions import report
from tests.factories import CadreFactory, UserFactory
from vetting.forms import CaseForm

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/petitions/"


@pytest.fixture
def accounts(unit_client, office_client):
    return unit_client[0].user, office_client[0].user


@pytest.fixture
def intake(call_as, office_client, unit_a):
    """A named 12380 report registered through the API."""
    cadre = CadreFactory(unit=unit_a)
    response = call_as(office_client).post(URL, report(cadre))
    assert response.status_code == 201, response.content
    return Petition.objects.get(code=response.json()["code"])


def test_the_accounts_hold_no_role_of_a_person(accounts):
    for account in accounts:
        assert account.is_service_account
        assert not set(account.groups.values_list("name", flat=True)) & set(roles.ALL_ROLES)


def test_no_user_picker_offers_them(accounts, staff, section_head, member_a, unit_a, security_admin):
    pickers = {
        "petitions: handlers": set(office_users()),
        "vetting: handler": set(CaseForm(user=staff).fields["handler"].queryset),
        "audits: handler": set(audit_views._handlers(staff)),
        "liaison: the unit's officers": set(member_a.officers()),
        "reminders: users covering the unit": set(users_covering(unit_a)),
    }
    for name, users in pickers.items():
        assert not users & set(accounts), name
    assert staff in pickers["petitions: handlers"] and section_head in pickers["reminders: users covering the unit"]
    assert regions_below(section_head) == []  # an office account would make the county a region of its own


def test_no_reminder_reaches_them(accounts, staff, section_head, liaison_a, county, intake):
    unit_account, office_account = accounts
    # the monthly report's reminder goes to the unit's officers: its group holds the unit's account too
    reminded = {user for due in evaluate(report_reminders, D(2026, 11, 12)) for user in due.recipients}
    assert liaison_a in reminded and unit_account not in reminded
    # a record the account entered is nobody's: its reminder goes to the users covering the unit
    owed = pm.expect_report(CadreFactory(unit=county, actor=staff), actor=staff, kind=ReportKind.CHANGE,
                            event_on=D(2026, 10, 10))
    type(owed).objects.filter(pk=owed.pk).update(created_by=office_account)
    [due] = evaluate(change_and_new_reports, D(2026, 11, 10))
    assert set(due.recipients) == {staff, section_head}
    # whatever a provider's rule selects (here a handler row written past the services), the account gets nothing
    intake.handlers.add(office_account)
    overdue = intake.acceptance_due + datetime.timedelta(days=1)
    assert office_account not in {user for due in evaluate(petition_deadlines, overdue) for user in due.recipients}
    scan(overdue)
    assert Notification.objects.filter(recipient=section_head).exists()
    assert not Notification.objects.filter(recipient__in=accounts).exists()


def test_an_intake_goes_to_the_nearest_offices_section_head_never_to_the_account(
        call_as, office_client, unit_a, section_head, staff, django_capture_on_commit_callbacks):
    UserFactory(roles=[roles.SECTION_HEAD], jurisdiction=None)  # a head over every unit: not the nearest office
    with mock.patch("petitions.tasks.notify_assigned.apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True):
            code = call_as(office_client).post(URL, report(CadreFactory(unit=unit_a))).json()["code"]
    intake = Petition.objects.get(code=code)
    assert list(intake.handlers.all()) == [section_head]
    assert intake.created_by == office_client[0].user
    assert "交科室负责人分办" in intake.events.get(action="register").note
    assert send.call_args.kwargs["args"] == [intake.pk, [section_head.pk]]  # told at once
    with pytest.raises(Refused, match="接口服务账号"):
        petition_services.assign_handlers(intake, [staff, office_client[0].user], actor=section_head)
    assert list(intake.handlers.all()) == [section_head]


def test_an_intake_with_no_section_head_over_its_unit_is_refused_and_saves_nothing(call_as, office_client, unit_a,
                                                                                    section_head):
    section_head.groups.clear()
    section_head.groups.add(*roles_named(roles.STAFF))
    response = call_as(office_client).post(URL, report(CadreFactory(unit=unit_a)))
    assert response.status_code == 409 and "科室负责人" in response.json()["message"]
    assert not Petition.objects.exists()


def roles_named(*names):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=names)


def test_the_account_never_reads_the_informant(accounts, intake, section_head):
    office_account = accounts[1]
    office_account.act_for_client(roles.STAFF)  # as during a call
    identity.grant(intake, [office_account])  # even holding the object permission a handler has
    assert not petition_perms.can_view_identity(office_account, intake)
    with pytest.raises(PermissionDenied):
        identity.reveal(intake, actor=office_account, reason="核实举报内容")
    browser = Client()
    browser.force_login(office_account)  # it cannot log in; even a forged session reads nothing
    response = browser.post(f"/petitions/{intake.code}/identity/", {"reason": "核实举报内容"})
    assert response.status_code in (403, 404)
    assert "赵某" not in response.content.decode()
    assert petition_perms.can_view_identity(section_head, intake)
