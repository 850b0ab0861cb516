from django.db import migrations
from django.db.models import Max

SERIES = "matters.travel_application"  # matters.services.CASE_NUMBER_SERIES


def seed_counters(apps, schema_editor):
    """Numbering continues in core.YearlyCounter after the highest number issued each year (was MAX(seq) + 1)."""
    application = apps.get_model("matters", "TravelApplication")
    counter = apps.get_model("core", "YearlyCounter")
    for row in application.objects.order_by().values("year").annotate(last=Max("seq")):
        counter.objects.update_or_create(series=SERIES, year=row["year"], defaults={"last": row["last"]})


def drop_counters(apps, schema_editor):
    apps.get_model("core", "YearlyCounter").objects.filter(series=SERIES).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0007_yearly_counter"),
        ("matters", "0002_measure_kinds_with_sanctions"),
    ]

    operations = [
        migrations.RunPython(seed_counters, drop_counters),
    ]
