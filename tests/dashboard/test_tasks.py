"""The export task: builds the file once, reports progress, refuses a requester who lost the right, and files
expire; with a real worker too."""

import datetime
import os
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from core import exports, roles
from core.exports import ExportKind, Run
from core.tasks import build_export
from dashboard import services, workbook
from dashboard.models import MonthlyExport

OCT = datetime.date(2026, 10, 1)


def test_request_and_run(section_head, october, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(section_head, OCT)
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.DONE and export.progress == 100 and export.step == "已完成"
    path = os.path.join(settings.MEDIA_ROOT, export.file)
    assert export.file == f"exports/{export.code}.xlsx" and os.path.getsize(path) == export.size > 0
    assert load_workbook(path).sheetnames == list(workbook.SHEETS)
    assert abs(export.expires_at - export.created_at - datetime.timedelta(hours=24)) < datetime.timedelta(seconds=5)
    # a second delivery of the same task does nothing
    assert build_export("dashboard.monthlyexport", export.pk)["status"] == "skipped"


def test_progress_is_written_as_the_sheets_are_made(section_head, october, monkeypatch):
    export = MonthlyExport.objects.create(month=OCT, requested_by=section_head,
                                          expires_at=timezone.now() + ExportKind.ttl())
    seen = []
    real = Run.update

    def spy(run, **fields):
        real(run, **fields)
        seen.append(MonthlyExport.objects.values_list("progress", "heartbeat_at").get(pk=run.pk))

    monkeypatch.setattr(Run, "update", spy)
    exports.build(MonthlyExport, export.pk)
    progress = [percent for percent, _ in seen]
    assert progress == sorted(progress) and progress[-1] == 100 and len(seen) >= len(workbook.SHEETS)
    beats = [beat for _, beat in seen]
    assert beats == sorted(beats) and None not in beats  # each step is also a sign of life


def test_requester_who_lost_the_role_gets_nothing(section_head, october):
    export = MonthlyExport.objects.create(month=OCT, requested_by=section_head,
                                          expires_at=timezone.now() + ExportKind.ttl())
    section_head.groups.remove(Group.objects.get(name=roles.SECTION_HEAD))
    exports.build(MonthlyExport, export.pk)
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.FAILED and not export.file


def test_only_heads_and_leaders_may_request(staff):
    with pytest.raises(services.ExportError):
        services.request_export(staff, OCT)


def test_expired_files_are_removed(section_head, october, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(section_head, OCT)
    export.refresh_from_db()
    path = os.path.join(settings.MEDIA_ROOT, export.file)
    assert exports.purge_expired(MonthlyExport, timezone.now()) == 0 and os.path.exists(path)
    assert exports.purge_expired(MonthlyExport, timezone.now() + datetime.timedelta(hours=25)) == 1
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.EXPIRED and not export.file and not os.path.exists(path)


@pytest.mark.integration
def test_a_real_worker_builds_the_file(celery_workers, section_head, unit_a, settings):
    """Published to a real worker through Redis, the export reaches 已完成 and its file is there (in the test's
    media folder, not the checkout's)."""
    workers = celery_workers(extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    workers.start()
    export = MonthlyExport.objects.create(month=OCT, requested_by=section_head,
                                          expires_at=timezone.now() + ExportKind.ttl())
    build_export.apply_async(args=["dashboard.monthlyexport", export.pk], queue=workers.queue)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.is_finished:
            break
        time.sleep(0.5)
    assert export.status == MonthlyExport.Status.DONE, export.error
    assert export.file.startswith("exports/") and export.is_downloadable
