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
from core import tallies
from core.scoping import in_subtree, restrict_by_unit
from core.stats import CHUNK, chunks, in_period, in_unit, visible
from petitions import tallies as tallied
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
__all__ = ["Channel", "FromTallies", "ProblemCategory", "base_queryset", "by_category", "by_channel", "by_conclusion",
           "by_month", "by_month_channel", "by_unit", "concluded_rows", "flow", "own_work", "summary", "totals"]


def base_queryset(*, user=None, unit=None, start=None, end=None):
    """Counted cases: visible to `user` (None = no user scope, for trusted callers), in `unit`'s subtree,
    received between `start` and `end` (inclusive)."""
    return in_period(in_unit(visible(Petition, user).counted(), unit), "received_on", start, end)


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


def totals_by_unit(on_date=None, **scope):
    """{unit_id: {"cases", "open", "overdue"}} like totals (without reports), for every unit at once (one query)."""
    on_date = on_date or timezone.localdate()
    rows = base_queryset(**scope).order_by().values("unit_id").annotate(  # no join that repeats a case
        cases=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=tallied.UNFINISHED_STATUSES, next_due__lt=on_date)),
    )
    return {row.pop("unit_id"): row for row in rows}


__all__ += ["totals_by_unit"]


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


# --- from the stored tallies (core.tallies, petitions.tallies) ----------------------------------------------------

class FromTallies:
    """The dashboard's petition figures summed from the per-unit, per-month tallies instead of counting the cases:
    the same answers as this module's totals, flow, by_month_channel, by_category (cases only) and by_unit (cases
    only), for periods made of whole months between `first` and `last`. Three queries: whether the tallies were
    built, the sums, whether the viewer is hidden any case in scope (when he is: their tallies, six more, to take
    off); and one for totals_by_unit, which by_unit reuses for the same period (else one of its own)."""

    METRICS = (tallied.CASES, tallied.DUPLICATES, tallied.CATEGORY, tallied.OPEN, tallied.DUE, tallied.CONCLUDED)

    def __init__(self, *, user=None, unit=None, first, last):
        self.user, self.unit = user, unit
        self.cases_by_unit = {}  # (first, last) → {unit_id: cases}, from totals_by_unit
        window = {"user": user, "unit": unit, "first": first.replace(day=1), "last": last.replace(day=1)}
        self.sums = tallies.sums(tallied.SOURCE, self.METRICS, **window)
        self.hidden = self._hidden()
        tallies.subtract(self.sums, self.hidden)

    def _hidden(self):
        """Tally rows of the cases in scope that visible_to hides from the viewer (a case about himself)."""
        if self.user is None:
            return []
        about = in_subtree(restrict_by_unit(Petition.objects.about(self.user), self.user), self.unit)
        return list(tallied.tally(about)) if about.exists() else []

    def _sum(self, metric, start, end, key=None):
        first, last = tallies.whole_months(start, end)
        return sum(n for (name, month, value), n in self.sums.items()
                   if name == metric and first <= month <= last and (key is None or key(value)))

    def totals(self, on_date=None, *, start, end, **_scope):
        on_date = (on_date or timezone.localdate()).isoformat()
        cases = self._sum(tallied.CASES, start, end)
        return {"cases": cases, "reports": cases + self._sum(tallied.DUPLICATES, start, end),
                "open": self._sum(tallied.OPEN, start, end),
                "overdue": self._sum(tallied.DUE, start, end, key=lambda due: due < on_date)}

    def totals_by_unit(self, on_date=None, *, start, end, **_scope):
        """{unit_id: {"cases", "open", "overdue"}} like the module's totals_by_unit (one query)."""
        on_date = (on_date or timezone.localdate()).isoformat()
        first, last = tallies.whole_months(start, end)
        counted = {"cases": (tallied.CASES, None), "open": (tallied.OPEN, None),
                   "overdue": (tallied.DUE, Q(key__lt=on_date))}
        units = tallies.per_unit(tallied.SOURCE, counted, user=self.user, unit=self.unit, first=first, last=last,
                                 check=False)
        for unit_id, metric, month, key, value in self.hidden:  # the cases about the viewer, as in __init__
            for name, (counted_metric, _condition) in counted.items():
                if metric == counted_metric and first <= month <= last and (metric != tallied.DUE or key < on_date):
                    units.setdefault(unit_id, dict.fromkeys(counted, 0))[name] -= value
        self.cases_by_unit[first, last] = {unit_id: row["cases"] for unit_id, row in units.items()}
        return units

    def flow(self, *, start, end, **_scope):
        return {"concluded": self._sum(tallied.CONCLUDED, start, end)}

    def by_month_channel(self, *, start, end, **_scope):
        first, last = tallies.whole_months(start, end)
        return [{"month": month, "channel": channel, "cases": n}
                for (name, month, channel), n in sorted(self.sums.items())
                if name == tallied.CASES and first <= month <= last and n]

    def by_category(self, *, start, end, **_scope):
        return [{"key": value, "label": label, "cases": n} for value, label in ProblemCategory.choices
                if (n := self._sum(tallied.CATEGORY, start, end, key=lambda key, value=value: key == value))]

    def by_unit(self, *, start, end, **_scope):
        first, last = tallies.whole_months(start, end)
        if (first, last) in self.cases_by_unit:  # the counties' breakdown summed them already
            return [{"key": unit_id, "cases": n} for unit_id, n in self.cases_by_unit[first, last].items() if n]
        cases = tallies.sums(tallied.SOURCE, [tallied.CASES], user=self.user, unit=self.unit, first=first,
                             last=last, by=("unit_id",), check=False)
        tallies.subtract(cases, [row for row in self.hidden if row[1] == tallied.CASES and first <= row[2] <= last],
                         by=("unit",))
        return [{"key": unit_id, "cases": n} for (unit_id,), n in cases.items() if n]
