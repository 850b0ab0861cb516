import core.search
import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0012_petition_counted_index'),
        ('core', '0010_search_bigrams'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='petition',
            index=django.contrib.postgres.indexes.GinIndex(core.search.Bigrams(django.db.models.functions.text.Upper('code')), name='petitions_code_bigrams'),
        ),
        migrations.AddIndex(
            model_name='petition',
            index=django.contrib.postgres.indexes.GinIndex(core.search.Bigrams('summary'), name='petitions_summary_bigrams'),
        ),
        migrations.AddIndex(
            model_name='petitionsubject',
            index=django.contrib.postgres.indexes.GinIndex(core.search.Bigrams('name'), name='petitions_subject_name_bigrams'),
        ),
    ]
