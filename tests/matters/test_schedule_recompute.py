"""联审 reply deadlines (N working days) follow a change of the holiday schedule (issue 16 §2), the registrar told."""

import datetime

import pytest

from core.models import Notification, WorkCalendarDay
from matters.models import ReviewOpinion
from tests.factories import CadreFactory
from tests.matters import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def test_unanswered_opinion_deadlines_move_and_the_registrar_is_told(staff, county):
    application = factories.application(CadreFactory(unit=county), staff, applied_on=D(2026, 9, 28),
                                        departs_on=D(2026, 11, 1), returns_on=D(2026, 11, 10))
    dues = set(ReviewOpinion.objects.filter(application=application).values_list("reply_due", flat=True))
    assert dues == {D(2026, 10, 10)}  # 5 working days across National Day 2026
    WorkCalendarDay.objects.create(date=D(2026, 10, 10), is_working_day=False, name="本地调整")
    dues = set(ReviewOpinion.objects.filter(application=application).values_list("reply_due", flat=True))
    assert dues == {D(2026, 10, 12)}
    notes = Notification.objects.filter(recipient=staff, kind__startswith="calendar.moved.opinion_")
    assert notes.count() == ReviewOpinion.objects.filter(application=application).count()
    assert "由 2026-10-10 调整为 2026-10-12" in notes.first().title
