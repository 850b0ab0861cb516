"""The rules of the individual steps: the 50% recommendation rule, the exam with one retake, publicity over
National Day 2026 and its feedback, the petition check (凡提必查)."""

import datetime
from decimal import Decimal

import pytest

from cadres.registry import CaseRef, register_case_source
from core.refusals import Refused
from tests.vetting.conftest import PUBLICITY_START, fresh, refused
from vetting.models import (
    CaseStatus,
    FeedbackChannel,
    FeedbackConclusion,
    PublicityOutcome,
    VettingSettings,
)
from vetting.services import appointing, inspecting, publicizing

D = datetime.date
S = CaseStatus


# --- 民主推荐 ---------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_recommendation_below_half_is_flagged_and_stops_the_case(case, staff):
    rec = inspecting.record_recommendation(case, held_on=D(2026, 9, 2), votes_cast=60, votes_for=29, actor=staff)
    assert rec.share == Decimal("48.33") and rec.below_threshold
    with refused("incomplete", match="低于50"):
        inspecting.start_inspection(case, actor=staff)


@pytest.mark.django_db
def test_exactly_half_is_not_below(case, staff):
    rec = inspecting.record_recommendation(case, held_on=D(2026, 9, 2), votes_cast=60, votes_for=30, actor=staff)
    assert not rec.below_threshold
    inspecting.start_inspection(case, actor=staff)
    assert fresh(case).status == S.INSPECTION


@pytest.mark.django_db
def test_only_section_head_or_leader_may_let_a_low_vote_go_on(case, staff, section_head, leader):
    inspecting.record_recommendation(case, held_on=D(2026, 9, 2), votes_cast=60, votes_for=20, actor=staff)
    with refused("denied"):
        inspecting.override_recommendation(case, "工作需要", actor=staff)
    with pytest.raises(Refused):
        inspecting.override_recommendation(case, "  ", actor=section_head)
    rec = inspecting.override_recommendation(case, "该同志长期在基层一线，推荐范围内熟悉度低，经研究继续考察",
                                             actor=section_head)
    assert rec.override_by == section_head and rec.override_at
    inspecting.start_inspection(case, actor=staff)
    assert fresh(case).status == S.INSPECTION
    assert case.events.filter(verb__contains="批准继续推进", actor=section_head).exists()


@pytest.mark.django_db
def test_leader_may_override_and_new_figures_need_a_new_decision(case, staff, leader):
    inspecting.record_recommendation(case, held_on=D(2026, 9, 2), votes_cast=60, votes_for=20, actor=staff)
    inspecting.override_recommendation(case, "部务会研究同意继续", actor=leader)
    rec = inspecting.record_recommendation(case, held_on=D(2026, 9, 2), votes_cast=60, votes_for=21, actor=staff)
    assert rec.override_reason == ""
    with refused("incomplete"):
        inspecting.start_inspection(case, actor=staff)


@pytest.mark.django_db
def test_threshold_is_an_editable_setting(case, staff):
    settings = VettingSettings.current()
    settings.recommendation_threshold = Decimal("70")
    settings.save()
    rec = inspecting.record_recommendation(case, held_on=D(2026, 9, 2), votes_cast=100, votes_for=65, actor=staff)
    assert rec.below_threshold and rec.threshold == Decimal("70.00")


# --- 三考 -------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_exam_retake_once_and_both_attempts_kept(case, staff, drive):
    drive.inspection(case)
    first = inspecting.record_exam(case, exam_date=D(2026, 9, 10), score_party_rules=55, score_law=80,
                                   score_integrity=90, actor=staff)
    assert not first.passed and first.attempt_no == 1
    second = inspecting.record_exam(case, exam_date=D(2026, 9, 17), score_party_rules=58, score_law=80,
                                    score_integrity=90, actor=staff)
    assert not second.passed and second.attempt_no == 2
    with pytest.raises(Refused, match="只能补考一次"):
        inspecting.record_exam(case, exam_date=D(2026, 9, 24), score_party_rules=90, score_law=90,
                               score_integrity=90, actor=staff)
    assert [(a.attempt_no, a.passed) for a in case.exam_attempts.all()] == [(1, False), (2, False)]


@pytest.mark.django_db
def test_exam_pass_mark_is_editable_and_a_pass_needs_no_retake(case, staff, drive):
    settings = VettingSettings.current()
    settings.exam_pass_mark = 50
    settings.save()
    drive.inspection(case)
    first = inspecting.record_exam(case, exam_date=D(2026, 9, 10), score_party_rules=55, score_law=80,
                                   score_integrity=90, actor=staff)
    assert first.passed and first.pass_mark == 50
    with pytest.raises(Refused, match="已通过"):
        inspecting.record_exam(case, exam_date=D(2026, 9, 17), score_party_rules=90, score_law=90,
                               score_integrity=90, actor=staff)


# --- 任前公示 -----------------------------------------------------------------------------------------------------

def test_publicity_over_national_day_2026_ends_on_the_fifth_working_day(case):
    # 2026-09-28 is a Monday; 10-01..10-07 are holidays and Saturday 10-10 is a working day (调休), so the fifth
    # working day after the start is 10-10: 09-29, 09-30, 10-08, 10-09, 10-10.
    minimum = publicizing.publicity_min_end(case, PUBLICITY_START)
    assert minimum.date == D(2026, 10, 10) and not minimum.provisional


