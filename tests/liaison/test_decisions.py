"""议定事项 for the lead unit: a liaison officer sees the decisions their unit leads — never another unit's (404,
logged) — and reports an open one done with what was done; the office sees the decisions of its meetings."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import deadlines
from core.models import AuditEvent, Notification
from core.refusals import Refused
from liaison import services
from liaison.models import Meeting, MeetingDecision


@pytest.fixture
def meeting(county):
    return Meeting.objects.create(organizer=county, kind=Meeting.Kind.PLENARY, title="2026年全体会议",
                                  held_on=datetime.date(2026, 1, 20), minutes="仅监督科可见的会议纪要")


@pytest.fixture
def decision_a(meeting, member_a):
    return MeetingDecision.objects.create(meeting=meeting, content="修订信息联享工作规则", owner_unit=member_a,
                                          deadline=datetime.date(2026, 12, 31))


@pytest.fixture
def decision_b(meeting, member_b):
    return MeetingDecision.objects.create(meeting=meeting, content="建立审计问题移送清单", owner_unit=member_b,
                                          deadline=datetime.date(2026, 6, 30))


def detail(decision):
    return reverse("liaison:decision_detail", args=[decision.code])


def report_url(decision):
    return reverse("liaison:decision_report", args=[decision.code])


# ---------------------------------------------------------------- scope

@pytest.mark.django_db
def test_visible_to_gives_an_officer_only_their_units_decisions(staff, liaison_a, liaison_b, other_county_staff,
                                                               system_admin, outsider, decision_a, decision_b):
    assert list(MeetingDecision.objects.visible_to(liaison_a)) == [decision_a]
    assert list(MeetingDecision.objects.visible_to(liaison_b)) == [decision_b]
    assert set(MeetingDecision.objects.visible_to(staff)) == {decision_a, decision_b}
    for user in (other_county_staff, system_admin, outsider):
        assert not MeetingDecision.objects.visible_to(user).exists()


@pytest.mark.django_db
def test_the_officer_lists_only_their_units_decisions(client_for, liaison_a, decision_a, decision_b):
    response = client_for(liaison_a).get(reverse("liaison:decision_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "修订信息联享工作规则" in page and "建立审计问题移送清单" not in page
    assert "本单位议定事项" in page


@pytest.mark.django_db
def test_the_office_lists_every_decision_and_filters_the_overdue(client_for, staff, leader, decision_a, decision_b):
    client = client_for(staff)
    page = client.get(reverse("liaison:decision_list")).content.decode()
    assert "修订信息联享工作规则" in page and "建立审计问题移送清单" in page
    overdue = client.get(reverse("liaison:decision_list"), {"state": "overdue"}).content.decode()
    assert "建立审计问题移送清单" in overdue and "修订信息联享工作规则" not in overdue
    assert client_for(leader).get(reverse("liaison:decision_list")).status_code == 200


@pytest.mark.django_db
def test_the_list_is_denied_to_administrators_and_people_without_a_role(client_for, system_admin, security_auditor,
                                                                       outsider, decision_a):
    for user in (system_admin, security_auditor, outsider):
        assert client_for(user).get(reverse("liaison:decision_list")).status_code == 403


@pytest.mark.django_db
def test_the_officer_reads_their_decision_but_not_the_minutes(client_for, liaison_a, decision_a):
    response = client_for(liaison_a).get(detail(decision_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "修订信息联享工作规则" in page and "2026年全体会议" in page and "报告办结" in page
    assert "仅监督科可见的会议纪要" not in page
    assert decision_a.meeting.get_absolute_url() not in page  # the meeting page is the office's


@pytest.mark.django_db
def test_another_units_decision_is_not_found_and_the_attempt_is_logged(client_for, liaison_a, decision_b):
    client = client_for(liaison_a)
    assert client.get(detail(decision_b)).status_code == 404
    assert client.post(report_url(decision_b), {"note": "冒名报告"}).status_code == 404
    decision_b.refresh_from_db()
    assert decision_b.status == MeetingDecision.Status.OPEN
    assert AuditEvent.objects.filter(name="liaison.meetingdecision.denied", actor=liaison_a).count() == 2


@pytest.mark.django_db
def test_a_missing_decision_is_not_found(client_for, liaison_a, staff, member_a):
    assert client_for(liaison_a).get(reverse("liaison:decision_detail", args=[uuid.uuid4()])).status_code == 404
    assert client_for(staff).get(reverse("liaison:decision_detail", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.django_db
def test_a_decision_of_another_county_is_not_found_for_the_office(client_for, other_county_staff, decision_a):
    assert client_for(other_county_staff).get(detail(decision_a)).status_code == 404
    assert client_for(other_county_staff).post(report_url(decision_a), {"note": "x"}).status_code == 404


@pytest.mark.django_db
def test_administrators_are_refused(client_for, system_admin, security_admin, decision_a):
    for user in (system_admin, security_admin):
        assert client_for(user).get(detail(decision_a)).status_code == 403
        assert client_for(user).post(report_url(decision_a), {"note": "x"}).status_code == 403


# ---------------------------------------------------------------- reporting done

@pytest.mark.django_db
def test_the_officer_reports_the_decision_done(client_for, liaison_a, decision_a, staff):
    client = client_for(liaison_a)
    response = client.post(report_url(decision_a), {"note": "已修订并印发工作规则。"})
    assert response.status_code == 302 and response.url == detail(decision_a)
    decision_a.refresh_from_db()
    assert decision_a.status == MeetingDecision.Status.DONE
    assert (decision_a.done_note, decision_a.done_by) == ("已修订并印发工作规则。", liaison_a)
    assert decision_a.done_on is not None
    event = AuditEvent.objects.get(name="liaison.decision.completion_reported")
    assert event.actor == liaison_a and event.changes == {"status": ["open", "done"]}
    # the office sees it on the meeting page
    meeting_page = client_for(staff).get(decision_a.meeting.get_absolute_url()).content.decode()
    assert "已修订并印发工作规则。" in meeting_page


@pytest.mark.django_db
def test_a_report_without_what_was_done_is_refused(client_for, liaison_a, decision_a):
    response = client_for(liaison_a).post(report_url(decision_a), {"note": "  "})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    decision_a.refresh_from_db()
    assert decision_a.status == MeetingDecision.Status.OPEN


@pytest.mark.django_db
def test_a_done_decision_cannot_be_reported_again(client_for, liaison_a, decision_a):
    client = client_for(liaison_a)
    client.post(report_url(decision_a), {"note": "已办结"})
    assert "报告办结</button>" not in client.get(detail(decision_a)).content.decode()
    assert client.post(report_url(decision_a), {"note": "再次报告"}).status_code == 403
    decision_a.refresh_from_db()
    assert decision_a.done_note == "已办结"


@pytest.mark.django_db
def test_the_office_does_not_report_for_the_unit(client_for, staff, decision_a):
    """The office closes decisions on the meeting page (decision_done); this form is the unit's."""
    assert client_for(staff).get(detail(decision_a)).status_code == 200
    assert client_for(staff).post(report_url(decision_a), {"note": "x"}).status_code == 403
    decision_a.refresh_from_db()
    assert decision_a.status == MeetingDecision.Status.OPEN


