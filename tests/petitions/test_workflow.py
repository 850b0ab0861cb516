"""The state machine: every legal transition works, every illegal one is refused with a message."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cadres.models import MeasureKind, SupervisionMeasure
from core.models import AuditEvent
from core.refusals import Refused
from petitions import reviews, services, workflow
from petitions.audit_events import STEP_EVENTS
from petitions.models import CaseType, Conclusion, Disposal, FeedbackMethod, Petition, Status
from petitions.workflow import MACHINE
from tests.factories import CadreFactory
from tests.petitions.factories import force_status, make_petition

D = datetime.date(2026, 3, 2)


def reach(status, staff, head, *, named=True, case_type=CaseType.PETITION_MATTER):
    """A case brought to `status` through the real services."""
    petition = make_petition(staff, named=named, case_type=case_type, unmatched=[{"name": "未匹配某某"}])
    if status == Status.REGISTERED:
        return petition
    if status == Status.MERGED:
        main = make_petition(staff, named=False)
        return services.link_duplicate(petition, main, actor=staff)
    if status == Status.VOIDED:
        return services.void(petition, actor=head, reason="登记错误")
    disposal = {Status.ON_HOLD: Disposal.HOLD, Status.TRANSFERRED: Disposal.TRANSFER}.get(status,
                                                                                           Disposal.PRELIMINARY_CHECK)
    petition = services.propose(petition, actor=staff, disposal=disposal, reason="理由", transfer_to="县纪委监委",
                                transfer_reply_due=D + datetime.timedelta(days=20))
    if status == Status.PROPOSED:
        return petition
    services.approve(petition, actor=head)
    if status in (Status.INVESTIGATING, Status.ON_HOLD, Status.TRANSFERRED):
        return Petition.objects.get(pk=petition.pk)
    petition = services.submit_findings(petition, actor=staff, findings="查核情况")
    if status == Status.REVIEWING:
        return petition
    services.conclude(petition, actor=head, conclusion=Conclusion.PARTLY_TRUE, note="部分属实")
    if status == Status.CONCLUDED:
        return Petition.objects.get(pk=petition.pk)
    if named:
        services.record_feedback(petition, actor=staff, feedback_on=D, method=FeedbackMethod.PHONE, content="已反馈")
    if status == Status.FED_BACK:
        return Petition.objects.get(pk=petition.pk)
    return services.archive(Petition.objects.get(pk=petition.pk), actor=staff)


def perform(action, petition, staff, head):
    """Run `action` with valid data."""
    common = {"actor": head if action in ("approve", "reject", "return_for_more", "conclude", "extend", "void",
                                          "assign_handlers", "answer_review") else staff}
    calls = {
        "propose": lambda: services.propose(petition, disposal=Disposal.PRELIMINARY_CHECK, reason="理由", **common),
        "approve": lambda: services.approve(petition, **common),
        "reject": lambda: services.reject(petition, note="请补充", **common),
        "submit_findings": lambda: services.submit_findings(petition, findings="查核情况", **common),
        "return_for_more": lambda: services.return_for_more(petition, note="补充", **common),
        "conclude": lambda: services.conclude(petition, conclusion=Conclusion.TRUE, note="属实", **common),
        "record_transfer_reply": lambda: services.record_transfer_reply(petition, replied_on=D, content="已查",
                                                                        **common),
        "record_feedback": lambda: services.record_feedback(petition, feedback_on=D, method=FeedbackMethod.PHONE,
                                                            content="已反馈", **common),
        "archive": lambda: services.archive(petition, **common),
        "link_duplicate": lambda: services.link_duplicate(petition, make_petition(staff, named=False), **common),
        "void": lambda: services.void(petition, reason="作废", **common),
        "assign_handlers": lambda: services.assign_handlers(petition, [staff], **common),
        "update_investigation": lambda: services.update_investigation(petition, investigators="甲", plan="方案",
                                                                      **common),
        "add_interview": lambda: services.add_interview(petition, held_on=D, interviewee="乙", content="要点",
                                                        **common),
        "notify_acceptance": lambda: services.notify_acceptance(petition, notified_on=D, method="phone", **common),
        "extend": lambda: services.extend(petition, days=10, reason="复杂", **common),
        "link_subject": lambda: services.link_subject(
            petition, petition.subjects.filter(cadre__isnull=True).values_list("pk", flat=True).first(),
            CadreFactory(unit=petition.unit), **common),
        "add_attachment": lambda: services.add_attachment(petition, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
                                                          **common),
        "request_review": lambda: reviews.request_review(petition, requested_on=D + datetime.timedelta(days=5),
                                                         received_on=D + datetime.timedelta(days=6), **common),
        "answer_review": lambda: _answer_review(petition, staff, common),
    }
    return calls[action]()


def _answer_review(petition, staff, common):
    if MACHINE.allows(petition.status, "request_review"):  # a request to answer first
        reviews.request_review(petition, requested_on=D + datetime.timedelta(days=5),
                               received_on=D + datetime.timedelta(days=6), actor=staff)
    return reviews.answer_review(petition, outcome="upheld", answered_on=D + datetime.timedelta(days=20),
                                 note="维持", **common)


LEGAL = [(row.action, status) for row in MACHINE.transitions for status in row.source]
ILLEGAL = [(action, status) for status, action in MACHINE.illegal()]


@pytest.mark.parametrize(("action", "status"), LEGAL)
def test_every_legal_transition(action, status, staff, section_head):
    # archiving straight from 已办结 is for anonymous cases (a named one needs feedback first)
    named = not (action == "archive" and status == Status.CONCLUDED)
    petition = reach(status, staff, section_head, named=named)
    assert petition.status == status
    perform(action, petition, staff, section_head)
    petition.refresh_from_db()
    targets = MACHINE.find(status, action).target
    assert petition.status in (targets or (status,))
    assert petition.events.filter(action=action).exists()
    assert AuditEvent.objects.filter(name=STEP_EVENTS[action], target_id=petition.code).exists()


@pytest.mark.parametrize(("action", "status"), ILLEGAL)
def test_every_illegal_transition_is_refused(action, status, staff, section_head):
    petition = force_status(make_petition(staff, case_type=CaseType.PETITION_MATTER), status)
    with pytest.raises(Refused, match="当前状态为") as refused:
        perform(action, petition, staff, section_head)
    assert refused.value.code == "state"
    assert MACHINE.label(action) in str(refused.value)
    petition.refresh_from_db()
    assert petition.status == status


@pytest.mark.parametrize(("disposal", "target"), list(workflow.APPROVAL_TARGETS.items()))
def test_approval_leads_where_the_disposal_says(disposal, target, staff, section_head):
    petition = make_petition(staff)
    services.propose(petition, actor=staff, disposal=disposal, reason="理由", transfer_to="县纪委监委",
                     transfer_reply_due=D + datetime.timedelta(days=30), joint_bodies="县审计局")
    services.approve(petition, actor=section_head, note="同意")
    petition.refresh_from_db()
    assert petition.status == target
    assert petition.disposal == disposal
    assert (petition.accepted_on is None) == (disposal == Disposal.TRANSFER)
    if disposal == Disposal.TRANSFER:
        assert petition.transfers.get().to_body == "县纪委监委"
    if disposal == Disposal.JOINT_CHECK:
        assert petition.joint_bodies == "县审计局"


def test_rejected_proposal_returns_with_the_note(staff, section_head):
    petition = make_petition(staff)
    services.propose(petition, actor=staff, disposal=Disposal.CLOSE, reason="无实质内容")
    services.reject(petition, actor=section_head, note="线索具体，应初步核实")
    petition.refresh_from_db()
    assert petition.status == Status.REGISTERED
    assert petition.proposals.get().decision == "rejected"


def test_proposal_data_is_required_for_transfer_and_joint_check(staff):
    petition = make_petition(staff)
    with pytest.raises(Refused, match="转办单位"):
        services.propose(petition, actor=staff, disposal=Disposal.TRANSFER, reason="属纪委监委管辖")
    with pytest.raises(Refused, match="联合查核单位"):
        services.propose(petition, actor=staff, disposal=Disposal.JOINT_CHECK, reason="需联合查核")


def test_named_report_needs_feedback_before_archive(staff, section_head):
    petition = reach(Status.CONCLUDED, staff, section_head, named=True)
    with pytest.raises(Refused, match="须先反馈"):
        services.archive(petition, actor=staff)
    anonymous = reach(Status.CONCLUDED, staff, section_head, named=False)
    with pytest.raises(Refused, match="匿名件无法反馈"):
        services.record_feedback(anonymous, actor=staff, feedback_on=D, method="phone", content="x")


def test_conclusion_creates_measures_in_the_cadres_app(staff, section_head):
    cadre = CadreFactory(unit=staff.jurisdiction)
    petition = make_petition(staff, cadre=cadre)
    services.propose(petition, actor=staff, disposal=Disposal.PRELIMINARY_CHECK, reason="理由")
    services.approve(petition, actor=section_head)
    services.submit_findings(petition, actor=staff, findings="部分问题属实")
    services.conclude(petition, actor=section_head, conclusion=Conclusion.PARTLY_TRUE, note="部分属实",
                      measures=[(cadre, MeasureKind.ADMONISHMENT)])
    measure = SupervisionMeasure.objects.get(cadre=cadre)
    assert measure.kind == MeasureKind.ADMONISHMENT
    assert measure.source_channel == "petition"
    assert (measure.source_type, measure.source_code) == ("petitions.petition", petition.code)


def test_false_report_clears_the_name_and_may_be_referred(staff, section_head):
    petition = reach(Status.REVIEWING, staff, section_head)
    with pytest.raises(Refused, match="不属实"):
        services.conclude(petition, actor=section_head, conclusion=Conclusion.TRUE, note="x", clear_name=True)
    with pytest.raises(Refused, match="监督措施"):
        services.conclude(petition, actor=section_head, conclusion=Conclusion.FALSE, note="x",
                          measures=[(petition.subjects.exclude(cadre=None).first().cadre, MeasureKind.CRITICISM)])
    services.conclude(petition, actor=section_head, conclusion=Conclusion.FALSE, note="不属实", clear_name=True,
                      clearing_note="在班子会上澄清", false_accusation=True, false_accusation_note="移送县纪委监委")
    petition.refresh_from_db()
    assert petition.name_cleared and petition.false_accusation_referred


def test_transfer_reply_concludes(staff, section_head):
    petition = reach(Status.TRANSFERRED, staff, section_head)
    services.record_transfer_reply(petition, actor=staff, replied_on=D + datetime.timedelta(days=10),
                                   content="经查部分属实，已处理", conclusion=Conclusion.PARTLY_TRUE)
    petition.refresh_from_db()
    assert petition.status == Status.CONCLUDED
    assert petition.transfers.get().replied_on == D + datetime.timedelta(days=10)


def test_case_numbers_are_readable_and_sequential_per_year(staff):
    first = make_petition(staff)
    second = make_petition(staff)
    other_year = make_petition(staff, received_on=datetime.date(2025, 12, 30))
    assert first.code == "XF-2026-00001"
    assert second.code == "XF-2026-00002"
    assert other_year.code == "XF-2025-00001"
    assert len(first.query_code) == 8 and first.query_code != second.query_code


def test_handlers_get_and_lose_the_identity_permission(staff, section_head):
    from tests.factories import UserFactory

    other = UserFactory(roles=["监督科工作人员"], unit=staff.unit, jurisdiction=staff.jurisdiction)
    petition = make_petition(staff)
    assert staff.has_perm("petitions.view_reporter_identity", petition)
    services.assign_handlers(petition, [other], actor=section_head)
    staff = type(staff).objects.get(pk=staff.pk)  # fresh permission cache
    assert not staff.has_perm("petitions.view_reporter_identity", petition)
    assert other.has_perm("petitions.view_reporter_identity", petition)
