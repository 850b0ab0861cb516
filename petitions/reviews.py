"""复查/复核 of a 信访事项 (《信访工作条例》(2022) 第三十五条、第三十六条): the petitioner may ask for 复查
within 30 days of receiving the written reply, the 复查 body answers within 30 days of receiving the request;
then 复核 the same way against the 复查 answer; after 复核 the matter is not accepted again. The numbers are rows of
the TimeLimit table.
Split from petitions.services for length; the same conventions (lock, check, timeline step, audit event)."""

from django.db import transaction

from core import workdays
from core.refusals import Refused
from core.scoping import in_subtree
from petitions import deadlines as petition_deadlines
from petitions.models import CaseType, ReviewLevel, ReviewOutcome, ReviewRequest
from petitions.services import _locked, _step, check_past, cn_date, refresh_deadlines
from petitions.workflow import MACHINE

State = ReviewRequest.State


def _accepted(petition, level):
    return petition.review_requests.exclude(state=State.NOT_ACCEPTED).filter(level=level).first()


def next_level(petition):
    """The level a new request would be (复查, then 复核), or None when nothing more may be requested."""
    review = _accepted(petition, ReviewLevel.REVIEW)
    if review is None:
        return ReviewLevel.REVIEW
    if review.state == State.ANSWERED and _accepted(petition, ReviewLevel.RECHECK) is None:
        return ReviewLevel.RECHECK
    return None


def _why_no_request(petition):
    if petition.case_type != CaseType.PETITION_MATTER or not petition_deadlines.has_reviews(petition.case_type):
        return "检举控告不适用复查、复核；举报人对处理结果的意见请在反馈中作为异议登记"
    review = _accepted(petition, ReviewLevel.REVIEW)
    if review is not None and review.state == State.PENDING:
        return "复查请求尚未答复，答复后信访人方可请求复核"
    return "复核意见已答复，信访人以同一事实和理由再提出的，不再受理（《信访工作条例》第三十六条）"


def reply_date(petition, level):
    """The day the petitioner received what he contests: the reply (反馈日期) for 复查, the 复查 answer for 复核."""
    if level == ReviewLevel.REVIEW:
        return petition.feedback_on
    review = _accepted(petition, ReviewLevel.REVIEW)
    return review.answered_on if review else None


def window(petition):
    """(level, request deadline) of the request the petitioner may still make, or None: for the case page."""
    if petition.case_type != CaseType.PETITION_MATTER or petition.status not in petition_deadlines.REVIEWABLE_STATUSES:
        return None
    level = next_level(petition)
    received = reply_date(petition, level) if level else None
    if received is None:
        return None
    due = petition_deadlines.review_request_deadline(petition, level, received)
    return (ReviewLevel(level), due) if due else None


@transaction.atomic
def request_review(petition, *, actor, requested_on, received_on, reply_received_on=None, record_late=False,
                   note="", request=None):
    """登记复查（复核）请求. The level follows from what exists (复查 first). A request made after the request deadline
    is refused, or, with `record_late`, kept as 不予受理 with the reason (to answer the petitioner in writing)."""
    petition = _locked(petition)
    MACHINE.check(petition, "request_review")
    level = next_level(petition) if petition.case_type == CaseType.PETITION_MATTER else None
    if level is None or not petition_deadlines.has_reviews(petition.case_type):
        raise Refused(_why_no_request(petition))
    label = ReviewLevel(level).label
    reply_received_on = reply_received_on or reply_date(petition, level)
    if reply_received_on is None:
        raise Refused(f"请填写信访人收到{'处理意见书' if level == ReviewLevel.REVIEW else '复查意见'}的日期")
    check_past(reply_received_on, "收到原答复日期", petition)
    check_past(requested_on, f"提出{label}请求日期", petition)
    check_past(received_on, f"收到{label}请求日期", petition)
    if requested_on < reply_received_on:
        raise Refused(f"提出{label}请求日期不能早于收到原答复日期（{cn_date(reply_received_on)}）")
    if received_on < requested_on:
        raise Refused(f"收到{label}请求日期不能早于提出请求日期（{cn_date(requested_on)}）")
    due = petition_deadlines.review_request_deadline(petition, level, reply_received_on)
    review = ReviewRequest(petition=petition, level=level, reply_received_on=reply_received_on, request_due=due.date,
                           request_due_provisional=due.provisional, requested_on=requested_on,
                           received_on=received_on, created_by=actor)
    if requested_on > due.date:
        days = petition_deadlines.review_request_limit(petition, level).days
        rolled = "，遇法定节假日顺延" if due.rolled_over else ""
        reason = (f"超过{label}请求期限：应于{cn_date(due.date)}前提出（收到原答复之日起{days}日{rolled}），"
                  f"{cn_date(requested_on)}方提出")
        if not record_late:
            raise Refused(f"{reason}，不予受理。如需留存记录，请勾选“逾期登记为不予受理”")
        review.state, review.refusal_reason = State.NOT_ACCEPTED, f"{reason}{('；' + note) if note else ''}"[:300]
    else:
        answer = petition_deadlines.review_answer_deadline(review)
        review.answer_due, review.answer_due_provisional = answer.date, answer.provisional
    review.save()
    refresh_deadlines(petition)
    text = (f"{label}请求不予受理：{review.refusal_reason}" if review.state == State.NOT_ACCEPTED
            else f"{label}请求，{cn_date(received_on)}收到，答复期限{cn_date(review.answer_due)}")
    _step(petition, actor, "request_review", note=text, request=request,
          changes={"level": level, "state": review.state, "requested_on": str(requested_on)})
    return review


