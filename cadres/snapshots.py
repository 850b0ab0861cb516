"""预警快照: every registered warning rule evaluated over every cadre as of a date, stored (cadres.models
WarningSnapshot / CadreWarning), so that lists, filters, the dashboard and the monthly workbook read warnings with
one query instead of running every rule over every cadre while someone waits (at province scale that takes
seconds; see docs/benchmarks.md). The profile and vetting still evaluate one cadre live (cadres.warnings).

Keeping today's snapshot true:
- `snapshot(as_of)` computes a missing snapshot on first use (under an advisory lock, so two requests don't both).
- When a record that names a cadre is saved or deleted (any model with a foreign key to Cadre, and the models other
  apps declare with `register_warning_source`), that cadre's rows in today's snapshot are recomputed when the
  transaction commits: one evaluation for all the cadres a transaction touched.
- `cadres.tasks.refresh_warnings` (Celery beat, hourly) recomputes today's snapshot in full: it catches what the
  date alone changes (an impact period ending, a tenure reaching its years) and bulk updates that send no signals.
Past snapshots are kept for month ends only: a month's figure stays as it was when the month closed.
"""

import datetime
import threading
import zlib
from collections import defaultdict

from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from cadres.models import Cadre, CadreWarning, WarningCount, WarningSnapshot
from cadres.warnings import Warning, blocking_first, evaluate, warning_rules

_sources = {}  # model → callable(instance) → iterable of cadre ids
_cadre_fields = {}  # model → attnames of its foreign keys to Cadre (found on first save)
_pending = threading.local()


def register_warning_source(model, cadre_ids):
    """Declare that saving or deleting a `model` instance changes the warnings of `cadre_ids(instance)`; needed
    only for models without a foreign key to Cadre (e.g. a petition, whose cadres are its subjects)."""
    _sources[model] = cadre_ids


# --- reading ---------------------------------------------------------------------------------------------------

def snapshot(as_of=None):
    """The snapshot as of the date (today by default), computed now if there is none yet."""
    as_of = as_of or timezone.localdate()
    found = WarningSnapshot.objects.filter(as_of=as_of).first()
    return found or refresh(as_of, if_missing=True)


def rows(as_of=None):
    """CadreWarning rows (one per cadre and rule) of the snapshot. Scope them with `.visible_to(user)` and
    `unit__path__startswith`, which need no join to the cadres, or with `cadre__in=<a cadres queryset>`."""
    return CadreWarning.objects.filter(snapshot=snapshot(as_of))


def warnings_by_cadre(cadres, as_of=None, rules=None):
    """{cadre_id: [Warning, ...]} like cadres.warnings.evaluate, from the snapshot (one query)."""
    queryset = rows(as_of).filter(cadre__in=cadres)
    if rules is not None:
        queryset = queryset.filter(code__in=rules)
    stored = defaultdict(list)
    for cadre_id, *row in queryset.values_list("cadre_id", "code", "reasons", "blocking"):
        stored[cadre_id].append(row)
    labels = rule_labels()
    return {cadre_id: as_warnings(rows, labels) for cadre_id, rows in stored.items()}


def rule_labels():
    return {code: rule.label for code, rule in warning_rules().items()}


def as_warnings(stored, labels):
    """[Warning, ...] of one cadre from its stored rows (code, reasons, blocking), blocking ones first."""
    warnings = [Warning(code, labels.get(code, code), reason, blocking)
                for code, reasons, blocking in stored for reason in reasons]
    return sorted(warnings, key=blocking_first)


def flagged(cadres, as_of=None, rules=None):
    """Cadres (a queryset) under at least one warning (of the `rules`, if given); a subquery, not a list."""
    queryset = rows(as_of)
    if rules is not None:
        queryset = queryset.filter(code__in=rules)
    return cadres.filter(pk__in=queryset.values("cadre_id"))


# --- writing ---------------------------------------------------------------------------------------------------

def _lock(as_of):
    """One writer per snapshot date at a time (transaction-scoped advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [zlib.crc32(b"cadres.snapshots"), as_of.toordinal()])


def _store(snap, found, units):
    """Rows for {cadre_id: [Warning, ...]}, one per cadre and rule; `units` maps cadre ids to unit ids. Written
    with COPY: a province's snapshot is a hundred thousand rows."""
    table = connection.ops.quote_name(CadreWarning._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} (snapshot_id, cadre_id, unit_id, code, reasons, blocking) FROM STDIN") as copy:
        for cadre_id, warnings in found.items():
            by_rule = defaultdict(list)
            for warning in warnings:
                by_rule[warning.code].append(warning)
            for code, same in by_rule.items():
                copy.write_row((snap.pk, cadre_id, units[cadre_id], code, [w.reason for w in same], same[0].blocking))


# WarningCount rows from the snapshot's rows, in one statement ({where}: the snapshot, and the units if not all).
COUNT = """
INSERT INTO cadres_warningcount (snapshot_id, unit_id, code, warned, warned_blocking)
SELECT snapshot_id, unit_id, code, count(*), count(*) FILTER (WHERE blocking)
  FROM cadres_cadrewarning WHERE {where} GROUP BY snapshot_id, unit_id, code
UNION ALL
SELECT snapshot_id, unit_id, '', count(DISTINCT cadre_id), count(DISTINCT cadre_id) FILTER (WHERE blocking)
  FROM cadres_cadrewarning WHERE {where} GROUP BY snapshot_id, unit_id
"""
UNCOUNT = "DELETE FROM cadres_warningcount WHERE {where}"


