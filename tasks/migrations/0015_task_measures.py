# A task table's 具体措施 is kept with the task (tasks.parsing reads it apart from the 重点任务).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0014_deadline_start"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="measures",
            field=models.TextField(blank=True, verbose_name="measures"),
        ),
    ]
