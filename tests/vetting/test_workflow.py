"""The forward-only state machine: every move outside the table is refused, whatever the case holds."""

import datetime

import pytest

from tests.vetting.conftest import fresh, refused
from vetting import workflow
from vetting.models import CaseStatus, MoveKind, StepEvent, VettingCase
from vetting.services import inspecting, lifecycle, publicizing

S = CaseStatus
ILLEGAL = workflow.MACHINE.illegal()
# The forward order of the stages (暂缓 and 终止 are aside; 任职 and 免去试任职务 both end the probation).
ORDER = {S.RECOMMENDATION: 0, S.INSPECTION: 1, S.PUBLICITY: 2, S.TALK: 3, S.PROBATION: 4, S.APPOINTED: 5,
         S.TRIAL_REMOVED: 5}


def test_the_table_only_goes_forward_and_nothing_leaves_a_closed_case():
    for row in workflow.MACHINE.transitions:
        for source in row.source:
            for target in row.target:
                if source in ORDER and target in ORDER:
                    assert ORDER[target] > ORDER[source], (row.action, source, target)
    for closed in (S.APPOINTED, S.TRIAL_REMOVED, S.TERMINATED):
        assert not any(closed in row.source for row in workflow.MACHINE.transitions)


def test_the_table_allows_exactly_the_moves_of_the_stages():
    moves = {(source, target) for row in workflow.MACHINE.transitions for source in row.source
             for target in row.target}
    active = (S.RECOMMENDATION, S.INSPECTION, S.PUBLICITY, S.TALK)
    assert moves == {
        (S.RECOMMENDATION, S.INSPECTION), (S.INSPECTION, S.PUBLICITY), (S.PUBLICITY, S.TALK),
        (S.TALK, S.PROBATION), (S.TALK, S.APPOINTED), (S.PROBATION, S.APPOINTED), (S.PROBATION, S.TRIAL_REMOVED),
        *((stage, S.SUSPENDED) for stage in active), *((stage, S.TERMINATED) for stage in (*active, S.SUSPENDED)),
        *((S.SUSPENDED, stage) for stage in active),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "action"), ILLEGAL, ids=[f"{a}-{b}" for a, b in ILLEGAL])
def test_every_illegal_transition_is_refused(case, section_head, source, action):
    VettingCase.objects.filter(pk=case.pk).update(status=source, suspended_from=S.INSPECTION)
    events = StepEvent.objects.filter(case=case).count()
    with refused("state"):
        lifecycle.transition(case, action, actor=section_head, reason="理由")
    assert fresh(case).status == source
    assert StepEvent.objects.filter(case=case).count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("held", [S.RECOMMENDATION, S.INSPECTION, S.PUBLICITY, S.TALK])
def test_a_suspended_case_resumes_only_at_the_stage_it_was_held(case, staff, held):
    VettingCase.objects.filter(pk=case.pk).update(status=S.SUSPENDED, suspended_from=held)
    for other in (S.RECOMMENDATION, S.INSPECTION, S.PUBLICITY, S.TALK):
        if other != held:
            with refused("state", match="只能恢复到暂缓前的环节"):
                lifecycle.transition(case, "resume", target=other, actor=staff)
    lifecycle.resume(case, "情况已查清", actor=staff)
    assert fresh(case).status == held
    assert fresh(case).suspended_from == ""


@pytest.mark.django_db
def test_suspend_and_terminate_need_a_reason(case, staff, section_head):
    with refused("required", match="请填写暂缓理由"):
        lifecycle.suspend(case, "  ", actor=staff)
    lifecycle.suspend(case, "人选身体原因，暂缓考察", actor=staff)
    case = fresh(case)
    assert (case.status, case.suspended_from, case.status_reason) == (S.SUSPENDED, S.RECOMMENDATION,
                                                                        "人选身体原因，暂缓考察")
    with refused("denied"):
        lifecycle.terminate(case, "不再考虑", actor=staff)
    lifecycle.terminate(case, "本人申请不再作为考察对象", actor=section_head)
    case = fresh(case)
    assert case.status == S.TERMINATED and case.is_closed and case.closed_on


@pytest.mark.django_db
def test_moving_forward_needs_the_stage_done(case, staff, drive):
    with refused("incomplete", match="民主推荐"):
        inspecting.start_inspection(case, actor=staff)
    drive.inspection(case)
    with refused("incomplete") as caught:
        publicizing.start_publicity(case, start_date=drive_start(), actor=staff)
    for missing in ("档案审核", "个人有关事项", "纪检监察机关", "信访举报核查", "征求", "三考"):
        assert missing in str(caught.value)
    drive.checks(case)
    publicizing.start_publicity(case, start_date=drive_start(), actor=staff)
    assert fresh(case).status == S.PUBLICITY


def drive_start():
    return datetime.date(2026, 9, 28)


@pytest.mark.django_db
def test_walk_from_nomination_to_appointment_with_probation(case, drive):
    appointment = drive.appointed(case)
    case = fresh(case)
    assert case.status == S.PROBATION
    assert appointment.probation_end.isoformat() == "2027-10-15"
    steps = set(StepEvent.objects.filter(case=case).values_list("step", flat=True))
    assert {"recommendation", "archive", "personal_matters", "discipline", "petition", "opinions", "exam",
            "publicity", "talk", "appointment", "case", "crosscheck"} <= steps


@pytest.mark.django_db
def test_a_lateral_move_has_no_probation_and_closes_on_appointment(open_case, drive):
    case = open_case(move_kind=MoveKind.TRANSFER)
    assert not case.probation_required and not workflow.exam_required(case)
    drive.appointed(case)
    case = fresh(case)
    assert case.status == S.APPOINTED and case.is_closed and case.closed_on == datetime.date(2026, 10, 15)
