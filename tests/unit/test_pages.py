"""What the scenarios, projects, comparison and cluster pages show, shaped in layout.pages."""

import json

import pytest
import shapely
from django.utils import translation

from layout import geojson, geometry, pages
from layout.models import Cluster, HeadlineFigure, Project, Scenario
from tests.unit.page_reader import page_json

pytestmark = pytest.mark.usefixtures("layout_data")

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
XUHUI = "xuhui-artificial-intelligence"
PUTUO = "putuo-intelligent-software"


def test_scenarios_are_grouped_under_the_four_categories_then_category_not_published():
    with translation.override("en"):
        context = pages.scenarios_context()
    keys = [group["key"] for group in context["scenario_groups"]]
    assert keys == ["incubation", "breakthrough", "upgrading", "demonstration", "not-published"]
    # The source names 5 scenarios and gives none of them a category.
    assert [len(group["items"]) for group in context["scenario_groups"]] == [0, 0, 0, 0, 5]
    assert context["published_count"] == Scenario.objects.published().count() == 5
    assert context["share_text"] == "5 of 37"
    assert context["announced"]["figure"].source_quote == "开放四大类37个重点场景"


def test_a_scenario_names_its_cluster_only_when_the_cluster_is_public():
    items = {i["scenario"].title_zh: i for g in pages.scenarios_context()["scenario_groups"] for i in g["items"]}
    assert items["人形机器人训练场"]["cluster"].slug == ZHANGJIANG
    assert sum(1 for i in items.values() if i["cluster"] is None) == 3  # the source places 3 in no cluster
    Cluster.objects.filter(slug=ZHANGJIANG).update(is_published=False)
    items = {i["scenario"].title_zh: i for g in pages.scenarios_context()["scenario_groups"] for i in g["items"]}
    assert items["人形机器人训练场"]["cluster"] is None


def test_a_draft_scenario_stays_off_the_scenarios_page():
    Scenario.objects.filter(title_zh="人形机器人训练场").update(is_published=False)
    with translation.override("zh-hans"):
        context = pages.scenarios_context()
    assert context["published_count"] == 4
    assert context["share_text"] == "37个中的4个"


def test_projects_page_says_how_many_of_the_21_are_in_our_data():
    with translation.override("en"):
        context = pages.projects_context()
    assert context["share_text"] == "2 of 21"
    assert {p["project"].name_zh for p in context["projects"]} == set(
        Project.objects.published().values_list("name_zh", flat=True)
    )


def test_an_unpublished_headline_total_reads_not_published_never_zero():
    HeadlineFigure.objects.filter(key="scenarios").update(value=None)
    with translation.override("en"):
        assert pages.scenarios_context()["share_text"] == "5 (total not published)"


@pytest.mark.parametrize(
    "values, slugs",
    [
        (["a,b,c"], ["a", "b", "c"]),
        (["a", "b"], ["a", "b"]),
        ([" a , b,,a "], ["a", "b"]),
        ([], []),
    ],
)
def test_requested_clusters_are_read_from_a_shared_link_or_the_form(values, slugs):
    assert pages.requested_slugs(values) == slugs


def test_comparison_of_three_clusters_reads_across_with_not_published_where_unknown():
    with translation.override("en"):
        context = pages.compare_context([ZHANGJIANG, XUHUI, PUTUO])
    assert context["errors"] == [] and not context["refused"]
    assert [c["cluster"].slug for c in context["columns"]] == [ZHANGJIANG, XUHUI, PUTUO]
    rows = {row["key"]: row for row in context["rows"]}
    assert [c["text"] for c in rows["district"]["cells"]] == ["Pudong New Area", "Xuhui", "Putuo"]
    assert [c["text"] for c in rows["space"]["cells"]] == ["3,750,000 m²", "100,000 m²", "not published"]
    assert [c["known"] for c in rows["space"]["cells"]] == [True, True, False]
    # No cluster publishes its investment: one line says so instead of a row of "not published".
    assert "investment" not in rows
    assert context["unpublished_text"] == "Not yet published: investment"
    assert [card["unpublished_text"] for card in context["cards"]] == [
        "Not yet published: investment, open scenarios",
        "Not yet published: investment",
        "Not yet published: space, investment, open scenarios",
    ]
    assert [c["text"] for c in rows["scenario_count"]["cells"]] == ["not published", "8", "not published"]
    named = rows["scenarios-not-published"]["cells"]
    assert [[str(item) for item in c["items"]] for c in named] == [
        ["Humanoid-robot training ground"],
        ["LLM-driven intelligent assistance for day-case (ambulatory) care management (demonstration application)"],
        [],
    ]
    assert named[2]["text"] == "none named"
    assert [len(c["items"]) for c in rows["chains"]["cells"]] == [1, 1, 2]


def test_the_same_figure_reads_the_same_in_the_comparison_the_map_and_the_detail_page():
    with translation.override("zh-hans"):
        compared = pages.compare_context([ZHANGJIANG, XUHUI])
        feature = geojson.cluster_feature(geojson.clusters_for_map().get(slug=ZHANGJIANG))
        detail = pages.cluster_detail_context(geojson.clusters_for_map().get(slug=ZHANGJIANG))
    space = next(r for r in compared["rows"] if r["key"] == "space")["cells"][0]["text"]
    assert space == feature["properties"]["space_text"] == detail["figures"][0]["text"] == "375万平方米"


def test_each_column_removes_only_its_own_cluster():
    columns = pages.compare_context([ZHANGJIANG, XUHUI, PUTUO])["columns"]
    assert [c["remove_query"] for c in columns] == [
        f"?clusters={XUHUI},{PUTUO}",
        f"?clusters={ZHANGJIANG},{PUTUO}",
        f"?clusters={ZHANGJIANG},{XUHUI}",
    ]


