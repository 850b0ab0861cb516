"""导出Excel of the list runs as a background task, like the dashboard's monthly workbook: requested (logged) with
the list's filters, built by a Celery task with the requester's scope and progress, offered as a download (logged)
to the requester only until it expires; never any identity in it."""

import datetime
import io
import os
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import exports, roles
from core.exports import ExportKind, ListExport, Run
from core.models import AuditEvent
from core.tasks import build_export
from petitions.models import Status
from tests.factories import CadreFactory
from tests.petitions.factories import force_status, make_petition
from tests.petitions.test_identity import assert_no_secret

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cases(staff, other_county_staff):
    """Three counted cases of the staff's county (two in October), a voided one, and one in another county."""
    made = {
        "october_a": make_petition(staff, received_on=D(2026, 10, 3), summary="十月甲"),
        "october_b": make_petition(staff, received_on=D(2026, 10, 20), named=False, summary="十月乙"),
        "march": make_petition(staff, received_on=D(2026, 3, 2), summary="三月"),
        "voided": make_petition(staff, received_on=D(2026, 10, 5), summary="作废件"),
        "elsewhere": make_petition(other_county_staff, received_on=D(2026, 10, 6), summary="邻县"),
    }
    force_status(made["voided"], Status.VOIDED)
    return made


def new_job(user, **fields):
    """A petition list export as the request makes it, not yet built."""
    return ListExport.objects.create(kind="petitions", requested_by=user, expires_at=timezone.now() + ExportKind.ttl(),
                                     **fields)


def codes_in(path):
    sheet = load_workbook(path).active
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_the_button_requests_an_export_that_a_task_builds(client_for, staff, cases,
                                                           django_capture_on_commit_callbacks):
    client = client_for(staff)
    query = "received_after=2026-10-01&received_before=2026-10-31"
    page = client.get(reverse("petitions:index") + "?" + query).content.decode()
    assert f'name="query" value="{query.replace("&", "&amp;")}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("petitions:export"), {"query": query})
    job = ListExport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.progress, job.rows, job.requested_by) == (ListExport.Status.DONE, 100, 2, staff)
    path = os.path.join(settings.MEDIA_ROOT, job.file)
    assert job.file == f"exports/lists/{job.code}.xlsx" and os.path.getsize(path) == job.size > 0
    assert sorted(codes_in(path)) == sorted([cases["october_a"].code, cases["october_b"].code])
    requested = AuditEvent.objects.get(name="petitions.petition.exported")
    assert requested.actor == staff and requested.action == "export" and requested.changes == {"query": query}
    assert build_export("core.listexport", job.pk)["status"] == "skipped"  # a second delivery does nothing

    detail = client.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="export-download"' in detail and "hx-trigger" not in detail  # finished: no more polling
    status = client.get(reverse("petitions:export_status", args=[job.code])).json()
    assert status["status"] == "done" and status["downloadable"] and status["progress"] == 100
    download = client.get(reverse("petitions:export_download", args=[job.code]))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(download.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert "实名" in cells and "匿名" in cells
    assert_no_secret(cells)
    logged = AuditEvent.objects.get(name="petitions.petition.export_downloaded")
    assert logged.actor == staff and logged.action == "export"


def test_whole_list_follows_the_requesters_scope_at_run_time(staff, cases, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.request_export(staff, "petitions", query="")
    job.refresh_from_db()
    codes = codes_in(os.path.join(settings.MEDIA_ROOT, job.file))
    assert sorted(codes) == sorted(cases[name].code for name in ("october_a", "october_b", "march"))


def test_progress_is_written(staff, monkeypatch):
    for _ in range(3):
        make_petition(staff, cadre=CadreFactory(unit=staff.jurisdiction), named=False)
    job = new_job(staff)
    seen = []
    real = Run.update

    def spy(run, **fields):
        real(run, **fields)
        seen.append(ListExport.objects.get(pk=run.pk).progress)

    monkeypatch.setattr(Run, "update", spy)
    monkeypatch.setattr("core.xlsx_table.PROGRESS_EVERY", 1)
    exports.build(ListExport, job.pk)
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) >= 4


def test_requester_who_lost_the_role_gets_nothing(staff, cases):
    job = new_job(staff)
    staff.groups.remove(Group.objects.get(name=roles.STAFF))
    exports.build(ListExport, job.pk)
    job.refresh_from_db()
    assert job.status == ListExport.Status.FAILED and not job.file


def test_expired_files_are_removed_and_not_downloadable(client_for, staff, cases,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.request_export(staff, "petitions", query="")
    job.refresh_from_db()
    path = os.path.join(settings.MEDIA_ROOT, job.file)
    assert exports.purge_expired(ListExport, timezone.now()) == 0 and os.path.exists(path)
    assert exports.purge_expired(ListExport, timezone.now() + datetime.timedelta(hours=25)) == 1
    job.refresh_from_db()
    assert job.status == ListExport.Status.EXPIRED and not os.path.exists(path)
    assert client_for(staff).get(reverse("petitions:export_download", args=[job.code])).status_code == 404


def test_others_exports_are_not_found_and_non_office_users_refused(client_for, staff, section_head, liaison_a):
    job = new_job(section_head)
    for name in ("petitions:export_detail", "petitions:export_status", "petitions:export_download"):
        assert client_for(staff).get(reverse(name, args=[job.code])).status_code == 404
        assert client_for(liaison_a).get(reverse(name, args=[job.code])).status_code == 403
    assert client_for(liaison_a).post(reverse("petitions:export"), {"query": ""}).status_code == 403
    assert client_for(staff).get(reverse("petitions:export")).status_code == 405
    assert not ListExport.objects.exclude(pk=job.pk).exists()


def test_bad_filters_are_refused(client_for, staff):
    response = client_for(staff).post(reverse("petitions:export"), {"query": "received_after=not-a-date"},
                                      follow=True)
    assert "筛选条件有误" in response.content.decode() and not ListExport.objects.exists()


@pytest.mark.integration
def test_a_real_worker_builds_the_file(celery_worker_process, staff):
    """Published to a real worker through Redis, the export reaches 已完成 and its file is there."""
    make_petition(staff)
    job = new_job(staff)
    build_export.apply_async(args=["core.listexport", job.pk], queue=celery_worker_process)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.5)
    assert job.status == ListExport.Status.DONE, job.error
    assert job.file.startswith("exports/lists/") and job.rows == 1


def test_a_queued_export_offers_no_link_and_a_failed_one_offers_retry(client_for, staff):
    """Issue 20: a download link only once the file exists; after a failure its message and 重试 (the same filters)."""
    client = client_for(staff)
    job = new_job(staff, query="status=accepted")
    html = client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in html and 'data-testid="export-download"' not in html
    assert 'data-testid="export-retry"' not in html and 'hx-trigger="every 2s"' in html
    ListExport.objects.filter(pk=job.pk).update(status=ListExport.Status.FAILED, error="生成失败，请点击“重试”")
    html = client.get(job.get_absolute_url()).content.decode()
    assert "生成失败，请点击“重试”" in html and 'data-testid="export-download"' not in html
    assert f'action="{reverse("core:export_request", args=["petitions"])}"' in html and "hx-trigger" not in html
    assert 'name="query" value="status=accepted"' in html
    state = client.get(reverse("petitions:export_status", args=[job.code])).json()
    assert state["failed"] and not state["downloadable"] and state["error"] == "生成失败，请点击“重试”"
