"""Edits are drafts until a reviewer publishes them: the public map and API keep the published version."""

import json
import re

from django.test import Client
from django.urls import reverse

from layout import drafts
from layout.models import Cluster, IndustryChain, Project, Scenario
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    changelist_url,
    chosen_in_form,
    cluster_in,
    inside,
    messages_of,
    new_cluster_form,
    post_change_form,
    same_shape,
    shown_in_form,
    signed_in,
    source,
)


def public_feature(slug):
    api = Client().get(reverse("cluster_geojson")).json()
    return next((f for f in api["features"] if f["properties"]["slug"] == slug), None)


def test_district_editors_edit_of_a_published_cluster_waits_for_a_reviewer(officials):
    cluster = cluster_in(JIADING)
    drawn = inside(JIADING)
    response = post_change_form(
        officials["jiading"],
        cluster,
        name_en="Jiading ICV cluster (renamed)",
        boundary=json.dumps(drawn),
        boundary_method="Drawn by the Jiading office.",
        space_wan_m2="12",
        space_source=str(source().pk),
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    live = Cluster.objects.get(pk=cluster.pk)
    # The public sees the published version: live fields, API and map page unchanged.
    assert (live.name_en, live.boundary, live.space_m2) == (cluster.name_en, cluster.boundary, None)
    feature = public_feature(cluster.slug)
    assert feature["properties"]["name_en"] == cluster.name_en and feature["geometry"] == cluster.boundary
    assert "renamed" not in Client().get("/en/").content.decode()
    # The draft holds the proposal, with who made it.
    assert set(live.draft["values"]) == {"name_en", "boundary", "boundary_method", "space_m2", "space_source"}
    assert live.draft["by"] == "jiading-editor" and live.draft["values"]["space_m2"] == 120_000
    followed = officials["jiading"].get(response.url)
    assert any("saved as a draft" in m for m in messages_of(followed))

    # The editor's own form shows the draft, so that they go on from it.
    form_page = officials["jiading"].get(change_url(cluster))
    assert shown_in_form(form_page, "name_en") == "Jiading ICV cluster (renamed)"
    assert shown_in_form(form_page, "space_wan_m2") == "12"

    # A reviewer publishes from the list: now the public sees it.
    officials["reviewer"].post(
        changelist_url(Cluster), {"action": "publish_selected", "_selected_action": [str(cluster.pk)]}
    )
    live = Cluster.objects.get(pk=cluster.pk)
    assert live.draft == {} and live.name_en == "Jiading ICV cluster (renamed)" and live.space_m2 == 120_000
    feature = public_feature(cluster.slug)
    assert same_shape(feature["geometry"], drawn)
    assert "renamed" in Client().get("/en/").content.decode()
    assert live.history.first().history_change_reason == "published the changes proposed by jiading-editor"


def test_staff_preview_the_drafts_on_the_real_map_page_and_the_public_does_not(officials):
    cluster = cluster_in(JIADING)
    post_change_form(officials["jiading"], cluster, name_en="Previewed name")
    assert "Previewed name" in officials["jiading"].get("/en/?preview=1").content.decode()
    assert "Staff preview" in officials["jiading"].get("/en/?preview=1").content.decode()
    anonymous = Client().get("/en/?preview=1").content.decode()
    assert "Previewed name" not in anonymous and "Staff preview" not in anonymous
    assert "Previewed name" not in officials["jiading"].get("/en/").content.decode()


def test_a_new_cluster_is_a_draft_invisible_to_the_public_until_published(officials):
    url, data = new_cluster_form(officials["jiading"])
    response = officials["jiading"].post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    new = Cluster.objects.get(slug="jiading-new")
    assert not new.is_published and public_feature("jiading-new") is None
    assert Client().get(reverse("cluster_detail", args=["jiading-new"])).status_code == 404
    # Publishing from the form's button makes it public.
    data = change_form_data(officials["reviewer"].get(change_url(new)))
    assert officials["reviewer"].post(change_url(new), {**data, "_publish": "1"}).status_code == 302
    assert Cluster.objects.get(pk=new.pk).is_published and public_feature("jiading-new") is not None


def test_many_to_many_changes_wait_in_the_draft_too(officials):
    cluster = cluster_in(JIADING)
    before = set(cluster.other_chains.values_list("pk", flat=True))
    extra = IndustryChain.objects.exclude(pk__in=before).exclude(pk=cluster.primary_chain_id).first()
    response = post_change_form(officials["jiading"], cluster, other_chains=[str(pk) for pk in before | {extra.pk}])
    assert response.status_code == 302
    assert set(cluster.other_chains.values_list("pk", flat=True)) == before
    assert Cluster.objects.get(pk=cluster.pk).draft["values"]["other_chains"] == sorted(before | {extra.pk})
    chosen = chosen_in_form(officials["jiading"].get(change_url(cluster)), "other_chains")
    assert {int(pk) for pk in chosen} == before | {extra.pk}
    drafts.publish(Cluster.objects.get(pk=cluster.pk), officials["users"]["reviewer"])
    assert set(cluster.other_chains.values_list("pk", flat=True)) == before | {extra.pk}


def test_inline_scenario_edit_of_a_published_scenario_is_a_draft(officials):
    cluster = cluster_in(JIADING)
    scenario = Scenario.objects.create(title_zh="测试场景", cluster=cluster, is_published=True)
    data = change_form_data(officials["jiading"].get(change_url(cluster)))
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == str(scenario.pk))
    data[f"scenarios-{index}-title_en"] = "Test scenario"
    assert officials["jiading"].post(change_url(cluster), data).status_code == 302
    live = Scenario.objects.get(pk=scenario.pk)
    assert live.title_en == "" and live.draft["values"] == {"title_en": "Test scenario"}


