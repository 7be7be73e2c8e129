"""Every public page and API answer, as a reader's browser receives them."""
import re
from html.parser import HTMLParser

import pytest
import shapely
from django.urls import reverse

from layout import geometry
from layout.models import Cluster, District, HeadlineFigure

pytestmark = pytest.mark.usefixtures("layout_data")

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"


class PageParser(HTMLParser):
    """Collects what a browser would fetch (script/link/img addresses) and text by class."""

    def __init__(self):
        super().__init__()
        self.fetched = []
        self.ids = set()
        self.html_lang = None
        self._open = []  # (tag, classes) of open elements
        self.text_by_class = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in ("script", "img") and attrs.get("src"):
            self.fetched.append((tag, attrs["src"]))
        if tag == "link" and attrs.get("href"):
            self.fetched.append((tag, attrs["href"]))
        if tag not in ("br", "img", "link", "meta", "input", "hr"):
            self._open.append((tag, (attrs.get("class") or "").split()))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, classes in self._open:
            for name in classes:
                self.text_by_class.setdefault(name, []).append(data)

    def texts(self, class_name):
        """Text of each element of a class, whitespace collapsed (one entry per text run)."""
        return [" ".join(t.split()) for t in self.text_by_class.get(class_name, []) if t.strip()]


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def is_foreign(address):
    return bool(re.match(r"^(https?:)?//", address.strip(), re.IGNORECASE))


def test_map_page_has_the_map_legend_totals_and_their_source(client):
    response = client.get("/", **EN)
    assert response.status_code == 200
    page = parse(response)
    assert page.html_lang == "en"
    assert {"cluster-map", "legend-title", "cluster-features", "district-features", "map-config"} <= page.ids
    text = response.content.decode()
    for total in ("14", "15,000,000 m²", "50.9 billion CNY", "37", "21"):
        assert total in page.texts("headline-figure"), total
    source = HeadlineFigure.objects.get(key="clusters").source
    assert "Source:" in text and source.title in " ".join(page.texts("source-title"))
    assert "2025-03-25" in " ".join(page.texts("source"))
    assert "indicative area" in " ".join(page.texts("legend-items"))
    assert "location within the district not published" in " ".join(page.texts("legend-items"))


def test_map_page_in_chinese_reads_totals_in_wan_and_yi(client):
    response = client.get("/", **ZH)
    page = parse(response)
    assert page.html_lang == "zh-hans"
    figures = page.texts("headline-figure")
    assert "1500万平方米" in figures and "509亿元" in figures


def test_map_page_lists_every_cluster_with_a_link_to_its_page(client):
    text = client.get("/", **EN).content.decode()
    for cluster in Cluster.objects.all():
        assert f'href="{cluster.get_absolute_url()}"' in text, cluster.slug


def test_map_page_loads_leaflet_and_our_module_from_our_own_host_only(client):
    page = parse(client.get("/", **EN))
    foreign = [(tag, address) for tag, address in page.fetched if is_foreign(address)]
    assert foreign == []
    addresses = [address for _tag, address in page.fetched]
    assert "/static/leaflet/leaflet.js" in addresses
    assert "/static/layout/cluster-map.js" in addresses
    assert "/static/layout/layout.css" in addresses


def test_map_page_sends_the_map_data_as_json_not_as_template_built_script(client):
    response = client.get("/", **EN)
    clusters = response.context["cluster_features"]
    assert len(clusters["features"]) == 14
    assert len(response.context["district_features"]["features"]) == 16
    assert response.context["map_config"]["tileLayer"] is None
    assert '<script id="cluster-features" type="application/json">' in response.content.decode()


def test_map_page_places_each_district_name_inside_its_district(client):
    labels = client.get("/", **EN).context["map_config"]["districtLabels"]
    assert len(labels) == 16
    for label in labels:
        lat, lon = label["latlng"]
        district = District.objects.get(adcode=label["adcode"])
        assert shapely.geometry.shape(district.boundary).contains(shapely.Point(lon, lat)), label["name"]


def test_every_cluster_page_answers_with_its_names_and_figures(client):
    clusters = list(Cluster.objects.all())
    assert len(clusters) == 14
    for cluster in clusters:
        for headers, unknown in ((EN, "not published"), (ZH, "未公布")):
            response = client.get(cluster.get_absolute_url(), **headers)
            assert response.status_code == 200, cluster.slug
            page = parse(response)
            assert cluster.name_zh in page.texts("cluster-name")
            values = page.texts("figure-value")
            assert len(values) == 3, cluster.slug
            space, investment, scenarios = values
            if cluster.space_m2 is None:
                assert space == unknown, cluster.slug
            if cluster.investment_cny is None:
                assert investment == unknown, cluster.slug
            if cluster.published_scenario_count is None:
                assert scenarios == unknown, cluster.slug
            assert "0" not in (space, investment, scenarios)


