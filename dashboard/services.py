"""The monthly workbook as a background export (the lifecycle is core.exports'; the kind is in dashboard.exports):
which months may be asked for, and the request. The command `export_monthly` writes the same workbook directly."""

import datetime

from django.utils import timezone

from core import exports
from core.exports import ExportError


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


def request_export(user, month, *, unit=None, request=None):
    """Ask for the workbook of `month` (optionally one unit's part); built in the background, logged as an export."""
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ExportError("不能导出尚未开始的月份")
    return exports.request_export(user, "dashboard-monthly", request=request, month=month, unit=unit)