def test_reviewer_and_superuser_edits_are_live_at_once(officials):
    cluster = cluster_in(JIADING)
    assert post_change_form(officials["reviewer"], cluster, name_en="Reviewed name").status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).name_en == "Reviewed name"
    assert public_feature(cluster.slug)["properties"]["name_en"] == "Reviewed name"


def test_a_draft_that_no_longer_validates_is_not_published(officials):
    cluster = cluster_in(JIADING)
    post_change_form(officials["jiading"], cluster, boundary=json.dumps(inside(JIADING)), boundary_method="drawn")
    live = Cluster.objects.get(pk=cluster.pk)
    live.draft["values"]["boundary"] = inside("310104")  # as if Jiading's boundary had moved since
    Cluster.objects.filter(pk=cluster.pk).update(draft=live.draft)
    response = officials["reviewer"].post(
        changelist_url(Cluster), {"action": "publish_selected", "_selected_action": [str(cluster.pk)]}, follow=True
    )
    assert any("Not published" in m and "lies in" in m for m in messages_of(response))
    assert Cluster.objects.get(pk=cluster.pk).boundary == cluster.boundary


def map_page_data(client, url):
    """The GeoJSON and data the map page hands its scripts (json_script), as the scripts read them."""
    page = client.get(url).content.decode()

    def script(element_id):
        found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.S)
        return json.loads(found.group(1))

    clusters = client.get(script("map-config")["clustersUrl"]).json()
    features = {f["properties"]["slug"]: f["properties"] for f in clusters["features"]}
    return features, script("map-data")


