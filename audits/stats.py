"""Public statistics of the audits app, for the year summary page and the dashboard. SQL aggregation only.

    from audits import stats
    summary = stats.summary(year=2026, unit=some_unit, user=request.user)

Filters: `year` (the plan year of the audits), or `date_from`/`date_to` (audits whose plan year lies in the years
they span; results by their date), `unit` (that unit's subtree), `user` (only what the user may see).
Money is always a Decimal.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from audits.models import (
    DONE_STATUSES,
    Audit,
    AuditStatus,
    AuditSubject,
    Category,
    Finding,
    FindingCategory,
    Mode,
    ResultKind,
    ResultUse,
)
from core import rectification
from core.rectification import RectificationStatus
from core.stats import CHUNK, in_period, in_unit, visible

# The choices a reader of these figures needs are part of this public surface.
__all__ = ["FindingCategory", "RectificationStatus", "Summary", "audit_rows", "audits_by_status", "headlines",
           "overdue_finding_rows", "own_work", "summary", "year_range"]

ZERO = Decimal("0.00")


@dataclass
class Summary:
    # [{category, category_label, mode, mode_label, planned, done}]
    by_category_mode: list = field(default_factory=list)
    planned: int = 0
    done: int = 0
    total_violation_amount: Decimal = ZERO
    findings_by_category: list = field(default_factory=list)  # [{category, label, count, amount}]
    findings_total: int = 0
    findings_amount: Decimal = ZERO
    rectification_counts: dict = field(default_factory=dict)  # {status: count}
    rectification_rate: Decimal | None = None  # percent, one decimal
    measures: list = field(default_factory=list)  # [{kind, label, count}]
    overdue_rectifications: int = 0


def _audits(year, date_from, date_to, unit, user):
    audits = in_unit(visible(Audit, user), unit).exclude(status=AuditStatus.CANCELLED)
    if year is not None:
        audits = audits.filter(year=year)
    return in_period(audits, "year", date_from and date_from.year, date_to and date_to.year)


def summary(year=None, *, date_from=None, date_to=None, unit=None, user=None, on_date=None):
    on_date = on_date or timezone.localdate()
    audits = _audits(year, date_from, date_to, unit, user)
    result = Summary()

    done_q = Q(status__in=DONE_STATUSES)
    rows = (audits.order_by().values("category", "mode")
            .annotate(planned=Count("pk"), done=Count("pk", filter=done_q)))
    cells = {(row["category"], row["mode"]): row for row in rows}
    for category in [*Category.values, ""]:
        for mode in Mode.values:
            row = cells.get((category, mode))
            if row is None:
                continue
            result.by_category_mode.append({
                "category": category, "category_label": Category(category).label if category else "未分类",
                "mode": mode, "mode_label": Mode(mode).label, "planned": row["planned"], "done": row["done"]})
    totals = audits.aggregate(planned=Count("pk"), done=Count("pk", filter=done_q),
                              amount=Coalesce(Sum("violation_amount", filter=done_q), ZERO))
    result.planned, result.done, result.total_violation_amount = totals["planned"], totals["done"], totals["amount"]

    findings = _findings(audits)
    by_category = {row["category"]: row for row in findings.order_by().values("category")
                   .annotate(count=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))}
    _add_findings(result, by_category, rectification.status_counts(findings))
    result.overdue_rectifications = findings.filter(rectification.OPEN_Q, rectification_deadline__lt=on_date).count()

    results = ResultUse.objects.active().filter(audit__in=audits.values("pk"))
    if date_from is not None:
        results = results.filter(date__gte=date_from)
    if date_to is not None:
        results = results.filter(date__lte=date_to)
    counts = dict(results.order_by().values_list("kind").annotate(n=Count("pk")))
    result.measures = [{"kind": kind.value, "label": kind.label, "count": counts[kind.value]}
                       for kind in ResultKind if counts.get(kind.value)]
    return result


def _findings(audits):
    return Finding.objects.filter(audit__in=audits.values("pk"), voided_at__isnull=True)


def _add_findings(result, by_category, status_counts):
    """The findings' part of a Summary from {category: {"count", "amount"}} and {status: count}."""
    for category in FindingCategory:
        row = by_category.get(category.value)
        if row:
            result.findings_by_category.append({"category": category.value, "label": category.label,
                                                "count": row["count"], "amount": row["amount"]})
    result.findings_total = sum(row["count"] for row in result.findings_by_category)
    result.findings_amount = sum((row["amount"] for row in result.findings_by_category), ZERO)
    result.rectification_counts = status_counts
    result.rectification_rate = rectification.rate(status_counts)


