import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from core import deadlines
from core.models import Notification

D = datetime.date


@pytest.fixture
def provider(monkeypatch, county, staff, section_head):
    """A provider with one item due 2026-10-14, as an app would register it."""
    monkeypatch.setattr(deadlines, "_providers", [])

    @deadlines.register
    def demo_provider(on_date):
        due = D(2026, 10, 14)
        level = deadlines.level_for(due, on_date)
        if level is None:
            return
        recipients = (staff, section_head) if level == deadlines.Level.OVERDUE else (staff,)
        yield deadlines.Due("core.demo", county, due, level, f"演示事项 {county}", recipients)

    return demo_provider


@pytest.mark.django_db
class TestScan:
    def test_scan_is_idempotent(self, provider):
        assert deadlines.scan(D(2026, 10, 12)) == {"core.demo": 1}
        assert deadlines.scan(D(2026, 10, 12)) == {}
        assert Notification.objects.count() == 1

    def test_levels_by_date(self, provider, staff):
        assert deadlines.scan(D(2026, 10, 1)) == {}  # further than the notice window
        deadlines.scan(D(2026, 10, 12))
        deadlines.scan(D(2026, 10, 13))  # still a 提示 for the same due date: nothing new
        deadlines.scan(D(2026, 10, 14))
        deadlines.scan(D(2026, 10, 20))
        levels = list(Notification.objects.filter(recipient=staff).order_by("id").values_list("level", flat=True))
        assert levels == ["notice", "warning", "overdue"]
        assert Notification.objects.filter(level="overdue").count() == 2  # handler and section head

    def test_uniqueness_is_enforced_by_the_database(self, provider, staff, county):
        deadlines.scan(D(2026, 10, 12))
        existing = Notification.objects.get()
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(recipient=staff, kind=existing.kind, target_type=existing.target_type,
                                        target_id=existing.target_id, title="重复", due_date=existing.due_date,
                                        level=existing.level)

    def test_command_prints_counts_and_a_second_run_creates_nothing(self, provider):
        first, second = StringIO(), StringIO()
        call_command("scan_deadlines", "--date", "2026-10-12", stdout=first)
        call_command("scan_deadlines", "--date", "2026-10-12", stdout=second)
        assert "core.demo: 1" in first.getvalue()
        assert "共新建提醒 0 条" in second.getvalue()

    def test_command_rejects_a_bad_date(self, provider):
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("scan_deadlines", "--date", "12/10/2026")

    def test_celery_task_runs_the_same_scan(self, provider):
        from core.tasks import scan_deadlines

        assert scan_deadlines.delay("2026-10-12").get() == {"core.demo": 1}


def test_level_for():
    due = D(2026, 10, 14)
    assert deadlines.level_for(due, D(2026, 10, 8)) is None
    assert deadlines.level_for(due, D(2026, 10, 9)) == "notice"
    assert deadlines.level_for(due, D(2026, 10, 14)) == "warning"
    assert deadlines.level_for(due, D(2026, 10, 15)) == "overdue"


def test_beat_runs_the_scan_daily_at_eight(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["scan-deadlines-daily"]
    assert entry["task"] == "core.tasks.scan_deadlines"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
