"""In a browser (issue 20): an export's page follows it from 排队中 (an indeterminate bar) through 生成中 n% to the
download link, which appears only once the file exists; a failed export shows its Chinese message and 重试."""

import os

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from core.exports import ExportKind
from dashboard.models import MonthlyExport
from tests.e2e.helpers import snapshot

pytestmark = pytest.mark.e2e
PASSWORD = "Test@2026password"  # tests.factories.UserFactory


@pytest.fixture
def head_page(page, login, section_head, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    login(section_head.username, PASSWORD)
    return page


def make_export(user, **fields):
    import datetime

    return MonthlyExport.objects.create(month=datetime.date(2026, 10, 1), requested_by=user,
                                        expires_at=timezone.now() + ExportKind.ttl(), **fields)


def test_queued_then_running_then_downloadable(head_page, live_server, section_head):
    page = head_page
    export = make_export(section_head)
    page.goto(live_server.url + export.get_absolute_url())
    card = page.get_by_test_id("export-card")
    expect(card.get_by_test_id("export-step")).to_have_text("排队中")
    assert page.get_by_test_id("export-progress").get_attribute("value") is None  # indeterminate while queued
    expect(page.get_by_test_id("export-download")).to_have_count(0)
    snapshot(page, "export_queued")

    MonthlyExport.objects.filter(pk=export.pk).update(status=MonthlyExport.Status.RUNNING, progress=40,
                                                      step="正在生成：信访举报", heartbeat_at=timezone.now())
    expect(card.get_by_test_id("export-step")).to_have_text("生成中：正在生成：信访举报")
    expect(page.get_by_test_id("export-progress")).to_have_attribute("value", "40")
    expect(page.get_by_test_id("export-download")).to_have_count(0)
    snapshot(page, "export_running")

    # 已完成 on the row but no file yet (issue 20's 404): still no link
    relative = f"exports/{export.code}.xlsx"
    MonthlyExport.objects.filter(pk=export.pk).update(status=MonthlyExport.Status.DONE, progress=100, file=relative)
    expect(card.get_by_test_id("export-state")).to_have_text("状态：已完成")
    expect(page.get_by_test_id("export-download")).to_have_count(0)

    path = os.path.join(settings.MEDIA_ROOT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b"PK")
    page.reload()
    expect(page.get_by_test_id("export-download")).to_have_text("下载汇总表")
    expect(page.get_by_test_id("export-retry")).to_be_hidden()
    assert page.console_errors == []


def test_running_export_reaches_the_link_without_reload(head_page, live_server, section_head):
    page = head_page
    export = make_export(section_head, status=MonthlyExport.Status.RUNNING, progress=10, heartbeat_at=timezone.now())
    page.goto(live_server.url + export.get_absolute_url())
    expect(page.get_by_test_id("export-download")).to_have_count(0)
    relative = f"exports/{export.code}.xlsx"
    path = os.path.join(settings.MEDIA_ROOT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b"PK")
    MonthlyExport.objects.filter(pk=export.pk).update(status=MonthlyExport.Status.DONE, progress=100, file=relative,
                                                      size=2)
    expect(page.get_by_test_id("export-download")).to_have_text("下载汇总表")
    expect(page.get_by_test_id("export-progress")).to_be_hidden()
    snapshot(page, "export_done")
    assert page.console_errors == []


def test_failure_shows_the_message_and_retry(head_page, live_server, section_head):
    page = head_page
    export = make_export(section_head, status=MonthlyExport.Status.RUNNING, heartbeat_at=timezone.now())
    page.goto(live_server.url + export.get_absolute_url())
    expect(page.get_by_test_id("export-retry")).to_be_hidden()
    MonthlyExport.objects.filter(pk=export.pk).update(status=MonthlyExport.Status.FAILED,
                                                      error="生成失败，请点击“重试”；仍失败请联系系统管理员")
    expect(page.get_by_test_id("export-error")).to_have_text("生成失败，请点击“重试”；仍失败请联系系统管理员")
    expect(page.get_by_test_id("export-retry")).to_be_visible()
    expect(page.get_by_test_id("export-download")).to_have_count(0)
    snapshot(page, "export_failed")
    page.get_by_test_id("export-retry").click()
    page.wait_for_load_state()
    retried = MonthlyExport.objects.exclude(pk=export.pk).get()
    assert page.url.endswith(retried.get_absolute_url())
    assert page.console_errors == []
