"""Exports survive the broker and the worker (issue 22) and look ready only when ready (issue 20): the request
queues the job in the outbox and returns at once; a run writes a heartbeat with its progress; a run whose heartbeat
stopped is queued again and finishes once (one file, one audit event); the *.part files of dead runs are removed;
the page offers the download link only once the file exists, and 重试 after a failure."""

import datetime
import os
import signal
import time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import exports, outbox
from core.exports import ExportKind, Run
from core.models import AuditEvent
from core.outbox import OutboxMessage
from dashboard import services
from dashboard.models import MonthlyExport
from tests.core.test_outbox import DEAD_BROKER, broker_at

OCT = datetime.date(2026, 10, 1)


def make_export(user, **fields):
    return MonthlyExport.objects.create(month=OCT, requested_by=user, expires_at=timezone.now() + ExportKind.ttl(),
                                        **fields)


def part_file(name="tmpdead.part"):
    directory = os.path.join(settings.MEDIA_ROOT, MonthlyExport.export_dir)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    open(path, "wb").close()
    return path


def parts():
    directory = os.path.join(settings.MEDIA_ROOT, MonthlyExport.export_dir)
    return sorted(name for name in os.listdir(directory) if name.endswith(".part")) if os.path.isdir(directory) else []


def later(seconds=None):
    return timezone.now() + datetime.timedelta(seconds=seconds or settings.EXPORT_HEARTBEAT_TIMEOUT + 1)


@pytest.mark.django_db
def test_a_stale_run_is_requeued_fenced_and_its_part_file_removed(section_head):
    export = make_export(section_head)
    dead = Run.claim(MonthlyExport, export.pk)
    part = part_file()
    assert exports.requeue_stale() == 0 and os.path.exists(part)  # alive: left alone, its file too
    assert exports.requeue_stale(later()) == 1
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.PENDING and export.step == "任务中断，重新排队"
    published = [(exports.BUILD_TASK, ["dashboard.monthlyexport", export.pk])]
    assert list(OutboxMessage.objects.values_list("task", "args")) == published
    assert not os.path.exists(part)

    exports.build(MonthlyExport, export.pk)
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.DONE and export.attempt == 2
    assert not dead.update(progress=50) and not dead.fail("迟到的失败")  # the dead run can no longer write
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.DONE and export.progress == 100


@pytest.mark.django_db
def test_a_second_delivery_while_a_run_is_alive_does_nothing(section_head):
    export = make_export(section_head)
    assert Run.claim(MonthlyExport, export.pk) is not None
    assert exports.build(MonthlyExport, export.pk) is None
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.RUNNING and export.attempt == 1


@pytest.mark.django_db
def test_an_export_interrupted_three_times_fails_with_a_message(section_head):
    export = make_export(section_head, status=MonthlyExport.Status.RUNNING, attempt=exports.MAX_ATTEMPTS,
                         heartbeat_at=timezone.now())
    assert exports.requeue_stale(later()) == 0
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.FAILED and "中断" in export.error
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_part_file_older_than_the_task_time_limit_goes_even_beside_a_live_run(section_head):
    Run.claim(MonthlyExport, make_export(section_head).pk)
    old = part_file("old.part")
    part_file("fresh.part")
    past = time.time() - settings.CELERY_TASK_TIME_LIMIT - 60
    os.utime(old, (past, past))
    assert exports.remove_parts() == 1 and parts() == ["fresh.part"]


# --- the page ---------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_queued_export_shows_the_queue_and_no_link(client_for, section_head):
    export = make_export(section_head)
    client = client_for(section_head)
    html = client.get(export.get_absolute_url()).content.decode()
    assert "排队中" in html and 'data-testid="export-download"' not in html
    state = client.get(reverse("dashboard:export_status", args=[export.code])).json()
    assert state["status_label"] == "排队中" and not state["downloadable"] and state["download_url"] == ""


@pytest.mark.django_db
def test_done_without_its_file_is_not_offered(client_for, section_head):
    """Issue 20: the link appeared while the file was not there, and the click gave a 404."""
    export = make_export(section_head, status=MonthlyExport.Status.DONE, progress=100,
                         file=f"exports/{'0' * 8}.xlsx")
    client = client_for(section_head)
    assert 'data-testid="export-download"' not in client.get(export.get_absolute_url()).content.decode()
    assert client.get(reverse("dashboard:export_status", args=[export.code])).json()["downloadable"] is False


