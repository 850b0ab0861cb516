"""Public statistics of the cadres app, for the leaders' dashboard and the monthly workbook: supervision measures
and warnings. Each function aggregates in SQL or streams rows in a fixed number of queries, from
`visible_to(user)` (`user=None`: no user scope, for a trusted caller), in `unit`'s subtree.

The choices a reader of these figures needs (`MeasureKind`, `SourceChannel`) are part of this public surface."""

from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.db.models import Count, Q, Sum

from cadres import snapshots
from cadres import tallies as tallied
from cadres.models import MeasureKind, SourceChannel, SupervisionMeasure, WarningCount
from cadres.warnings import rule_choices, without_family
from core import tallies
from core.stats import CHUNK, in_period, in_unit, visible

__all__ = ["FromTallies", "MeasureKind", "SourceChannel", "WarnedCadre", "WarningCounts", "live_measures",
           "measure_kinds_by_source", "measure_list", "measure_queryset", "measure_rows", "measures_by_kind",
           "measures_by_kind_and_source", "measures_by_unit", "warned_by_unit", "warning_rows", "warning_summaries",
           "warning_summary"]


# --- supervision measures ---------------------------------------------------------------------------------------

def live_measures(*, user=None):
    """Measures not voided, visible to `user`."""
    return visible(SupervisionMeasure, user).filter(voided_at__isnull=True)


def _measures(user, unit, start, end):
    return in_period(in_unit(live_measures(user=user), unit, "cadre__unit"), "date", start, end)


def measure_list(user):
    """The measures list behind the dashboard's figures: newest first, cadre and unit selected."""
    return live_measures(user=user).select_related("cadre", "cadre__unit").order_by("-date", "-pk")


def measures_by_kind(*, user=None, unit=None, start=None, end=None):
    """{kind: n} of the measures (not voided) dated in the period, every kind present (zeros included)."""
    counts = dict(_measures(user, unit, start, end).order_by().values_list("kind").annotate(n=Count("pk")))
    return {kind: counts.get(kind, 0) for kind in MeasureKind.values}


def measures_by_unit(*, user=None, unit=None, start=None, end=None):
    """{unit_id of the cadre: n} of the measures (not voided) dated in the period (one query)."""
    return dict(_measures(user, unit, start, end).order_by().values_list("cadre__unit_id").annotate(n=Count("pk")))


def measures_by_kind_and_source(*, user=None, unit=None, start=None, end=None):
    """{(kind, source_channel): n} (one query)."""
    rows = (_measures(user, unit, start, end).order_by().values_list("kind", "source_channel")
            .annotate(n=Count("pk")))
    return {(kind, source): n for kind, source, n in rows}


def measure_queryset(*, user=None, unit=None, start=None, end=None):
    return (_measures(user, unit, start, end).select_related("cadre", "cadre__unit")
            .order_by("date", "pk"))


def measure_rows(**scope):
    yield from measure_queryset(**scope).iterator(chunk_size=CHUNK)


def measure_kinds_by_source(source_type, codes, *, user=None):
    """{source code: [kind label, ...]} of the live measures taken on the given cases of another app, by date
    (one query)."""
    kinds = {}
    for code, kind in (live_measures(user=user).filter(source_type=source_type, source_code__in=codes)
                       .order_by("date", "pk").values_list("source_code", "kind")):
        kinds.setdefault(code, []).append(MeasureKind(kind).label)
    return kinds


# --- warnings ---------------------------------------------------------------------------------------------------

def _warned(user, unit, on_date):
    """The snapshot's rows in scope, by the unit stored on each row (no join to the cadres)."""
    rows = snapshots.rows(on_date)
    return in_unit(rows.visible_to(user) if user is not None else rows, unit)


def warning_summary(*, user=None, unit=None, on_date=None):
    """{"cadres": distinct cadres under any warning, "blocking": of which with a blocking one,
    "by_rule": [{"code", "label", "cadres"}] for every registered rule}, from the warning snapshot (two queries
    once the snapshot exists: finding it, then one pass over its rows in scope)."""
    rules = rule_choices()
    return _summary(_warned(user, unit, on_date).aggregate(**_warning_counts(rules)), rules)


def warning_summaries(dates, *, user=None, unit=None):
    """[warning_summary of each date]."""
    return [warning_summary(user=user, unit=unit, on_date=on_date) for on_date in dates]


def warned_by_unit(*, user=None, unit=None, on_date=None):
    """{unit_id: cadres under any warning} by the unit the snapshot stores for each cadre: one unit per cadre, so the
    units' counts add up to the subtree's (two queries)."""
    rows = _warned(user, unit, on_date).order_by().values_list("unit_id").annotate(n=Count("cadre_id", distinct=True))
    return dict(rows)


def _warning_counts(rules):
    """The aggregates of warning_summary over snapshot rows (one row per cadre and rule)."""
    return {"cadres": Count("cadre_id", distinct=True),
            "blocking": Count("cadre_id", distinct=True, filter=Q(blocking=True)),
            **{f"rule_{n}": Count("pk", filter=Q(code=code)) for n, (code, _label) in enumerate(rules)}}


