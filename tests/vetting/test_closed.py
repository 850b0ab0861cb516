"""Nothing can be changed once a case is closed, and the 全程纪实 can never be rewritten."""

import datetime

import pytest
from django.db import DatabaseError, transaction

from cadres.models import Rank
from core.refusals import Refused
from tests.vetting.conftest import fresh, pledge_file, refused
from vetting import workflow
from vetting.models import (
    ArchiveResult,
    CaseStatus,
    Department,
    DisciplineConclusion,
    FeedbackChannel,
    PersonalMattersResult,
    ProbationResult,
    PublicityOutcome,
    StepEvent,
    TalkBody,
    VettingCase,
)
from vetting.services import appointing, inspecting, lifecycle, publicizing

D = datetime.date
S = CaseStatus


def step_calls(case, actor):
    """Every step-editing service, with valid arguments."""
    return {
        "recommendation": lambda: inspecting.record_recommendation(case, held_on=D(2026, 9, 2), votes_cast=10,
                                                                   votes_for=8, actor=actor),
        "override_recommendation": lambda: inspecting.override_recommendation(case, "理由", actor=actor),
        "archive": lambda: inspecting.record_archive_review(case, reviewed_on=D(2026, 9, 3), result=ArchiveResult.CLEAR,
                                                            problems=[], findings="", actor=actor),
        "personal_matters": lambda: inspecting.record_personal_matters(
            case, checked_on=D(2026, 9, 3), result=PersonalMattersResult.CONSISTENT, actor=actor),
        "discipline_request": lambda: inspecting.request_discipline_opinion(case, requested_on=D(2026, 9, 3),
                                                                            actor=actor),
        "discipline_reply": lambda: inspecting.record_discipline_reply(
            case, replied_on=D(2026, 9, 9), conclusion=DisciplineConclusion.NO_ISSUES, reply="", actor=actor),
        "petition": lambda: inspecting.complete_petition_check(case, checked_on=D(2026, 9, 3), conclusion="无",
                                                               actor=actor),
        "opinion": lambda: inspecting.request_opinion(case, department=Department.TAX, requested_on=D(2026, 9, 3),
                                                      actor=actor),
        "exam": lambda: inspecting.record_exam(case, exam_date=D(2026, 9, 30), score_party_rules=90, score_law=90,
                                               score_integrity=90, actor=actor),
        "feedback": lambda: publicizing.record_feedback(case, received_on=D(2026, 9, 30),
                                                        channel=FeedbackChannel.ONLINE, content="内容", actor=actor),
        "decide": lambda: publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION,
                                                       decided_on=D(2026, 10, 12), actor=actor),
        "talk": lambda: appointing.record_talk(case, talk_date=D(2026, 10, 13), bodies=[TalkBody.DISCIPLINE],
                                               talkers="某某", key_points="要点", pledge=pledge_file(), actor=actor),
        "appoint": lambda: appointing.appoint(case, appointed_on=D(2026, 10, 20), actor=actor),
        "probation": lambda: appointing.assess_probation(case, result=ProbationResult.INCOMPETENT,
                                                         assessed_on=D(2027, 10, 20), note="不胜任", actor=actor),
        "crosscheck": lambda: appointing.rerun_crosscheck(case, actor=actor),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("closed_by", ["terminated", "appointed", "trial_removed"])
def test_no_step_can_be_edited_after_the_case_is_closed(case, drive, staff, section_head, leader, closed_by):
    if closed_by == "terminated":
        drive.inspection(case)
        inspecting.record_archive_review(case, reviewed_on=D(2026, 9, 3), result=ArchiveResult.FALSIFIED,
                                         problems=["birth_date"], findings="出生日期涂改", actor=staff)
        lifecycle.terminate(case, "档案审核发现出生日期造假", actor=section_head)
    else:
        drive.appointed(case)
        result = ProbationResult.COMPETENT if closed_by == "appointed" else ProbationResult.INCOMPETENT
        appointing.assess_probation(case, result=result, assessed_on=D(2027, 10, 15), note="考核情况", actor=staff,
                                    arranged_unit=case.cadre.unit, arranged_title="副镇长",
                                    arranged_rank=Rank.SECTION_DEPUTY)
    case = fresh(case)
    assert case.is_closed
    events = StepEvent.objects.filter(case=case).count()
    # The section head may do every step but the appointment (the 部领导's) and the override of a low vote: each
    # is refused as closed; so is the leader's appointment.
    calls = step_calls(case, section_head)
    with refused("denied"):
        calls.pop("appoint")()
    with refused("closed"):
        step_calls(case, leader)["appoint"]()
    for name, call in calls.items():
        with refused("closed"):
            call()
        assert StepEvent.objects.filter(case=case).count() == events, name
    for call in step_calls(case, leader).values():
        with pytest.raises(Refused):
            call()
    with refused("closed"):
        appointing.override_blocking(case, "理由", actor=leader)
    for action in workflow.MACHINE.actions:
        with refused("state"):
            lifecycle.transition(case, action, actor=staff, reason="理由")


@pytest.mark.django_db
def test_steps_of_a_later_stage_cannot_be_entered_early_nor_earlier_ones_changed_later(case, drive, staff):
    calls = step_calls(case, staff)
    with refused("step"):
        calls["archive"]()
    drive.inspection(case)
    with refused("step"):
        calls["recommendation"]()


@pytest.mark.django_db
def test_case_record_is_append_only(case):
    event = case.events.first()
    event.verb = "改写"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    for statement in (StepEvent.objects.filter(pk=event.pk).update, ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement(verb="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        StepEvent.objects.filter(pk=event.pk).delete()
    assert StepEvent.objects.get(pk=event.pk).verb == "启动任前把关"


@pytest.mark.django_db
def test_every_step_records_who_and_when(case, drive, staff, leader):
    drive.appointed(case)
    case = VettingCase.objects.get(pk=case.pk)
    for record in (case.recommendation, case.archive_review, case.personal_matters, case.discipline,
                   case.petition_check, case.publicity, case.talk,
                   *case.opinion_requests.all(), *case.exam_attempts.all()):
        assert record.recorded_by == staff and record.recorded_at, record
    assert case.appointment.recorded_by == leader and case.appointment.recorded_at  # confirmed by the 部领导
    assert not StepEvent.objects.filter(case=case, actor__isnull=True).exists()
