"""The data version (layout.data_version): one row, made here so that every process finds it."""

import uuid

from django.db import migrations, models
from django.utils import timezone


def create_row(apps, schema_editor):
    DataVersion = apps.get_model("layout", "DataVersion")
    DataVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex, "changed_at": timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("layout", "0004_investors_chinese_texts"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "data version",
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
