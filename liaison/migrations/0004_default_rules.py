from django.db import migrations


def create_default_rules(apps, schema_editor):
    """One row of 联席会议规则 with the defaults, so the system administrator finds it in the admin to edit."""
    schedule = apps.get_model("liaison", "ReportingSchedule")
    if not schedule.objects.exists():
        schedule.objects.create()


class Migration(migrations.Migration):

    dependencies = [
        ("liaison", "0003_meeting_version_plenary_rule"),
    ]

    operations = [
        migrations.RunPython(create_default_rules, migrations.RunPython.noop),
    ]
