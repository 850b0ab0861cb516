"""Aggregates and row generators the dashboard and the monthly workbook need that the owning apps do not offer
as public functions yet. Each one starts from the owning app's `visible_to(user)` queryset (or its public stats
base queryset), aggregates in SQL, and runs a fixed number of queries. Candidates to move into the owning apps:

- petitions: by_month_channel, flow (accepted / concluded in a period), concluded_rows
- cadres: measures_by_kind, measures_by_kind_and_source, measure_rows, warning_summary, warning_rows
- audits: audit_rows, overdue_finding_rows
- liaison: item_rows
- vetting: feedback_rows
- own work of a staff member (handler of petitions, vetting cases, audits): own_work

`user=None` means no user scope (a trusted caller such as the export command).
"""

from collections import defaultdict
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.contrib.postgres.aggregates import BoolOr
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth

from cadres import snapshots
from cadres.models import MeasureKind, SourceChannel, SupervisionMeasure
from cadres.warnings import rule_choices

CHUNK = 500


def _visible(model, user):
    return model.objects.visible_to(user) if user is not None else model.objects.all()


def _in_unit(queryset, unit, field="unit"):
    return queryset.filter(**{f"{field}__path__startswith": unit.path}) if unit is not None else queryset


def _chunks(iterable, size=CHUNK):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- petitions ------------------------------------------------------------------------------------------------

def petitions_by_month_channel(*, user=None, unit=None, start=None, end=None):
    """[{"month": date, "channel": value, "cases": n}] over the counted cases received in the period (one query)."""
    from petitions import stats

    rows = (stats.base_queryset(user=user, unit=unit, start=start, end=end)
            .annotate(month=TruncMonth("received_on")).values("month", "channel")
            .annotate(cases=Count("id", distinct=True)).order_by("month", "channel"))
    return [{"month": row["month"], "channel": row["channel"], "cases": row["cases"]} for row in rows]


def petition_flow(*, user=None, unit=None, start=None, end=None):
    """Counted cases accepted (受理) and concluded (办结) within the period, whenever received (one query)."""
    from petitions import stats

    queryset = stats.base_queryset(user=user, unit=unit)  # no join that repeats a case: no DISTINCT (a sort)
    return queryset.aggregate(
        accepted=Count("id", filter=Q(accepted_on__gte=start, accepted_on__lte=end)),
        concluded=Count("id", filter=Q(concluded_on__gte=start, concluded_on__lte=end)),
    )


def concluded_rows(*, user=None, unit=None, start=None, end=None):
    """Cases concluded in the period, for the workbook: never the reporter, nor any free text a reporter wrote.
    Yields dicts; two queries per chunk of cases (subjects, measures) besides the chunked cases."""
    from petitions import stats
    from petitions.models import PetitionSubject

    cases = (stats.base_queryset(user=user, unit=unit).filter(concluded_on__gte=start, concluded_on__lte=end)
             .select_related("unit")
             .prefetch_related(Prefetch("subjects", queryset=PetitionSubject.objects.select_related("cadre")))
             .order_by("concluded_on", "code"))
    measures = _visible(SupervisionMeasure, user).filter(source_type="petitions.petition", voided_at__isnull=True)
    for chunk in _chunks(cases.iterator(chunk_size=CHUNK)):
        kinds = defaultdict(list)
        for code, kind in (measures.filter(source_code__in=[case.code for case in chunk])
                           .order_by("date", "pk").values_list("source_code", "kind")):
            kinds[code].append(MeasureKind(kind).label)
        for case in chunk:
            yield {"case": case, "subjects": list(case.subjects.all()), "measures": kinds.get(case.code, [])}


# --- supervision measures (cadres) ------------------------------------------------------------------------------

def _measures(user, unit, start, end):
    queryset = _visible(SupervisionMeasure, user).filter(voided_at__isnull=True)
    queryset = _in_unit(queryset, unit, "cadre__unit")
    if start is not None:
        queryset = queryset.filter(date__gte=start)
    if end is not None:
        queryset = queryset.filter(date__lte=end)
    return queryset


