"""Gates that no page or command can bypass: the 公示 outcome only after the period, live re-checks of the blocking
rules at 任职 and 试用期满, and no future dates for steps that already happened. Each test drives the service, and
the page tests POST straight past the form to show the service's refusal reaches the user (400, not 500)."""

import datetime

import pytest
from django.urls import reverse

from cadres.models import ImpactPeriod, MeasureKind, SupervisionMeasure
from cadres.registry import register_warning_rule
from cadres.warnings import impact_period_rule
from core.models import WorkCalendarYear
from core.refusals import Refused
from tests.vetting.conftest import PUBLICITY_START, fresh, refused
from vetting.models import CaseStatus, CrossCheck, ProbationResult, PublicityOutcome
from vetting.services import appointing, inspecting, publicizing

D = datetime.date
S = CaseStatus


def action_url(case, action):
    return reverse("vetting:action", args=[case.number, action])


# --- 任前公示: the outcome only after the period ----------------------------------------------------------------

@pytest.mark.django_db
def test_publicity_across_national_day_2026_is_concluded_only_after_its_last_day(case, drive, staff, clock):
    """《党政领导干部选拔任用工作条例》(2019) 任职前公示制度: 公示期不少于5个工作日. National Day 2026
    (10-01..10-07 off, 10-10 a working Saturday): 5 working days from 09-28 end on 10-10, so the outcome is
    recorded from 10-11."""
    publicity = drive.publicity(case, start=PUBLICITY_START)
    assert (publicity.end_date, publicity.end_provisional) == (D(2026, 10, 10), False)
    clock.set(D(2026, 10, 20))
    for too_early in (D(2026, 10, 9), D(2026, 10, 10)):
        with refused("incomplete", match="公示期至2026-10-10，须在公示期满后（2026-10-11起）"):
            publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION, decided_on=too_early, actor=staff)
    assert fresh(case).status == S.PUBLICITY and fresh(case).publicity.outcome == ""
    publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION, decided_on=D(2026, 10, 11), actor=staff)
    assert fresh(case).status == S.TALK


@pytest.mark.django_db
def test_publicity_outcome_is_never_recorded_on_a_future_date(case, drive, staff, clock):
    """The outcome is a fact: not dated after today, and not today while the period's last day is today."""
    drive.publicity(case, start=PUBLICITY_START)
    clock.set(D(2026, 10, 10))
    with pytest.raises(Refused, match="认定日期不能晚于今天"):
        publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION, decided_on=D(2026, 10, 12),
                                     actor=staff)
    with refused("incomplete", match="公示期满后"):
        publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION, actor=staff)  # today, the last day
    assert fresh(case).status == S.PUBLICITY


@pytest.mark.django_db
def test_a_publicity_ending_in_a_year_without_holiday_schedule_waits_for_it(case, drive, staff, clock):
    """domain.md 工作日: a deadline in a year neither chinese-calendar nor the admin table covers is 暂定, and an
    action that needs the final date waits for that year's 节假日安排. From 2026-12-28, 5 working days end 2027-01-05
    (暂定)."""
    clock.set(D(2026, 12, 28))
    publicity = drive.publicity(case, start=D(2026, 12, 28))
    assert (publicity.end_date, publicity.end_provisional) == (D(2027, 1, 5), True)
    clock.set(D(2027, 2, 1))
    with refused("incomplete", match="暂定：须待录入2027年节假日安排"):
        publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION, decided_on=D(2027, 2, 1), actor=staff)
    assert fresh(case).status == S.PUBLICITY

    WorkCalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")  # weekends only, 01-01 a working day
    publicity = fresh(case).publicity
    assert (publicity.end_date, publicity.end_provisional) == (D(2027, 1, 4), False)
    publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION, decided_on=D(2027, 2, 1), actor=staff)
    assert fresh(case).status == S.TALK


@pytest.mark.django_db
def test_the_page_cannot_conclude_a_publicity_early_or_provisional(client_for, case, drive, staff, clock):
    """The decision form checks nothing about the period: the service refuses, the page says why (400)."""
    clock.set(D(2026, 12, 28))
    drive.publicity(case, start=D(2026, 12, 28))
    clock.set(D(2027, 1, 6))
    client = client_for(staff)
    for day, message in (("2027-01-06", "须待录入2027年节假日安排"), ("2027-03-01", "晚于今天")):
        response = client.post(action_url(case, "decide_publicity"), {
            "decide_publicity-outcome": PublicityOutcome.NO_OBJECTION, "decide_publicity-decided_on": day})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert fresh(case).status == S.PUBLICITY


# --- live re-check at 任职 and 试用期满 ----------------------------------------------------------------------------

