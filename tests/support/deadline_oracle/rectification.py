"""The rectification rows of the deadline scan as they were computed in Python before the scan became set-based
(core.rectification.dues): the oracle of tests/core/test_scan_equivalence.py."""

import datetime

from django.conf import settings

from core.deadlines import Due, Level, level_for
from core.rectification import OPEN_Q


def dues(queryset, on_date, *, kind, title, recipients, escalate_after, escalation_recipients):
    """Due items for the open rectifications in `queryset` on `on_date`.

    - to `recipients(item)` at each level (提示 within the notice window, 预警 on the day, 逾期 after);
    - once `escalate_after` days overdue, also `kind + "_escalated"` to `escalation_recipients(item)`.
    `title(item, days_overdue)` gives the text (never an informant's identity)."""
    horizon = on_date + datetime.timedelta(days=settings.DEADLINE_NOTICE_DAYS)
    for item in queryset.filter(OPEN_Q, rectification_deadline__lte=horizon).order_by("rectification_deadline"):
        due = item.rectification_deadline
        level = level_for(due, on_date)
        if level is None:
            continue
        overdue = (on_date - due).days if due < on_date else 0
        people = tuple(user for user in recipients(item) if user is not None)
        if people:
            yield Due(kind=kind, target=item, due_date=due, level=level, title=title(item, overdue),
                      recipients=people)
        if overdue >= escalate_after:
            heads = tuple(escalation_recipients(item))
            if heads:
                yield Due(kind=f"{kind}_escalated", target=item, due_date=due, level=Level.OVERDUE,
                          title=f"【逾期{overdue}天，请督办】{title(item, overdue)}", recipients=heads)


