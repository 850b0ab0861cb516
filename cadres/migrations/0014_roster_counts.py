
import django.db.models.deletion
from django.db import migrations, models

# One statement-level trigger per event on cadres_cadre: the rows a statement changed (its transition tables) move
# their units' counts in one grouped upsert, ordered so that two transactions lock the count rows in the same
# order. An update that changes no unit or status (most do not) writes nothing.
COUNT_FUNCTION = """
CREATE FUNCTION cadres_roster_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM cadres_rostercount;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO cadres_rostercount (unit_id, status, cadres)
        SELECT unit_id, status, count(*) FROM roster_new GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (unit_id, status) DO UPDATE SET cadres = cadres_rostercount.cadres + EXCLUDED.cadres;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO cadres_rostercount (unit_id, status, cadres)
        SELECT unit_id, status, -count(*) FROM roster_old GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (unit_id, status) DO UPDATE SET cadres = cadres_rostercount.cadres + EXCLUDED.cadres;
    ELSE
        INSERT INTO cadres_rostercount (unit_id, status, cadres)
        SELECT unit_id, status, sum(delta) FROM (
            SELECT unit_id, status, -1 AS delta FROM roster_old
            UNION ALL SELECT unit_id, status, 1 FROM roster_new
        ) AS moved GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
        ON CONFLICT (unit_id, status) DO UPDATE SET cadres = cadres_rostercount.cadres + EXCLUDED.cadres;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cadres_roster_inserted AFTER INSERT ON cadres_cadre
    REFERENCING NEW TABLE AS roster_new FOR EACH STATEMENT EXECUTE FUNCTION cadres_roster_count();
CREATE TRIGGER cadres_roster_updated AFTER UPDATE ON cadres_cadre
    REFERENCING OLD TABLE AS roster_old NEW TABLE AS roster_new FOR EACH STATEMENT EXECUTE FUNCTION cadres_roster_count();
CREATE TRIGGER cadres_roster_deleted AFTER DELETE ON cadres_cadre
    REFERENCING OLD TABLE AS roster_old FOR EACH STATEMENT EXECUTE FUNCTION cadres_roster_count();
CREATE TRIGGER cadres_roster_truncated AFTER TRUNCATE ON cadres_cadre
    FOR EACH STATEMENT EXECUTE FUNCTION cadres_roster_count();
INSERT INTO cadres_rostercount (unit_id, status, cadres)
    SELECT unit_id, status, count(*) FROM cadres_cadre GROUP BY 1, 2;
"""
DROP_COUNT_FUNCTION = """
DROP TRIGGER cadres_roster_inserted ON cadres_cadre;
DROP TRIGGER cadres_roster_updated ON cadres_cadre;
DROP TRIGGER cadres_roster_deleted ON cadres_cadre;
DROP TRIGGER cadres_roster_truncated ON cadres_cadre;
DROP FUNCTION cadres_roster_count();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0013_board_warning_counts'),
        ('core', '0011_counter_per_jurisdiction'),
    ]

    operations = [
        migrations.CreateModel(
            name='RosterCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=16, verbose_name='状态')),
                ('cadres', models.IntegerField(verbose_name='人数')),
                ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.unit')),
            ],
            options={
                'verbose_name': '在册人数',
                'verbose_name_plural': '在册人数',
                'indexes': [models.Index(fields=['status', 'unit'], include=('cadres',), name='cadres_rostercount_status')],
                'constraints': [models.UniqueConstraint(fields=('unit', 'status'), name='cadres_rostercount_unique')],
            },
        ),
        migrations.RunSQL(COUNT_FUNCTION, DROP_COUNT_FUNCTION),
    ]
