"""The petitions' pre-aggregates for the dashboard (core.tallies): per unit and month of receipt, the counted cases
by channel and by problem category, their duplicates, the open ones and the unfinished ones by their next deadline,
and the cases concluded per month of conclusion. `tally` is the reference computation: the rebuild stores it, a
change stores it for the units touched, and petitions.stats subtracts it for the cases a viewer may not see."""

from django.db.models import Count, F, Func
from django.db.models.functions import TruncMonth

from core import tallies
from petitions.models import OPEN_STATUSES, Petition, Status

SOURCE = "petitions"
CASES = "petitions.cases"  # key: channel
DUPLICATES = "petitions.duplicates"  # duplicates merged into the cases (reports = cases + duplicates)
CATEGORY = "petitions.category"  # key: problem category (a case with two counts under both)
OPEN = "petitions.open"
DUE = "petitions.due"  # open or awaiting feedback, key: the next deadline (ISO date) — overdue = key < the day
CONCLUDED = "petitions.concluded"  # by month of conclusion, whenever received
UNFINISHED_STATUSES = (*OPEN_STATUSES, Status.CONCLUDED)


def tally(petitions):
    """(unit_id, metric, month, key, value) of a queryset of petitions (any scope; uncounted ones are left out)."""
    counted = petitions.counted().order_by()
    received = counted.annotate(month=TruncMonth("received_on"))
    for row in received.values_list("unit_id", "month", "channel").annotate(n=Count("id")):
        yield (row[0], CASES, row[1], row[2], row[3])
    for row in received.values_list("unit_id", "month").annotate(n=Count("duplicates")):
        yield (row[0], DUPLICATES, row[1], "", row[2])
    categories = received.annotate(category=Func(F("categories"), function="unnest"))
    for row in categories.values_list("unit_id", "month", "category").annotate(n=Count("id", distinct=True)):
        yield (row[0], CATEGORY, row[1], row[2], row[3])
    for row in received.filter(status__in=OPEN_STATUSES).values_list("unit_id", "month").annotate(n=Count("id")):
        yield (row[0], OPEN, row[1], "", row[2])
    for row in (
        received.filter(status__in=UNFINISHED_STATUSES, next_due__isnull=False)
        .values_list("unit_id", "month", "next_due")
        .annotate(n=Count("id"))
    ):
        yield (row[0], DUE, row[1], row[2].isoformat(), row[3])
    for row in (
        counted.filter(concluded_on__isnull=False)
        .annotate(month=TruncMonth("concluded_on"))
        .values_list("unit_id", "month")
        .annotate(n=Count("id"))
    ):
        yield (row[0], CONCLUDED, row[1], "", row[2])


def _units(petition):
    """The case's unit; for a duplicate also its main case's (whose report count it changes)."""
    yield petition.__dict__.get("unit_id")
    main = petition.__dict__.get("duplicate_of_id")
    if main is not None:
        yield Petition.objects.filter(pk=main).values_list("unit_id", flat=True)


def register():
    tallies.register(tallies.Source(SOURCE, count=tally, rows=Petition.objects.all))
    tallies.watch(Petition, SOURCE, _units)
