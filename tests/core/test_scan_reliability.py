"""Reminders survive a worker killed mid-scan and parallel scans: each exists exactly once."""

import datetime
import os
import signal
import threading
import time

import pytest
from django.db import connection

from core import deadlines
from core.models import Notification
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
