from django.db import migrations, models

# DELETE is allowed only for the retention purge: the session must set core.audit_purge and the row must be older
# than 180 days, whatever the application asks (manage.py purge_audit_log).
TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('core.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志只允许追加，不得修改或删除 (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

OLD_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只允许追加，不得修改或删除 (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0003_security_policy")]

    operations = [
        migrations.AddField(model_name="auditevent", name="prev_hash",
                            field=models.CharField(blank=True, editable=False, max_length=64)),
        migrations.AddField(model_name="auditevent", name="row_hash",
                            field=models.CharField(blank=True, editable=False, max_length=64)),
        migrations.RunSQL(TRIGGER_SQL, OLD_TRIGGER_SQL),
    ]
