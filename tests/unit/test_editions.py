"""Editions: one layout a year; clusters, scenarios, projects and headline figures belong to one, unique within it."""

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from layout.models import Cluster, Edition, HeadlineFigure, Project, Scenario
from tests.unit.conftest import copy_cluster


def test_the_seeds_should_make_2025_the_one_published_edition(layout_data):
    edition = Edition.objects.get()
    assert (edition.year, edition.is_published, str(edition.announced_on)) == (2025, True, "2025-03-25")
    assert edition.title_zh == "上海2025重点产业布局图"
    assert list(edition.sources.values_list("key", flat=True)) == ["article-2025-03-25"]
    assert edition.chains.count() == 10
    for model in (Cluster, Scenario, Project, HeadlineFigure):
        assert set(model.objects.values_list("edition__year", flat=True)) == {2025}, model


def test_a_cluster_slug_and_number_should_be_unique_within_an_edition_only(second_edition):
    pudong = Cluster.objects.get(edition__year=2025, number=1)
    copy = Cluster.objects.get(edition=second_edition, copied_from=pudong)
    assert copy.number == pudong.number and copy.slug == pudong.slug
    assert list(pudong.copies.all()) == [copy]
    twin = Cluster.objects.get(edition=second_edition, number=3)
    with transaction.atomic(), pytest.raises(IntegrityError):
        copy_cluster(twin, second_edition)


def test_a_headline_key_should_be_unique_within_an_edition_only(second_edition):
    figure = HeadlineFigure.objects.get(edition__year=2025, key="clusters")
    HeadlineFigure.objects.create(
        edition=second_edition, key="clusters", label_zh="集聚区", label_en="Clusters", unit="count"
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        HeadlineFigure.objects.create(edition=figure.edition, key="clusters", label_zh="x", label_en="x", unit="count")


@pytest.mark.parametrize("model", [Scenario, Project])
def test_a_scenario_or_project_should_refuse_a_cluster_of_another_edition(second_edition, model):
    record = model.objects.filter(cluster__isnull=False).first() or model.objects.first()
    record.cluster = Cluster.objects.get(edition=second_edition, number=3)
    record.district = record.cluster.district if model is Project else None
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert "2026" in str(refused.value.message_dict["cluster"])
    record.edition = second_edition
    record.full_clean()


def test_a_new_record_should_belong_to_the_latest_edition_unless_it_names_one(second_edition):
    figure = HeadlineFigure.objects.create(key="new", label_zh="新", label_en="New", unit="count")
    assert figure.edition == second_edition
    # A scenario or project of a cluster belongs to the cluster's edition.
    older = Cluster.objects.get(edition__year=2025, number=2)
    scenario = Scenario(title_zh="新场景", cluster=older)
    scenario.full_clean()
    assert scenario.edition.year == 2025


# ---- Addresses: the edition is a path segment; without one, the latest published edition ----

ZHANGJIANG, XUHUI, JINGAN = (
    "zhangjiang-jinqiao-electronic-information",
    "xuhui-artificial-intelligence",
    "jingan-ultra-hd-audiovisual",
)
PAGES = [
    "",
    "map/clusters.geojson",
    f"clusters/{ZHANGJIANG}/",
    "scenarios/",
    "projects/",
    f"compare/?clusters={ZHANGJIANG},{XUHUI}",
]
API = [
    "",
    "openapi.json",
    "districts.geojson",
    "clusters.geojson",
    "scenarios.json",
    "projects.json",
    "chains.json",
    "headline.json",
]
DOWNLOADS = ["", "layout.geojson", "layout.kml", "layout-map.html"]
EMBEDS = ["", f"clusters/{XUHUI}/"]


def both_addresses():
    """Every public address of today, and the same address with the year 2025 in it."""
    for language in ("zh-hans", "en"):
        for page in PAGES:
            yield f"/{language}/{page}", f"/{language}/2025/{page}"
    for answer in API:
        yield f"/api/v1/{answer}", f"/api/v1/editions/2025/{answer}"
    for download in DOWNLOADS:
        yield f"/downloads/{download}", f"/downloads/2025/{download}"
    for embed in EMBEDS:
        yield f"/embed/{embed}", f"/embed/2025/{embed}"


@pytest.mark.parametrize("today, pinned", list(both_addresses()))
def test_every_address_of_today_should_answer_as_its_2025_address(client, layout_data, today, pinned):
    unversioned, versioned = client.get(today), client.get(pinned)
    assert unversioned.status_code == versioned.status_code == 200, today
    assert same_content(unversioned.content) == same_content(versioned.content), today


def same_content(body):
    """The body without the random names folium gives the offline map's elements at each build."""
    return re.sub(rb"[0-9a-f]{32}", b"", body)


def test_a_download_should_be_named_after_its_edition(client, layout_data):
    response = client.get("/downloads/2025/layout.gpkg")
    assert response.status_code == 200
    assert 'filename="shanghai-2025-layout.gpkg"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "address",
    [
        "/zh-hans/1999/",
        f"/en/1999/clusters/{ZHANGJIANG}/",
        "/en/1999/scenarios/",
        "/embed/1999/",
        "/downloads/1999/",
    ],
)
def test_an_address_of_an_unknown_year_should_be_404(client, layout_data, address):
    assert client.get(address).status_code == 404