@pytest.fixture
def impact_periods(isolated_registry):
    """The real cadres rule on impact periods (《推进领导干部能上能下规定》: 诫勉 6 months 不得提拔)."""
    register_warning_rule("impact_period", "处于影响期", blocking=True)(impact_period_rule)
    ImpactPeriod.objects.update_or_create(kind=MeasureKind.ADMONISHMENT, defaults={"months": 6})


def admonish(cadre, on):
    return SupervisionMeasure.objects.create(cadre=cadre, kind=MeasureKind.ADMONISHMENT, date=on,
                                             reason="落实主体责任不力")


@pytest.mark.django_db
def test_a_measure_recorded_after_publicity_blocks_the_appointment(cadre, case, drive, leader, clock, impact_periods):
    """凡提必审: a 诫勉 recorded after the pre-publicity cross-check (which found nothing) blocks 任职 — the rules are
    evaluated when the 部领导 confirms it, and the finding stays on the case for the approval."""
    clock.set(D(2026, 10, 13))
    drive.talk(case)
    drive.record_talk(case)
    assert not any(i.blocking for i in case.crosschecks.get(occasion=CrossCheck.Occasion.BEFORE_PUBLICITY)
                   .items.all())
    admonish(cadre, D(2026, 10, 14))
    clock.set(D(2026, 10, 15))
    refusal = "处于影响期：2026-10-14受到诫勉，期内不得提拔，影响期至2027-04-13.*须部领导书面批准"
    with refused("incomplete", match=refusal):
        appointing.appoint(case, appointed_on=D(2026, 10, 15), actor=leader)
    case = fresh(case)
    assert case.status == S.TALK and not hasattr(case, "appointment")
    found = case.crosschecks.get(occasion=CrossCheck.Occasion.APPOINTMENT)
    assert [(i.blocking, i.overridden) for i in found.items.all()] == [(True, False)]

    appointing.override_blocking(case, "诫勉系工作失误，经部务会研究同意平级任用", actor=leader)
    appointing.appoint(case, appointed_on=D(2026, 10, 15), actor=leader)
    assert fresh(case).status == S.PROBATION


@pytest.mark.django_db
def test_an_approval_covers_only_what_it_names(cadre, case, drive, leader, clock, impact_periods):
    """The 部领导's approval names its items: a petition with specific clues opened after it blocks again
    (凡提必查, 《党政领导干部选拔任用工作条例》)."""
    admonish(cadre, D(2026, 9, 1))
    clock.set(D(2026, 10, 13))
    drive.talk(case)
    drive.record_talk(case)
    appointing.override_blocking(case, "同意", actor=leader)
    petitions = set()

    @register_warning_rule("petitions.open_specific_clues", "有线索具体的信访举报尚未办结", blocking=True)
    def open_petitions(cadres, on_date):
        return {c.pk: ["信访举报件 XF-2026-00042（初步核实中，线索具体）"] for c in cadres if c.pk in petitions}

    petitions.add(cadre.pk)
    clock.set(D(2026, 10, 15))
    with refused("incomplete") as caught:
        appointing.appoint(case, appointed_on=D(2026, 10, 15), actor=leader)
    assert "XF-2026-00042" in str(caught.value) and "诫勉" not in str(caught.value)
    check = fresh(case).crosschecks.get(occasion=CrossCheck.Occasion.APPOINTMENT)
    assert {(i.code, i.overridden) for i in check.items.filter(blocking=True)} == {
        ("impact_period", True), ("petitions.open_specific_clues", False)}
    assert case.events.filter(step="crosscheck", detail__contains="【阻止·已经部领导批准】处于影响期").exists()
    assert fresh(case).status == S.TALK


@pytest.mark.django_db
def test_confirmation_after_probation_rechecks_live(cadre, case, drive, leader, section_head, clock, impact_periods):
    """试用期满 胜任 → 正式任职 is a gate too: a 诫勉 during the trial year blocks it until a 部领导 approves; 不胜任
    (removing the trial post) is not a promotion and is not held up."""
    clock.set(D(2026, 10, 15))
    drive.appointed(case)
    admonish(cadre, D(2027, 8, 1))
    clock.set(D(2027, 10, 16))
    with refused("incomplete", match="处于影响期"):
        appointing.assess_probation(case, result=ProbationResult.COMPETENT, assessed_on=D(2027, 10, 16),
                                    note="胜任", actor=section_head)
    assert fresh(case).status == S.PROBATION
    assert fresh(case).crosschecks.filter(occasion=CrossCheck.Occasion.CONFIRMATION).exists()
    appointing.override_blocking(case, "诫勉事由已整改到位，同意正式任职", actor=leader)
    appointing.assess_probation(case, result=ProbationResult.COMPETENT, assessed_on=D(2027, 10, 16), note="胜任",
                                actor=section_head)
    assert fresh(case).status == S.APPOINTED


