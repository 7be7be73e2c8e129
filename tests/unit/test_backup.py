"""backup_layout and restore_layout: one file with everything, restored all or nothing, nothing lost."""

import json

import pytest
from django.core.management import CommandError, call_command

from layout import backup, drafts
from layout.models import Cluster, District, IndustryChain, Project, Scenario, Source
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    cluster_in,
    errors_shown,
    every_field,
    inside,
)

# The messages are matched in English (the site's default language is Chinese).
pytestmark = pytest.mark.usefixtures("in_english")


def every_field_but_the_version():
    """Every field of every layout record, many-to-many included; not the version, which a restore moves on."""
    records = every_field(*backup.MODELS)
    for rows in records.values():
        for row in rows:
            row["fields"].pop("version", None)
    return records


def test_round_trip_restores_every_field_of_every_record(layout_data, tmp_path, django_user_model):
    # Something of everything: an edited boundary, a draft, an unpublished record, many-to-many choices.
    jiading = Cluster.objects.get(district__adcode=JIADING)
    jiading.boundary = inside(JIADING)
    jiading.boundary_method = "Drawn in the admin."
    jiading.save()
    jiading.other_chains.set(IndustryChain.objects.all()[:2])
    user = django_user_model.objects.create_user("editor")
    proposed = Cluster.objects.get(district__adcode=XUHUI)
    proposed.name_en = "A proposed name"
    drafts.propose(proposed, user)
    Scenario.objects.create(title_zh="未发布场景", cluster=jiading)
    before = every_field_but_the_version()
    path = tmp_path / "layout.json"
    call_command("backup_layout", str(path), verbosity=0)
    assert json.loads(path.read_text(encoding="utf-8"))["counts"]["layout.Cluster"] == 14

    # Everything changes after the backup: edits, a deletion, an addition, a changed geometry.
    Scenario.objects.filter(title_zh="未发布场景").delete()
    Project.objects.create(name_zh="备份后新增", district=jiading.district)
    Cluster.objects.filter(pk=jiading.pk).update(name_en="Changed", boundary=None, draft={})
    jiading.other_chains.clear()
    District.objects.filter(adcode=XUHUI).update(name_en="Changed")
    Source.objects.create(key="new-source", title="Added after the backup")
    assert every_field_but_the_version() != before

    call_command("restore_layout", str(path), verbosity=0)
    assert every_field_but_the_version() == before


def test_gzip_backup_round_trips_too(layout_data, tmp_path):
    before = every_field_but_the_version()
    path = tmp_path / "layout.json.gz"
    call_command("backup_layout", str(path), verbosity=0)
    Cluster.objects.update(description_en="")
    call_command("restore_layout", str(path), verbosity=0)
    assert every_field_but_the_version() == before


def test_restore_is_all_or_nothing(layout_data, tmp_path):
    path = tmp_path / "layout.json"
    call_command("backup_layout", str(path), verbosity=0)
    data = json.loads(path.read_text(encoding="utf-8"))
    clusters = [r for r in data["records"] if r["model"] == "layout.cluster"]
    clusters[0]["fields"]["name_en"] = "Restored name"  # a valid change early in the file …
    clusters[-1]["fields"]["space_m2"] = -5  # … and an invalid record later
    path.write_text(json.dumps(data), encoding="utf-8")
    Cluster.objects.update(description_en="Edited since")
    before = every_field_but_the_version()
    with pytest.raises(CommandError, match=r"Invalid record, nothing restored: cluster .*space_m2"):
        call_command("restore_layout", str(path), verbosity=0)
    assert every_field_but_the_version() == before


def test_a_file_that_is_not_a_backup_is_refused(layout_data, tmp_path):
    before = every_field_but_the_version()
    junk = tmp_path / "junk.json"
    junk.write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    with pytest.raises(CommandError, match="not a layout backup"):
        call_command("restore_layout", str(junk), verbosity=0)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("restore_layout", str(broken), verbosity=0)
    assert every_field_but_the_version() == before


def test_restore_records_itself_in_each_records_history(layout_data, tmp_path):
    path = tmp_path / "layout.json"
    call_command("backup_layout", str(path), verbosity=0)
    call_command("restore_layout", str(path), verbosity=0)
    latest = Cluster.objects.first().history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == f"restored from {path}"


def test_a_record_naming_a_district_the_backup_does_not_hold_is_refused_in_a_sentence(layout_data, tmp_path):
    path = tmp_path / "layout.json"
    call_command("backup_layout", str(path), verbosity=0)
    data = json.loads(path.read_text(encoding="utf-8"))
    cluster = next(r for r in data["records"] if r["model"] == "layout.cluster")
    cluster["fields"]["district"] = 99999
    path.write_text(json.dumps(data), encoding="utf-8")
    before = every_field_but_the_version()
    with pytest.raises(CommandError, match=r"cluster \d+: district: there is no district with key 99999 in the backup"):
        call_command("restore_layout", str(path), verbosity=0)
    assert every_field_but_the_version() == before


def test_a_restore_numbers_new_versions_so_a_form_opened_before_it_is_refused(officials, tmp_path):
    def edit(name):
        record = cluster_in(JIADING)
        record.name_en = name
        record.save()

    path = tmp_path / "layout.json"
    call_command("backup_layout", str(path), verbosity=0)  # the cluster at version N
    edit("Changed after the backup")  # N + 1
    opened = change_form_data(officials["reviewer"].get(change_url(cluster_in(JIADING))))  # opened at N + 1
    call_command("restore_layout", str(path), verbosity=0)
    edit("Changed after the restore")  # N + 1 again, if the restore had brought N back
    response = officials["reviewer"].post(
        change_url(cluster_in(JIADING)), {**opened, "name_en": "Saved from the form opened before the restore"}
    )
    assert response.status_code == 200
    assert "changed while you were editing" in " ".join(errors_shown(response))
    assert cluster_in(JIADING).name_en == "Changed after the restore"