def test_an_api_address_of_an_unknown_year_should_say_so_in_json(client, layout_data):
    response = client.get("/api/v1/editions/1999/clusters.geojson")
    assert response.status_code == 404
    assert response.json()["error"]["parameter"] == "year"


@pytest.mark.parametrize(
    "address",
    [
        "/zh-hans/2026/",
        f"/en/2026/clusters/{ZHANGJIANG}/",
        "/en/2026/map/clusters.geojson",
        "/api/v1/editions/2026/",
        "/api/v1/editions/2026/clusters.geojson",
        "/downloads/2026/layout.geojson",
        "/embed/2026/",
        f"/embed/2026/clusters/{XUHUI}/",
    ],
)
def test_an_unpublished_edition_should_be_404_to_the_public(client, second_edition, address):
    assert client.get(address).status_code == 404


def test_addresses_without_a_year_should_keep_showing_2025_while_2026_is_unpublished(client, second_edition):
    assert client.get("/api/v1/clusters.geojson").json()["edition"] == 2025
    assert "上海2025年重点产业布局" in client.get("/zh-hans/").content.decode()


@pytest.fixture
def published_second_edition(second_edition):
    second_edition.is_published = True
    second_edition.save()
    return second_edition


def test_addresses_without_a_year_should_show_the_latest_published_edition(client, published_second_edition):
    latest = client.get("/api/v1/clusters.geojson").json()
    assert latest["edition"] == 2026 and len(latest["features"]) == 3
    assert client.get("/api/v1/editions/2025/clusters.geojson").json()["edition"] == 2025
    assert len(client.get("/api/v1/editions/2025/clusters.geojson").json()["features"]) == 14
    map_page = client.get("/en/").content.decode()
    assert "<h1>Shanghai 2026 key industry layout</h1>" in map_page
    assert '<link rel="canonical" href="http://testserver/en/2026/">' in map_page
    assert "<h1>Shanghai 2025 key industry layout</h1>" in client.get("/en/2025/").content.decode()
    assert client.get("/api/v1/headline.json").json() == {"figures": [], "edition": 2026}


def test_a_cluster_address_without_a_year_should_answer_with_the_latest_edition_that_has_it(
    client, published_second_edition
):
    renamed = client.get(f"/en/clusters/{ZHANGJIANG}/").content.decode()
    assert "Zhangjiang + Jinqiao Electronic Information Cluster (2026)" in renamed
    assert f'<link rel="canonical" href="http://testserver/en/2026/clusters/{ZHANGJIANG}/">' in renamed
    # Not listed in 2026: the last edition that listed it answers, rather than a 404.
    older = client.get(f"/en/clusters/{JINGAN}/")
    assert older.status_code == 200
    assert f'<link rel="canonical" href="http://testserver/en/2025/clusters/{JINGAN}/">' in older.content.decode()
    assert client.get(f"/en/2026/clusters/{JINGAN}/").status_code == 404
    assert client.get(f"/embed/clusters/{JINGAN}/").status_code == 200


def test_the_language_switch_and_navigation_should_keep_the_edition(client, published_second_edition):
    page = client.get("/en/2025/scenarios/").content.decode()
    assert 'href="/zh-hans/2025/scenarios/"' in page and 'href="/en/2025/"' in page
    assert 'href="/en/2025/compare/"' in page


def test_oembed_should_take_the_edition_from_the_address_it_is_given(client, published_second_edition):
    def embed_of(url):
        return client.get("/oembed/", {"url": url, "format": "json"})

    assert 'src="http://testserver/embed/2025/?lang=en"' in embed_of("http://testserver/en/2025/").json()["html"]
    # An address without a year shows the latest edition, and so does its embed.
    assert 'src="http://testserver/embed/?lang=en"' in embed_of("http://testserver/en/").json()["html"]
    pinned_cluster = embed_of(f"http://testserver/zh-hans/2025/clusters/{JINGAN}/").json()
    assert f"/embed/2025/clusters/{JINGAN}/" in pinned_cluster["html"]
    assert embed_of(f"http://testserver/zh-hans/2026/clusters/{JINGAN}/").status_code == 404
    assert embed_of("http://testserver/en/1999/").status_code == 404


def test_the_openapi_document_should_describe_its_editions_addresses(client, published_second_edition):
    document = client.get("/api/v1/editions/2025/openapi.json").json()
    assert document["paths"] and all(path.startswith("/api/v1/editions/2025/") for path in document["paths"])
    assert "2025" in document["info"]["title"]
    latest = client.get("/api/v1/openapi.json").json()
    assert all(path.startswith("/api/v1/editions/2026/") for path in latest["paths"])
    index = client.get("/api/v1/editions/2025/").json()
    assert index["editions"] == [2026, 2025] and index["edition"] == 2025
    assert index["endpoints"]["cluster_geojson"] == "/api/v1/editions/2025/clusters.geojson"


