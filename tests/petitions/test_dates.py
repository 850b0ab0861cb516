"""Dates recording what already happened are refused in the future (and before the case was received); data the
constraints would reject is refused by the services with a sentence."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.refusals import Refused
from petitions import services
from petitions.models import CaseType, Conclusion, FeedbackMethod, Petition, Status
from tests.factories import CadreFactory
from tests.petitions.factories import force_status, make_petition

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)
RECEIVED = TODAY - datetime.timedelta(days=40)
BEFORE_RECEIPT = RECEIVED - datetime.timedelta(days=1)


def test_received_date_in_the_future_is_refused(staff):
    """《信访工作条例》(2022) and 《纪检监察机关处理检举控告工作规则》 (domain.md §3): the time limits run from the day
    of receipt, a past event; a future 收件日期 would push every deadline back."""
    with pytest.raises(Refused, match="收件日期.*不能晚于今天"):
        make_petition(staff, received_on=TOMORROW)
    assert not Petition.objects.exists()


def test_received_date_in_the_future_through_the_page(staff, client_for):
    """《信访工作条例》(2022), domain.md §3: posted past the form, the page shows the sentence, nothing is saved."""
    cadre = CadreFactory(unit=staff.jurisdiction)
    response = client_for(staff).post(reverse("petitions:create"), {
        "received_on": str(TOMORROW), "channel": "letter", "case_type": "petition_matter", "is_named": "0",
        "cadres": [cadre.pk],
        "categories": ["conduct"], "summary": "反映作风问题", "full_text": ""})
    assert response.status_code == 200
    assert "收件日期" in response.content.decode() and "不能晚于今天" in response.content.decode()
    assert not Petition.objects.exists()


def _case(staff, status, **fields):
    petition = make_petition(staff, case_type=CaseType.PETITION_MATTER, received_on=RECEIVED)
    return force_status(petition, status, **fields)


STEPS = {
    "受理告知日期": (Status.INVESTIGATING, lambda p, who, day: services.notify_acceptance(
        p, actor=who, notified_on=day, method=FeedbackMethod.PHONE)),
    "谈话日期": (Status.INVESTIGATING, lambda p, who, day: services.add_interview(
        p, actor=who, held_on=day, interviewee="乙", content="要点")),
    "办结日期": (Status.REVIEWING, lambda p, who, day: services.conclude(
        p, actor=who, conclusion=Conclusion.FALSE, note="不属实", concluded_on=day)),
    "转办回复日期": (Status.TRANSFERRED, lambda p, who, day: services.record_transfer_reply(
        p, actor=who, replied_on=day, content="已查")),
    "反馈日期": (Status.CONCLUDED, lambda p, who, day: services.record_feedback(
        p, actor=who, feedback_on=day, method=FeedbackMethod.PHONE, content="已反馈")),
}


@pytest.mark.parametrize("what", STEPS)
@pytest.mark.parametrize(("day", "message"), [(TOMORROW, "不能晚于今天"), (BEFORE_RECEIPT, "不能早于收件日期")])
def test_step_dates_are_past_and_after_receipt(what, day, message, staff, section_head):
    """《信访工作条例》(2022) / 《纪检监察机关处理检举控告工作规则》 (domain.md §3): acceptance notices, interviews,
    conclusions, replies and feedback are recorded facts; none lies ahead, none precedes the receipt."""
    status, step = STEPS[what]
    petition = _case(staff, status, concluded_on=RECEIVED if status == Status.CONCLUDED else None)
    if status == Status.TRANSFERRED:
        petition.transfers.create(to_body="县纪委监委", sent_on=RECEIVED, reply_due=TODAY, created_by=staff)
    before = petition.events.count()
    with pytest.raises(Refused, match=f"{what}.*{message}"):
        step(petition, section_head, day)
    petition.refresh_from_db()
    assert petition.status == status and petition.events.count() == before


def test_the_same_cadre_twice_is_one_subject(staff):
    """Constraint petitions_petitionsubject_once_per_case: a repeated pick is one 被反映人, not a 500."""
    cadre = CadreFactory(unit=staff.jurisdiction)
    petition = services.register(actor=staff, received_on=RECEIVED, channel="letter", case_type=CaseType.ACCUSATION,
                                 is_named=False, summary="反映", categories=["conduct"], cadres=[cadre, cadre])
    assert petition.subjects.count() == 1


def test_an_unmatched_subject_needs_a_name(staff):
    """Constraint petitions_petitionsubject_cadre_or_name, checked by the service with a sentence."""
    with pytest.raises(Refused, match="须填写姓名"):
        services.register(actor=staff, received_on=RECEIVED, channel="letter", case_type=CaseType.ACCUSATION,
                          is_named=False, summary="反映", categories=["conduct"], unit=staff.jurisdiction,
                          unmatched=[{"name": " "}])
    assert not Petition.objects.exists()


def test_an_overlong_summary_is_refused_with_a_sentence(staff):
    """The 内容摘要 column holds 300 characters: a longer one is refused by the service, not a database error."""
    cadre = CadreFactory(unit=staff.jurisdiction)
    with pytest.raises(Refused, match="不超过300字"):
        services.register(actor=staff, received_on=RECEIVED, channel="letter", case_type=CaseType.ACCUSATION,
                          is_named=False, summary="长" * 301, categories=["conduct"], cadres=[cadre])
    assert not Petition.objects.exists()
