"""Every way of writing the layout data changes the data version, so no cached answer outlives a change."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from layout import data_version
from layout.models import Cluster, DataVersion, District, HeadlineFigure, IndustryChain, Project, Scenario, Source
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    changelist_url,
    cluster_in,
    inside,
)
from tests.unit.import_files import CSV, confirm, dry_run, typed_table


def changes_version(write):
    before = data_version.current()
    write()
    after = data_version.current()
    return after.token != before.token and after.changed_at >= before.changed_at


@pytest.mark.usefixtures("layout_data")
@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda: Cluster.objects.get(slug__startswith="jiading").save(), id="save"),
        pytest.param(lambda: Scenario.objects.first().delete(), id="delete"),
        pytest.param(lambda: Scenario.objects.filter(cluster__isnull=False).delete(), id="queryset-delete"),
        pytest.param(lambda: Project.objects.update(figures_en="changed"), id="queryset-update"),
        pytest.param(lambda: HeadlineFigure.objects.filter(key="scenarios").update(value=38), id="filtered-update"),
        pytest.param(lambda: Source.objects.bulk_create([Source(key="bulk-source", title="Bulk")]), id="bulk-create"),
        pytest.param(
            lambda: IndustryChain.objects.bulk_update(
                [IndustryChain(pk=c.pk, colour="#000000") for c in IndustryChain.objects.all()[:2]], ["colour"]
            ),
            id="bulk-update",
        ),
        pytest.param(
            lambda: Cluster.objects.first().other_chains.add(IndustryChain.objects.last()), id="many-to-many-add"
        ),
        pytest.param(lambda: Cluster.objects.first().sources.clear(), id="many-to-many-clear"),
        pytest.param(
            lambda: Cluster.objects.first().other_chains.set([IndustryChain.objects.first()]), id="many-to-many-set"
        ),
        pytest.param(lambda: District.objects.filter(adcode=XUHUI).update(name_en="Xuhui!"), id="district"),
    ],
)
def test_every_kind_of_write_changes_the_version(write):
    assert changes_version(write)


@pytest.mark.usefixtures("layout_data")
def test_load_layout_changes_the_version_when_it_writes():
    cluster = Cluster.objects.get(slug__startswith="jiading")
    cluster.name_en = "Edited by an official"
    cluster.save()
    assert changes_version(lambda: call_command("load_layout", overwrite=True, verbosity=0))
    HeadlineFigure.objects.all().delete()
    assert changes_version(lambda: call_command("load_layout", verbosity=0))


@pytest.mark.django_db
def test_the_version_lives_in_one_database_row_that_reading_does_not_change():
    first = data_version.current()
    assert data_version.current() == first
    assert DataVersion.objects.count() == 1
    # A database without the row (flushed) makes one on first use.
    DataVersion.objects.all().delete()
    assert data_version.current().token != first.token and DataVersion.objects.count() == 1


@pytest.mark.usefixtures("layout_data")
def test_restore_layout_changes_the_version(tmp_path):
    backup = tmp_path / "layout.json"
    call_command("backup_layout", str(backup), verbosity=0)
    Cluster.objects.filter(slug__startswith="jiading").update(name_en="Edited after the backup")
    assert changes_version(lambda: call_command("restore_layout", str(backup), verbosity=0))


def test_admin_save_publish_and_revert_change_the_version(officials):
    cluster = cluster_in(JIADING)

    def admin_save():
        data = change_form_data(officials["admin"].get(change_url(cluster)))
        data.update(name_en="Saved in the admin")
        assert officials["admin"].post(change_url(cluster), data).status_code == 302

    assert changes_version(admin_save)

    def publish_action():
        scenario = Scenario.objects.first()
        Scenario.objects.filter(pk=scenario.pk).update(is_published=False)
        response = officials["reviewer"].post(
            changelist_url(Scenario), {"action": "publish_selected", "_selected_action": [str(scenario.pk)]}
        )
        assert response.status_code == 302 and Scenario.objects.get(pk=scenario.pk).is_published

    assert changes_version(publish_action)

    def revert():
        original = cluster.history.order_by("history_date").first()
        url = reverse("admin:layout_cluster_simple_history", args=[cluster.pk, original.history_id])
        assert officials["admin"].post(url, change_form_data(officials["admin"].get(url))).status_code == 302

    assert changes_version(revert)

    def boundary_upload():
        data = change_form_data(officials["admin"].get(change_url(cluster)))
        data.update(boundary=json.dumps(inside(JIADING)), boundary_method="Drawn by the office.")
        assert officials["admin"].post(change_url(cluster), data).status_code == 302

    assert changes_version(boundary_upload)


def test_an_import_changes_the_version_and_its_preview_does_not(officials):
    xuhui = cluster_in(XUHUI)
    before = data_version.current()
    preview = dry_run(officials["admin"], Cluster, typed_table(["slug", "space_m2"], [xuhui.slug, "130000"]), CSV)
    assert data_version.current() == before  # the preview is rolled back, its bump with it
    confirm(officials["admin"], Cluster, preview)
    assert Cluster.objects.get(pk=xuhui.pk).space_m2 == 130_000 and data_version.current() != before
