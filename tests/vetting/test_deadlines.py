"""Deadlines the core scan reports: opinion replies (纪委监委 and other departments), publicity end, probation end
(30 days ahead); provisional (暂定) deadlines recomputed when a year's schedule is entered."""

import datetime

import pytest

from core import deadlines
from core.models import Notification, WorkCalendarDay, WorkCalendarYear
from core.refusals import Refused
from tests.vetting.conftest import fresh
from vetting import deadlines as vetting_deadlines
from vetting.models import Department, OpinionRequest, VettingSettings
from vetting.services import appointing, inspecting

D = datetime.date
Level = Notification.Level


def dues(provider, on_date):
    return [(d.kind, d.due_date, d.level) for d in deadlines.evaluate(provider, on_date)]


@pytest.mark.django_db
def test_probation_end_is_reminded_30_days_before(case, drive, staff):
    appointment = drive.appointed(case)
    end = appointment.probation_end
    assert end == D(2027, 10, 15)
    assert dues(vetting_deadlines.probation_ends, end - datetime.timedelta(days=31)) == []
    assert dues(vetting_deadlines.probation_ends, end - datetime.timedelta(days=30)) == [
        ("vetting.probation_end", end, Level.NOTICE)]
    assert dues(vetting_deadlines.probation_ends, end)[0][2] == Level.WARNING
    assert dues(vetting_deadlines.probation_ends, end + datetime.timedelta(days=1))[0][2] == Level.OVERDUE

    created = deadlines.scan(end - datetime.timedelta(days=30))
    assert created["vetting.probation_end"] == 1
    note = Notification.objects.get(kind="vetting.probation_end")
    assert note.recipient == staff and "试用期" in note.title and note.url == case.get_absolute_url()
    assert deadlines.scan(end - datetime.timedelta(days=30))["vetting.probation_end"] == 0  # idempotent


@pytest.mark.django_db
def test_probation_notice_days_is_a_setting(case, drive):
    settings = VettingSettings.current()
    settings.probation_notice_days = 45
    settings.save()
    end = drive.appointed(case).probation_end
    assert dues(vetting_deadlines.probation_ends, end - datetime.timedelta(days=45))


@pytest.mark.django_db
def test_assessed_probation_is_no_longer_reminded(case, drive, staff):
    from vetting.models import ProbationResult

    end = drive.appointed(case).probation_end
    appointing.assess_probation(case, result=ProbationResult.COMPETENT, assessed_on=end, note="德才表现好，胜任",
                                actor=staff)
    assert fresh(case).status == "appointed"
    assert dues(vetting_deadlines.probation_ends, end) == []


@pytest.mark.django_db
def test_competent_only_after_the_probation_ends(case, drive, staff):
    from vetting.models import ProbationResult

    end = drive.appointed(case).probation_end
    with pytest.raises(Refused, match="期满后"):
        appointing.assess_probation(case, result=ProbationResult.COMPETENT, assessed_on=end - datetime.timedelta(1),
                                    note="胜任", actor=staff)


@pytest.mark.django_db
def test_overdue_opinion_replies_are_reported(case, drive, staff):
    drive.inspection(case)
    police = inspecting.request_opinion(case, department=Department.POLICE, requested_on=D(2026, 9, 1), actor=staff)
    inspecting.request_opinion(case, department=Department.OTHER, department_name="县税务局",
                               requested_on=D(2026, 9, 1), actor=staff)
    discipline = inspecting.request_discipline_opinion(case, requested_on=D(2026, 9, 1), actor=staff)
    assert police.reply_deadline == D(2026, 9, 8) == discipline.reply_deadline
    on = D(2026, 9, 10)
    assert sorted(dues(vetting_deadlines.opinion_replies, on)) == [
        ("vetting.opinion_reply", D(2026, 9, 8), Level.OVERDUE)] * 2
    assert dues(vetting_deadlines.discipline_replies, on) == [
        ("vetting.discipline_reply", D(2026, 9, 8), Level.OVERDUE)]
    titles = [d.title for d in deadlines.evaluate(vetting_deadlines.opinion_replies, on)]
    assert any("县税务局" in t for t in titles) and any("公安" in t for t in titles)
    inspecting.record_opinion_reply(case, police.code, replied_on=D(2026, 9, 9), reply="无记录", actor=staff)
    assert len(dues(vetting_deadlines.opinion_replies, on)) == 1


@pytest.mark.django_db
def test_publicity_end_is_reported(case, drive):
    publicity = drive.publicity(case)
    assert dues(vetting_deadlines.publicity_ends, publicity.end_date) == [
        ("vetting.publicity_end", D(2026, 10, 10), Level.WARNING)]


@pytest.mark.django_db
def test_provisional_deadline_is_stored_and_recomputed_when_the_year_is_entered(case, drive, staff):
    drive.inspection(case)
    # chinese-calendar does not know 2027 yet: a request on 2027-01-04 gets a 暂定 deadline.
    item = inspecting.request_opinion(case, department=Department.AUDIT, requested_on=D(2027, 1, 4), actor=staff)
    assert item.reply_deadline == D(2027, 1, 11) and item.reply_deadline_provisional
    WorkCalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    WorkCalendarDay.objects.create(date=D(2027, 1, 5), is_working_day=False, name="假设的假日")
    item = OpinionRequest.objects.get(pk=item.pk)
    assert item.reply_deadline == D(2027, 1, 12) and not item.reply_deadline_provisional
