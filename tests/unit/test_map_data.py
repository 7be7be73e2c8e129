"""What the map page gives its scripts (layout.map_data and pages.map_config): filter choices, the search
index, project points, basemaps, all from published records only."""

import json

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from shapely.geometry import Point

from layout import geojson, geometry, map_data, pages
from layout.models import Cluster, District, Project, Scenario, ScenarioCategory
from tests.unit.page_reader import page_json

pytestmark = pytest.mark.usefixtures("layout_data")

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
XUHUI = "xuhui-artificial-intelligence"
PUTUO = "putuo-intelligent-software"
PUDONG = "310115"


def data(language="en"):
    with translation.override(language):
        return map_data.map_data(list(geojson.clusters_for_map()))


def test_filter_choices_count_the_published_clusters_each_keeps():
    filters = data()["filters"]
    chains = {c["value"]: c["count"] for c in filters["chains"]}
    assert len(chains) == 10
    # Primary or other chain: Minhang's advanced-energy cluster counts for both of its chains.
    assert chains["high-end-equipment"] == 4
    assert chains["new-energy-green-low-carbon"] == 2
    assert chains["integrated-circuits"] == 0
    # The source gives no scenario a category: every category keeps none, and says so.
    assert [(c["value"], c["count"]) for c in filters["categories"]] == [
        (category.value, 0) for category in ScenarioCategory
    ]
    districts = {d["value"]: d["count"] for d in filters["districts"]}
    assert len(districts) == 16 and sum(districts.values()) == 14
    assert districts["310101"] == 0  # Huangpu has no cluster


def test_a_published_scenario_category_puts_its_cluster_under_that_filter():
    Scenario.objects.create(
        title_zh="孵化",
        cluster=Cluster.objects.get(slug=XUHUI),
        is_published=True,
        category=ScenarioCategory.INCUBATION,
    )
    Scenario.objects.create(
        title_zh="草稿",
        cluster=Cluster.objects.get(slug=PUTUO),
        is_published=False,
        category=ScenarioCategory.INCUBATION,
    )
    result = data()
    assert result["clusters"][XUHUI]["categories"] == ["incubation"]
    assert result["clusters"][PUTUO]["categories"] == []  # a draft scenario counts for nothing
    assert {c["value"]: c["count"] for c in result["filters"]["categories"]}["incubation"] == 1


def test_each_cluster_opens_inside_its_area_or_else_its_district():
    facets = data()["clusters"]
    assert len(facets) == 14
    for cluster in Cluster.objects.select_related("district"):
        lat, lon = facets[cluster.slug]["point"]["wgs84"]
        place = cluster.boundary_shape() or cluster.district.boundary_shape()
        assert place.contains(Point(lon, lat)), cluster.slug
        gcj_lat, gcj_lon = facets[cluster.slug]["point"]["gcj02"]
        assert Point(gcj_lon, gcj_lat).distance(geometry.wgs84_to_gcj02(Point(lon, lat))) < 1e-6


@pytest.mark.parametrize(
    "language, typed, kind, target",
    [
        ("en", "Changxing Marine Equipment Industry Base", "cluster", {"cluster": "changxing-marine-equipment"}),
        ("zh-hans", "长兴海洋装备产业基地", "cluster", {"cluster": "changxing-marine-equipment"}),
        ("en", "Jiading", "district", {"district": "310114"}),
        ("zh-hans", "嘉定区", "district", {"district": "310114"}),
        ("en", "Biomedicine", "chain", {"chain": "biomedicine"}),
        ("zh-hans", "生物医药", "chain", {"chain": "biomedicine"}),
        ("en", "Humanoid-robot training ground", "scenario", {"cluster": ZHANGJIANG}),
        ("zh-hans", "伟测科技上海总部基地", "project", {"district": PUDONG}),
    ],
)
def test_search_index_holds_every_name_in_both_languages_with_where_it_leads(language, typed, kind, target):
    index = data(language)["search"]
    found = [e for e in index if e["kind"] == kind and typed in e["terms"]]
    assert len(found) == 1, typed
    where = dict(found[0]["target"])
    # A project's target also names the project, whose popup the map opens at that place.
    assert (where.pop("project", None) is not None) == (kind == "project")
    assert where == target
    # Both languages are searchable whichever the page is in; the reader's comes first.
    assert len(found[0]["names"]) == 2


def test_search_index_says_what_has_no_place_on_the_map():
    index = data()["search"]
    hydrogen = [e for e in index if "氢能产业矩阵" in e["terms"]][0]
    assert hydrogen["target"] is None
    assert hydrogen["detail"] == "cluster not published"
    assert "no place on the map" in hydrogen["note"]


def test_search_index_and_projects_leave_out_drafts():
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    cluster.is_published = False
    cluster.save()
    Project.objects.filter(name_zh__startswith="伟测").update(is_published=False)
    result = data()
    text = json.dumps(result, ensure_ascii=False)
    assert cluster.name_zh not in text and cluster.name_en not in text
    assert "伟测" not in text
    # Its scenario stays searchable, without naming or leading to the draft cluster.
    humanoid = [e for e in result["search"] if "人形机器人训练场" in e["terms"]][0]
    assert humanoid["target"] is None