def test_staff_preview_shows_scenario_and_project_drafts_wherever_the_map_page_shows_them(officials):
    jiading, xuhui = cluster_in(JIADING), cluster_in(XUHUI)
    # A published scenario and project, each with changes proposed by the city office (who may not publish).
    moved = Scenario.objects.create(
        title_zh="徐汇测试场景", title_en="Xuhui test scenario", cluster=xuhui, is_published=True
    )
    assert (
        post_change_form(
            officials["city"],
            moved,
            title_en="Scenario renamed in a draft",
            cluster=str(jiading.pk),
            category="demonstration",
        ).status_code
        == 302
    )
    project = Project.objects.create(
        name_zh="嘉定测试项目", name_en="Jiading test project", district=jiading.district, is_published=True
    )
    assert (
        post_change_form(
            officials["city"], project, name_en="Project renamed in a draft", cluster=str(jiading.pk)
        ).status_code
        == 302
    )
    # A scenario and a project new from a district office: drafts until published.
    for model, values in [
        (
            Scenario,
            {
                "title_zh": "草稿场景",
                "title_en": "Draft-only scenario",
                "cluster": str(jiading.pk),
                "category": "demonstration",
            },
        ),
        (
            Project,
            {
                "name_zh": "草稿项目",
                "name_en": "Draft-only project",
                "district": str(jiading.district_id),
                "cluster": str(jiading.pk),
                "sector": "manufacturing",
            },
        ),
    ]:
        url = reverse(f"admin:layout_{model._meta.model_name}_add")
        data = {**change_form_data(officials["jiading"].get(url)), **values}
        assert officials["jiading"].post(url, data).status_code == 302
    drafted = ["Scenario renamed in a draft", "Draft-only scenario", "Project renamed in a draft", "Draft-only project"]

    # A reviewer's preview: every draft (a district editor's shows only their district's records).
    features, data = map_page_data(officials["reviewer"], "/en/?preview=1")
    search = {name: entry for entry in data["search"] for name in entry["names"]}
    for name in drafted:
        # A project's search result also names the project, whose popup opens at its place.
        target = {key: value for key, value in search[name]["target"].items() if key != "project"}
        assert target == {"cluster": jiading.slug}, name
    projects = {item["name_en"]: item for item in data["projects"]}
    assert (
        projects["Draft-only project"]["place"]
        == projects["Project renamed in a draft"]["place"]
        == f"cluster:{jiading.slug}"
    )
    assert projects["Draft-only project"]["point"] is not None
    # The popups count the scenarios the preview shows: one moved in, one new; the filters follow.
    assert features[jiading.slug]["named_scenario_count"] == 2
    assert features[xuhui.slug]["named_scenario_count"] == xuhui.scenarios.count() - 1
    assert data["clusters"][jiading.slug]["categories"] == ["demonstration"]
    assert {c["value"]: c["count"] for c in data["filters"]["categories"]}["demonstration"] == 1

    # The public, and staff without ?preview=1, see only what is published.
    for client, url in [(Client(), "/en/?preview=1"), (Client(), "/en/"), (officials["jiading"], "/en/")]:
        page = client.get(url).content.decode()
        assert not any(name in page for name in drafted), (url, client)
        features, data = map_page_data(client, url)
        projects = {item["name_en"]: item for item in data["projects"]}
        assert projects["Jiading test project"]["place"] == f"district:{JIADING}"
        assert features[jiading.slug]["named_scenario_count"] == 0
        assert features[xuhui.slug]["named_scenario_count"] == xuhui.scenarios.count()
        assert data["clusters"][jiading.slug]["categories"] == []
        assert "Xuhui test scenario" in {name for entry in data["search"] for name in entry["names"]}


def test_staff_preview_shows_only_the_drafts_that_account_may_edit_or_review(officials, django_user_model):
    post_change_form(officials["jiading"], cluster_in(JIADING), name_en="Jiading draft name")
    post_change_form(officials["city"], cluster_in(XUHUI), name_en="Xuhui draft name")
    no_role = signed_in(django_user_model.objects.create_user("no-role", password="pw", is_staff=True))

    def preview(client):
        page = client.get("/en/?preview=1").content.decode()
        return {name for name in ("Jiading draft name", "Xuhui draft name") if name in page}

    assert preview(officials["reviewer"]) == {"Jiading draft name", "Xuhui draft name"}
    assert preview(officials["city"]) == {"Jiading draft name", "Xuhui draft name"}
    assert preview(officials["jiading"]) == {"Jiading draft name"}
    assert preview(no_role) == set()
    assert "Staff preview" not in no_role.get("/en/?preview=1").content.decode()
    # Another district's published cluster still shows, as published.
    assert cluster_in(XUHUI).name_en in officials["jiading"].get("/en/?preview=1").content.decode()
