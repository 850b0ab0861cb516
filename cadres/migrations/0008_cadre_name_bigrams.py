import django.contrib.postgres.indexes
from django.db import migrations

import cadres.models

FUNCTION = """
CREATE OR REPLACE FUNCTION cadres_name_bigrams(name text) RETURNS varchar(2)[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(name, i, 2)::varchar(2)), '{}')
    FROM generate_series(1, char_length(name) - 1) AS i
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0007_warning_snapshots"),
    ]

    operations = [
        # serves the cadre list's two-character name search (see cadres.models.name_bigrams)
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS cadres_name_bigrams(text)"),
        migrations.AddIndex(
            model_name="cadre",
            index=django.contrib.postgres.indexes.GinIndex(cadres.models.name_bigrams(),
                                                           name="cadres_cadre_name_bigrams"),
        ),
    ]