def headlines(dates, *, unit=None, user=None):
    """{year: Summary} of the figures of `summary` the dashboard shows, for each plan year of `dates` ({year: the
    day its overdue rectifications are counted on}): planned, done, the findings by category with their
    rectification counts, rate and overdue ones. Two queries whatever the number of years (the audits by year; the
    findings by year, category and rectification status) instead of six a year; by_category_mode,
    total_violation_amount and measures stay empty."""
    audits = in_unit(visible(Audit, user), unit).exclude(status=AuditStatus.CANCELLED).filter(year__in=dates)
    results = {year: Summary() for year in dates}
    for row in (audits.order_by().values("year")
                .annotate(planned=Count("pk"), done=Count("pk", filter=Q(status__in=DONE_STATUSES)))):
        results[row["year"]].planned, results[row["year"]].done = row["planned"], row["done"]
    overdue = Q(*[Q(audit__year=year, rectification_deadline__lt=on_date) for year, on_date in dates.items()],
                _connector=Q.OR)
    rows = (_findings(audits).order_by().values("audit__year", "category", "rectification_status")
            .annotate(count=Count("pk"), amount=Coalesce(Sum("amount"), ZERO),
                      overdue=Count("pk", filter=rectification.OPEN_Q & overdue)))
    by_category = {year: {} for year in dates}
    status_counts = {year: dict.fromkeys(RectificationStatus.values, 0) for year in dates}
    for row in rows:
        year, status = row["audit__year"], row["rectification_status"]
        totals = by_category[year].setdefault(row["category"], {"count": 0, "amount": ZERO})
        totals["count"] += row["count"]
        totals["amount"] += row["amount"]
        status_counts[year][status] = status_counts[year].get(status, 0) + row["count"]
        results[year].overdue_rectifications += row["overdue"]
    for year, result in results.items():
        _add_findings(result, by_category[year], status_counts[year])
    return results


def year_range(today=None):
    """Years for a year picker: from the first audit's year to next year."""
    today = today or timezone.localdate()
    first = Audit.objects.order_by("year").values_list("year", flat=True).first() or today.year
    return list(range(today.year + 1, min(first, today.year) - 1, -1))



def audit_rows(*, user=None, unit=None, year=None):
    """Audits of the plan year (not cancelled), with their subjects and finding counts; chunked."""
    live = Q(findings__voided_at__isnull=True)
    audits = (in_unit(visible(Audit, user), unit).exclude(status=AuditStatus.CANCELLED).filter(year=year)
              .select_related("unit")
              .prefetch_related(Prefetch("subjects", queryset=AuditSubject.objects.select_related("cadre")))
              .annotate(n_findings=Count("findings", filter=live, distinct=True),
                        n_open=Count("findings", filter=live & Q(
                            findings__rectification_status__in=rectification.OPEN_STATUSES), distinct=True))
              .order_by("seq"))
    yield from audits.iterator(chunk_size=CHUNK)


def audits_by_status(*, user=None, unit=None, year=None):
    """{status: n} of the audits of the plan year, every status present (one query)."""
    counts = dict(in_unit(visible(Audit, user), unit).filter(year=year).order_by().values_list("status")
                  .annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AuditStatus.values}


def overdue_finding_rows(*, user=None, unit=None, year=None, on_date=None):
    """Open findings past their rectification deadline on `on_date`, of the audits of the plan year."""
    findings = (in_unit(visible(Finding, user), unit, "audit__unit")
                .filter(rectification.OPEN_Q, voided_at__isnull=True, audit__year=year,
                        rectification_deadline__lt=on_date)
                .exclude(audit__status=AuditStatus.CANCELLED)
                .select_related("audit__unit", "responsible_cadre").order_by("rectification_deadline", "pk"))
    yield from findings.iterator(chunk_size=CHUNK)


def own_work(user, on_date):
    """{"audits": {total, open}, "findings": {open, overdue}} of the audits `user` handles (two queries)."""
    audits = (Audit.objects.visible_to(user).filter(handler=user).exclude(status=AuditStatus.CANCELLED)
              .aggregate(total=Count("pk"), open=Count("pk", filter=~Q(status=AuditStatus.CLOSED))))
    findings = (Finding.objects.visible_to(user).filter(audit__handler=user, voided_at__isnull=True)
                .exclude(audit__status=AuditStatus.CANCELLED)
                .aggregate(open=Count("pk", filter=rectification.OPEN_Q),
                           overdue=Count("pk", filter=rectification.OPEN_Q & Q(rectification_deadline__lt=on_date))))
    return {"audits": audits, "findings": findings}
