"""One gate for every edit (layout.edits): each way of writing a record meets the same rules and refusals."""

import json

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from layout import drafts, edits
from layout.models import Cluster, Scenario
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    cluster_in,
    errors_shown,
    inside,
    messages_of,
    new_cluster_form,
)
from tests.unit.import_files import CSV, dry_run, typed_table

PUBLISH_REFUSED = "Only a reviewer may publish"
OTHER_DISTRICT = "another district"


@pytest.fixture
def unpublished(officials):
    """Jiading's cluster, taken off the public map by a reviewer: publishing it again is a reviewer's act."""
    cluster = cluster_in(JIADING)
    drafts.unpublish(cluster, officials["users"]["reviewer"])
    return Cluster.objects.get(pk=cluster.pk)


def still_unpublished(cluster):
    return not Cluster.objects.get(pk=cluster.pk).is_published


def form_errors(response):
    return " ".join(errors_shown(response))


# The rules themselves.


def test_the_gate_refuses_by_rule_and_lets_the_operator_through(officials, unpublished):
    users = officials["users"]
    xuhui = cluster_in(XUHUI)
    with pytest.raises(edits.Refused) as refused:
        edits.check(users["jiading"], xuhui)
    assert refused.value.code == "district"
    unpublished.is_published = True
    for name in ("jiading", "city"):
        with pytest.raises(edits.Refused) as refused:
            edits.check(users[name], unpublished)
        assert refused.value.code == "publish"
    assert edits.check(users["reviewer"], unpublished) is False
    with pytest.raises(edits.Refused) as refused:
        edits.check(users["reviewer"], unpublished, edited_version=unpublished.version - 1)
    assert refused.value.code == "conflict"
    with pytest.raises(edits.Refused):
        edits.check(None, unpublished)
    assert edits.save(edits.OPERATOR, unpublished) == edits.SAVED
    assert Cluster.objects.get(pk=unpublished.pk).version == unpublished.version


def test_a_save_numbers_the_version_after_the_stored_one_even_from_an_old_copy(officials):
    cluster = cluster_in(XUHUI)
    old_copy = Cluster.objects.get(pk=cluster.pk)
    cluster.name_en = "Saved first"
    edits.save(officials["users"]["reviewer"], cluster)
    old_copy.name_en = "Saved from an old copy"
    edits.save(officials["users"]["reviewer"], old_copy)
    assert Cluster.objects.get(pk=cluster.pk).version == cluster.version + 1


# Publishing only by reviewers, whatever the way of writing.


def test_change_form_save_and_publish_by_a_non_reviewer_is_refused(officials, unpublished):
    data = change_form_data(officials["city"].get(change_url(unpublished)))
    response = officials["city"].post(change_url(unpublished), {**data, "_publish": "1"})
    assert response.status_code == 200 and PUBLISH_REFUSED in form_errors(response)
    assert still_unpublished(unpublished)


def test_boundary_upload_with_save_and_publish_by_a_non_reviewer_is_refused(officials, unpublished, tmp_path):
    path = tmp_path / "boundary.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": inside(JIADING)}), encoding="utf-8")
    data = change_form_data(officials["jiading"].get(change_url(unpublished)))
    data["boundary_file"] = SimpleUploadedFile(path.name, path.read_bytes())
    response = officials["jiading"].post(change_url(unpublished), {**data, "_publish": "1"})
    assert response.status_code == 200 and PUBLISH_REFUSED in form_errors(response)
    assert still_unpublished(unpublished)


def test_revert_to_a_published_version_by_a_non_reviewer_is_refused(officials, unpublished):
    published = unpublished.history.filter(is_published=True).order_by("-history_date").first()
    url = reverse("admin:layout_cluster_simple_history", args=[unpublished.pk, published.history_id])
    response = officials["city"].post(url, change_form_data(officials["city"].get(url)))
    assert response.status_code == 200 and PUBLISH_REFUSED in form_errors(response)
    assert still_unpublished(unpublished)


def admin_request(user):
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_list_action_publish_called_by_a_non_reviewer_is_refused(officials, unpublished):
    # The action is not offered to them (test_roles); the gate refuses it even if it is reached.
    request = admin_request(officials["users"]["city"])
    with translation.override("en"):
        site._registry[Cluster].publish_selected(request, Cluster.objects.filter(pk=unpublished.pk))
    assert any(PUBLISH_REFUSED in str(m) for m in request._messages)
    assert still_unpublished(unpublished)


