"""The supervision measures' pre-aggregates for the dashboard (core.tallies): live measures per unit of the cadre,
month and kind. `tally` is the reference computation (the rebuild and every refresh store it)."""

from django.db.models import Count
from django.db.models.functions import TruncMonth

from cadres.models import Cadre, SupervisionMeasure
from core import tallies

SOURCE = "measures"
KIND = "measures.kind"  # key: the measure's kind


def tally(measures):
    """(unit_id, metric, month, key, value) of a queryset of measures (voided ones are left out), by the unit of
    the cadre's current post, as the measures' scope places them."""
    rows = (
        measures.filter(voided_at__isnull=True)
        .order_by()
        .annotate(month=TruncMonth("date"))
        .values_list("cadre__unit_id", "month", "kind")
        .annotate(n=Count("id"))
    )
    for unit_id, month, kind, n in rows:
        yield (unit_id, KIND, month, kind, n)


def _measure_units(measure):
    cadre_id = measure.__dict__.get("cadre_id")
    return [Cadre.objects.filter(pk=cadre_id).values_list("unit_id", flat=True)] if cadre_id else []


def register():
    tallies.register(tallies.Source(SOURCE, count=tally, rows=SupervisionMeasure.objects.all, unit_field="cadre__unit"))
    tallies.watch(SupervisionMeasure, SOURCE, _measure_units)
    # A cadre moved to another unit takes his measures along; other saves of a cadre change no measure count.
    tallies.watch(Cadre, SOURCE, lambda cadre: [cadre.__dict__.get("unit_id")], moves_only=True)
