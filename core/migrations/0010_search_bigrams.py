from django.db import migrations

# The two-character pieces of a text, for the GIN indexes of the one search box (core.search.containing). The same
# body as cadres_name_bigrams, under a name that says it serves any text column. COST 1: a plan that reads rows in
# display order checks the cheap LIKE first and computes the pieces only for the rows that match, so a frequent
# word (违规, XF-2025) is found in the first few hundred rows instead of through an index over tens of thousands;
# at the default cost of 100 the planner never takes that plan.
FUNCTION = """
CREATE OR REPLACE FUNCTION core_bigrams(value text) RETURNS varchar(2)[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1 AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)::varchar(2)), '{}')
    FROM generate_series(1, char_length(value) - 1) AS i
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0009_stat_tallies"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS core_bigrams(text)"),
    ]