# ---------------------------------------------------------------- the state table

CALLS = {  # one call per action of the decision machine
    "complete": lambda decision, staff, officer: services.complete_decision(decision, actor=staff),
    "report_done": lambda decision, staff, officer: services.report_decision_done(decision, actor=officer,
                                                                                  note="已办"),
}


def test_every_action_of_the_decision_machine_has_a_call_here():
    assert set(CALLS) == set(services.DECISION_MACHINE.actions)


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), services.DECISION_MACHINE.illegal())
def test_every_illegal_decision_transition_is_refused(staff, liaison_a, decision_a, status, action):
    MeetingDecision.objects.filter(pk=decision_a.pk).update(status=status, done_note="原办理情况")
    label = MeetingDecision.Status(status).label
    with pytest.raises(Refused, match=f"当前状态为“{label}”，不能{services.DECISION_MACHINE.label(action)}") as refused:
        CALLS[action](decision_a, staff, liaison_a)
    assert refused.value.code == "state"
    decision_a.refresh_from_db()
    assert (decision_a.status, decision_a.done_note) == (status, "原办理情况")
    assert not AuditEvent.objects.filter(name__startswith="liaison.decision.").exists()


@pytest.mark.django_db
def test_the_officers_report_needs_what_was_done(liaison_a, decision_a):
    with pytest.raises(Refused, match="请填写办理情况") as refused:
        services.report_decision_done(decision_a, actor=liaison_a, note="  ")
    assert refused.value.field == "note"
    decision_a.refresh_from_db()
    assert decision_a.status == MeetingDecision.Status.OPEN


# ---------------------------------------------------------------- the list keeps its query count

@pytest.mark.django_db
def test_the_decision_list_keeps_its_query_count(client_for, liaison_a, staff, meeting, member_a):
    """Queries: session, user, roles (×2), member unit of the officer, count, page — whatever the rows."""
    def add(n):
        for i in range(n):
            MeetingDecision.objects.create(meeting=meeting, content=f"事项{i}", owner_unit=member_a,
                                           deadline=datetime.date(2026, 12, 31))

    add(1)
    for user in (liaison_a, staff):
        client = client_for(user)
        url = reverse("liaison:decision_list")
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        add(12)
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many) == len(few)


# ---------------------------------------------------------------- the unit is told of its deadlines

@pytest.mark.django_db
def test_the_officers_are_told_when_their_decision_is_due_and_overdue_once(liaison_a, liaison_b, staff, decision_a,
                                                                          decision_b):
    created = deadlines.scan(datetime.date(2026, 7, 1))
    assert created["liaison.meeting_decision_unit"] == 1  # B's is overdue; A's is far away
    note = Notification.objects.get(kind="liaison.meeting_decision_unit")
    assert note.recipient == liaison_b and note.level == Notification.Level.OVERDUE
    assert note.url == detail(decision_b) and "已逾期" in note.title
    assert deadlines.scan(datetime.date(2026, 7, 1))["liaison.meeting_decision_unit"] == 0
    created = deadlines.scan(datetime.date(2026, 12, 28))
    assert created["liaison.meeting_decision_unit"] == 1  # A's is now near
    assert Notification.objects.filter(kind="liaison.meeting_decision_unit", recipient=liaison_a).exists()
