"""The monthly joint-meeting workbook as a background export (core.exports): a workbook of its own
(dashboard.workbook), so the kind gives `write` instead of rows and a layout."""

from django.urls import reverse

from core.exports import register_export
from dashboard import permissions, workbook
from dashboard.models import MonthlyExport
from dashboard.services import producer_for


def write(job, path, progress):
    user = job.requested_by
    workbook.write_monthly(job.month, path, user=user, unit=job.unit, producer=producer_for(user), progress=progress)


def describe(job):
    scope = f"（{job.unit.name}）" if job.unit_id else ""
    return f"{job.month.year}年{job.month.month}月月度联席会议汇总表{scope}"


def changes(job):
    return {"month": job.month_key, **({"unit": job.unit.code} if job.unit_id else {})}


def facts(job):
    return [("月份", f"{job.month.year}年{job.month.month}月"), ("范围", job.unit.name if job.unit_id else "全部")]


def retry(job):
    fields = {"month": job.month_key}
    if job.unit_id:
        fields["unit"] = job.unit.code
    return reverse("dashboard:export_create"), fields


def register():
    register_export("dashboard-monthly", title="月度联席会议汇总表", may=permissions.can_export, write=write,
                    model=MonthlyExport, describe_job=describe, audit_changes=changes, facts=facts, retry=retry,
                    events=("dashboard.monthly.requested", "dashboard.monthly.downloaded"),
                    back=("dashboard:index", "监督态势"), download_label="下载汇总表")