def test_downloads_should_hold_their_editions_records(client, published_second_edition):
    older = client.get("/downloads/2025/layout.geojson")
    assert 'filename="shanghai-2025-layout.geojson"' in older["Content-Disposition"]
    assert json.loads(older.content)["edition"] == 2025 and len(json.loads(older.content)["features"]) == 14
    latest = json.loads(client.get("/downloads/layout.geojson").content)
    assert latest["edition"] == 2026 and len(latest["features"]) == 3
    page = client.get("/downloads/2025/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/downloads/2025/layout.gpkg?lang=' in page


def select_values(page, select_id):
    found = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert found, f"no {select_id} on the page"
    return [value for value in re.findall(r'<option value="([^"]*)"', found[1]) if value]


def test_an_editions_key_chains_should_be_what_its_filter_legend_and_api_list(client, published_second_edition):
    from layout.models import IndustryChain

    clusters = Cluster.objects.filter(edition=published_second_edition)
    named = set(clusters.values_list("primary_chain__slug", flat=True)) | set(
        clusters.exclude(other_chains=None).values_list("other_chains__slug", flat=True)
    )
    listed = IndustryChain.objects.exclude(slug__in=named).order_by("order").first()
    assert len(client.get("/api/v1/editions/2026/chains.json").json()["chains"]) == 10  # all listed, now cached
    published_second_edition.chains.set([listed])  # a change of the list is a change of the data: not served old
    unnamed = set(IndustryChain.objects.values_list("slug", flat=True)) - named - {listed.slug}
    assert named and unnamed  # the test's 2026 lists one chain no cluster names; its clusters name others
    # A cluster whose chain the edition's list dropped still shows under it: the chain stays a choice.
    expected = named | {listed.slug}

    api = {chain["slug"] for chain in client.get("/api/v1/editions/2026/chains.json").json()["chains"]}
    assert api == expected
    page = client.get("/en/2026/").content.decode()
    assert set(select_values(page, "filter-chain")) == expected
    assert set(select_values(page, "embed-chain")) == expected
    legend = set(re.findall(r'data-legend="chain:([^"]+)"', page))
    assert legend <= expected and set(clusters.values_list("primary_chain__slug", flat=True)) - {None} <= legend
    data = json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page, re.S)[1])
    assert {entry["target"]["chain"] for entry in data["search"] if entry["kind"] == "chain"} == expected
    # 2025 lists its own ten, untouched by 2026's list.
    older = {chain["slug"] for chain in client.get("/api/v1/editions/2025/chains.json").json()["chains"]}
    assert older == set(Edition.objects.get(year=2025).chains.values_list("slug", flat=True))
    assert len(older) == 10


def test_the_offline_map_should_take_the_edition(tmp_path, published_second_edition):
    output = tmp_path / "map.html"
    call_command("export_map", output=str(output), lang="en", year=2025, stdout=io.StringIO())
    html = output.read_text(encoding="utf-8")
    assert "<title>Shanghai 2025 key industry layout</title>" in html
    assert "jingan-ultra-hd-audiovisual" in html
    with pytest.raises(CommandError):
        call_command("export_map", output=str(output), year=1999, stdout=io.StringIO())


# ---- The admin ----


def test_the_admin_should_list_and_change_editions(admin_client, second_edition):
    listed = admin_client.get(reverse("admin:layout_edition_changelist")).content.decode()
    assert "上海2025重点产业布局图" in listed and "测试2026布局" in listed
    first = Edition.objects.get(year=2025)
    assert admin_client.get(reverse("admin:layout_edition_change", args=[first.pk])).status_code == 200


def test_the_admin_should_filter_clusters_by_edition(admin_client, second_edition):
    url = reverse("admin:layout_cluster_changelist")
    only_2026 = admin_client.get(url, {"edition__id__exact": second_edition.pk}).content.decode()
    assert "Jiading 2026 New" in only_2026 and "Changxing" not in only_2026
    assert "Changxing" in admin_client.get(url).content.decode()


def test_an_imported_row_should_name_a_cluster_of_its_own_edition(second_edition):
    from layout.resources import ScenarioResource

    cluster = ScenarioResource().fields["cluster"]
    assert cluster.clean({"cluster": XUHUI, "edition": 2026}) == Cluster.objects.get(edition=second_edition, slug=XUHUI)
    assert cluster.clean({"cluster": XUHUI, "edition": "2025"}).edition.year == 2025


def test_a_new_headline_figure_should_be_offered_the_latest_edition(admin_client, second_edition):
    form = admin_client.get(reverse("admin:layout_headlinefigure_add")).content.decode()
    assert f'<option value="{second_edition.pk}" selected>' in form