@pytest.mark.django_db
@pytest.mark.parametrize("too_early", [D(2026, 10, 3), D(2026, 10, 5), D(2026, 10, 9)])
def test_publicity_starting_2026_09_28_cannot_end_before_the_fifth_working_day(case, staff, drive, too_early):
    drive.inspection(case)
    drive.checks(case)
    with pytest.raises(Refused, match="2026-10-10"):
        publicizing.start_publicity(case, start_date=PUBLICITY_START, end_date=too_early, actor=staff)
    assert fresh(case).status == S.INSPECTION


@pytest.mark.django_db
def test_publicity_end_defaults_to_the_fifth_working_day_and_may_be_longer(case, open_case, staff, drive):
    publicity = drive.publicity(case)
    assert (publicity.start_date, publicity.end_date, publicity.min_end_date) == (
        PUBLICITY_START, D(2026, 10, 10), D(2026, 10, 10))
    assert fresh(case).status == S.PUBLICITY


@pytest.mark.django_db
def test_unverified_feedback_blocks_leaving_publicity(case, staff, leader, drive):
    publicity = drive.publicity(case)
    feedback = publicizing.record_feedback(case, received_on=D(2026, 9, 30), channel=FeedbackChannel.CALL,
                                           content="反映该同志在征地工作中作风粗暴", actor=staff)
    with refused("incomplete", match="尚未核查"):
        publicizing.decide_publicity(case, outcome=PublicityOutcome.OBJECTION_CLEARED, decided_on=publicity.end_date,
                                     actor=staff)
    assert fresh(case).status == S.PUBLICITY
    with refused("step"):
        appointing.appoint(case, appointed_on=D(2026, 10, 15), actor=leader)
    publicizing.verify_feedback(case, feedback.code, conclusion=FeedbackConclusion.UNTRUE,
                                verification="经向镇党委和群众了解，反映不实", verified_on=D(2026, 10, 9), actor=staff)
    with refused("incomplete", match="期满"):
        publicizing.decide_publicity(case, outcome=PublicityOutcome.OBJECTION_CLEARED, decided_on=D(2026, 10, 9),
                                     actor=staff)
    publicizing.decide_publicity(case, outcome=PublicityOutcome.OBJECTION_CLEARED, decided_on=D(2026, 10, 11),
                                 actor=staff)
    assert fresh(case).status == S.TALK


@pytest.mark.django_db
def test_publicity_outcomes_postpone_and_reject(open_case, cadre, staff, drive):
    from tests.factories import CadreFactory

    postponed = open_case()
    publicity = drive.publicity(postponed)
    after = publicity.end_date + datetime.timedelta(days=1)
    with pytest.raises(Refused, match="理由"):
        publicizing.decide_publicity(postponed, outcome=PublicityOutcome.POSTPONE, decided_on=after, actor=staff)
    publicizing.decide_publicity(postponed, outcome=PublicityOutcome.POSTPONE, note="反映问题需进一步核实",
                                 decided_on=after, actor=staff)
    postponed = fresh(postponed)
    assert (postponed.status, postponed.suspended_from) == (S.SUSPENDED, S.PUBLICITY)

    rejected = open_case(candidate=CadreFactory(unit=cadre.unit))
    publicity = drive.publicity(rejected)
    publicizing.decide_publicity(rejected, outcome=PublicityOutcome.REJECT, note="反映问题属实",
                                 decided_on=publicity.end_date + datetime.timedelta(days=1), actor=staff)
    assert fresh(rejected).status == S.TERMINATED


# --- 信访举报核查 -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_petition_check_cannot_complete_while_a_specific_clue_case_is_open(case, staff, drive):
    state = {"open": True}

    @register_case_source("petition")
    def petitions(cadre):
        return [CaseRef("petition", "XF-2026-00042", "反映违规收受礼金", "/petitions/x/", "初步核实中",
                        is_open=state["open"], blocks_vetting=True),
                CaseRef("petition", "XF-2025-00007", "反映工作作风", "/petitions/y/", "已了结", is_open=False)]

    @register_case_source("liaison_for_vetting")
    def liaison(cadre):
        return [CaseRef("liaison_for_vetting", "LX-2026-03-01", "县公安局通报：酒驾记录核查", "/liaison/z/", "纳入考察",
                        is_open=True)]

    drive.inspection(case)
    with refused("incomplete", match="XF-2026-00042"):
        inspecting.complete_petition_check(case, checked_on=D(2026, 9, 8), conclusion="已核查", actor=staff)
    state["open"] = False
    check = inspecting.complete_petition_check(case, checked_on=D(2026, 9, 20), conclusion="经核查不影响使用",
                                               actor=staff)
    assert {c["code"] for c in check.cases_seen} == {"XF-2026-00042", "XF-2025-00007", "LX-2026-03-01"}


@pytest.mark.django_db
def test_opinion_reply_deadline_is_five_working_days(case, staff, drive):
    from vetting.models import Department

    drive.inspection(case)
    item = inspecting.request_opinion(case, department=Department.HEALTH, requested_on=PUBLICITY_START, actor=staff)
    assert item.reply_deadline == D(2026, 10, 10) and not item.reply_deadline_provisional
    with pytest.raises(Refused, match="已向该部门"):
        inspecting.request_opinion(case, department=Department.HEALTH, requested_on=PUBLICITY_START, actor=staff)