def test_inline_row_deleting_a_published_scenario_by_a_non_reviewer_is_refused(officials):
    cluster = cluster_in(JIADING)
    scenario = Scenario.objects.create(title_zh="已发布场景", cluster=cluster, is_published=True)
    data = change_form_data(officials["jiading"].get(change_url(cluster)))
    row = next(k for k, v in data.items() if k.endswith("-id") and v == str(scenario.pk))
    data[row.replace("-id", "-DELETE")] = "on"
    response = officials["jiading"].post(change_url(cluster), data, follow=True)
    assert any("only a reviewer may remove it" in message for message in messages_of(response))
    assert Scenario.objects.filter(pk=scenario.pk).exists()


# District scope, whatever the way of writing.


def test_import_of_another_districts_record_is_refused_by_the_gate(officials):
    xuhui = cluster_in(XUHUI)
    response = dry_run(officials["jiading"], Cluster, typed_table(["slug", "name_en"], [xuhui.slug, "Renamed"]), CSV)
    assert f"is {OTHER_DISTRICT}'s record" in response.content.decode().replace("&#x27;", "'")
    assert Cluster.objects.get(pk=xuhui.pk).name_en == xuhui.name_en


def test_change_form_and_revert_of_another_districts_record_are_refused(officials):
    xuhui = cluster_in(XUHUI)
    data = change_form_data(officials["city"].get(change_url(xuhui)))
    assert officials["jiading"].post(change_url(xuhui), data).status_code == 403
    record = xuhui.history.first()
    url = reverse("admin:layout_cluster_simple_history", args=[xuhui.pk, record.history_id])
    assert officials["jiading"].post(url, data).status_code == 403
    with pytest.raises(edits.Refused, match=OTHER_DISTRICT):  # and the gate, under the views
        edits.save(officials["users"]["jiading"], xuhui)


def test_the_operators_writes_load_layout_and_restore_still_pass_the_models_validation(officials):
    cluster = cluster_in(JIADING)
    cluster.space_m2 = -5
    with pytest.raises(Exception, match="space_m2"):
        edits.save(edits.OPERATOR, cluster, validate=True)
    assert Cluster.objects.get(pk=cluster.pk).space_m2 != -5


def test_a_district_editor_adds_a_cluster_with_a_scenario_row_in_one_save(officials):
    scenario_row = {
        "scenarios-TOTAL_FORMS": "1",
        "scenarios-0-title_zh": "新场景",
        "scenarios-0-title_en": "New scenario",
    }
    url, data = new_cluster_form(officials["jiading"], **scenario_row)
    response = officials["jiading"].post(url, data)
    assert response.status_code == 302, (response.context["adminform"].form.errors, response.context["errors"])
    assert Scenario.objects.get(title_zh="新场景").cluster.slug == "jiading-new"


def test_save_and_publish_publishes_the_record_not_its_scenario_rows(officials, unpublished):
    scenario = Scenario.objects.create(title_zh="草稿场景", cluster=unpublished)
    data = change_form_data(officials["reviewer"].get(change_url(unpublished)))
    row = next(k for k, v in data.items() if k.endswith("-id") and v == str(scenario.pk))
    data[row.replace("-id", "-title_en")] = "Edited with the cluster"
    assert officials["reviewer"].post(change_url(unpublished), {**data, "_publish": "1"}).status_code == 302
    assert Cluster.objects.get(pk=unpublished.pk).is_published
    scenario = Scenario.objects.get(pk=scenario.pk)
    assert scenario.title_en == "Edited with the cluster" and not scenario.is_published


def test_a_save_crossed_after_the_form_was_checked_is_refused_whole_with_a_message(officials, monkeypatch):
    cluster = cluster_in(XUHUI)
    data = change_form_data(officials["reviewer"].get(change_url(cluster)))
    check = edits.check
    calls = []

    def crossed(user, obj, edited_version=None, live=None):
        calls.extend([obj] if isinstance(obj, Cluster) else [])
        if (
            isinstance(obj, Cluster) and len(calls) == 2
        ):  # at the save, after the form's own check: someone saved meanwhile
            Cluster.objects.filter(pk=cluster.pk).update(version=F("version") + 1, name_en="Saved meanwhile")
            live = Cluster.objects.get(pk=cluster.pk)
        return check(user, obj, edited_version, live)

    monkeypatch.setattr(edits, "check", crossed)
    response = officials["reviewer"].post(change_url(cluster), {**data, "name_en": "Mine"}, follow=True)
    assert any("changed while you were editing it" in message for message in messages_of(response))
    assert Cluster.objects.get(pk=cluster.pk).name_en == cluster.name_en  # rolled back: neither
