"""The staff workbench (工作台, issue 20): each app's open cases of the user, with the next deadline and the days
left, what came back, what the user registered this week, quick actions and unread notifications."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits import services as audit_services
from audits.models import Category, EntryDecision
from cadres.models import Rank
from core import workbench
from core.models import Notification
from matters import services as matters_services
from matters.models import InspectionKind, OpinionResult, ReviewDepartment
from petitions import services as petition_services
from petitions.models import Petition, Status
from tests.audits import factories as audit_factories
from tests.audits.factories import audit as make_audit
from tests.factories import CadreFactory, UnitFactory
from tests.matters.factories import application as make_application
from tests.matters.factories import travelling
from tests.petitions.factories import force_status, make_petition
from vetting.models import MoveKind, VettingCase
from vetting.services import lifecycle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def row(deadline):
    return workbench.CaseRow(label="信访件", code="XF", title="", state="", url="/", deadline=deadline)


@pytest.mark.parametrize("notice_days", [5, 10])
def test_urgency_red_when_due_or_overdue_amber_within_the_notice_period(settings, notice_days):
    settings.DEADLINE_NOTICE_DAYS = notice_days
    today = datetime.date(2026, 12, 4)
    lefts = (-3, -1, 0, 1, notice_days, notice_days + 1)
    days = {left: row(today + datetime.timedelta(days=left)).urgency(today) for left in lefts}
    assert days == {-3: "urgent", -1: "urgent", 0: "urgent", 1: "soon", notice_days: "soon", notice_days + 1: ""}
    assert row(None).urgency(today) == "" and row(None).days_left(today) is None


def open_vetting(staff, handler=None):
    cadre = CadreFactory(unit=staff.unit, rank=Rank.SECTION_DEPUTY)
    return lifecycle.open_case(cadre=cadre, proposed_unit=staff.unit, proposed_title="镇长",
                               proposed_rank=Rank.SECTION_CHIEF, move_kind=MoveKind.PROMOTION,
                               handler=handler or staff, actor=staff, opened_on=TODAY())


def petition_due_in(staff, days):
    petition = make_petition(staff, received_on=TODAY())
    Petition.objects.filter(pk=petition.pk).update(acceptance_due=TODAY() + datetime.timedelta(days=days))
    return petition


def inspection_due_in(staff, days):
    inspection = matters_services.create_inspection(
        staff.unit, kind=InspectionKind.INSPECTION, round_name="县委第一轮巡察", team="第二巡察组",
        feedback_on=TODAY(), feedback="整改不力", actor=staff)
    for left in (days + 10, days):
        matters_services.add_item(inspection, problem="惠农资金管理不规范", rectification_required="清理追回",
                                  deadline=TODAY() + datetime.timedelta(days=left), actor=staff)
    return inspection


def travel_application(staff):
    return make_application(CadreFactory(unit=staff.unit), staff, applied_on=TODAY(),
                            departs_on=TODAY() + datetime.timedelta(days=40),
                            returns_on=TODAY() + datetime.timedelta(days=45))


def submitted_plan(staff):
    """Next year's audit plan of the staff's county, one due leader accepted, sent to the 审计委员会."""
    bureau = UnitFactory(code="CZ", name="县财政局", parent=staff.unit)
    audit_factories.classify(bureau, Category.A)
    audit_factories.closed_audit(audit_factories.principal(bureau, name="程芳"), staff, TODAY().year - 2)
    plan = audit_services.create_plan(TODAY().year + 1, staff.unit, actor=staff)
    for entry in plan.entries.all():
        audit_services.decide_entry(entry, EntryDecision.ACCEPTED, actor=staff)
    return audit_services.change_plan_status(plan, "submit", actor=staff)


def page(client, user):
    client.force_login(user)
    return client.get(reverse("core:home"))


def test_staff_sees_his_open_cases_of_every_app_with_days_left(client, staff):
    petition = petition_due_in(staff, 1)
    case = open_vetting(staff)
    audit = make_audit(CadreFactory(unit=staff.unit), staff)
    response = page(client, staff)
    body = response.content.decode()
    assert response.status_code == 200 and "我经办的未结案件" in body
    for code in (petition.code, case.number, audit.number):
        assert code in body
    assert "剩 1 天" in body and 'class="due-soon"' in body
    # nearest deadline first
    codes = [r.code for r in response.context["workbench"]["cases"]]
    assert codes[0] == petition.code


def test_matters_the_user_registered_show_their_nearest_open_deadline(client, staff, section_head):
    inspection = inspection_due_in(staff, 2)
    application = travel_application(staff)
    matters_services.record_opinion(application, ReviewDepartment.SECRECY, replied_on=TODAY(),
                                    result=OpinionResult.AGREE, actor=staff)
    theirs = inspection_due_in(section_head, 1)
    board = page(client, staff).context["workbench"]
    rows = {row.url: row for row in board["cases"]}
    assert theirs.get_absolute_url() not in rows
    mine = rows[inspection.get_absolute_url()]
    assert (mine.deadline, mine.deadline_label) == (TODAY() + datetime.timedelta(days=2), "整改期限")
    travel = rows[application.get_absolute_url()]
    assert travel.deadline == application.opinions.get(department=ReviewDepartment.DISCIPLINE).reply_due
    assert [row.code for row in board["came_back"]] == [application.number]


def test_a_trip_under_way_shows_when_the_certificate_is_due_back(client, staff):
    application, loan = travelling(CadreFactory(unit=staff.unit), staff)
    rows = {row.url: row for row in page(client, staff).context["workbench"]["cases"]}
    mine = rows[application.get_absolute_url()]
    assert (mine.deadline, mine.deadline_label, mine.urgency()) == (loan.return_due, "证照交回", "urgent")


def test_overdue_deadline_is_counted_in_days_and_red(client, staff):
    petition_due_in(staff, -3)
    body = page(client, staff).content.decode()
    assert "逾期 3 天" in body and 'class="due-urgent"' in body


def test_cases_of_others_and_closed_cases_are_not_mine(client, staff, section_head, other_county_staff):
    theirs = make_petition(section_head, received_on=TODAY())
    other = open_vetting(other_county_staff)
    done = make_petition(staff, received_on=TODAY() - datetime.timedelta(days=30))
    force_status(done, Status.ARCHIVED)
    Petition.objects.filter(pk=done.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    body = page(client, staff).content.decode()
    assert theirs.code not in body and other.number not in body and done.code not in body


def test_a_case_outside_the_users_scope_is_never_shown(client, staff, other_county_staff):
    """visible_to(user) decides even when the user is the handler (e.g. moved to another county)."""
    case = open_vetting(other_county_staff, handler=other_county_staff)
    VettingCase.objects.filter(pk=case.pk).update(handler=staff)
    assert case.number not in page(client, staff).content.decode()


def test_returned_case_shows_under_came_back(client, staff, section_head):
    petition = make_petition(staff, received_on=TODAY())
    force_status(petition, Status.REVIEWING)
    petition_services.return_for_more(petition, actor=section_head, note="补充谈话记录")
    board = page(client, staff).context["workbench"]
    assert [(r.code, r.came_back) for r in board["came_back"]] == [(petition.code, "退回补充办理")]


def test_a_returned_audit_plan_is_back_on_its_authors_desk(client, staff, section_head):
    plan = submitted_plan(staff)
    assert plan.get_absolute_url() not in [r.url for r in page(client, staff).context["workbench"]["cases"]]
    audit_services.change_plan_status(plan, "return", reason="补充说明", actor=section_head)
    board = page(client, staff).context["workbench"]
    assert [(r.url, r.came_back) for r in board["came_back"]] == [(plan.get_absolute_url(), "退回修改")]
    assert plan.get_absolute_url() in [r.url for r in board["cases"]]
    assert page(client, section_head).context["workbench"]["came_back"] == []


def test_registered_this_week_lists_what_the_user_registered(client, staff, section_head):
    mine = make_petition(staff, received_on=TODAY())
    make_petition(section_head, received_on=TODAY())
    board = page(client, staff).context["workbench"]
    assert [r.code for r in board["registered_this_week"]] == [mine.code]


def test_quick_actions_follow_the_users_permissions(client, staff, leader):
    labels = [a.label for a in page(client, staff).context["workbench"]["actions"]]
    assert labels == ["登记信访件", "启动任前考察", "录入监督措施"]
    assert workbench.quick_actions(leader) == []  # 部领导 reads; the office enters


@pytest.mark.parametrize("persona", ["leader", "liaison_a", "system_admin"])
def test_other_roles_keep_their_home_page(client_for, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(reverse("core:home"))
    assert response.status_code == 200 and "workbench" not in response.context
    assert "我经办的未结案件" not in response.content.decode()


def test_the_leaders_home_points_to_the_dashboard(client_for, leader, staff):
    dashboard = reverse("dashboard:index")
    assert f'href="{dashboard}"' in client_for(leader).get(reverse("core:home")).content.decode().split("<main")[-1]
    assert "查看监督态势" not in client_for(staff).get(reverse("core:home")).content.decode()


def test_unread_notifications_are_on_the_workbench(client, staff):
    Notification.objects.create(recipient=staff, kind="test.kind", target_type=ContentType.objects.get_for_model(staff),
                                target_id=str(staff.pk), title="函询答复期限将至", due_date=TODAY(), level="notice")
    assert "函询答复期限将至" in page(client, staff).content.decode()


def test_query_count_does_not_grow_with_the_number_of_cases(client, staff):
    def count():
        client.force_login(staff)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("core:home"))
        return len(queries)

    def one_of_each(days):
        petition_due_in(staff, days), open_vetting(staff), make_audit(CadreFactory(unit=staff.unit), staff)
        inspection_due_in(staff, days), travel_application(staff)
        audit_services.create_plan(TODAY().year + days, UnitFactory(parent=staff.unit), actor=staff)

    one_of_each(3)
    few = count()
    for days in range(4, 7):
        one_of_each(days)
    assert count() == few
    # the first request after a login, so the user facts are read and cached (core.user_facts): session, user, role
    # names, the jurisdiction, whether it covers every unit; petitions + their transfers and review requests
    # (prefetched); audits; draft audit plans; vetting cases (deadlines annotated); inspections and travel
    # applications (deadlines annotated); the layout's unread count and the user's unit; the unread notifications
    assert few == 16
