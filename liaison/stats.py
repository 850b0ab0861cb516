"""Compliance of the member units: who reported each month, on time or late, nil or missing, and the items per
aspect. The compliance page, the leaders' dashboard and the monthly joint-meeting workbook all read
`compliance_matrix`; it runs a fixed number of queries whatever the number of units and months.

Like petitions.stats, the public functions take the viewer as `user`: their scope is `visible_to(user)`, and
`user=None` means no user scope (a trusted caller such as the dashboard's export command). A user without a role
that sees the joint meeting gets an empty result, never the unscoped one.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Prefetch
from django.utils import timezone

from core import workdays
from core.stats import CHUNK, in_unit, visible
from liaison.models import (
    Aspect,
    Disposal,
    MemberUnit,
    Report,
    ReportingSchedule,
    ReportItem,
    first_of_month,
    next_month,
    period_label,
)
from liaison.services import report_due_date


class Compliance(models.TextChoices):
    ON_TIME = "on_time", "按时报送"
    NIL = "nil", "零报告"
    LATE = "late", "逾期报送"
    MISSING = "missing", "未报送"
    PENDING = "pending", "未到期"
    INACTIVE = "inactive", "非成员单位"


# States that count as reported on time (a nil report is an on-time report with nothing to tell).
ON_TIME_STATES = (Compliance.ON_TIME, Compliance.NIL)
DUE_STATES = (Compliance.ON_TIME, Compliance.NIL, Compliance.LATE, Compliance.MISSING)


@dataclass
class Cell:
    period: object
    state: str
    report_code: object = None
    items: int = 0
    due_date: object = None
    submitted_on: object = None

    @property
    def label(self):
        return Compliance(self.state).label


@dataclass
class Row:
    member_unit: MemberUnit
    cells: list
    counts: Counter = field(default_factory=Counter)
    aspects: dict = field(default_factory=dict)  # aspect value → items

    @property
    def on_time(self):
        return sum(self.counts[state] for state in ON_TIME_STATES)

    @property
    def due(self):
        return sum(self.counts[state] for state in DUE_STATES)

    @property
    def on_time_rate(self):
        """Share of due months reported on time (nil reports included), or None when nothing was due yet."""
        return round(100 * self.on_time / self.due) if self.due else None

    @property
    def aspect_list(self):
        return [(aspect, self.aspects.get(aspect.value, 0)) for aspect in Aspect]

    @property
    def total_items(self):
        return sum(self.aspects.values())


@dataclass
class ComplianceMatrix:
    periods: list
    rows: list
    totals: Counter  # state → cells
    aspect_totals: dict  # aspect value → items
    aspects_by_period: dict  # period → {aspect value → items}

    @property
    def period_labels(self):
        return [period_label(period) for period in self.periods]

    @property
    def aspect_total_list(self):
        return [(aspect, self.aspect_totals.get(aspect.value, 0)) for aspect in Aspect]

    @property
    def total_items(self):
        return sum(self.aspect_totals.values())

    @property
    def on_time(self):
        return sum(self.totals[state] for state in ON_TIME_STATES)

    @property
    def due(self):
        return sum(self.totals[state] for state in DUE_STATES)


def month_range(first, last):
    periods, period = [], first_of_month(first)
    while period <= last:
        periods.append(period)
        period = next_month(period)
    return periods


def cell_state(member_unit, period, report, due_date, on_date):
    """The compliance of one unit in one month."""
    if not member_unit.is_active_in(period):
        return Compliance.INACTIVE
    if report is not None and report.first_submitted_at is not None:
        if report.is_late:
            return Compliance.LATE
        return Compliance.NIL if report.is_nil else Compliance.ON_TIME
    return Compliance.MISSING if on_date > due_date else Compliance.PENDING


def member_units(user=None):
    """Member units in `user`'s scope (None = all): the office's jurisdiction; nobody else any."""
    queryset = MemberUnit.objects.all()
    return queryset.in_jurisdiction_of(user) if user is not None else queryset


def reports(user=None):
    """Reports `user` may see (None = all)."""
    return Report.objects.visible_to(user) if user is not None else Report.objects.all()


def compliance_matrix(user, first_period, last_period, *, on_date=None, items=True):
    """Member units (in `user`'s scope; None = all) × months from `first_period` to `last_period`, with item
    counts (`items=False`: the states alone, all counts zero — the dashboard counts states only, and a province's
    items are a costly aggregate).

    Queries: the schedule, the member units, the monthly reports, one aggregate of items (if asked for), and the
    holiday schedule of the due dates' years."""
    on_date = on_date or timezone.localdate()
    periods = month_range(first_period, last_period)
    schedule_of = ReportingSchedule.resolver()  # each unit by its jurisdiction's
    units = list(member_units(user).select_related("unit"))
    if not periods or not units:
        return ComplianceMatrix(periods, [], Counter(), {}, {})
    visible_reports = reports(user)
    by_unit_month = {(report.member_unit_id, report.period): report
                     for report in visible_reports.monthly()
                     .filter(period__gte=periods[0], period__lte=periods[-1], member_unit__in=units)
                     .only("code", "member_unit_id", "period", "due_date", "first_submitted_at", "is_nil", "kind")}
    cell_items = Counter()
    unit_aspects = defaultdict(Counter)
    aspects_by_period = defaultdict(Counter)
    aspect_totals = Counter()
    for row in _item_counts(visible_reports, periods, units) if items else ():
        unit_id, period, aspect, n = row["report__member_unit"], row["report__period"], row["aspect"], row["n"]
        if row["report__kind"] == Report.Kind.MONTHLY:
            cell_items[unit_id, period] += n
        unit_aspects[unit_id][aspect] += n
        aspects_by_period[period][aspect] += n
        aspect_totals[aspect] += n
    with workdays.shared_calendar():  # the due day may roll over a holiday: one load of the schedule
        dues = {(schedule.pk, period): report_due_date(period, schedule)
                for schedule in {schedule_of(unit.unit) for unit in units} for period in periods}
    rows, totals = [], Counter()
    for unit in units:
        cells = []
        for period in periods:
            report = by_unit_month.get((unit.pk, period))
            due = report.due_date if report is not None else dues[schedule_of(unit.unit).pk, period]
            state = cell_state(unit, period, report, due, on_date)
            cells.append(Cell(
                period=period, state=state, report_code=report.code if report else None,
                items=cell_items[unit.pk, period], due_date=due,
                submitted_on=(timezone.localtime(report.first_submitted_at).date()
                              if report is not None and report.first_submitted_at else None),
            ))
        counts = Counter(cell.state for cell in cells)
        totals.update(counts)
        rows.append(Row(unit, cells, counts, dict(unit_aspects[unit.pk])))
    return ComplianceMatrix(periods, rows, totals, dict(aspect_totals),
                            {period: dict(aspects_by_period[period]) for period in periods})


def _item_counts(visible_reports, periods, units):
    """Live items of the received reports by member unit, month, kind and aspect (one query)."""
    return (ReportItem.objects.filter(report__in=visible_reports.received(),
                                      report__period__gte=periods[0], report__period__lte=periods[-1],
                                      report__member_unit__in=units, voided_at__isnull=True)
            .values("report__member_unit", "report__period", "report__kind", "aspect")
            .annotate(n=Count("id")).order_by())


def item_rows(*, user=None, unit=None, month=None):
    """Live items of the reports (monthly and urgent) the office received for the month; disposals prefetched."""
    reports = in_unit(visible(Report, user).received().filter(period=month), unit, "member_unit__unit")
    items = (ReportItem.objects.filter(report__in=reports, voided_at__isnull=True)
             .select_related("report__member_unit__unit", "cadre")
             .prefetch_related(Prefetch("disposals", queryset=Disposal.objects.order_by("decided_on", "pk")))
             .order_by("report__member_unit__sort_order", "report__member_unit__unit__path", "occurred_on", "pk"))
    yield from items.iterator(chunk_size=CHUNK)
