from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0010_avoidance'),
    ]

    operations = [
        migrations.AddField(
            model_name='familymember',
            name='id_number',
            field=models.CharField(blank=True, max_length=18, verbose_name='身份证号'),
        ),
    ]
