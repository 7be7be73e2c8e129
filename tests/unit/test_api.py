"""The open-data API as another site or a GIS tool uses it: every endpoint and option, caching, compression, CORS."""

import gzip
import json
from datetime import timedelta

import pytest
import shapely
from django.utils import timezone
from django.utils.http import http_date

from layout import geometry
from layout.models import Cluster, DataVersion, District, HeadlineFigure, IndustryChain, Project, Scenario

pytestmark = pytest.mark.usefixtures("layout_data")

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
PUDONG = "310115"
ENDPOINTS = {
    "/api/v1/districts.geojson": "application/geo+json",
    "/api/v1/clusters.geojson": "application/geo+json",
    "/api/v1/scenarios.json": "application/json",
    "/api/v1/projects.json": "application/json",
    "/api/v1/chains.json": "application/json",
    "/api/v1/headline.json": "application/json",
    "/api/v1/openapi.json": "application/json",
    "/api/v1/": "application/json",
}


def features(client, url="/api/v1/clusters.geojson", **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return {f["id"]: f for f in response.json()["features"]}


@pytest.mark.parametrize("url, content_type", ENDPOINTS.items())
def test_every_endpoint_answers_without_a_language_prefix(client, url, content_type):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # not redirected to /en/…
    assert response["Content-Type"].startswith(content_type)
    json.loads(response.content)


def test_index_lists_every_data_endpoint_and_each_answers(client):
    index = client.get("/api/v1/").json()
    # Each in the edition the answer is about, like a page's links.
    assert set(index["endpoints"].values()) == {
        url.replace("/api/v1/", "/api/v1/editions/2025/") for url in ENDPOINTS if url.endswith(("json", "geojson"))
    } - {"/api/v1/editions/2025/openapi.json"}
    assert index["openapi"] == "/api/v1/editions/2025/openapi.json" and index["edition"] == 2025
    assert "CC BY-SA" in index["licence"]
    for url in index["endpoints"].values():
        assert client.get(url).status_code == 200, url


def test_collections_hold_the_published_layout(client):
    assert len(features(client, "/api/v1/districts.geojson")) == 16
    assert set(features(client)) == set(Cluster.objects.published().values_list("slug", flat=True))
    assert len(features(client)) == 14
    scenarios = client.get("/api/v1/scenarios.json").json()
    assert len(scenarios["scenarios"]) == Scenario.objects.published().count() == 5
    assert scenarios["announced_count"] == 37
    assert len(client.get("/api/v1/projects.json").json()["projects"]) == Project.objects.published().count()
    chains = client.get("/api/v1/chains.json").json()["chains"]
    assert [c["slug"] for c in chains] == list(IndustryChain.objects.values_list("slug", flat=True))
    zhangjiang_chain = Cluster.objects.get(slug=ZHANGJIANG).primary_chain.slug
    assert next(c for c in chains if c["slug"] == zhangjiang_chain)["cluster_count"] >= 1
    figures = client.get("/api/v1/headline.json").json()["figures"]
    assert [f["key"] for f in figures] == list(HeadlineFigure.objects.values_list("key", flat=True))


@pytest.mark.parametrize(
    "language, name_field, space, investment, unknown",
    [
        ("en", "name_en", "15,000,000 m²", "50.9 billion CNY", "not published"),
        ("zh-hans", "name_zh", "1500万平方米", "509亿元", "未公布"),
    ],
)
def test_lang_chooses_names_and_figure_texts(client, language, name_field, space, investment, unknown):
    other = "zh-CN" if language == "en" else "en-GB"  # ?lang= wins over the browser's language
    response = client.get("/api/v1/headline.json", {"lang": language}, HTTP_ACCEPT_LANGUAGE=other)
    assert response["Content-Language"] == language
    texts = {f["key"]: f["text"] for f in response.json()["figures"]}
    assert texts["space"] == space and texts["directed-investment"] == investment
    clusters = client.get("/api/v1/clusters.geojson", {"lang": language}, HTTP_ACCEPT_LANGUAGE=other).json()
    zhangjiang = next(f["properties"] for f in clusters["features"] if f["id"] == ZHANGJIANG)
    assert zhangjiang["name"] == getattr(Cluster.objects.get(slug=ZHANGJIANG), name_field)
    assert zhangjiang["investment_cny"] is None and zhangjiang["investment_text"] == unknown
    districts = client.get("/api/v1/districts.geojson", {"lang": language}).json()["features"]
    pudong = next(f["properties"] for f in districts if f["id"] == PUDONG)
    assert pudong["name"] == getattr(District.objects.get(adcode=PUDONG), name_field)
    chains = client.get("/api/v1/chains.json", {"lang": language}).json()["chains"]
    assert chains[0]["name"] == getattr(IndustryChain.objects.first(), name_field)


def test_without_lang_the_browser_language_is_used(client):
    response = client.get("/api/v1/headline.json", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert {f["key"]: f["text"] for f in response.json()["figures"]}["space"] == "15,000,000 m²"
    assert "Accept-Language" in response["Vary"]


def test_unpublished_figures_are_null_and_read_not_published_never_zero(client):
    projects = client.get("/api/v1/projects.json", {"lang": "en"}).json()["projects"]
    for project in projects:
        if project["sector"] is None:
            assert project["sector_text"] == "not published"
        if project["investment_cny"] is None:
            assert project["investment_text"] == "not published"
    scenarios = client.get("/api/v1/scenarios.json", {"lang": "en"}).json()["scenarios"]
    assert all(s["category"] is None and s["category_text"] == "category not published" for s in scenarios)
    assert any(s["cluster"] is None and s["cluster_text"] == "cluster not published" for s in scenarios)
    for scenario in scenarios:
        assert scenario["source"]["published_on"] == "2025-03-25"


@pytest.mark.parametrize("url", ["/api/v1/districts.geojson", "/api/v1/clusters.geojson"])
def test_gcj02_shifts_every_geometry_and_anchor(client, url):
    wgs = features(client, url)
    gcj = features(client, url, datum="gcj02")
    assert wgs.keys() == gcj.keys()
    shifted = 0
    for key, feature in wgs.items():
        if feature["geometry"] is None:
            assert gcj[key]["geometry"] is None
            continue
        expected = geometry.wgs84_to_gcj02(shapely.geometry.shape(feature["geometry"]))
        assert shapely.hausdorff_distance(shapely.geometry.shape(gcj[key]["geometry"]), expected) < 2e-6, key
        anchor = feature["properties"].get("anchor")
        if anchor:
            expected_anchor = geometry.wgs84_to_gcj02(shapely.geometry.shape(anchor))
            assert shapely.geometry.shape(gcj[key]["properties"]["anchor"]).distance(expected_anchor) < 1e-6
        shifted += 1
    assert shifted >= 10


def test_chain_filter_keeps_clusters_with_the_chain_as_primary_or_other(client):
    for chain in IndustryChain.objects.all():
        expected = {
            c.slug
            for c in Cluster.objects.published()
            if c.primary_chain_id == chain.pk or chain in c.other_chains.all()
        }
        assert set(features(client, chain=chain.slug)) == expected, chain.slug
    assert any(features(client, chain=chain.slug) for chain in IndustryChain.objects.all())


def test_district_filter_narrows_clusters_districts_scenarios_and_projects(client):
    pudong_clusters = set(Cluster.objects.filter(district__adcode=PUDONG).values_list("slug", flat=True))
    assert set(features(client, district=PUDONG)) == pudong_clusters
    districts = features(client, "/api/v1/districts.geojson", district=PUDONG)
    assert list(districts) == [PUDONG]
    assert districts[PUDONG]["properties"]["cluster_count"] == len(pudong_clusters)
    scenarios = client.get("/api/v1/scenarios.json", {"district": PUDONG}).json()["scenarios"]
    assert scenarios and all(s["cluster"]["slug"] in pudong_clusters for s in scenarios)
    for district in District.objects.all():
        projects = client.get("/api/v1/projects.json", {"district": district.adcode}).json()["projects"]
        assert {p["id"] for p in projects} == set(
            Project.objects.filter(district=district).values_list("pk", flat=True)
        )
    assert client.get("/api/v1/projects.json", {"district": PUDONG}).json()["projects"]


def test_category_filter_keeps_clusters_with_a_published_scenario_in_it(client):
    # The sources give no scenario a category: no cluster matches until an official sets one.
    assert features(client, category="demonstration") == {}
    scenario = Scenario.objects.get(cluster__slug=ZHANGJIANG)
    scenario.category = "demonstration"
    scenario.save()
    assert set(features(client, category="demonstration")) == {ZHANGJIANG}
    listed = client.get("/api/v1/scenarios.json", {"category": "demonstration"}).json()["scenarios"]
    assert [s["id"] for s in listed] == [scenario.pk]
    districts = features(client, "/api/v1/districts.geojson", category="demonstration")
    assert len(districts) == 16  # the basemap stays whole; only the count follows the filter
    assert districts[PUDONG]["properties"]["cluster_count"] == 1
    scenario.is_published = False
    scenario.save()
    assert features(client, category="demonstration") == {}


def test_drafts_stay_out_of_every_answer(client):
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    cluster.is_published = False
    cluster.save()
    assert ZHANGJIANG not in features(client) and len(features(client)) == 13
    assert ZHANGJIANG not in features(client, chain=cluster.primary_chain.slug)
    scenarios = client.get("/api/v1/scenarios.json").json()["scenarios"]
    assert all((s["cluster"] or {}).get("slug") != ZHANGJIANG for s in scenarios)
    assert cluster.name_zh not in client.get("/api/v1/projects.json").content.decode()
    pudong = features(client, "/api/v1/districts.geojson")[PUDONG]["properties"]
    assert pudong["cluster_count"] == Cluster.objects.published().filter(district__adcode=PUDONG).count()
    chains = {c["slug"]: c["cluster_count"] for c in client.get("/api/v1/chains.json").json()["chains"]}
    assert (
        chains[cluster.primary_chain.slug]
        == Cluster.objects.published().filter(primary_chain=cluster.primary_chain).count()
    )


@pytest.mark.parametrize(
    "url, params, parameter",
    [
        ("/api/v1/clusters.geojson", {"lang": "fr"}, "lang"),
        ("/api/v1/clusters.geojson", {"lang": ""}, "lang"),
        ("/api/v1/districts.geojson", {"datum": "bd09"}, "datum"),
        ("/api/v1/clusters.geojson", {"chain": "steel"}, "chain"),
        ("/api/v1/scenarios.json", {"category": "other"}, "category"),
        ("/api/v1/projects.json", {"district": "110101"}, "district"),
        ("/api/v1/clusters.geojson", {"chain": ["biomedicine", "integrated-circuits"]}, "chain"),
        ("/downloads/layout.gpkg", {"lang": "de"}, "lang"),
    ],
)
def test_a_bad_parameter_value_is_a_400_that_says_what_is_allowed(client, url, params, parameter):
    response = client.get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    error = response.json()["error"]
    assert error["parameter"] == parameter and error["message"]
    if parameter == "chain" and isinstance(params["chain"], str):
        assert "biomedicine" in error["allowed"]


def test_an_empty_filter_means_all(client):
    assert len(features(client, chain="", category="", district="")) == 14


def test_repeated_request_with_the_etag_is_a_304_until_the_data_changes(client):
    first = client.get("/api/v1/clusters.geojson")
    etag = first["ETag"]
    again = client.get("/api/v1/clusters.geojson", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/clusters.geojson", {"lang": "en"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    cluster.name_en = "Zhangjiang renamed"
    cluster.save()
    changed = client.get("/api/v1/clusters.geojson", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_last_modified_is_the_data_version_and_answers_if_modified_since(client):
    changed_at = timezone.now() - timedelta(hours=1)
    DataVersion.objects.update(changed_at=changed_at)
    response = client.get("/api/v1/clusters.geojson")
    assert response["Last-Modified"] == http_date(changed_at.timestamp())
    assert client.get("/api/v1/clusters.geojson", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    # Any change to the data (here a bulk update, which sends no signal) makes the cached copy stale.
    Cluster.objects.filter(slug=ZHANGJIANG).update(name_en="Zhangjiang renamed")
    later = client.get("/api/v1/clusters.geojson", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert later.status_code == 200
    assert "Zhangjiang renamed" in later.content.decode()


def test_answers_are_gzip_compressed_when_the_client_accepts_it(client):
    plain = client.get("/api/v1/districts.geojson")
    compressed = client.get("/api/v1/districts.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert len(compressed.content) < len(plain.content) / 3
    assert json.loads(gzip.decompress(compressed.content)) == plain.json()
    assert "Accept-Encoding" in compressed["Vary"]


def test_any_origin_may_read_with_get_and_preflight(client):
    response = client.get("/api/v1/clusters.geojson", HTTP_ORIGIN="https://portal.example.gov.cn")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/clusters.geojson",
        HTTP_ORIGIN="https://portal.example.gov.cn",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert preflight["Access-Control-Allow-Headers"] == "if-none-match"


def test_the_api_is_read_only(client):
    response = client.post("/api/v1/clusters.geojson", {})
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert response.json()["error"]["status"] == 405
