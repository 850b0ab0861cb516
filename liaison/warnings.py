"""Early-warning rule contributed to the cadres hub: severe matters reported by member units in the last year."""

import datetime

from cadres.dates import period_until
from cadres.registry import register_warning_rule
from cadres.snapshots import register_warning_source
from core.bundles import steps
from liaison.models import Report, ReportItem, Severity

WINDOW_DAYS = 365


@register_warning_rule("liaison_severe_item", "联席会议通报严重问题")
@steps
def severe_items(cadres, on_date):
    """{cadre_id: [reason, ...]} for cadres named in a severe item received in the 12 months before `on_date`.
    One query for any number of cadres."""
    items = (ReportItem.objects
             .filter(cadre__in=cadres, severity=Severity.SEVERE, voided_at__isnull=True,
                     report__status__in=Report.RECEIVED,
                     occurred_on__gt=on_date - datetime.timedelta(days=WINDOW_DAYS), occurred_on__lte=on_date)
             .select_related("report__member_unit__unit").order_by("occurred_on"))
    flagged = {}
    for item in (yield items):
        ends_on = item.occurred_on + datetime.timedelta(days=WINDOW_DAYS)
        flagged.setdefault(item.cadre_id, []).append(
            f"{item.report.member_unit}通报（{item.occurred_on:%Y-%m-%d}，{item.get_aspect_display()}）：严重问题，"
            f"{period_until(ends_on, '预警期')}")
    return flagged


# Items count once their report is received.
register_warning_source(Report, lambda report: report.items.exclude(cadre=None).values_list("cadre_id", flat=True))