@pytest.mark.django_db
def test_the_page_refuses_an_appointment_a_new_blocker_stops(client_for, cadre, case, drive, leader, clock,
                                                             impact_periods):
    clock.set(D(2026, 10, 13))
    drive.talk(case)
    drive.record_talk(case)
    admonish(cadre, D(2026, 10, 14))
    clock.set(D(2026, 10, 15))
    client = client_for(leader)
    response = client.post(action_url(case, "appoint"), {"appoint-appointed_on": "2026-10-15"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "须部领导书面批准" in page and "override_block-reason" in page  # the approval is offered at once
    assert fresh(case).status == S.TALK
    # what the gate found stays on the case (the page's action is not one transaction with it), so it is approvable
    found = fresh(case).crosschecks.get(occasion=CrossCheck.Occasion.APPOINTMENT)
    assert [(i.blocking, i.overridden) for i in found.items.all()] == [(True, False)]


# --- dates of things that already happened ----------------------------------------------------------------------

@pytest.mark.django_db
def test_a_case_cannot_be_opened_on_a_future_date(open_case, clock):
    clock.set(D(2026, 8, 31))
    with pytest.raises(Refused, match="启动日期不能晚于今天"):
        open_case()


@pytest.mark.django_db
def test_step_dates_after_today_are_refused(case, drive, staff, leader, clock):
    """Recommendation, feedback, talk, appointment: each records a fact, so none is dated after today."""
    clock.set(D(2026, 9, 2))
    with pytest.raises(Refused, match="民主推荐日期"):
        inspecting.record_recommendation(case, held_on=D(2026, 9, 3), votes_cast=60, votes_for=48, actor=staff)
    clock.set(D(2026, 10, 20))
    drive.publicity(case)
    with pytest.raises(Refused, match="收到日期"):
        publicizing.record_feedback(case, received_on=D(2026, 10, 21), channel="call", content="反映", actor=staff)
    publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION, decided_on=D(2026, 10, 11), actor=staff)
    with pytest.raises(Refused, match="谈话日期"):
        appointing.record_talk(case, talk_date=D(2026, 10, 21), bodies=["organization"], talkers="王建国",
                               key_points="严守纪律", pledge=None, actor=staff)
    drive.record_talk(case)
    with pytest.raises(Refused, match="任职日期不能晚于今天"):
        appointing.appoint(case, appointed_on=D(2026, 10, 21), actor=leader)
    assert fresh(case).status == S.TALK


@pytest.mark.django_db
def test_the_page_refuses_a_future_appointment_date(client_for, case, drive, leader, clock):
    drive.talk(case)
    drive.record_talk(case)
    clock.set(D(2026, 10, 15))
    response = client_for(leader).post(action_url(case, "appoint"), {"appoint-appointed_on": "2026-12-01"})
    assert response.status_code == 400 and "晚于今天" in response.content.decode()
    assert fresh(case).status == S.TALK


@pytest.mark.django_db
def test_an_appointment_refused_for_its_date_leaves_no_recheck(case, drive, leader, clock):
    """Only a gate that could pass records its live cross-check; a refusal for another reason leaves nothing."""
    drive.talk(case)
    drive.record_talk(case)  # talk on 2026-10-13
    with pytest.raises(Refused, match="不能早于任前廉政谈话日期"):
        appointing.appoint(case, appointed_on=D(2026, 10, 12), actor=leader)
    assert not case.crosschecks.filter(occasion=CrossCheck.Occasion.APPOINTMENT).exists()


@pytest.mark.django_db
def test_approvals_given_before_the_migration_name_their_items(cadre, case, leader):
    """An override stored before approvals named their items covered every blocking item of its check."""
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    migration = import_module("vetting.migrations.0003_crosscheck_override_names_items")
    check = case.crosschecks.get()
    check.items.create(source="warning", code="impact_period", label="处于影响期", reason="诫勉，影响期至2027-03-01",
                       blocking=True)
    check.items.create(source="warning", code="long_tenure", label="同一职位任职时间较长", reason="满10年")
    CrossCheck.objects.filter(pk=check.pk).update(override_reason="同意", overridden_by=leader,
                                                  overridden_at=timezone.now())
    migration.name_what_was_overridden(apps, None)
    check.refresh_from_db()
    assert check.overridden_keys == ["warning|impact_period|诫勉，影响期至2027-03-01"]
    assert [(i.code, i.overridden) for i in check.items.all()] == [("impact_period", True), ("long_tenure", False)]
