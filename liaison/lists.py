"""The report list as its page and its export both read it: the reports a user may see, with their counts, filtered
by the list's query."""

from django.db.models import Count, Q

from liaison.filters import ReportFilter
from liaison.models import Report

LIVE = Q(items__voided_at__isnull=True)


def report_list(user, params):
    """(filterset, reports): the office sees every unit in its jurisdiction, an officer their own unit."""
    reports = (
        Report.objects.visible_to(user)
        .select_related("member_unit__unit")
        .annotate(
            item_count=Count("items", filter=LIVE, distinct=True),
            disposed_count=Count("items", filter=LIVE & Q(items__disposals__isnull=False), distinct=True),
        )
    )
    report_filter = ReportFilter(params, queryset=reports, user=user)
    return report_filter, report_filter.qs.order_by("-period", "member_unit__sort_order", "-created_at")
