"""core_notification loses the indexes Django gives every foreign key: the recipient's is the first column of the
unique constraint and of the unread index already, and the target type (a handful of values) is only looked up with
its kind and recipients. Only the indexes are dropped: the foreign keys stay, and are not validated again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    "core_notification_recipient_id_24a3d95c": "recipient_id",
    "core_notification_target_type_id_00a2bd77": "target_type_id",
}


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0012_unit_depth_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"',
                                  reverse_sql=f'CREATE INDEX "{name}" ON "core_notification" ("{column}")')
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="recipient",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="notifications", to=settings.AUTH_USER_MODEL,
                                            verbose_name="接收人"),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="target_type",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="+", to="contenttypes.contenttype"),
                ),
            ],
        ),
    ]
