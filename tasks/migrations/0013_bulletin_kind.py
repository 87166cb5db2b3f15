# The monthly 通报 (a Word document) is a Report of kind bulletin.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0012_period_snapshots"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="kind",
            field=models.CharField(
                choices=[
                    ("department", "Department report"),
                    ("ledger", "Office ledger"),
                    ("ranking", "Department ranking"),
                    ("bulletin", "Monthly bulletin"),
                ],
                default="department",
                max_length=16,
                verbose_name="kind",
            ),
        ),
    ]