def measures_by_kind(*, user=None, unit=None, start=None, end=None):
    """{kind: n} of the measures (not voided) dated in the period, every kind present (zeros included)."""
    counts = dict(_measures(user, unit, start, end).order_by().values_list("kind").annotate(n=Count("pk")))
    return {kind: counts.get(kind, 0) for kind in MeasureKind.values}


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


# --- warnings (cadres) -----------------------------------------------------------------------------------------

def _warned(user, unit, on_date):
    """The snapshot's rows in scope, by the unit stored on each row (no join to the cadres)."""
    rows = snapshots.rows(on_date)
    return _in_unit(rows.visible_to(user) if user is not None else rows, unit)


def warning_summary(*, user=None, unit=None, on_date=None):
    """{"cadres": distinct cadres under any warning, "blocking": of which with a blocking one,
    "by_rule": [{"code", "label", "cadres"}] for every registered rule}, from the warning snapshot (two queries
    once the snapshot exists)."""
    warned = _warned(user, unit, on_date)
    per_rule = dict(warned.order_by().values_list("code").annotate(n=Count("pk")))  # one row per cadre and rule
    totals = (warned.order_by().values("cadre_id").annotate(any_blocking=BoolOr("blocking"))
              .aggregate(cadres=Count("cadre_id"), blocking=Count("cadre_id", filter=Q(any_blocking=True))))
    return {**totals, "by_rule": [{"code": code, "label": label, "cadres": per_rule.get(code, 0)}
                                  for code, label in rule_choices()]}


class WarnedCadre(NamedTuple):
    name: str
    unit_name: str  # the unit's short name, as of the snapshot
    post_title: str


def warning_rows(*, user=None, unit=None, on_date=None):
    """(WarnedCadre, [Warning, ...]) for each flagged cadre, by unit and name, streamed from the warning snapshot
    in one query (a province's list is tens of thousands of cadres: no model instances)."""
    labels = snapshots.rule_labels()
    rows = (_warned(user, unit, on_date)
            .order_by("unit__path", "-cadre__is_principal", "cadre__name", "cadre_id", "code")
            .values_list("cadre_id", "cadre__name", "unit__short_name", "unit__name", "cadre__post_title", "code",
                         "reasons", "blocking"))
    for _cadre_id, group in groupby(rows.iterator(chunk_size=CHUNK * 4), key=itemgetter(0)):
        group = list(group)
        _, name, short_name, unit_name, post_title = group[0][:5]
        yield WarnedCadre(name, short_name or unit_name, post_title), snapshots.as_warnings(
            [row[5:] for row in group], labels)


# --- audits ---------------------------------------------------------------------------------------------------

def audit_rows(*, user=None, unit=None, year=None):
    """Audits of the plan year (not cancelled), with their subjects and finding counts; chunked."""
    from audits.models import Audit, AuditStatus, AuditSubject
    from core import rectification

    live = Q(findings__voided_at__isnull=True)
    audits = (_in_unit(_visible(Audit, user), unit).exclude(status=AuditStatus.CANCELLED).filter(year=year)
              .select_related("unit")
              .prefetch_related(Prefetch("subjects", queryset=AuditSubject.objects.select_related("cadre")))
              .annotate(n_findings=Count("findings", filter=live, distinct=True),
                        n_open=Count("findings", filter=live & Q(
                            findings__rectification_status__in=rectification.OPEN_STATUSES), distinct=True))
              .order_by("seq"))
    yield from audits.iterator(chunk_size=CHUNK)


def audits_by_status(*, user=None, unit=None, year=None):
    """{status: n} of the audits of the plan year, every status present (one query)."""
    from audits.models import Audit, AuditStatus

    counts = dict(_in_unit(_visible(Audit, user), unit).filter(year=year).order_by().values_list("status")
                  .annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AuditStatus.values}


