"""The petitions provider before the scan became set-based (oracle; the rule reads petitions.deadlines.pending)."""

from django.db.models import Q

from core import deadlines as core_deadlines
from core import roles, workdays
from petitions.deadlines import REVIEWABLE_STATUSES, pending
from petitions.models import CONCLUDED_STATUSES, OPEN_STATUSES, Petition, ReviewRequest


def provider(on_date):
    """Deadline scan: what is due within the notice window, due today or overdue."""
    heads = core_deadlines.Covering([roles.SECTION_HEAD])  # told of what is overdue in their jurisdiction
    awaiting_review = Q(status__in=REVIEWABLE_STATUSES, review_requests__state=ReviewRequest.State.PENDING)
    cases = (Petition.objects.filter(Q(status__in=OPEN_STATUSES + CONCLUDED_STATUSES[:1]) | awaiting_review)
             .distinct().select_related("unit").prefetch_related("handlers", "transfers", "review_requests"))
    for petition in cases.iterator(chunk_size=500):
        for item in pending(petition, list(petition.transfers.all()), list(petition.review_requests.all())):
            level = core_deadlines.level_for(item.date, on_date)
            if level is None:
                continue
            recipients = list(petition.handlers.all())
            # A 暂定 date is not escalated: it is final only once the year's schedule is entered (require_final).
            if level == core_deadlines.Level.OVERDUE and workdays.is_final(item.date, item.provisional):
                recipients += heads(petition.unit)
            if not recipients:
                continue
            # Never the informant in a title: the case number and the step only.
            title = f"信访举报件 {petition.code}：{item.label}期限 {item.date:%Y-%m-%d}"
            if item.provisional:
                title += "（暂定）"
            yield core_deadlines.Due(kind=f"petitions.{item.stage}", target=petition, due_date=item.date,
                                     level=level, title=title, recipients=tuple(recipients))
