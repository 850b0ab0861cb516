from django.db import migrations

# 影响期 defaults from domain.md (不得提拔 for N months); 0 = none.
IMPACT_PERIODS = [
    ("reminder_talk", 0, ""),
    ("inquiry", 0, ""),
    ("admonishment", 6, "诫勉：6个月内不得提拔，当年不得评优"),
    ("criticism", 0, ""),
    ("ordered_review", 0, ""),
    ("suspension", 0, "停职检查期间不得提拔"),
    ("post_adjustment", 12, "调整职务：12个月内不得提拔"),
    ("ordered_resignation", 12, "责令辞职：12个月内不得安排职务，24个月内不得担任高于原职务层次的职务"),
    ("removal", 12, "免职：12个月内不得安排职务，24个月内不得担任高于原职务层次的职务"),
    ("demotion", 24, "降职：24个月内不得提拔"),
]

SECTION_HEAD = "科室负责人"
SYSTEM_ADMIN = "系统管理员"
SETTINGS_MODELS = ["impactperiod", "cadresettings"]


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ImpactPeriod = apps.get_model("cadres", "ImpactPeriod")
    for kind, months, note in IMPACT_PERIODS:
        ImpactPeriod.objects.get_or_create(kind=kind, defaults={"months": months, "note": note})
    apps.get_model("cadres", "CadreSettings").objects.get_or_create(pk=1)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    head, _ = Group.objects.get_or_create(name=SECTION_HEAD)
    head.permissions.add(Permission.objects.get(content_type__app_label="cadres", codename="view_full_id_number"))
    # Local thresholds are system settings: the 系统管理员 edits them in the admin.
    admin, _ = Group.objects.get_or_create(name=SYSTEM_ADMIN)
    for model in SETTINGS_MODELS:
        for action in ("view", "change"):
            admin.permissions.add(Permission.objects.get(content_type__app_label="cadres",
                                                         codename=f"{action}_{model}"))


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="cadres", codename="view_full_id_number").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0002_measures_assessments_personal_matters"),
        ("core", "0002_roles_and_audit_trigger"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
