"""统计汇总 (pre-aggregates): the counts behind the leaders' dashboard, per unit and month, so a province's board
sums a few thousand stored rows of the user's subtree instead of counting hundreds of thousands of cases.

An app registers a `Source` (in its `tallies.py`, from `AppConfig.ready()`):

    register(Source("petitions", count=tally, rows=Petition.objects.all))
    watch(Petition, "petitions", units=lambda petition: [petition.unit_id])

- `count(queryset)` is the reference computation: it turns a queryset of the source's rows into
  (unit_id, metric, month, key, value) tuples, grouped by the unit that places a row in the tree. The nightly
  rebuild stores `count(rows())`, a change stores it for the units touched, and the test that checks the board
  compares it with the direct statistics.
- `watch(model, source, units)` declares that saving or deleting a `model` instance changes the tallies of the
  units `units(instance)` names (ints, or a lazy queryset of unit ids resolved when the transaction commits). The
  units an instance named when it was loaded count too (a case moved to another unit changes both).
- What sends no signal (a bulk `queryset.update`, a COPY loader) calls `touch(source, unit_ids)` (or
  `rebuild(source)`).

Keyed by unit, never by path: moving a unit in the tree changes no tally, the reader joins today's paths. Beside the
tallies, their sums over every unit (`StatTotal`, per metric, month and key) are kept by the same writers: a view of
the whole tree (a province office, a trusted caller) sums those instead of every unit's rows. A source
never built (a new installation, each test's database) is built in full on first read, like the warning snapshot
(cadres.snapshots); `core.tasks.rebuild_tallies` (Celery beat, nightly) and `manage.py rebuild_tallies` rebuild.
"""

import datetime
import threading
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from core.scoping import can_read_cases, in_subtree, restrict_by_unit

BATCH = 5000


class MonthlyCount(models.Model):
    """A count of one metric and month (`key`: a breakdown such as a channel or a status, "" for none)."""

    metric = models.CharField(max_length=40)
    month = models.DateField()  # first day of the month
    key = models.CharField(max_length=40, blank=True, default="")
    value = models.IntegerField()

    class Meta:
        abstract = True


class StatTally(MonthlyCount):
    """One unit's count of one metric and month."""

    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "unit", "month", "key"], name="core_stattally_unique"),
        ]
        indexes = [
            # serves the board's sums: metric = … AND month BETWEEN … (the unit joined for its path)
            models.Index(fields=["metric", "month"], name="core_stattally_metric_month"),
            models.Index(fields=["unit", "metric"], name="core_stattally_unit_metric"),
        ]

    def __str__(self):
        return f"{self.metric} {self.unit_id} {self.month:%Y-%m} {self.key} = {self.value}"


class StatTotal(MonthlyCount):
    """StatTally summed over every unit, per metric, month and key: written with the tallies (a refresh adds what
    changed under the source's lock, a rebuild recounts), so it always equals their sum."""

    class Meta:
        constraints = [
            # also serves the board's sums over the whole tree: metric = … AND month BETWEEN …
            models.UniqueConstraint(fields=["metric", "month", "key"], name="core_stattotal_unique"),
        ]

    def __str__(self):
        return f"{self.metric} {self.month:%Y-%m} {self.key} = {self.value}"


class TallyBuild(models.Model):
    """When a source was last built in full; no row: never built (then the first read builds it)."""

    source = models.CharField(max_length=40, unique=True)
    built_at = models.DateTimeField()

    def __str__(self):
        return f"{self.source} {self.built_at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Source:
    name: str  # also the prefix of its metrics: "petitions" → "petitions.cases", …
    count: Callable  # count(queryset) → iterable of (unit_id, metric, month, key, value)
    rows: Callable  # rows() → the queryset of everything the source counts from
    unit_field: str = "unit"  # the field of rows() that places a row in the tree (count() groups by it)


_sources = {}
_watched = {}  # model → [(source name, units, moves_only)]
_pending = threading.local()


def register(source):
    _sources[source.name] = source


def sources():
    return dict(_sources)


