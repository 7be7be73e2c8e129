"""Editions: the 2025 layout becomes the 2025 edition, nothing lost, and uniqueness moves to each edition.

Steps: create Edition and its history; create the 2025 edition (as seeds/editions.json describes it, so that
`load_layout` finds it unchanged); add the fields nullable; give every row, historical rows included, the 2025
edition; make the edition required; swap the global unique fields for unique-per-edition constraints. Drafts,
versions, seed values and boundaries are columns this migration does not touch."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# The 2025 edition as the sources publish it (seeds/editions.json holds the same values).
YEAR_2025 = {
    "year": 2025,
    "title_zh": "上海2025重点产业布局图",
    "title_en": "Shanghai 2025 Key Industry Layout",
    "announced_on": "2025-03-25",
    "is_published": True,
}
ARTICLE = "article-2025-03-25"
# Every model holding an edition, with its history (django-simple-history) model.
EDITION_MODELS = ("Cluster", "Scenario", "Project", "HeadlineFigure")


def create_2025(apps, schema_editor):
    """The 2025 edition, for a database that holds the 2025 layout (a fresh one gets it from `load_layout`)."""
    db = schema_editor.connection.alias
    if not any(apps.get_model("layout", name).objects.using(db).exists() for name in EDITION_MODELS):
        return
    Edition = apps.get_model("layout", "Edition")
    edition, _created = Edition.objects.using(db).get_or_create(year=2025, defaults=YEAR_2025)
    sources = apps.get_model("layout", "Source").objects.using(db).filter(key=ARTICLE)
    # The 2025 layout lists every chain the database holds (the 10 forward-looking key chains).
    chains = apps.get_model("layout", "IndustryChain").objects.using(db).all()
    edition.sources.set(sources)
    edition.chains.set(chains)
    # What the loader would have written: it then finds the edition as seeded, not as edited by an official.
    edition.seed_values = {
        **YEAR_2025,
        "sources": sorted(source.key for source in sources),
        "chains": sorted(chain.slug for chain in chains),
    }
    edition.save(update_fields=["seed_values"])


def give_2025_to_every_row(apps, schema_editor):
    db = schema_editor.connection.alias
    edition = apps.get_model("layout", "Edition").objects.using(db).filter(year=2025).first()
    if edition is None:
        return  # nothing to give it to
    for name in EDITION_MODELS:
        for model_name in (name, f"Historical{name}"):
            # QuerySet.update on the historical model: no save(), no signal, no new history row.
            apps.get_model("layout", model_name).objects.using(db).filter(edition__isnull=True).update(
                edition_id=edition.pk
            )


class Migration(migrations.Migration):
    dependencies = [
        ("layout", "0005_data_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Edition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveIntegerField(default=0, editable=False, verbose_name="version")),
                ("seed_values", models.JSONField(blank=True, default=dict, editable=False)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        unique=True,
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="year",
                    ),
                ),
                ("title_zh", models.CharField(max_length=300, verbose_name="Chinese title")),
                ("title_en", models.CharField(max_length=300, verbose_name="English title")),
                (
                    "announced_on",
                    models.DateField(
                        blank=True,
                        help_text="The day the layout was announced. Empty = not known.",
                        null=True,
                        verbose_name="announced on",
                    ),
                ),
                (
                    "is_published",
                    models.BooleanField(
                        default=False,
                        help_text="Shown to the public. A new edition starts unpublished.",
                        verbose_name="published",
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published at")),
                (
                    "chains",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The key chains this year's layout lists.",
                        related_name="editions",
                        to="layout.industrychain",
                        verbose_name="key industry chains",
                    ),
                ),
                (
                    "sources",
                    models.ManyToManyField(
                        blank=True, related_name="editions", to="layout.source", verbose_name="sources"
                    ),
                ),
            ],
            options={
                "verbose_name": "edition",
                "ordering": ["-year"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalEdition",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("version", models.PositiveIntegerField(default=0, editable=False, verbose_name="version")),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        db_index=True,
                        validators=[
                            django.core.validators.MinValueValidator(2000),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="year",
                    ),
                ),
                ("title_zh", models.CharField(max_length=300, verbose_name="Chinese title")),
                ("title_en", models.CharField(max_length=300, verbose_name="English title")),
                (
                    "announced_on",
                    models.DateField(
                        blank=True,
                        help_text="The day the layout was announced. Empty = not known.",
                        null=True,
                        verbose_name="announced on",
                    ),
                ),
                (
                    "is_published",
                    models.BooleanField(
                        default=False,
                        help_text="Shown to the public. A new edition starts unpublished.",
                        verbose_name="published",
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published at")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical edition",
                "verbose_name_plural": "historical editions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalEdition_chains",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "edition",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="layout.edition",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="layout.historicaledition",
                    ),
                ),
                (
                    "industrychain",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="layout.industrychain",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalEdition_chains",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalEdition_sources",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "edition",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="layout.edition",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="layout.historicaledition",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="layout.source",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalEdition_sources",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(create_2025, migrations.RunPython.noop),
        migrations.AddField(
            model_name="cluster",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="copies",
                to="layout.cluster",
                verbose_name="copied from",
            ),
        ),
        migrations.AddField(
            model_name="historicalcluster",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.cluster",
                verbose_name="copied from",
            ),
        ),
        migrations.AddField(
            model_name="historicalproject",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.project",
                verbose_name="copied from",
            ),
        ),
        migrations.AddField(
            model_name="historicalscenario",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.scenario",
                verbose_name="copied from",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="copies",
                to="layout.project",
                verbose_name="copied from",
            ),
        ),
        migrations.AddField(
            model_name="scenario",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="copies",
                to="layout.scenario",
                verbose_name="copied from",
            ),
        ),
        migrations.AddField(
            model_name="cluster",
            name="edition",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clusters",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AddField(
            model_name="headlinefigure",
            name="edition",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="headline_figures",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AddField(
            model_name="historicalcluster",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AddField(
            model_name="historicalheadlinefigure",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AddField(
            model_name="historicalproject",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AddField(
            model_name="historicalscenario",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="edition",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AddField(
            model_name="scenario",
            name="edition",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="scenarios",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.RunPython(give_2025_to_every_row, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="cluster",
            name="edition",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clusters",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AlterField(
            model_name="scenario",
            name="edition",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="scenarios",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="edition",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AlterField(
            model_name="headlinefigure",
            name="edition",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="headline_figures",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcluster",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AlterField(
            model_name="historicalscenario",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproject",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AlterField(
            model_name="historicalheadlinefigure",
            name="edition",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="layout.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AlterField(
            model_name="cluster",
            name="number",
            field=models.PositiveSmallIntegerField(verbose_name="number in the layout"),
        ),
        migrations.AlterField(
            model_name="cluster",
            name="slug",
            field=models.SlugField(),
        ),
        migrations.AlterField(
            model_name="headlinefigure",
            name="key",
            field=models.SlugField(),
        ),
        migrations.AlterField(
            model_name="historicalcluster",
            name="number",
            field=models.PositiveSmallIntegerField(verbose_name="number in the layout"),
        ),
        migrations.AddConstraint(
            model_name="cluster",
            constraint=models.UniqueConstraint(fields=("edition", "slug"), name="cluster_slug_per_edition"),
        ),
        migrations.AddConstraint(
            model_name="cluster",
            constraint=models.UniqueConstraint(fields=("edition", "number"), name="cluster_number_per_edition"),
        ),
        migrations.AddConstraint(
            model_name="headlinefigure",
            constraint=models.UniqueConstraint(fields=("edition", "key"), name="headline_key_per_edition"),
        ),
    ]