def overdue_finding_rows(*, user=None, unit=None, year=None, on_date=None):
    """Open findings past their rectification deadline on `on_date`, of the audits of the plan year."""
    from audits.models import AuditStatus, Finding
    from core import rectification

    findings = (_in_unit(_visible(Finding, user), unit, "audit__unit")
                .filter(rectification.OPEN_Q, voided_at__isnull=True, audit__year=year,
                        rectification_deadline__lt=on_date)
                .exclude(audit__status=AuditStatus.CANCELLED)
                .select_related("audit__unit", "responsible_cadre").order_by("rectification_deadline", "pk"))
    yield from findings.iterator(chunk_size=CHUNK)


# --- liaison --------------------------------------------------------------------------------------------------

def item_rows(*, user=None, unit=None, month=None):
    """Live items of the reports (monthly and urgent) the office received for the month; disposals prefetched."""
    from liaison.models import Disposal, Report, ReportItem

    reports = _visible(Report, user).received().filter(period=month)
    reports = _in_unit(reports, unit, "member_unit__unit")
    items = (ReportItem.objects.filter(report__in=reports, voided_at__isnull=True)
             .select_related("report__member_unit__unit", "cadre")
             .prefetch_related(Prefetch("disposals", queryset=Disposal.objects.order_by("decided_on", "pk")))
             .order_by("report__member_unit__sort_order", "report__member_unit__unit__path", "occurred_on", "pk"))
    yield from items.iterator(chunk_size=CHUNK)


# --- vetting --------------------------------------------------------------------------------------------------

def feedback_rows(*, user=None, unit=None, since=None, until=None):
    """Publicity feedback on the cases of vetting.stats.cases(...), with its verification (no content text)."""
    from vetting import stats
    from vetting.models import PublicityFeedback

    cases = stats.cases(user=user, unit=unit, since=since, until=until)
    feedback = (PublicityFeedback.objects.filter(publicity__case__in=cases.values("pk"))
                .select_related("publicity__case__cadre").order_by("received_on", "pk"))
    yield from feedback.iterator(chunk_size=CHUNK)


# --- a staff member's own work --------------------------------------------------------------------------------

def own_work(user, on_date):
    """Figures of the cases `user` handles (承办/经办): petitions, vetting cases, audits (five queries)."""
    from audits.models import Audit, AuditStatus, Finding
    from core import rectification
    from petitions.models import OPEN_STATUSES, Petition, Status
    from vetting.models import VettingCase

    petitions = (Petition.objects.visible_to(user).counted().filter(handlers=user)
                 .aggregate(open=Count("id", distinct=True, filter=Q(status__in=OPEN_STATUSES)),
                            overdue=Count("id", distinct=True, filter=Q(
                                status__in=OPEN_STATUSES + (Status.CONCLUDED,), next_due__lt=on_date))))
    cases = VettingCase.objects.visible_to(user).filter(handler=user).open()
    stages = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
    blocked = cases.with_blocking().filter(is_blocked=True).count()
    audits = (Audit.objects.visible_to(user).filter(handler=user).exclude(status=AuditStatus.CANCELLED)
              .aggregate(total=Count("pk"), open=Count("pk", filter=~Q(status=AuditStatus.CLOSED))))
    findings = (Finding.objects.visible_to(user).filter(audit__handler=user, voided_at__isnull=True)
                .exclude(audit__status=AuditStatus.CANCELLED)
                .aggregate(open=Count("pk", filter=rectification.OPEN_Q),
                           overdue=Count("pk", filter=rectification.OPEN_Q & Q(rectification_deadline__lt=on_date))))
    return {"petitions": petitions, "vetting_stages": stages, "vetting_open": sum(stages.values()),
            "vetting_blocked": blocked, "audits": audits, "findings": findings}


SOURCE_LABELS = dict(SourceChannel.choices)
