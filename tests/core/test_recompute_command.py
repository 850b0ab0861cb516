"""manage.py recompute_deadlines: after an upgrade that changes a deadline rule (e.g. calendar-day limits now roll
over a statutory holiday), every stored deadline still running is recomputed once, through the apps' registered
recomputes, and the moves are printed."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import workdays


@pytest.fixture
def recorded(monkeypatch, staff):
    calls = []

    def recompute(first, last):
        calls.append((first, last))
        return [workdays.Move(staff, "reply_due", "答复期限", datetime.date(2026, 10, 6), datetime.date(2026, 10, 8),
                              subject="测试事项")]

    monkeypatch.setattr(workdays, "_recomputers", [recompute])
    return calls


@pytest.mark.django_db
def test_the_command_recomputes_every_running_deadline_and_prints_the_moves(recorded):
    out = StringIO()
    call_command("recompute_deadlines", "--since", "2026-12-01", "--no-notify", stdout=out)
    assert recorded == [(datetime.date(2026, 12, 1), datetime.date(2126, 12, 1))]
    assert "测试事项：答复期限由 2026-10-06 调整为 2026-10-08" in out.getvalue()
    assert "共调整期限 1 项" in out.getvalue()


@pytest.mark.django_db
def test_a_malformed_date_is_a_sentence(recorded):
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        call_command("recompute_deadlines", "--since", "12/01")
    assert recorded == []
