"""Seed the time-limit table with the statutory numbers (domain.md §3); they stay editable in the admin."""

from django.db import migrations

LIMITS = [
    # case_type, stage, days, day_kind, counted_from, basis
    ("accusation", "acceptance", 15, "working", "收件之日", "《纪检监察机关处理检举控告工作规则》：实名检举控告受理情况告知"),
    ("accusation", "forward", 5, "working", "收件之日", "《纪检监察机关处理检举控告工作规则》：属其他层级管辖的转送"),
    ("accusation", "feedback", 15, "working", "办结之日", "《纪检监察机关处理检举控告工作规则》：实名检举控告处理结果反馈"),
    ("petition_matter", "acceptance", 15, "calendar", "收件之日", "《信访工作条例》：是否受理的决定"),
    ("petition_matter", "handling", 60, "calendar", "受理之日", "《信访工作条例》：办理期限"),
    ("petition_matter", "extension", 30, "calendar", "原办结期限", "《信访工作条例》：延期不超过30日，并告知信访人理由"),
]


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("petitions", "TimeLimit")
    for case_type, stage, days, day_kind, counted_from, basis in LIMITS:
        TimeLimit.objects.get_or_create(case_type=case_type, stage=stage, defaults={
            "days": days, "day_kind": day_kind, "counted_from": counted_from, "basis": basis})


def grant_admin(apps, schema_editor):
    """The 系统管理员 edits system settings, this table included (三员分立)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("petitions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="系统管理员").first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="petitions",
                                                         codename__in=["view_timelimit", "change_timelimit"]))


def unseed(apps, schema_editor):
    apps.get_model("petitions", "TimeLimit").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("core", "0002_roles_and_audit_trigger"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(grant_admin, migrations.RunPython.noop),
    ]
