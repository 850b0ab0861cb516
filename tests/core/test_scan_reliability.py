"""Reminders survive a worker killed mid-scan and parallel scans: each exists exactly once."""

import datetime
import os
import signal
import threading
import time

import pytest
from django.db import connection

from core import deadlines, roles
from core.models import Notification, Unit
from core.tasks import scan_deadlines
from tests.factories import UnitFactory, UserFactory

ON_DATE = "2026-10-12"
UNITS = 30


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.integration
def test_worker_killed_mid_scan_leaves_each_reminder_once(celery_workers, tmp_path):
    UserFactory()
    UnitFactory.create_batch(UNITS - 1)  # the user's unit makes UNITS
    marker = tmp_path / "half-way"
    workers = celery_workers(include=["tests.support.slow_provider"],
                             extra_env={"SLOW_SCAN_MARKER": str(marker), "CELERY_VISIBILITY_TIMEOUT": "3"})
    first = workers.start()
    result = scan_deadlines.apply_async(args=[ON_DATE], queue=workers.queue)
    assert wait_for(marker.exists), "the scan never reached half way"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert Notification.objects.filter(kind="test.slow").count() < UNITS

    time.sleep(4)  # past the visibility timeout: the next worker to start takes the unacknowledged task back
    workers.start()  # ... and runs the scan again to the end
    assert result.get(timeout=90) == {"test.slow": UNITS}
    notifications = Notification.objects.filter(kind="test.slow")
    assert notifications.count() == UNITS
    assert notifications.values("target_id").distinct().count() == UNITS


@pytest.mark.integration
def test_two_scans_in_parallel_create_no_duplicates(transactional_db, monkeypatch):
    user = UserFactory()
    units = [user.unit, *UnitFactory.create_batch(UNITS - 1)]
    start = threading.Barrier(2)

    def provider(on_date):
        start.wait(timeout=10)
        for unit in units:
            time.sleep(0.01)
            yield deadlines.Due("test.parallel", unit, on_date, deadlines.Level.WARNING, "并发扫描", (user,))

    monkeypatch.setattr(deadlines, "_providers", [provider])
    created = []

    def run():
        try:
            created.append(deadlines.scan(datetime.date.fromisoformat(ON_DATE), batch_size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counter["test.parallel"] for counter in created) == UNITS
    assert Notification.objects.filter(kind="test.parallel").count() == UNITS


def _temporary_scan_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'scan\\_%'")
        return cursor.fetchone()[0]


def _to_covering_users(on_date):
    """A set-based provider: every unit, due today, to the office users covering it (a shared relation)."""
    q = deadlines.Query(Unit, on_date)
    yield q.rows(f"SELECT 'test.cover' AS kind, c.user_id AS recipient_id, c.unit_id AS target_id, "  # noqa: S608
                 f"%(on_date)s::date AS due_date, 'warning' AS level, '测试' AS title, '' AS url "
                 f"FROM {q.covering()} c")


def _failing(on_date):
    raise RuntimeError("provider failed")
    yield  # a generator, as providers are


@pytest.mark.django_db
def test_a_scan_computes_who_covers_each_unit_once_and_leaves_no_table_behind_even_when_a_provider_fails(
        monkeypatch):
    UserFactory(roles=[roles.STAFF])  # no limit: every unit
    UserFactory(roles=[roles.SECTION_HEAD])
    units = UnitFactory.create_batch(3)
    expected = sum(len(deadlines.users_covering(unit)) for unit in Unit.objects.all())
    assert expected > 0
    on_date = datetime.date(2026, 10, 12)

    monkeypatch.setattr(deadlines, "providers", lambda: [_to_covering_users, _failing])
    with pytest.raises(RuntimeError):
        deadlines.scan(on_date)
    assert _temporary_scan_tables() == 0
    assert Notification.objects.filter(kind="test.cover").count() == expected  # the first provider's were kept

    Notification.objects.all().delete()
    monkeypatch.setattr(deadlines, "providers", lambda: [_to_covering_users, _to_covering_users])
    assert deadlines.scan(on_date) == {"test.cover": expected}  # the second provider reads the same table: nothing new
    assert _temporary_scan_tables() == 0
    assert Notification.objects.filter(kind="test.cover", target_id__in=[str(u.pk) for u in units]).count() == 2 * 3
