"""Statistics of petitions, for this app's statistics page and the leaders' dashboard (public functions).

A case is counted once: duplicates (重复件) linked to it are not cases of their own but add to its `reports` (the
number of reports behind it); voided records count nowhere. Every function aggregates in SQL (one query each) on
`base_queryset`, which takes the viewer (scope via Petition.objects.visible_to), a unit subtree and a period of
receipt dates. Rows are dicts: {"key", "label", "cases", "reports"}.
"""

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from petitions.models import (
    CONCLUDED_STATUSES,
    OPEN_STATUSES,
    Channel,
    Conclusion,
    Petition,
    ProblemCategory,
    Status,
)


def base_queryset(*, user=None, unit=None, start=None, end=None):
    """Counted cases: visible to `user` (None = no user scope, for trusted callers), in `unit`'s subtree,
    received between `start` and `end` (inclusive)."""
    queryset = Petition.objects.visible_to(user) if user is not None else Petition.objects.all()
    queryset = queryset.counted()
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if start is not None:
        queryset = queryset.filter(received_on__gte=start)
    if end is not None:
        queryset = queryset.filter(received_on__lte=end)
    return queryset


def _counts(**filters):
    cases = Count("id", distinct=True, **filters)
    return {"cases": cases, "reports": cases + Count("duplicates", distinct=True, **filters)}


def _grouped(queryset, field, labels=None):
    rows = queryset.values(field).annotate(**_counts()).order_by(field)
    return [{"key": row[field], "label": (labels or {}).get(row[field], row[field]), "cases": row["cases"],
             "reports": row["reports"]} for row in rows]


def by_month(**scope):
    rows = (base_queryset(**scope).annotate(month=TruncMonth("received_on")).values("month")
            .annotate(**_counts()).order_by("month"))
    return [{"key": row["month"], "label": f"{row['month']:%Y-%m}", "cases": row["cases"],
             "reports": row["reports"]} for row in rows]


def by_channel(**scope):
    return _grouped(base_queryset(**scope), "channel", dict(Channel.choices))


def by_unit(**scope):
    rows = (base_queryset(**scope).values("unit_id", unit_name=F("unit__name")).annotate(**_counts())
            .order_by("-cases", "unit_name"))
    return [{"key": row["unit_id"], "label": row["unit_name"], "cases": row["cases"], "reports": row["reports"]}
            for row in rows]


def by_conclusion(**scope):
    queryset = base_queryset(**scope).filter(status__in=CONCLUDED_STATUSES)
    labels = dict(Conclusion.choices) | {"": "未作查核结论（了结、转办等）"}
    return _grouped(queryset, "conclusion", labels)


def by_category(**scope):
    """A case with two categories counts under both (one query, a conditional count per category)."""
    aggregates = {}
    for value, _label in ProblemCategory.choices:
        contains = Q(categories__contains=[value])
        aggregates[f"{value}__cases"] = Count("id", distinct=True, filter=contains)
        aggregates[f"{value}__dups"] = Count("duplicates", distinct=True, filter=contains)
    totals = base_queryset(**scope).aggregate(**aggregates)
    return [{"key": value, "label": label, "cases": totals[f"{value}__cases"],
             "reports": totals[f"{value}__cases"] + totals[f"{value}__dups"]}
            for value, label in ProblemCategory.choices if totals[f"{value}__cases"]]


def totals(on_date=None, **scope):
    """Cases, reports behind them, open cases, and cases with a deadline passed on `on_date` (default today)."""
    on_date = on_date or timezone.localdate()
    open_or_feedback = Q(status__in=OPEN_STATUSES + (Status.CONCLUDED,))
    return base_queryset(**scope).aggregate(
        **_counts(),
        open=Count("id", distinct=True, filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", distinct=True, filter=open_or_feedback & Q(next_due__lt=on_date)),
    )


def summary(on_date=None, **scope):
    """Everything at once, for a dashboard card."""
    return {"totals": totals(on_date, **scope), "by_month": by_month(**scope), "by_channel": by_channel(**scope),
            "by_category": by_category(**scope), "by_unit": by_unit(**scope),
            "by_conclusion": by_conclusion(**scope)}
