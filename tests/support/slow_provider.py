"""Loaded into a test worker with `celery worker -I tests.support.slow_provider`: a deadline provider slow enough
to kill the worker in the middle of a scan. It touches SLOW_SCAN_MARKER when it is half way."""

import os
import time
from pathlib import Path

from core import deadlines
from core.models import Unit, User


@deadlines.register
def slow_provider(on_date):
    marker = os.environ.get("SLOW_SCAN_MARKER")
    recipient = User.objects.order_by("pk").first()
    units = list(Unit.objects.order_by("pk"))
    for index, unit in enumerate(units):
        if marker and index == len(units) // 2:
            Path(marker).touch()
        time.sleep(float(os.environ.get("SLOW_SCAN_DELAY", "0.05")))
        yield deadlines.Due("test.slow", unit, on_date, deadlines.Level.WARNING, f"演示到期事项 {unit.code}",
                            (recipient,))
