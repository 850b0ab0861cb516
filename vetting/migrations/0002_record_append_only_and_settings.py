from django.db import migrations

# 全程纪实 is append-only: the database refuses UPDATE and DELETE of its rows, whoever asks.
TRIGGER_SQL = """
CREATE FUNCTION vetting_stepevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '全程纪实只允许追加，不得修改或删除 (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER vetting_stepevent_append_only
    BEFORE UPDATE OR DELETE ON vetting_stepevent
    FOR EACH ROW EXECUTE FUNCTION vetting_stepevent_append_only();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS vetting_stepevent_append_only ON vetting_stepevent;
DROP FUNCTION IF EXISTS vetting_stepevent_append_only();
"""


def settings_and_permissions(apps, schema_editor):
    """The settings row with its defaults, and the system administrator's right to edit it (三员分立: he edits
    settings, never case data)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("vetting")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    apps.get_model("vetting", "VettingSettings").objects.get_or_create(pk=1)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="系统管理员").first()
    if group is not None:
        for action in ("view", "change"):
            group.permissions.add(Permission.objects.get(content_type__app_label="vetting",
                                                         codename=f"{action}_vettingsettings"))


class Migration(migrations.Migration):
    dependencies = [
        ("vetting", "0001_initial"),
        ("core", "0002_roles_and_audit_trigger"),
    ]

    operations = [
        migrations.RunSQL(TRIGGER_SQL, DROP_TRIGGER_SQL),
        migrations.RunPython(settings_and_permissions, migrations.RunPython.noop),
    ]