def _summary(totals, rules):
    return {"cadres": totals["cadres"], "blocking": totals["blocking"],
            "by_rule": [{"code": code, "label": label, "cadres": totals[f"rule_{n}"]}
                        for n, (code, label) in enumerate(rules)]}


class WarningCounts:
    """warning_summary and warned_by_unit summed from the snapshot's per-unit counts (WarningCount, counted by
    cadres.snapshots from the very rows those functions count): the same figures from a few thousand rows instead
    of a province's hundred thousand warnings, with no DISTINCT. One query to find each snapshot, one for the
    sums."""

    @staticmethod
    def _counts(user, unit, snaps):
        counts = WarningCount.objects.filter(snapshot__in=snaps)
        return in_unit(counts.visible_to(user) if user is not None else counts, unit).order_by()

    @classmethod
    def warning_summaries(cls, dates, *, user=None, unit=None):
        """[warning_summary of each date] in one pass over the snapshots' counts, summed by snapshot and rule
        (code "": the cadres under any rule): a row per rule, not per unit."""
        snaps = [snapshots.snapshot(on_date) for on_date in dates]
        rows = (cls._counts(user, unit, snaps).values_list("snapshot_id", "code")
                .annotate(Sum("warned"), Sum("warned_blocking")))
        sums = {(snap, code): (warned, blocking) for snap, code, warned, blocking in rows}
        rules = rule_choices()

        def summary(snap):
            cadres, blocking = sums.get((snap.pk, ""), (0, 0))
            by_rule = {f"rule_{n}": sums.get((snap.pk, code), (0, 0))[0] for n, (code, _label) in enumerate(rules)}
            return _summary({"cadres": cadres, "blocking": blocking, **by_rule}, rules)

        return [summary(snap) for snap in snaps]

    @classmethod
    def warning_summary(cls, *, user=None, unit=None, on_date=None):
        return cls.warning_summaries([on_date], user=user, unit=unit)[0]

    @classmethod
    def warned_by_unit(cls, *, user=None, unit=None, on_date=None):
        """The units' own rows of the cadres under any rule (code ""): one per unit, nothing to sum."""
        rows = (cls._counts(user, unit, [snapshots.snapshot(on_date)]).filter(code="", warned__gt=0)
                .values_list("unit_id", "warned"))
        return dict(rows)


class WarnedCadre(NamedTuple):
    name: str
    unit_name: str  # the unit's short name, as of the snapshot
    post_title: str


def warning_rows(*, user=None, unit=None, on_date=None):
    """(WarnedCadre, [Warning, ...]) for each flagged cadre, by unit and name, streamed from the warning snapshot
    in one query (a province's list is tens of thousands of cadres: no model instances). The reasons leave out
    family details (cadres.warnings.without_family): the list goes into the joint meeting's monthly workbook."""
    labels = snapshots.rule_labels()
    rows = (_warned(user, unit, on_date)
            .order_by("unit__path", "-cadre__is_principal", "cadre__name", "cadre_id", "code")
            .values_list("cadre_id", "cadre__name", "unit__short_name", "unit__name", "cadre__post_title", "code",
                         "reasons", "blocking"))
    for _cadre_id, group in groupby(rows.iterator(chunk_size=CHUNK * 4), key=itemgetter(0)):
        group = list(group)
        _, name, short_name, unit_name, post_title = group[0][:5]
        yield WarnedCadre(name, short_name or unit_name, post_title), snapshots.as_warnings(
            [(code, [without_family(reason) for reason in reasons], blocking) for code, reasons, blocking
             in (row[5:] for row in group)], labels)


class FromTallies:
    """measures_by_kind summed from the per-unit, per-month tallies (core.tallies, cadres.tallies) for periods made
    of whole months between `first` and `last`: two queries (whether the tallies were built, the sums); and
    measures_by_unit, one more."""

    def __init__(self, *, user=None, unit=None, first, last):
        self.user, self.unit = user, unit
        self.sums = tallies.sums(tallied.SOURCE, [tallied.KIND], user=user, unit=unit,
                                 first=first.replace(day=1), last=last.replace(day=1))

    def measures_by_unit(self, *, start, end, **_scope):
        """{unit_id: n} like the module's measures_by_unit (one query)."""
        first, last = tallies.whole_months(start, end)
        units = tallies.per_unit(tallied.SOURCE, {"n": (tallied.KIND, None)}, user=self.user, unit=self.unit,
                                 first=first, last=last, check=False)
        return {unit_id: row["n"] for unit_id, row in units.items()}

    def measures_by_kind(self, *, start, end, **_scope):
        """{kind: n}, every kind present (zeros included), like measures_by_kind."""
        first, last = tallies.whole_months(start, end)
        counts = dict.fromkeys(MeasureKind.values, 0)
        for (_metric, month, kind), n in self.sums.items():
            if first <= month <= last and kind in counts:
                counts[kind] += n
        return counts