@transaction.atomic
def answer_review(petition, *, actor, outcome, answered_on, note, request=None):
    """登记复查（复核）意见: the pending request gets its answer and the date it was given in writing."""
    petition = _locked(petition)
    MACHINE.check(petition, "answer_review")
    review = petition.review_requests.select_for_update().filter(state=State.PENDING).first()
    if review is None:
        raise Refused("没有待答复的复查（复核）请求")
    if outcome not in ReviewOutcome.values:
        raise Refused("请选择复查（复核）意见")
    if not note.strip():
        raise Refused("请填写答复内容")
    label = review.get_level_display()
    check_past(answered_on, f"{label}答复日期", petition)
    if answered_on < review.received_on:
        raise Refused(f"{label}答复日期不能早于收到请求日期（{cn_date(review.received_on)}）")
    review.state, review.outcome, review.answered_on, review.answer_note = (State.ANSWERED, outcome, answered_on,
                                                                            note)
    review.save(update_fields=["state", "outcome", "answered_on", "answer_note"])
    refresh_deadlines(petition)
    late = f"（超过答复期限{(answered_on - review.answer_due).days}日）" if answered_on > review.answer_due else ""
    _step(petition, actor, "answer_review", request=request,
          note=f"{label}意见：{ReviewOutcome(outcome).label}，{cn_date(answered_on)}答复{late}",
          changes={"level": review.level, "outcome": outcome, "answered_on": str(answered_on)})
    return review


def recompute_answer_deadlines(first=None, last=None, *, within=None):
    """Inside the transaction that changed a rule: the answer deadlines of requests awaiting an answer follow, and
    the moved ones are returned (for the handlers' notifications). The holiday schedule changed between `first` and
    `last` (a core.workdays hook; calendar days roll over a holiday): only requests received on or before `last`
    whose deadline reaches `first`; the time-limit table changed: no bounds, every pending request (of the
    jurisdiction `within`, if given)."""
    pending = in_subtree(ReviewRequest.objects.filter(state=State.PENDING), within, "petition__unit")
    if first is not None:
        pending = pending.filter(answer_due__gte=first)
    if last is not None:
        pending = pending.filter(received_on__lte=last)
    moves = []
    for review in pending.select_related("petition").select_for_update(of=("self",)):
        answer = petition_deadlines.review_answer_deadline(review)
        if not answer or (answer.date, answer.provisional) == (review.answer_due, review.answer_due_provisional):
            continue
        old = review.answer_due
        ReviewRequest.objects.filter(pk=review.pk).update(answer_due=answer.date,
                                                          answer_due_provisional=answer.provisional)
        petition = review.petition
        refresh_deadlines(petition)
        if answer.date != old:
            moves.append(workdays.Move(petition, "answer_due", f"{review.get_level_display()}答复期限", old,
                                       answer.date, answer.provisional, tuple(petition.handlers.all()),
                                       f"信访举报件 {petition.code}", petition.get_absolute_url()))
    return moves
