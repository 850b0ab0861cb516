"""Loaded into a test worker with `celery worker -I tests.support.slow_export`: the monthly workbook's third sheet
stalls (SLOW_EXPORT_SECONDS) the first time, after touching SLOW_EXPORT_MARKER, so that the test can kill the
worker in the middle of an export. Once the marker exists the workbook is built at normal speed."""

import os
import time
from pathlib import Path

from dashboard import workbook

_items = workbook._items


def _slow_items(book, context):
    marker = os.environ.get("SLOW_EXPORT_MARKER")
    if marker and not Path(marker).exists():
        Path(marker).touch()
        time.sleep(float(os.environ.get("SLOW_EXPORT_SECONDS", "120")))
    return _items(book, context)


workbook._items = _slow_items
