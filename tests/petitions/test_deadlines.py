"""Time limits: two clocks from the editable table, the 30-day extension, and the deadline scan on a fixed date."""

import datetime

import pytest

from core import deadlines as core_deadlines
from core.models import Notification
from core.refusals import Refused
from petitions import services
from petitions.deadlines import days_class, provider
from petitions.models import CaseType, Disposal, Petition, Stage, TimeLimit
from tests.petitions.factories import make_petition


def _approve(petition, staff, head, on=None, disposal=Disposal.PRELIMINARY_CHECK):
    services.propose(petition, actor=staff, disposal=disposal, reason="理由")
    services.approve(petition, actor=head)
    if on:
        Petition.objects.filter(pk=petition.pk).update(accepted_on=on)
    petition = Petition.objects.get(pk=petition.pk)
    return services.refresh_deadlines(petition)


def test_accusation_acceptance_notice_counts_working_days(staff):
    # 2026-03-02 is a Monday; March 2026 has no holiday: the 15th working day after it is Monday 2026-03-23.
    petition = make_petition(staff, received_on=datetime.date(2026, 3, 2))
    assert petition.acceptance_due == datetime.date(2026, 3, 23)
    assert not petition.acceptance_due_provisional
    assert (petition.next_due, petition.next_due_label) == (datetime.date(2026, 3, 23), "受理告知")


def test_working_days_skip_the_national_day_holiday(staff, section_head):
    # Received Wed 2026-09-30: 10-01..10-07 are holidays, Sat 10-10 is a working day (调休).
    petition = make_petition(staff, received_on=datetime.date(2026, 9, 30))
    assert petition.acceptance_due == datetime.date(2026, 10, 27)
    services.propose(petition, actor=staff, disposal=Disposal.TRANSFER, reason="属其他层级管辖",
                     transfer_to="市委组织部", transfer_reply_due=datetime.date(2026, 11, 30))
    petition.refresh_from_db()
    # forwarding within 5 working days: 10-08, 10-09, 10-10, 10-12, 10-13
    assert petition.forward_due == datetime.date(2026, 10, 13)


def test_anonymous_accusation_has_no_acceptance_notice(staff):
    petition = make_petition(staff, named=False)
    assert petition.acceptance_due is None and petition.next_due is None


def test_notice_given_clears_the_acceptance_deadline(staff, section_head):
    petition = _approve(make_petition(staff), staff, section_head)
    services.notify_acceptance(petition, actor=staff, notified_on=datetime.date(2026, 3, 10), method="phone")
    petition.refresh_from_db()
    assert petition.next_due is None


def test_feedback_due_15_working_days_after_closing(staff, section_head):
    petition = _approve(make_petition(staff), staff, section_head)
    services.submit_findings(petition, actor=staff, findings="查核情况")
    services.conclude(petition, actor=section_head, conclusion="true", note="属实",
                      concluded_on=datetime.date(2026, 4, 1))
    petition.refresh_from_db()
    # 2026-04-01 (Wed); 清明 holiday 04-04..04-06 (Sat-Mon): 2,3,7,8,9,10,13..17,20..23 → 2026-04-23
    assert petition.feedback_due == datetime.date(2026, 4, 23)
    assert petition.next_due_label == "反馈"


def test_petition_matter_counts_calendar_days(staff, section_head):
    petition = make_petition(staff, case_type=CaseType.PETITION_MATTER, received_on=datetime.date(2026, 3, 2))
    assert petition.acceptance_due == datetime.date(2026, 3, 17)  # 15 days
    petition = _approve(petition, staff, section_head, on=datetime.date(2026, 3, 10))
    assert petition.handling_due == datetime.date(2026, 5, 9)  # 60 days from acceptance
    assert petition.next_due == datetime.date(2026, 5, 9)


def test_one_extension_of_at_most_30_days_with_recorded_approval(staff, section_head):
    petition = make_petition(staff, case_type=CaseType.PETITION_MATTER)
    petition = _approve(petition, staff, section_head, on=datetime.date(2026, 3, 10))
    with pytest.raises(Refused, match="1 至 30"):
        services.extend(petition, actor=section_head, days=31, reason="情况复杂")
    services.extend(petition, actor=section_head, days=30, reason="情况复杂")
    petition.refresh_from_db()
    assert petition.handling_due == datetime.date(2026, 6, 8)
    assert petition.extension_approved_by == section_head and petition.extension_approved_at
    with pytest.raises(Refused, match="只能延期一次"):
        services.extend(petition, actor=section_head, days=5, reason="再延")


def test_accusations_cannot_be_extended(staff, section_head):
    petition = _approve(make_petition(staff), staff, section_head)
    with pytest.raises(Refused, match="只有信访事项"):
        services.extend(petition, actor=section_head, days=10, reason="x")


