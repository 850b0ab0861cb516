"""Meetings are edited with optimistic locking (core.concurrency): the edit form carries the version it was opened
at; a save by someone else in between turns the second save into a clear Chinese message, and nothing of it is
saved (attendees included)."""

import datetime
import uuid

import pytest
from django.urls import reverse

from core.concurrency import EditConflict
from core.models import AuditEvent
from liaison import services
from liaison.models import Meeting


@pytest.fixture
def meeting(county, member_a, staff):
    return services.create_meeting(actor=staff, organizer=county, attendees=[member_a], kind=Meeting.Kind.THEMATIC,
                                   title="个人有关事项查核专题会议", held_on=datetime.date(2026, 7, 15),
                                   agenda="研究查核分工", minutes="")


def form_data(meeting, **changes):
    data = {"kind": meeting.kind, "title": meeting.title, "held_on": meeting.held_on.isoformat(),
            "agenda": meeting.agenda, "minutes": meeting.minutes,
            "attendees": [unit.pk for unit in meeting.attendees.all()], "version": meeting.version}
    data.update(changes)
    return data


def edit_url(meeting):
    return reverse("liaison:meeting_edit", args=[meeting.code])


@pytest.mark.django_db
def test_the_edit_form_carries_the_version_it_was_opened_at(client_for, staff, meeting):
    response = client_for(staff).get(edit_url(meeting))
    assert response.status_code == 200
    assert 'name="version" value="1"' in response.content.decode()


@pytest.mark.django_db
def test_an_edit_saves_takes_the_next_version_and_logs_what_changed(client_for, staff, meeting, member_a,
                                                                   member_b):
    response = client_for(staff).post(edit_url(meeting), form_data(
        meeting, minutes="会议明确了比对数据的提供时限。", attendees=[member_a.pk, member_b.pk]))
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.version == 2 and meeting.minutes == "会议明确了比对数据的提供时限。"
    assert set(meeting.attendees.all()) == {member_a, member_b}
    event = AuditEvent.objects.get(name="liaison.meeting.updated")
    assert set(event.changes) == {"minutes", "attendees"} and event.actor == staff


@pytest.mark.django_db
def test_a_stale_edit_is_refused_with_a_clear_message_and_saves_nothing(client_for, staff, section_head, meeting,
                                                                       member_a, member_b):
    opened = form_data(meeting)  # both open the form at version 1
    first = client_for(section_head).post(edit_url(meeting), {**opened, "minutes": "科室负责人补充的纪要"})
    assert first.status_code == 302
    response = client_for(staff).post(edit_url(meeting), {
        **opened, "title": "改过的名称", "minutes": "工作人员的纪要", "attendees": [member_a.pk, member_b.pk]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "保存未成功：在您编辑期间，该记录已被head于" in page
    assert "「会议纪要」现为“科室负责人补充的纪要”（您填写的是“工作人员的纪要”）" in page
    assert "请核对最新内容后重新修改" in page
    meeting.refresh_from_db()
    assert (meeting.version, meeting.title, meeting.minutes) == (2, "个人有关事项查核专题会议", "科室负责人补充的纪要")
    assert list(meeting.attendees.all()) == [member_a]  # the attendees were not changed either
    assert AuditEvent.objects.filter(name="liaison.meeting.updated").count() == 1


@pytest.mark.django_db
def test_the_service_refuses_a_stale_version(staff, meeting):
    services.update_meeting(meeting, actor=staff, version=1, minutes="第一次修改")
    with pytest.raises(EditConflict, match="第一次修改"):
        services.update_meeting(Meeting.objects.get(pk=meeting.pk), actor=staff, version=1, minutes="第二次修改")
    assert Meeting.objects.get(pk=meeting.pk).minutes == "第一次修改"


@pytest.mark.django_db
def test_a_new_meeting_starts_at_version_one(client_for, staff, member_a):
    response = client_for(staff).post(reverse("liaison:meeting_new"), {
        "kind": "plenary", "title": "2026年全体会议", "held_on": "2026-12-10", "agenda": "", "minutes": "",
        "attendees": [member_a.pk]})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.version == 1 and meeting.created_by == staff and meeting.organizer == staff.jurisdiction


@pytest.mark.django_db
def test_the_edit_is_denied_to_leaders_officers_and_administrators(client_for, leader, liaison_a, system_admin,
                                                                   meeting):
    for user in (leader, liaison_a, system_admin):
        assert client_for(user).post(edit_url(meeting), form_data(meeting, minutes="x")).status_code == 403
    meeting.refresh_from_db()
    assert meeting.version == 1 and meeting.minutes == ""


@pytest.mark.django_db
def test_the_edit_of_a_hidden_or_missing_meeting_is_not_found(client_for, other_county_staff, staff, meeting):
    assert client_for(other_county_staff).post(edit_url(meeting), form_data(meeting)).status_code == 404
    assert client_for(staff).get(reverse("liaison:meeting_edit", args=[uuid.uuid4()])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.version == 1


@pytest.mark.django_db
def test_the_meeting_list_and_compliance_page_show_a_missing_plenary_meeting(client_for, staff, county, member_a):
    from django.utils import timezone

    client = client_for(staff)
    year = timezone.localdate().year
    for url in (reverse("liaison:meeting_list"), reverse("liaison:compliance")):
        assert "每年至少召开 1 次" in client.get(url).content.decode()
    Meeting.objects.create(organizer=county, kind=Meeting.Kind.PLENARY, title="全体会议",
                           held_on=datetime.date(year, 1, 5))
    for url in (reverse("liaison:meeting_list"), reverse("liaison:compliance")):
        page = client.get(url).content.decode()
        assert "每年至少召开" not in page and f"{year}年" in page