def test_projects_are_placed_where_their_sources_place_them():
    projects = data()["projects"]
    assert len(projects) == Project.objects.published().count() == 2
    pudong = District.objects.get(adcode=PUDONG).boundary_shape()
    for project in projects:
        # The sources name the district, not a cluster: the projects go to the district, said plainly.
        assert project["cluster"] is None and project["district"] == PUDONG
        assert project["place"] == f"district:{PUDONG}"
        assert project["placeText"] == "In Pudong New Area; cluster not published"
        lat, lon = project["point"]["wgs84"]
        assert pudong.contains(Point(lon, lat))
    superconductor = [p for p in projects if p["name_zh"].startswith("上海超导")][0]
    assert superconductor["investmentText"] == "2.5 billion CNY"
    assert [p for p in projects if p["name_zh"].startswith("伟测")][0]["investmentText"] == "not published"


def test_a_project_in_a_published_cluster_goes_to_that_cluster():
    project = Project.objects.get(name_zh__startswith="上海超导")
    project.cluster = Cluster.objects.get(slug=ZHANGJIANG)
    project.save()
    item = [p for p in data()["projects"] if p["id"] == project.pk][0]
    assert item["cluster"] == ZHANGJIANG and item["place"] == f"cluster:{ZHANGJIANG}"
    lat, lon = item["point"]["wgs84"]
    assert Cluster.objects.get(slug=ZHANGJIANG).boundary_shape().contains(Point(lon, lat))


def test_tianditu_is_offered_only_with_its_key_and_labels_in_the_readers_language(settings):
    settings.LAYOUT_BASEMAPS = [{"id": b, **django_settings.AVAILABLE_BASEMAPS[b]} for b in ("tianditu", "osm", "amap")]
    settings.TIANDITU_KEY = ""
    assert [b["id"] for b in map_data.basemaps("en")] == ["osm", "amap"]
    settings.TIANDITU_KEY = "k123"
    offered = {b["id"]: b for b in map_data.basemaps("zh-hans")}
    assert list(offered) == ["tianditu", "osm", "amap"]
    assert "tk=k123" in offered["tianditu"]["url"] and "/vec_w/" in offered["tianditu"]["url"]
    assert "/cva_w/" in offered["tianditu"]["labelsUrl"] and "tk=k123" in offered["tianditu"]["labelsUrl"]
    assert "/eva_w/" in map_data.basemaps("en")[0]["labelsUrl"]
    assert "{key}" not in json.dumps(offered)
    assert offered["amap"]["datum"] == "gcj02" and offered["osm"]["datum"] == "wgs84"
    assert offered["amap"]["labelsUrl"] is None


def test_map_config_names_its_approval_number_gcj02_sources_and_compare_page(settings):
    settings.LAYOUT_MAP_APPROVAL_NUMBER = "GS(2025)1234号"
    with translation.override("en"):
        config = pages.map_config()
        compare = reverse("cluster_compare", kwargs={"year": 2025})
    assert config["approvalNumber"] == "GS(2025)1234号"
    # The edition the map shows, not whichever is the latest when the map redraws.
    assert config["gcj02"] == {
        "districts": "/api/v1/editions/2025/districts.geojson?datum=gcj02",
        "clusters": "/api/v1/editions/2025/clusters.geojson?datum=gcj02",
    }
    assert config["compareUrl"] == compare and (config["compareMin"], config["compareMax"]) == (2, 4)
    assert config["language"] == "en"
    for label in config["districtLabels"]:
        lat, lon = label["latlngGcj02"]
        wgs_lat, wgs_lon = label["latlng"]
        assert Point(lon, lat).distance(geometry.wgs84_to_gcj02(Point(wgs_lon, wgs_lat))) < 2e-5


def test_no_basemap_by_default_needs_another_host_until_chosen(client):
    """The page offers tile basemaps but draws its own district basemap: nothing from another host loads."""
    response = client.get(reverse("cluster_map"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    config = page_json(response, "map-config")
    assert "tileLayer" not in config
    assert '<script id="map-data" type="application/json">' in response.content.decode()
    assert all(basemap["url"].startswith("https://") for basemap in config["basemaps"])


def test_the_summary_words_carry_the_placeholders_the_script_fills():
    with translation.override("en"):
        text = pages.map_text()
    assert "%(known)s" in text["sumPart"] and "%(count)s" in text["sumPart"] and "%(value)s" in text["sumPart"]
    assert "%(count)s" in text["sumNone"]
    assert text["notPublished"] == "not published"
    with translation.override("zh-hans"):
        assert pages.map_text()["notPublished"] == "未公布"


def test_the_list_beside_the_map_offers_each_cluster_to_show_open_and_compare(client):
    with translation.override("en"):
        address = reverse("cluster_map")
    html = client.get(address).content.decode()
    for cluster in Cluster.objects.all():
        assert f'<li class="cluster-item" data-slug="{cluster.slug}">' in html
        assert f'<input type="checkbox" class="compare-check" value="{cluster.slug}">' in html
    assert html.count('class="cluster-select"') == 14
