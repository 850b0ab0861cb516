"""复查/复核 of a 信访事项: request windows, answer deadlines, refusals, the deadline scan and the case page."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from core import deadlines as core_deadlines
from core import workdays
from core.models import AuditEvent, Notification, WorkCalendarDay
from core.refusals import Refused
from petitions import deadlines, reviews
from petitions.admin import TimeLimitAdmin
from petitions.models import CaseType, ReviewLevel, ReviewRequest, Stage, Status, TimeLimit
from tests.petitions.factories import force_status, make_petition

TODAY = timezone.localdate()


def days(n):
    return datetime.timedelta(days=n)


def fed_back(staff, *, case_type=CaseType.PETITION_MATTER, feedback_on=None):
    """A 信访事项 whose written reply reached the petitioner `feedback_on` (default 50 days ago)."""
    petition = make_petition(staff, case_type=case_type, received_on=TODAY - days(200))
    return force_status(petition, Status.FED_BACK, concluded_on=TODAY - days(60),
                        feedback_on=feedback_on or TODAY - days(50))


def test_review_within_30_days_is_accepted_with_its_answer_deadline(staff):
    """《信访工作条例》第三十五条: 复查 may be requested within 30 days of receiving the reply; the body answers within
    30 days of receiving the request (calendar days)."""
    petition = fed_back(staff)
    review = reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25),
                                    received_on=TODAY - days(24))
    assert review.level == ReviewLevel.REVIEW and review.state == ReviewRequest.State.PENDING
    assert review.request_due == workdays.add_calendar_days(TODAY - days(50), 30, roll_over=True).date
    assert review.answer_due == workdays.add_calendar_days(TODAY - days(24), 30, roll_over=True).date
    assert petition.events.filter(action="request_review").exists()
    assert AuditEvent.objects.filter(name="petitions.petition.review_requested", target_id=petition.code).exists()
    petition.refresh_from_db()
    assert (petition.next_due, petition.next_due_label) == (review.answer_due, "复查答复")


def test_late_review_request_is_refused_with_the_reason_and_nothing_saved(staff):
    """《信访工作条例》第三十五条: a request made after the 30 days is not accepted."""
    petition = fed_back(staff)
    with pytest.raises(Refused, match="超过复查请求期限.*不予受理"):
        reviews.request_review(petition, actor=staff, requested_on=TODAY - days(15), received_on=TODAY - days(14))
    assert not ReviewRequest.objects.exists()
    assert not petition.events.filter(action="request_review").exists()


def test_late_review_request_may_be_recorded_as_not_accepted(staff):
    """《信访工作条例》第三十五条: the late request is kept as 不予受理 with its reason, without an answer deadline."""
    petition = fed_back(staff)
    review = reviews.request_review(petition, actor=staff, requested_on=TODAY - days(15),
                                    received_on=TODAY - days(14), record_late=True, note="已书面告知")
    assert review.state == ReviewRequest.State.NOT_ACCEPTED and review.answer_due is None
    due = workdays.add_calendar_days(TODAY - days(50), 30, roll_over=True).date
    assert f"应于{due.year}年{due.month}月{due.day}日前提出" in review.refusal_reason
    assert "已书面告知" in review.refusal_reason
    assert "不予受理" in petition.events.get(action="request_review").note


def test_the_time_limit_table_decides_the_window(staff):
    """《信访工作条例》第三十五条 (30 days), editable by the 系统管理员 in the time-limit table."""
    TimeLimit.objects.filter(case_type=CaseType.PETITION_MATTER, stage=Stage.REVIEW_REQUEST).update(days=20)
    petition = fed_back(staff)
    with pytest.raises(Refused, match="超过复查请求期限"):
        reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25), received_on=TODAY - days(24))


def test_a_time_limit_edited_in_the_admin_moves_the_stored_deadlines_in_its_transaction(staff, rf):
    """The admin recomputes inside the saving transaction (as a holiday-schedule change does), not after commit:
    right after the save, before any commit, the pending answer deadline already follows the new limit."""
    petition = fed_back(staff)
    review = reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25),
                                    received_on=TODAY - days(24))
    limit = TimeLimit.objects.get(case_type=CaseType.PETITION_MATTER, stage=Stage.REVIEW_ANSWER)
    limit.days = 40
    before = review.answer_due
    TimeLimitAdmin(TimeLimit, admin.site).save_model(rf.post("/"), limit, form=None, change=True)
    review.refresh_from_db()
    assert review.answer_due > before
    assert review.answer_due == deadlines.review_answer_deadline(review).date


def test_recheck_follows_the_answered_review_within_30_days(staff, section_head):
    """《信访工作条例》第三十六条: 复核 within 30 days of receiving the 复查 answer, answered within 30 days."""
    petition = fed_back(staff)
    reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25), received_on=TODAY - days(24))
    with pytest.raises(Refused, match="复查请求尚未答复"):
        reviews.request_review(petition, actor=staff, requested_on=TODAY - days(20), received_on=TODAY - days(20))
    reviews.answer_review(petition, actor=section_head, outcome="upheld", answered_on=TODAY - days(10), note="维持")
    recheck = reviews.request_review(petition, actor=staff, requested_on=TODAY - days(5), received_on=TODAY - days(4))
    assert recheck.level == ReviewLevel.RECHECK
    assert recheck.reply_received_on == TODAY - days(10)
    assert recheck.request_due == workdays.add_calendar_days(TODAY - days(10), 30, roll_over=True).date
    assert recheck.answer_due == workdays.add_calendar_days(TODAY - days(4), 30, roll_over=True).date


def test_nothing_more_after_the_recheck_answer(staff, section_head):
    """《信访工作条例》第三十六条: after 复核 the same request is not accepted again."""
    petition = fed_back(staff)
    reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25), received_on=TODAY - days(24))
    reviews.answer_review(petition, actor=section_head, outcome="upheld", answered_on=TODAY - days(20), note="维持")
    reviews.request_review(petition, actor=staff, requested_on=TODAY - days(15), received_on=TODAY - days(14))
    reviews.answer_review(petition, actor=section_head, outcome="upheld", answered_on=TODAY - days(2), note="维持")
    with pytest.raises(Refused, match="不再受理"):
        reviews.request_review(petition, actor=staff, requested_on=TODAY, received_on=TODAY)
    assert reviews.window(petition) is None


def test_accusations_have_no_review(staff):
    """《纪检监察机关处理检举控告工作规则》: a 检举控告 has no 复查/复核; objections are recorded with the feedback."""
    petition = fed_back(staff, case_type=CaseType.ACCUSATION)
    with pytest.raises(Refused, match="检举控告不适用复查"):
        reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25), received_on=TODAY - days(24))
    assert reviews.window(petition) is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("requested_on", TODAY + days(1), "提出复查请求日期.*不能晚于今天"),
    ("received_on", TODAY + days(1), "收到复查请求日期.*不能晚于今天"),
    ("received_on", TODAY - days(30), "收到复查请求日期不能早于提出请求日期"),
    ("requested_on", TODAY - days(60), "不能早于收到原答复日期"),
])
def test_request_dates_must_be_past_and_in_order(field, value, message, staff):
    """《信访工作条例》第三十五条: the dates record events that already happened, in their order."""
    petition = fed_back(staff)
    dates = {"requested_on": TODAY - days(25), "received_on": TODAY - days(24), field: value}
    with pytest.raises(Refused, match=message):
        reviews.request_review(petition, actor=staff, **dates)
    assert not ReviewRequest.objects.exists()


def test_answer_dates_must_be_past_and_after_the_request(staff, section_head):
    """《信访工作条例》第三十五条: the answer is given after the request was received, and not in the future."""
    petition = fed_back(staff)
    reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25), received_on=TODAY - days(24))
    for answered_on, message in ((TODAY + days(1), "不能晚于今天"), (TODAY - days(30), "不能早于收到请求日期")):
        with pytest.raises(Refused, match=message):
            reviews.answer_review(petition, actor=section_head, outcome="upheld", answered_on=answered_on, note="维持")
    assert ReviewRequest.objects.get().state == ReviewRequest.State.PENDING


def test_the_deadline_scan_reminds_of_an_unanswered_request(staff, section_head):
    """《信访工作条例》第三十五条: the 30-day answer deadline reaches the handlers (and the head once overdue)."""
    petition = fed_back(staff)
    review = reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25),
                                    received_on=TODAY - days(24))
    due = [item for item in core_deadlines.evaluate(deadlines.provider, review.answer_due + days(1))
           if item.target == petition]
    assert [item.kind for item in due] == ["petitions.review_answer"]
    assert {staff, section_head} <= set(due[0].recipients)
    reviews.answer_review(petition, actor=section_head, outcome="changed", answered_on=TODAY, note="变更")
    assert not [item for item in core_deadlines.evaluate(deadlines.provider, review.answer_due + days(1))
                if item.target == petition]


def test_case_page_shows_the_window_the_request_and_its_deadline(staff, section_head, client_for):
    """《信访工作条例》第三十五条: the page says until when 复查 may be asked, then the answer deadline and state."""
    petition = fed_back(staff, feedback_on=TODAY - days(10))
    page = client_for(staff).get(petition.get_absolute_url()).content.decode()
    due = workdays.add_calendar_days(TODAY - days(10), 30, roll_over=True).date
    # 20 days left, more when the 30th day falls on a rest day and rolls over to the next working day
    assert f"{due.year}年{due.month}月{due.day}日" in page and f"请求复查（剩余 {(due - TODAY).days} 天）" in page
    reviews.request_review(petition, actor=staff, requested_on=TODAY - days(2), received_on=TODAY - days(1))
    page = client_for(staff).get(petition.get_absolute_url()).content.decode()
    assert "复查答复" in page and "待答复" in page and "登记复查（复核）请求" in page


def test_late_request_through_the_page_shows_the_reason_and_saves_nothing(staff, client_for):
    """《信访工作条例》第三十五条: posted past the form, a late request is refused with the reason."""
    petition = fed_back(staff)
    url = reverse("petitions:act", args=[petition.code, "request_review"])
    response = client_for(staff).post(url, {"request_review-requested_on": str(TODAY - days(15)),
                                            "request_review-received_on": str(TODAY - days(14))}, follow=True)
    assert "超过复查请求期限" in response.content.decode()
    assert not ReviewRequest.objects.exists()


def test_only_approvers_record_the_answer(staff, client_for):
    petition = fed_back(staff)
    reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25), received_on=TODAY - days(24))
    url = reverse("petitions:act", args=[petition.code, "answer_review"])
    response = client_for(staff).post(url, {"answer_review-outcome": "upheld", "answer_review-note": "维持",
                                            "answer_review-answered_on": str(TODAY)})
    assert response.status_code == 403
    assert ReviewRequest.objects.get().state == ReviewRequest.State.PENDING


def test_an_answer_deadline_follows_a_schedule_change(staff):
    """《信访工作条例》第三十五条; 民法典第二百零三条: when the schedule makes the last day of a 复查 answer period a
    holiday, the stored deadline moves to the next working day at once, and the case's handlers are told."""
    petition = fed_back(staff)
    petition.handlers.add(staff)
    review = reviews.request_review(petition, actor=staff, requested_on=TODAY - days(25),
                                    received_on=TODAY - days(24))
    due = review.answer_due
    WorkCalendarDay.objects.create(date=due, is_working_day=False, name="临时放假")
    review.refresh_from_db()
    moved = due + days(1)
    while not workdays.is_working_day(moved):
        moved += days(1)
    assert review.answer_due == moved
    notice = Notification.objects.get(recipient=staff, title__contains="答复期限")
    assert f"{due:%Y-%m-%d}" in notice.title and f"{moved:%Y-%m-%d}" in notice.title