def _count(snap, unit_ids=None):
    """Recount the snapshot's WarningCount rows (of these units only, if given), in SQL: an ORM delete would load
    every row to send its signals."""
    where, params = "snapshot_id = %s", [snap.pk]
    if unit_ids is not None:
        where, params = "snapshot_id = %s AND unit_id = ANY(%s)", [snap.pk, list(unit_ids)]
    with connection.cursor() as cursor:
        cursor.execute(UNCOUNT.format(where=where), params)
        cursor.execute(COUNT.format(where=where), params * 2)


@transaction.atomic
def refresh(as_of=None, *, if_missing=False):
    """Recompute the whole snapshot of the date (today by default) and drop the ones no longer kept. With
    `if_missing`, one that another process finished while this one waited for the lock is taken as it is."""
    as_of = as_of or timezone.localdate()
    _lock(as_of)
    if if_missing and (done := WarningSnapshot.objects.filter(as_of=as_of).first()) is not None:
        return done
    snap, _ = WarningSnapshot.objects.update_or_create(as_of=as_of, defaults={"computed_at": timezone.now()})
    found = evaluate(Cadre.objects.all(), as_of)
    CadreWarning.objects.filter(snapshot=snap).delete()
    _store(snap, found, dict(Cadre.objects.values_list("pk", "unit_id")))
    _count(snap)
    _prune(timezone.localdate(), also=as_of)
    with connection.cursor() as cursor:  # the planner needs the new row counts for the dashboard's counts
        for model in (CadreWarning, WarningCount):
            cursor.execute(f"ANALYZE {model._meta.db_table}")  # noqa: S608 (a table name, not input)
    return snap


def _is_month_end(day):
    return (day + datetime.timedelta(days=1)).day == 1


def _prune(today, also):
    """Keep today's snapshot, the past month ends' and the one just computed."""
    keep = [day for day in WarningSnapshot.objects.values_list("as_of", flat=True)
            if day in (today, also) or (day < today and _is_month_end(day))]
    WarningSnapshot.objects.exclude(as_of__in=keep).delete()


@transaction.atomic
def refresh_cadres(cadre_ids, as_of=None):
    """Recompute these cadres' rows in the snapshot of the date (today by default), if there is one."""
    as_of = as_of or timezone.localdate()
    if not cadre_ids or not WarningSnapshot.objects.filter(as_of=as_of).exists():
        return  # computed in full, with these changes, when first read
    _lock(as_of)
    snap = WarningSnapshot.objects.get(as_of=as_of)
    units = dict(Cadre.objects.filter(pk__in=cadre_ids).values_list("pk", "unit_id"))
    stale = CadreWarning.objects.filter(snapshot=snap, cadre_id__in=cadre_ids)
    counted = {*stale.values_list("unit_id", flat=True), *units.values()}  # a cadre moved: both units' counts
    stale.delete()
    _store(snap, evaluate(list(units), as_of), units)
    _count(snap, counted)


# --- change tracking -------------------------------------------------------------------------------------------

def _foreign_keys(model):
    if model not in _cadre_fields:
        _cadre_fields[model] = [field.attname for field in model._meta.concrete_fields
                                if isinstance(field, models.ForeignKey) and field.related_model is Cadre]
    return _cadre_fields[model]


def _touched(instance):
    if isinstance(instance, Cadre):
        return [instance.pk]
    ids = [getattr(instance, attname) for attname in _foreign_keys(type(instance))]
    source = _sources.get(type(instance))
    if source is not None:
        ids.extend(source(instance))
    return [cadre_id for cadre_id in ids if cadre_id is not None]


class _Batch:
    """The cadres one transaction touched, refreshed once when it commits."""

    def __init__(self):
        self.ids = set()
        self.done = False

    def flush(self):
        self.done = True
        refresh_cadres(self.ids)

    def waiting(self):
        """Still queued on this transaction (Django drops it, with the transaction's other on-commit callbacks,
        on rollback: then the ids collected so far are void and a new batch starts)."""
        return not self.done and any(func == self.flush for _, func, _ in transaction.get_connection().run_on_commit)


def _changed(sender, instance, **kwargs):
    if sender in (CadreWarning, WarningSnapshot, WarningCount):
        return
    ids = _touched(instance)
    if not ids:
        return
    batch = getattr(_pending, "batch", None)
    if batch is None or not batch.waiting():
        batch = _pending.batch = _Batch()
        batch.ids.update(ids)
        transaction.on_commit(batch.flush)  # at once outside a transaction
    else:
        batch.ids.update(ids)


def connect():
    """Called from CadresConfig.ready()."""
    post_save.connect(_changed, dispatch_uid="cadres.snapshots.saved")
    post_delete.connect(_changed, dispatch_uid="cadres.snapshots.deleted")
