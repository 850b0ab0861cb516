"""Vetting deadlines follow a change of the holiday schedule (issue 16 §2): opinion reply deadlines and the
publicity end (《党政领导干部选拔任用工作条例》第四十四条: 公示期不少于5个工作日), with the handler told from → to."""

import datetime

import pytest

from core.models import Notification, WorkCalendarDay
from vetting.models import Department, OpinionRequest, Publicity
from vetting.services import inspecting, publicizing

D = datetime.date
pytestmark = pytest.mark.django_db


def test_publicity_end_at_the_minimum_moves_with_a_new_rest_day(case, drive, staff):
    publicity = drive.publicity(case)  # from 09-28: 09-29, 09-30, 10-08, 10-09, 10-10 (National Day 2026)
    assert publicity.end_date == D(2026, 10, 10)
    WorkCalendarDay.objects.create(date=D(2026, 10, 9), is_working_day=False, name="本地调整")
    publicity = Publicity.objects.get(pk=publicity.pk)
    assert (publicity.min_end_date, publicity.end_date) == (D(2026, 10, 12), D(2026, 10, 12))
    note = Notification.objects.get(recipient=staff, kind="calendar.moved.publicity_end")
    assert "由 2026-10-10 调整为 2026-10-12" in note.title and case.number in note.title


def test_a_longer_publicity_keeps_its_end(case, drive, staff):
    drive.inspection(case)
    drive.checks(case)
    publicity = publicizing.start_publicity(case, start_date=D(2026, 9, 28), end_date=D(2026, 10, 20), actor=staff)
    WorkCalendarDay.objects.create(date=D(2026, 10, 9), is_working_day=False)
    publicity = Publicity.objects.get(pk=publicity.pk)
    assert (publicity.min_end_date, publicity.end_date) == (D(2026, 10, 12), D(2026, 10, 20))
    assert not Notification.objects.filter(kind="calendar.moved.publicity_end").exists()


def test_opinion_reply_deadline_moves_and_comes_back(case, drive, staff):
    drive.inspection(case)
    item = inspecting.request_opinion(case, department=Department.AUDIT, requested_on=D(2026, 9, 28), actor=staff)
    assert item.reply_deadline == D(2026, 10, 10)
    day = WorkCalendarDay.objects.create(date=D(2026, 10, 9), is_working_day=False)
    assert OpinionRequest.objects.get(pk=item.pk).reply_deadline == D(2026, 10, 12)
    day.delete()
    assert OpinionRequest.objects.get(pk=item.pk).reply_deadline == D(2026, 10, 10)
    titles = list(Notification.objects.filter(recipient=staff, kind__startswith="calendar.moved.")
                  .values_list("title", flat=True))
    assert any("由 2026-10-12 调整为 2026-10-10" in title for title in titles)
