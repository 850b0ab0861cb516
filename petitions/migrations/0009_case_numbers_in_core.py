from django.db import migrations

SERIES = "petitions.petition"  # petitions.services.CASE_NUMBER_SERIES


def copy_counters(apps, schema_editor):
    """Numbering continues in core.YearlyCounter from the last number issued each year."""
    old = apps.get_model("petitions", "CaseNumberCounter")
    counter = apps.get_model("core", "YearlyCounter")
    for year, last in old.objects.values_list("year", "last"):
        counter.objects.update_or_create(series=SERIES, year=year, defaults={"last": last})


def copy_back(apps, schema_editor):
    old = apps.get_model("petitions", "CaseNumberCounter")
    counter = apps.get_model("core", "YearlyCounter")
    for year, last in counter.objects.filter(series=SERIES).values_list("year", "last"):
        old.objects.update_or_create(year=year, defaults={"last": last})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0007_yearly_counter"),
        ("petitions", "0008_liaison_handoff"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel(name="CaseNumberCounter"),
    ]
