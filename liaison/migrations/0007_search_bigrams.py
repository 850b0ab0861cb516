import core.search
import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('liaison', '0006_settings_row_at_pk_1'),
        ('core', '0010_search_bigrams'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='reportitem',
            index=django.contrib.postgres.indexes.GinIndex(core.search.Bigrams('cadre_name'), name='liaison_item_name_bigrams'),
        ),
        migrations.AddIndex(
            model_name='reportitem',
            index=django.contrib.postgres.indexes.GinIndex(core.search.Bigrams('description'), name='liaison_item_text_bigrams'),
        ),
        migrations.AddIndex(
            model_name='reportitem',
            index=models.Index(condition=models.Q(('voided_at__isnull', True)), fields=['-occurred_on', '-id'], name='liaison_item_live_recent'),
        ),
    ]
