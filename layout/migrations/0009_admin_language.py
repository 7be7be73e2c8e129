"""The admin in the official's language: plural names and field labels that were English-only or missing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("layout", "0005_data_version"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="cluster",
            options={
                "ordering": ["number"],
                "permissions": [("publish_cluster", "Can publish clusters")],
                "verbose_name": "cluster",
                "verbose_name_plural": "clusters",
            },
        ),
        migrations.AlterModelOptions(
            name="dataversion",
            options={"verbose_name": "data version", "verbose_name_plural": "data versions"},
        ),
        migrations.AlterModelOptions(
            name="district",
            options={"ordering": ["adcode"], "verbose_name": "district", "verbose_name_plural": "districts"},
        ),
        migrations.AlterModelOptions(
            name="editorprofile",
            options={
                "permissions": [("edit_every_district", "Can edit the records of every district")],
                "verbose_name": "editor profile",
                "verbose_name_plural": "editor profiles",
            },
        ),
        migrations.AlterModelOptions(
            name="headlinefigure",
            options={
                "ordering": ["order"],
                "verbose_name": "headline figure",
                "verbose_name_plural": "headline figures",
            },
        ),
        migrations.AlterModelOptions(
            name="industrychain",
            options={
                "ordering": ["order", "slug"],
                "verbose_name": "industry chain",
                "verbose_name_plural": "industry chains",
            },
        ),
        migrations.AlterModelOptions(
            name="project",
            options={
                "ordering": ["name_zh"],
                "permissions": [("publish_project", "Can publish projects")],
                "verbose_name": "project",
                "verbose_name_plural": "projects",
            },
        ),
        migrations.AlterModelOptions(
            name="scenario",
            options={
                "ordering": ["cluster__number", "title_zh"],
                "permissions": [("publish_scenario", "Can publish scenarios")],
                "verbose_name": "scenario",
                "verbose_name_plural": "scenarios",
            },
        ),
        migrations.AlterModelOptions(
            name="source",
            options={"ordering": ["key"], "verbose_name": "source", "verbose_name_plural": "sources"},
        ),
        migrations.AlterField(
            model_name="cluster",
            name="slug",
            field=models.SlugField(unique=True, verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="headlinefigure",
            name="key",
            field=models.SlugField(unique=True, verbose_name="key"),
        ),
        migrations.AlterField(
            model_name="headlinefigure",
            name="order",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="order"),
        ),
        migrations.AlterField(
            model_name="historicalcluster",
            name="slug",
            field=models.SlugField(verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="historicalheadlinefigure",
            name="key",
            field=models.SlugField(verbose_name="key"),
        ),
        migrations.AlterField(
            model_name="historicalheadlinefigure",
            name="order",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="order"),
        ),
        migrations.AlterField(
            model_name="historicalindustrychain",
            name="order",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="order"),
        ),
        migrations.AlterField(
            model_name="historicalindustrychain",
            name="slug",
            field=models.SlugField(verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="historicalsource",
            name="key",
            field=models.SlugField(verbose_name="key"),
        ),
        migrations.AlterField(
            model_name="industrychain",
            name="order",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="order"),
        ),
        migrations.AlterField(
            model_name="industrychain",
            name="slug",
            field=models.SlugField(unique=True, verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="source",
            name="key",
            field=models.SlugField(unique=True, verbose_name="key"),
        ),
    ]