def test_limits_come_from_the_editable_table(staff, section_head):
    TimeLimit.objects.filter(case_type=CaseType.PETITION_MATTER, stage=Stage.HANDLING).update(days=90)
    petition = make_petition(staff, case_type=CaseType.PETITION_MATTER)
    petition = _approve(petition, staff, section_head, on=datetime.date(2026, 3, 10))
    assert petition.handling_due == datetime.date(2026, 6, 8)
    TimeLimit.objects.filter(case_type=CaseType.PETITION_MATTER, stage=Stage.HANDLING).update(days=60)
    assert [move.field for move in services.recompute_deadlines()] == ["handling_due"]
    petition.refresh_from_db()
    assert petition.handling_due == datetime.date(2026, 5, 9)


def test_days_left_colours():
    today = datetime.date(2026, 3, 10)
    assert days_class(datetime.date(2026, 3, 9), today) == "days-red"
    assert days_class(today, today) == "days-red"
    assert days_class(datetime.date(2026, 3, 15), today) == "days-yellow"
    assert days_class(datetime.date(2026, 3, 16), today) == "days-normal"
    assert days_class(None, today) == ""


def test_scan_on_a_fixed_date(staff, section_head, other_county_staff):
    # acceptance notice due 2026-03-23 (see above)
    petition = make_petition(staff, received_on=datetime.date(2026, 3, 2))
    quiet = make_petition(staff, received_on=datetime.date(2026, 3, 20))  # due in April: outside the window
    items = core_deadlines.evaluate(provider, datetime.date(2026, 3, 18))
    expected = [(petition.code, "notice", datetime.date(2026, 3, 23))]
    assert [(i.target.code, i.level, i.due_date) for i in items] == expected
    assert items[0].recipients == (staff,)
    assert "钱多多" not in items[0].title and petition.code in items[0].title

    on_the_day = core_deadlines.evaluate(provider, datetime.date(2026, 3, 23))
    assert [i.level for i in on_the_day if i.target == petition] == ["warning"]
    overdue = [i for i in core_deadlines.evaluate(provider, datetime.date(2026, 3, 24)) if i.target == petition]
    assert overdue[0].level == "overdue"
    # overdue: the section head of the county too, not the staff of another county
    assert set(overdue[0].recipients) == {staff, section_head}
    assert quiet.pk not in [i.target.pk for i in core_deadlines.evaluate(provider, datetime.date(2026, 3, 24))]

    created = core_deadlines.scan(datetime.date(2026, 3, 24))
    assert created["petitions.acceptance"] == 2
    assert Notification.objects.filter(kind="petitions.acceptance", recipient=section_head, level="overdue").exists()
    assert core_deadlines.scan(datetime.date(2026, 3, 24))["petitions.acceptance"] == 0  # rerun adds nothing
    assert not Notification.objects.filter(recipient=other_county_staff).exists()


def test_scan_reports_transfer_replies_and_handling(staff, section_head):
    transferred = make_petition(staff)
    services.propose(transferred, actor=staff, disposal=Disposal.TRANSFER, reason="属纪委监委管辖",
                     transfer_to="县纪委监委", transfer_reply_due=datetime.date(2026, 4, 20))
    services.approve(transferred, actor=section_head)
    matter = _approve(make_petition(staff, case_type=CaseType.PETITION_MATTER, named=False), staff, section_head,
                      on=datetime.date(2026, 3, 10))
    found = {(i.kind, i.target.code, i.level) for i in core_deadlines.evaluate(provider, datetime.date(2026, 5, 9))}
    assert ("petitions.transfer_reply", transferred.code, "overdue") in found
    assert ("petitions.handling", matter.code, "warning") in found


def test_provisional_deadline_is_marked_and_recomputed_when_the_year_is_entered(staff, client_for, monkeypatch):
    from core.models import WorkCalendarDay, WorkCalendarYear

    # 2027's holidays are not known yet: the acceptance notice deadline is provisional (暂定)
    with monkeypatch.context() as patched:  # registered on the day of receipt (a future receipt is refused)
        patched.setattr("django.utils.timezone.localdate", lambda *args: datetime.date(2026, 12, 25))
        petition = make_petition(staff, received_on=datetime.date(2026, 12, 25))
    assert petition.acceptance_due_provisional and petition.next_due_provisional
    page = client_for(staff).get(petition.get_absolute_url()).content.decode()
    assert "（暂定）" in page
    WorkCalendarYear.objects.create(year=2027, source="测试安排")
    WorkCalendarDay.objects.create(date=datetime.date(2027, 1, 4), is_working_day=False, name="测试假日")
    petition.refresh_from_db()
    assert not petition.acceptance_due_provisional
    # the entered schedule has only 01-04 off: 12-28..12-31 (4), 01-01 (5), 01-05..08 (9), 01-11..15 (14), 01-18
    assert petition.acceptance_due == datetime.date(2027, 1, 18)