@pytest.mark.parametrize("headers, space", [(EN, "3,750,000 m²"), (ZH, "375万平方米")])
def test_zhangjiang_page_shows_its_published_space_with_the_wording_of_its_source(client, headers, space):
    response = client.get(reverse("cluster_detail", args=[ZHANGJIANG]), **headers)
    page = parse(response)
    unknown = "not published" if headers is EN else "未公布"
    assert page.texts("figure-value") == [space, unknown, unknown]
    text = response.content.decode()
    assert "375万方" in text  # the source's own wording, quoted beside the figure
    assert "人形机器人训练场" in text  # its named scenario


def test_cluster_page_says_when_the_location_is_not_published(client):
    cluster = Cluster.objects.filter(boundary__isnull=True).first()
    text = client.get(cluster.get_absolute_url(), **EN).content.decode()
    assert "location within the district not published" in text.lower()


def test_cluster_page_with_indicative_boundary_says_it_is_indicative(client):
    cluster = Cluster.objects.exclude(boundary__isnull=True).filter(boundary_status="indicative").first()
    text = client.get(cluster.get_absolute_url(), **EN).content.decode()
    assert "indicative boundary (not official)" in text
    assert cluster.boundary_method in text


def test_cluster_page_loads_nothing_from_another_host(client):
    page = parse(client.get(reverse("cluster_detail", args=[ZHANGJIANG]), **EN))
    assert [a for _t, a in page.fetched if is_foreign(a)] == []
    assert "/static/layout/cluster-detail.js" in [a for _t, a in page.fetched]
    assert {"cluster-detail-map", "cluster-feature", "district-feature"} <= page.ids


def test_unknown_cluster_is_404(client):
    assert client.get("/clusters/no-such-cluster/").status_code == 404


@pytest.mark.parametrize("url, count", [("/api/v1/districts.geojson", 16), ("/api/v1/clusters.geojson", 14)])
def test_api_serves_rfc7946_geojson_in_wgs84(client, url, count):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == count
    for feature in collection["features"]:
        if feature["geometry"] is None:
            continue
        shape = shapely.geometry.shape(feature["geometry"])
        assert shape.geom_type in ("Polygon", "MultiPolygon")
        assert shape.is_valid, feature["id"]
        lon, lat = shape.representative_point().coords[0]
        assert 120.8 < lon < 122.3 and 30.6 < lat < 31.95, (feature["id"], lon, lat)


@pytest.mark.parametrize("url", ["/api/v1/districts.geojson", "/api/v1/clusters.geojson"])
def test_api_shifts_coordinates_to_gcj02_when_asked(client, url):
    wgs = {f["id"]: f for f in client.get(url).json()["features"]}
    gcj = {f["id"]: f for f in client.get(url, {"datum": "gcj02"}).json()["features"]}
    assert wgs.keys() == gcj.keys()
    compared = 0
    for key, feature in wgs.items():
        if feature["geometry"] is None:
            assert gcj[key]["geometry"] is None
            continue
        expected = geometry.wgs84_to_gcj02(shapely.geometry.shape(feature["geometry"]))
        got = shapely.geometry.shape(gcj[key]["geometry"])
        # Rounded to 6 decimals and re-oriented by the builder: compare shapes, not vertex order.
        assert shapely.hausdorff_distance(got, expected) < 2e-6, key
        compared += 1
    assert compared >= 10


def test_api_ignores_an_unknown_datum(client):
    plain = client.get("/api/v1/districts.geojson").json()
    assert client.get("/api/v1/districts.geojson", {"datum": "bd09"}).json() == plain


@pytest.mark.django_db
def test_published_number_of_scenarios_shows_with_its_source_and_unknown_elsewhere(layout_data, client):
    xuhui = client.get("/clusters/xuhui-artificial-intelligence/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "该集聚区一口气拿出了8个“引凤场景”" in xuhui
    features = client.get("/api/v1/clusters.geojson", HTTP_ACCEPT_LANGUAGE="en").json()["features"]
    texts = {f["properties"]["slug"]: f["properties"]["scenarios_text"] for f in features}
    assert texts["xuhui-artificial-intelligence"] == "8 (1 named)"
    assert texts["putuo-intelligent-software"] == "not published (0 named)"


@pytest.mark.django_db
def test_a_draft_cluster_stays_off_the_public_map_page_and_api(layout_data, client):
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    cluster.is_published = False
    cluster.save()
    features = client.get("/api/v1/clusters.geojson").json()["features"]
    assert ZHANGJIANG not in {f["id"] for f in features} and len(features) == 13
    assert client.get(cluster.get_absolute_url()).status_code == 404
    assert cluster.name_zh not in client.get("/").content.decode()