@pytest.mark.parametrize(
    "count, message, refused",
    [
        (1, "Choose at least 2 clusters to compare (you chose 1).", False),
        (5, "Choose at most 4 clusters to compare (you chose 5).", True),
    ],
)
def test_comparing_too_few_or_too_many_clusters_says_what_to_do(count, message, refused):
    slugs = list(Cluster.objects.values_list("slug", flat=True)[:count])
    with translation.override("en"):
        context = pages.compare_context(slugs)
    assert context["errors"] == [message]
    assert context["refused"] is refused
    assert context["columns"] == [] and context["rows"] == []
    assert len(context["checked"]) == count  # nothing the reader chose is lost


def test_comparing_an_unknown_or_draft_cluster_names_it():
    Cluster.objects.filter(slug=PUTUO).update(is_published=False)
    with translation.override("en"):
        context = pages.compare_context([ZHANGJIANG, XUHUI, PUTUO, "no-such-cluster"])
    assert context["errors"] == [f"There are no published clusters {PUTUO}, no-such-cluster."]
    assert PUTUO not in context["checked"] and PUTUO not in {slug for slug, *_names in pages.compare_choices()}


def test_cluster_share_data_is_schema_org_place_with_its_sourced_anchor_only():
    cluster = geojson.clusters_for_map().get(slug=ZHANGJIANG)
    with translation.override("en"):
        share = pages.cluster_share(cluster, lambda path: "https://example.org" + path)
    assert share["title"] == cluster.name_en
    assert share["url"] == f"https://example.org/en/2025/clusters/{ZHANGJIANG}/"
    assert share["image"] == "https://example.org/static/layout/preview.png"
    place = share["json_ld"]
    assert place["@type"] == "Place" and place["alternateName"] == [cluster.name_zh]
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 31.19, "longitude": 121.588}
    assert place["address"]["addressRegion"] == "Pudong New Area"
    json.dumps(place)  # serialisable as it stands

    unlocated = geojson.clusters_for_map().get(slug=PUTUO)
    assert unlocated.anchor is None
    assert "geo" not in pages.cluster_share(unlocated, lambda path: path)["json_ld"]


def test_cluster_share_has_a_description_even_where_none_is_entered():
    Cluster.objects.filter(slug=PUTUO).update(description_zh="", description_en="")
    cluster = geojson.clusters_for_map().get(slug=PUTUO)
    with translation.override("zh-hans"):
        share = pages.cluster_share(cluster, lambda path: path)
    assert cluster.name_zh in share["description"] and "普陀区" in share["description"]


def offer_basemaps(settings, *ids):
    settings.LAYOUT_BASEMAPS = [{"id": basemap_id, **settings.AVAILABLE_BASEMAPS[basemap_id]} for basemap_id in ids]


def test_a_cluster_page_on_a_gcj02_basemap_gets_its_shapes_shifted_to_gcj02(settings):
    offer_basemaps(settings, "osm", "amap")
    cluster = geojson.clusters_for_map().get(slug=ZHANGJIANG)
    with translation.override("en"):
        context = pages.cluster_detail_context(cluster)
    assert [b["id"] for b in context["map_config"]["basemaps"]] == ["osm", "amap"]
    shifted = context["gcj02_features"]
    area = shapely.geometry.shape(shifted["cluster"]["geometry"])
    expected = geometry.wgs84_to_gcj02(shapely.geometry.shape(cluster.boundary))
    assert shapely.hausdorff_distance(area, expected) < 2e-6  # GeoJSON keeps 6 decimals
    # Half a kilometre off the WGS-84 area: the offset the AMap tiles have.
    assert shapely.hausdorff_distance(area, shapely.geometry.shape(cluster.boundary)) > 0.003
    anchor = shapely.geometry.shape(shifted["cluster"]["properties"]["anchor"])
    assert anchor.distance(geometry.wgs84_to_gcj02(shapely.geometry.shape(cluster.anchor))) < 2e-6
    district = shapely.geometry.shape(shifted["district"]["geometry"])
    assert shapely.hausdorff_distance(district, geometry.wgs84_to_gcj02(cluster.district.boundary_shape())) < 2e-6
    # The page's own shapes stay WGS-84.
    assert context["cluster_feature"]["geometry"] == cluster.boundary


def test_a_cluster_page_without_a_gcj02_basemap_sends_no_shifted_shapes(settings, client):
    offer_basemaps(settings, "osm")
    cluster = geojson.clusters_for_map().get(slug=PUTUO)
    assert pages.cluster_detail_context(cluster)["gcj02_features"] is None
    offer_basemaps(settings, "amap")
    shifted = pages.cluster_detail_context(cluster)["gcj02_features"]
    # Location not published: no area, and the district it is drawn by is shifted all the same.
    assert shifted["cluster"]["geometry"] is None
    assert shifted["district"]["geometry"] != cluster.district.boundary


def test_a_cluster_page_offers_the_basemaps_and_approval_number_of_the_map_page(settings, client):
    offer_basemaps(settings, "tianditu", "amap")
    settings.TIANDITU_KEY = "test-key"
    settings.LAYOUT_MAP_APPROVAL_NUMBER = "沪S（2025）001号"
    response = client.get(f"/en/clusters/{ZHANGJIANG}/")
    config = page_json(response, "map-config")
    assert [b["id"] for b in config["basemaps"]] == ["tianditu", "amap"]
    assert config["basemaps"] == page_json(client.get("/en/"), "map-config")["basemaps"]
    assert config["approvalNumber"] == "沪S（2025）001号"
    assert "tileLayer" not in config
    page = response.content.decode()
    assert '<script id="gcj02-features" type="application/json">' in page
    assert page.count("data-keeps-basemap") == 2  # both links back to the map
