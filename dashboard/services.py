"""The monthly workbook as a background export: request it (logged), build it in a Celery task with progress,
offer the file until it expires. The command `export_monthly` writes the same workbook directly."""

import datetime
import logging
import os

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import audit, outbox
from core.exports import Run
from dashboard import permissions, workbook
from dashboard.models import MonthlyExport

logger = logging.getLogger(__name__)


class ExportError(ValueError):
    """A refused export request; the message is shown to the user."""


def ttl():
    return datetime.timedelta(hours=getattr(settings, "DASHBOARD_EXPORT_TTL_HOURS", 24))


def export_path(export):
    return os.path.join(settings.MEDIA_ROOT, MonthlyExport.export_dir, f"{export.code}.xlsx")


def producer_for(user):
    """The unit named on the cover as the one that produced the workbook."""
    if user is not None and user.unit_id:
        return user.unit.name
    return "干部监督科"


def exportable_months(today, back=24):
    """Months one may export: the current month and the `back` before it, newest first."""
    month = today.replace(day=1)
    months = []
    for _ in range(back + 1):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months


@transaction.atomic
def request_export(user, month, *, unit=None, request=None):
    """Create the export and queue its task in the outbox, in one transaction with the audit event: the request never
    waits for the broker. Logged as an export (who, which month)."""
    if not permissions.can_export(user):
        raise ExportError("只有科室负责人和部领导可以导出月度联席会议汇总表")
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ExportError("不能导出尚未开始的月份")
    purge_expired()
    export = MonthlyExport.objects.create(month=month, unit=unit, requested_by=user,
                                          expires_at=timezone.now() + ttl())
    scope = f"（{unit.name}）" if unit is not None else ""
    audit.record(user, audit.Action.EXPORT, "dashboard.monthly.requested", export, request=request,
                 summary=f"导出{month.year}年{month.month}月月度联席会议汇总表{scope}",
                 changes={"month": f"{month:%Y-%m}", "unit": unit.code if unit is not None else None})
    outbox.publish(MonthlyExport.build_task, export.pk)
    return export


def run_export(export_id):
    """Build the workbook of an export. Idempotent: only a pending export (or one whose run died) is built, each
    run fenced by its attempt number (core.exports.Run); the file is written to a temporary *.part name and
    renamed, so a rerun never leaves half a file."""
    run = Run.claim(MonthlyExport, export_id)
    if run is None:
        return None
    export = MonthlyExport.objects.select_related("requested_by__unit", "unit").get(pk=export_id)
    user = export.requested_by
    if not user.is_active or not permissions.can_export(user):
        run.fail("导出人已无导出权限")
        return export
    path = export_path(export)
    try:
        workbook.write_monthly(export.month, path, user=user, unit=export.unit, producer=producer_for(user),
                               progress=run.progress)
    except Exception:
        logger.exception("月度汇总表生成失败（导出 %s）", export.code)
        run.fail("生成失败，请点击“重试”；仍失败请联系系统管理员")
        return export
    run.done(path)
    export.refresh_from_db()
    return export


def purge_expired(now=None):
    """Delete the files of expired exports and mark them expired. Returns how many."""
    count = 0
    for export in MonthlyExport.objects.expired(now).only("pk", "code", "file"):
        if export.file:
            try:
                os.unlink(os.path.join(settings.MEDIA_ROOT, export.file))
            except FileNotFoundError:
                pass
        count += MonthlyExport.objects.filter(pk=export.pk).exclude(status=MonthlyExport.Status.EXPIRED).update(
            status=MonthlyExport.Status.EXPIRED, file="")
    return count


def record_download(export, request):
    audit.record_request(request, audit.Action.EXPORT, "dashboard.monthly.downloaded", export,
                         summary=f"下载{export.month.year}年{export.month.month}月月度联席会议汇总表",
                         changes={"month": export.month_key})