@pytest.mark.django_db
def test_done_offers_the_link(client_for, section_head, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(section_head, OCT)
    client = client_for(section_head)
    html = client.get(export.get_absolute_url()).content.decode()
    download = export.download_url()
    assert f'href="{download}" data-testid="export-download"' in html
    assert client.get(reverse("dashboard:export_status", args=[export.code])).json()["download_url"] == download


@pytest.mark.django_db
def test_a_failed_export_says_why_and_offers_retry(client_for, section_head, django_capture_on_commit_callbacks):
    export = make_export(section_head, status=MonthlyExport.Status.FAILED, error="生成失败，请点击“重试”")
    client = client_for(section_head)
    html = client.get(export.get_absolute_url()).content.decode()
    assert "生成失败，请点击“重试”" in html
    assert f'<form method="post" action="{reverse("dashboard:export_create")}">' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:export_create"), {"month": "2026-10"})
    retried = MonthlyExport.objects.exclude(pk=export.pk).get()
    assert response.url == retried.get_absolute_url()
    retried.refresh_from_db()
    assert retried.status == MonthlyExport.Status.DONE and retried.is_downloadable


# --- faults with a real broker and real workers (make test) -----------------------------------------------------

def wait_for(condition, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def finished(export):
    export.refresh_from_db()
    return export.is_finished


@pytest.mark.integration
def test_broker_down_the_request_returns_at_once_and_the_dispatcher_sends_it_later(celery_workers, section_head,
                                                                                  client_for, settings):
    """Issue 22: with Redis unreachable the request took 19 s, answered 500 and left the export pending for ever."""
    workers = celery_workers(extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    settings.OUTBOX_QUEUE = workers.queue
    client = client_for(section_head)
    with broker_at(DEAD_BROKER):
        started = time.monotonic()
        response = client.post(reverse("dashboard:export_create"), {"month": "2026-10"})
        elapsed = time.monotonic() - started
    export = MonthlyExport.objects.get()
    assert response.status_code == 302 and response.url == export.get_absolute_url()
    assert elapsed < settings.OUTBOX_BROKER_TIMEOUT + 3, elapsed
    assert export.status == MonthlyExport.Status.PENDING and "排队中" in client.get(response.url).content.decode()
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.PENDING and message.attempts == 1 and message.last_error
    assert AuditEvent.objects.filter(name="dashboard.monthly.requested").count() == 1

    # the broker is back: the dispatcher (the beat task's body) sends it, a worker builds the file
    from config.celery import app

    app.conf.task_always_eager = False
    workers.start()
    assert outbox.dispatch(now=message.next_attempt_at) == (1, 0)
    assert wait_for(lambda: finished(export)), export.step
    assert export.status == MonthlyExport.Status.DONE and export.is_downloadable


@pytest.mark.integration
def test_a_worker_killed_mid_export_is_requeued_and_the_export_finishes_once(celery_workers, section_head, settings,
                                                                            tmp_path):
    marker = tmp_path / "stalled"
    workers = celery_workers(include=["tests.support.slow_export"],
                             extra_env={"SLOW_EXPORT_MARKER": str(marker), "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                                        "CELERY_VISIBILITY_TIMEOUT": "3"})
    settings.OUTBOX_QUEUE = workers.queue
    first = workers.start()
    export = services.request_export(section_head, OCT)  # autocommit: published at once
    assert wait_for(marker.exists), "the export never reached its third sheet"
    os.kill(first.pid, signal.SIGKILL)  # the whole worker, as the OOM killer or a power cut would
    first.wait(timeout=10)
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.RUNNING and export.attempt == 1 and len(parts()) == 1

    assert exports.requeue_stale(later()) == 1  # as the beat task will once the heartbeat is stale
    assert parts() == []
    time.sleep(4)  # past the visibility timeout: the killed run's own message comes back too
    workers.start()
    assert wait_for(lambda: finished(export)), export.step
    time.sleep(3)  # let the second delivery arrive: it must find nothing to do
    export.refresh_from_db()
    assert export.status == MonthlyExport.Status.DONE and export.attempt == 2
    directory = os.path.join(settings.MEDIA_ROOT, MonthlyExport.export_dir)
    assert os.listdir(directory) == [f"{export.code}.xlsx"]
    assert AuditEvent.objects.filter(target_id=str(export.code)).count() == 1
