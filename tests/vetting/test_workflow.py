"""The forward-only state machine: every move outside the table is refused, whatever the case holds."""

import datetime
import itertools

import pytest

from tests.vetting.conftest import fresh
from vetting import services, workflow
from vetting.models import CaseStatus, MoveKind, StepEvent, VettingCase

S = CaseStatus
ALL = list(S)
ILLEGAL = [(a, b) for a, b in itertools.product(ALL, ALL) if b not in workflow.TRANSITIONS[a]]


def test_table_covers_every_status_and_only_goes_forward():
    assert set(workflow.TRANSITIONS) == set(S)
    order = {s: i for i, s in enumerate(workflow.STAGE_ORDER)}
    for source, targets in workflow.TRANSITIONS.items():
        if source in order:
            for target in targets:
                if target in order:
                    assert order[target] > order[source], (source, target)
    for closed in (S.APPOINTED, S.TRIAL_REMOVED, S.TERMINATED):
        assert workflow.TRANSITIONS[closed] == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_every_illegal_transition_is_refused(case, staff, source, target):
    VettingCase.objects.filter(pk=case.pk).update(status=source, suspended_from=S.INSPECTION)
    events = StepEvent.objects.filter(case=case).count()
    with pytest.raises(services.IllegalTransition):
        services.transition(case, target, actor=staff, reason="理由")
    assert fresh(case).status == source
    assert StepEvent.objects.filter(case=case).count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("held", [S.RECOMMENDATION, S.INSPECTION, S.PUBLICITY, S.TALK])
def test_a_suspended_case_resumes_only_at_the_stage_it_was_held(case, staff, held):
    VettingCase.objects.filter(pk=case.pk).update(status=S.SUSPENDED, suspended_from=held)
    for other in (S.RECOMMENDATION, S.INSPECTION, S.PUBLICITY, S.TALK):
        if other != held:
            with pytest.raises(services.IllegalTransition):
                services.transition(case, other, actor=staff)
    services.resume(case, "情况已查清", actor=staff)
    assert fresh(case).status == held
    assert fresh(case).suspended_from == ""


@pytest.mark.django_db
def test_suspend_and_terminate_need_a_reason(case, staff, section_head):
    with pytest.raises(services.StepIncomplete):
        services.suspend(case, "  ", actor=staff)
    services.suspend(case, "人选身体原因，暂缓考察", actor=staff)
    case = fresh(case)
    assert (case.status, case.suspended_from, case.status_reason) == (S.SUSPENDED, S.RECOMMENDATION,
                                                                        "人选身体原因，暂缓考察")
    with pytest.raises(services.NotAllowed):
        services.terminate(case, "不再考虑", actor=staff)
    services.terminate(case, "本人申请不再作为考察对象", actor=section_head)
    case = fresh(case)
    assert case.status == S.TERMINATED and case.is_closed and case.closed_on


@pytest.mark.django_db
def test_moving_forward_needs_the_stage_done(case, staff, drive):
    with pytest.raises(services.StepIncomplete, match="民主推荐"):
        services.start_inspection(case, actor=staff)
    drive.inspection(case)
    with pytest.raises(services.StepIncomplete) as refused:
        services.start_publicity(case, start_date=drive_start(), actor=staff)
    for missing in ("档案审核", "个人有关事项", "纪检监察机关", "信访举报核查", "征求", "三考"):
        assert missing in str(refused.value)
    drive.checks(case)
    services.start_publicity(case, start_date=drive_start(), actor=staff)
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