def watch(model, source, units, *, moves_only=False):
    """`moves_only`: only a change of the units an instance names counts (its other changes alter no tally)."""
    if model not in _watched:
        post_init.connect(_loaded, sender=model, dispatch_uid=f"core.tallies.loaded.{model._meta.label}")
        post_save.connect(_changed, sender=model, dispatch_uid=f"core.tallies.saved.{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"core.tallies.deleted.{model._meta.label}")
    _watched.setdefault(model, []).append((source, units, moves_only))


# --- reading ---------------------------------------------------------------------------------------------------


def whole_tree(user, unit=None):
    """Whether the scope is every unit: no unit chosen, and no user scope or a jurisdiction over every unit (none,
    or one that covers all: core.user_facts) — then no join to the unit tree is needed."""
    if unit is not None:
        return False
    return user is None or user.jurisdiction_id is None or getattr(user, "jurisdiction_covers_all", False)


def scoped(user, unit=None):
    """StatTally rows in the user's jurisdiction (None: no user scope; core.scoping's rule, so a jurisdiction over
    every unit adds no join) and in `unit`'s subtree. A user who may not read cases gets none."""
    queryset = StatTally.objects.all()
    if user is not None:
        queryset = restrict_by_unit(queryset, user)
    return in_subtree(queryset, unit)


def sums(source, metrics, *, user=None, unit=None, first=None, last=None, by=("metric", "month", "key"), check=True):
    """Counter {(values of `by`): sum} of the source's `metrics` in scope, months from `first` to `last` (first
    days; None: open). Builds the source first if it never was (`check=False`: the caller has just made sure)."""
    if check:
        ensure(source)
    # can_read_cases first: it loads the user's facts, jurisdiction_covers_all among them (core.user_facts)
    if "unit_id" not in by and (user is None or can_read_cases(user)) and whole_tree(user, unit):
        rows = _months(StatTotal.objects.filter(metric__in=metrics), first, last)  # a thousand rows, not 100,000s
    else:
        rows = _window(metrics, user, unit, first, last)
    rows = rows.values_list(*by).annotate(total=Sum("value"))
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


def per_unit(source, totals, *, user=None, unit=None, first=None, last=None, check=True):
    """{unit_id: {name: sum}} of the source's tallies in scope, months from `first` to `last`, one sum for each
    name of `totals` ({name: (metric, Q on the tally rows or None)}), in one query: the figures of every unit at
    once, for a breakdown by region whatever the number of regions."""
    if check:
        ensure(source)
    metrics = {metric for metric, _condition in totals.values()}
    sums = {
        name: Coalesce(Sum("value", filter=Q(metric=metric) & (condition or Q())), 0)
        for name, (metric, condition) in totals.items()
    }
    rows = _window(metrics, user, unit, first, last).values("unit_id").annotate(**sums)
    return {row.pop("unit_id"): row for row in rows}


def _window(metrics, user, unit, first, last):
    return _months(scoped(user, unit).filter(metric__in=metrics), first, last)


def _months(queryset, first, last):
    if first is not None:
        queryset = queryset.filter(month__gte=first)
    if last is not None:
        queryset = queryset.filter(month__lte=last)
    return queryset.order_by()


def subtract(totals, rows, by=("metric", "month", "key")):
    """Take the tally rows (unit_id, metric, month, key, value) of rows the viewer may not see (a case about
    himself) off `totals`, a sums() result with the same `by`."""
    position = {"unit": 0, "unit_id": 0, "metric": 1, "month": 2, "key": 3}
    for row in rows:
        totals[tuple(row[position[name]] for name in by)] -= row[4]
    return totals


def whole_months(start, end):
    """The first days of the first and last months of a period made of whole months (tallies count by month)."""
    if start.day != 1 or (end + datetime.timedelta(days=1)).day != 1:
        raise ValueError(f"汇总统计只按整月计算：{start}–{end}")
    return start, end.replace(day=1)


# --- writing ---------------------------------------------------------------------------------------------------


def _lock(name):
    """One writer per source at a time (transaction-scoped advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"core.tallies:{name}".encode())])


def _store(rows):
    """Store the tally rows (zeros left out); returns the StatTally objects stored."""
    stored = [
        StatTally(unit_id=unit_id, metric=metric, month=month, key=key or "", value=value)
        for unit_id, metric, month, key, value in rows
        if value
    ]
    return StatTally.objects.bulk_create(stored, batch_size=BATCH)


def _totals(stored):
    """Counter {(metric, month, key): sum over the units} of StatTally objects."""
    totals = Counter()
    for tally in stored:
        totals[tally.metric, tally.month, tally.key] += tally.value
    return totals


def _add_to_totals(changes):
    """Add {(metric, month, key): change} to the StatTotal rows (created as needed; emptied ones deleted)."""
    changes = {key: n for key, n in changes.items() if n}
    if not changes:
        return
    values = ", ".join(["(%s, %s, %s, %s)"] * len(changes))
    table = StatTotal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (metric, month, key, value) VALUES {values} "  # noqa: S608  # nosec B608 (placeholders only)
            f"ON CONFLICT (metric, month, key) DO UPDATE SET value = {table}.value + EXCLUDED.value",
            [field for (metric, month, key), n in changes.items() for field in (metric, month, key, n)],
        )
    StatTotal.objects.filter(metric__in={metric for metric, _month, _key in changes}, value=0).delete()


def _metrics_of(name):
    return StatTally.objects.filter(metric__startswith=f"{name}.")


@transaction.atomic
def rebuild(name, *, if_missing=False):
    """Recompute every tally of the source from its rows. With `if_missing`, a source built meanwhile by another
    process is left as it is."""
    _lock(name)
    if if_missing and TallyBuild.objects.filter(source=name).exists():
        return 0
    source = _sources[name]
    _metrics_of(name).delete()
    stored = _store(source.count(source.rows()))
    StatTotal.objects.filter(metric__startswith=f"{name}.").delete()
    StatTotal.objects.bulk_create(
        [StatTotal(metric=metric, month=month, key=key, value=n)
         for (metric, month, key), n in _totals(stored).items()],
        batch_size=BATCH,
    )
    TallyBuild.objects.update_or_create(source=name, defaults={"built_at": timezone.now()})
    return len(stored)


def rebuild_all():
    """Every source in full (the nightly task): {source: rows stored}."""
    stored = {name: rebuild(name) for name in _sources}
    analyze()
    return stored


def analyze():
    with connection.cursor() as cursor:  # the planner needs the new row counts for the board's sums
        for model in (StatTally, StatTotal):
            cursor.execute(f"ANALYZE {model._meta.db_table}")  # noqa: S608 (a table name, not input)


def ensure(name):
    if not TallyBuild.objects.filter(source=name).exists():
        rebuild(name, if_missing=True)


@transaction.atomic
def refresh_units(name, unit_ids):
    """Recompute the source's tallies of these units (if the source was ever built: else the first read will)."""
    unit_ids = {pk for pk in unit_ids if pk is not None}
    if not unit_ids or not TallyBuild.objects.filter(source=name).exists():
        return
    _lock(name)
    source = _sources[name]
    old = _metrics_of(name).filter(unit_id__in=unit_ids).order_by()
    before = {row[:3]: row[3] for row in old.values_list("metric", "month", "key").annotate(Sum("value"))}
    old.delete()
    change = _totals(_store(source.count(source.rows().filter(**{f"{source.unit_field}__in": unit_ids}))))
    change.subtract(before)
    _add_to_totals(change)  # the whole tree's sums change by what these units' tallies did


# --- change tracking -------------------------------------------------------------------------------------------


def _plain(units):
    return {unit for unit in units if isinstance(unit, int)}


def _loaded(sender, instance, **kwargs):
    # The units the instance named as loaded (no query: an unloaded field reads as None).
    instance._tally_units = {source: _plain(units(instance)) for source, units, _moves_only in _watched[sender]}


def _flush():
    """Refresh the units touched so far on this thread. Every touch queues this on commit; the first to run finds
    them all, the others nothing (so units touched before a rolled-back savepoint are merely refreshed too)."""
    pending, _pending.units = getattr(_pending, "units", {}), {}
    for source, units in pending.items():
        ids = set()
        for unit in units:
            ids.update([unit] if isinstance(unit, int) or unit is None else list(unit))
        refresh_units(source, ids)


def touch(source, unit_ids):
    """Refresh the source's tallies of these units when the transaction commits (at once outside one)."""
    if not hasattr(_pending, "units"):
        _pending.units = {}
    _pending.units.setdefault(source, []).extend(unit_ids)
    # robust: a refresh that fails is logged, not raised into a request whose change is already committed; the
    # nightly rebuild then puts the figures right
    transaction.on_commit(_flush, robust=True)


def _changed(sender, instance, **kwargs):
    before = getattr(instance, "_tally_units", {})
    for source, units, moves_only in _watched[sender]:
        now = list(units(instance))
        if moves_only and _plain(now) == before.get(source, set()):
            continue
        touch(source, [*now, *before.get(source, ())])
        instance._tally_units = {**getattr(instance, "_tally_units", {}), source: _plain(now)}
