"""Statistics of petitions, for this app's statistics page and the leaders' dashboard (public functions).

A case is counted once: duplicates (重复件) linked to it are not cases of their own but add to its `reports` (the
number of reports behind it); voided records count nowhere. Every function aggregates in SQL (one query each) on
`base_queryset`, which takes the viewer (scope via Petition.objects.visible_to), a unit subtree and a period of
receipt dates. Rows are dicts: {"key", "label", "cases", "reports"}.
"""

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cadres import stats as cadres_stats
from core.stats import CHUNK, chunks
from petitions.models import (
    CONCLUDED_STATUSES,
    OPEN_STATUSES,
    Channel,
    Conclusion,
    Petition,
    PetitionSubject,
    ProblemCategory,
    Status,
)

# The choices a reader of these figures needs are part of this public surface.
__all__ = ["Channel", "ProblemCategory", "base_queryset", "by_category", "by_channel", "by_conclusion", "by_month",
           "by_month_channel", "by_unit", "concluded_rows", "flow", "own_work", "summary", "totals"]


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


def by_month_channel(*, user=None, unit=None, start=None, end=None):
    """[{"month": date, "channel": value, "cases": n}] over the counted cases received in the period (one query)."""
    rows = (base_queryset(user=user, unit=unit, start=start, end=end)
            .annotate(month=TruncMonth("received_on")).values("month", "channel")
            .annotate(cases=Count("id", distinct=True)).order_by("month", "channel"))
    return [{"month": row["month"], "channel": row["channel"], "cases": row["cases"]} for row in rows]


def flow(*, user=None, unit=None, start=None, end=None):
    """Counted cases accepted (受理) and concluded (办结) within the period, whenever received (one query)."""
    queryset = base_queryset(user=user, unit=unit)  # no join that repeats a case: no DISTINCT (a sort)
    return queryset.aggregate(
        accepted=Count("id", filter=Q(accepted_on__gte=start, accepted_on__lte=end)),
        concluded=Count("id", filter=Q(concluded_on__gte=start, concluded_on__lte=end)),
    )


def concluded_rows(*, user=None, unit=None, start=None, end=None):
    """Cases concluded in the period, for the workbook: never the reporter, nor any free text a reporter wrote.
    Yields dicts; two queries per chunk of cases (subjects, measures) besides the chunked cases."""
    cases = (base_queryset(user=user, unit=unit).filter(concluded_on__gte=start, concluded_on__lte=end)
             .select_related("unit")
             .prefetch_related(Prefetch("subjects", queryset=PetitionSubject.objects.select_related("cadre")))
             .order_by("concluded_on", "code"))
    for chunk in chunks(cases.iterator(chunk_size=CHUNK)):
        kinds = cadres_stats.measure_kinds_by_source("petitions.petition", [case.code for case in chunk], user=user)
        for case in chunk:
            yield {"case": case, "subjects": list(case.subjects.all()), "measures": kinds.get(case.code, [])}


def own_work(user, on_date):
    """Open cases `user` handles (承办), and those past a deadline on `on_date` (one query)."""
    return (Petition.objects.visible_to(user).counted().filter(handlers=user)
            .aggregate(open=Count("id", distinct=True, filter=Q(status__in=OPEN_STATUSES)),
                       overdue=Count("id", distinct=True, filter=Q(
                           status__in=OPEN_STATUSES + (Status.CONCLUDED,), next_due__lt=on_date))))
