from django.db import migrations


def one_row_at_pk_1(apps, schema_editor):
    """The settings row now lives at pk 1 (core.models.SingleRowSettings). It was made with the next id and read as
    the lowest one, so that row moves to pk 1; any later row was never read."""
    model = apps.get_model("liaison", "ReportingSchedule")
    first = model.objects.order_by("pk").first()
    if first is not None and first.pk != 1:
        model.objects.filter(pk=first.pk).update(id=1)
    model.objects.exclude(pk=1).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("liaison", "0005_reporting_schedule_roll_over_holidays"),
    ]

    operations = [
        migrations.RunPython(one_row_at_pk_1, migrations.RunPython.noop),
    ]
