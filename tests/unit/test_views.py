"""Every public page and API answer, as a reader's browser receives them."""

import gzip
import json
import re

import pytest
import shapely
from django.urls import reverse
from django.utils import translation

from layout import pages
from layout.models import Cluster, District, HeadlineFigure
from tests.unit.page_reader import page_json, read_page

pytestmark = pytest.mark.usefixtures("layout_data")

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"


def url(language, name="cluster_map", *args):
    """A public page's address in a language: /en/… or /zh-hans/…"""
    with translation.override(language):
        return reverse(name, args=args)


def pinned(language, name="cluster_map", *args, year=2025):
    """The address a page links to: in its edition (/en/2025/…), so that a shared link keeps its meaning."""
    with translation.override(language):
        return reverse(name, kwargs={"year": year, **({"slug": args[0]} if args else {})})


def is_foreign(address):
    return bool(re.match(r"^(https?:)?//", address.strip(), re.IGNORECASE))


def test_map_page_has_the_map_legend_totals_and_their_source(client):
    response = client.get(url("en"))
    assert response.status_code == 200
    page = read_page(response)
    assert page.html_lang == "en"
    assert {"cluster-map", "legend-title", "map-config"} <= page.ids
    text = response.content.decode()
    for total in ("14", "15,000,000 m²", "50.9 billion CNY", "37", "21"):
        assert total in page.texts("headline-figure"), total
    source = HeadlineFigure.objects.get(key="clusters").source
    assert "Source:" in text and source.title in " ".join(page.texts("source-title"))
    assert "25 March 2025" in " ".join(page.texts("source"))
    assert "indicative area" in " ".join(page.texts("legend-items"))
    assert "location within the district not published" in " ".join(page.texts("legend-items"))


def test_map_page_in_chinese_reads_totals_in_wan_and_yi(client):
    response = client.get(url("zh-hans"))
    page = read_page(response)
    assert page.html_lang == "zh-hans"
    figures = page.texts("headline-figure")
    assert "1500万平方米" in figures and "509亿元" in figures


def test_map_page_lists_every_cluster_with_a_link_to_its_page(client):
    text = client.get(url("en")).content.decode()
    for cluster in Cluster.objects.all():
        assert f'href="{pinned("en", "cluster_detail", cluster.slug)}"' in text, cluster.slug


def test_map_page_loads_leaflet_and_our_module_from_our_own_host_only(client):
    page = read_page(client.get(url("en")))
    foreign = [(tag, address) for tag, address in page.fetched if is_foreign(address)]
    assert foreign == []
    addresses = [address for _tag, address in page.fetched]
    assert "/static/leaflet/leaflet.js" in addresses
    assert "/static/layout/cluster-map.js" in addresses
    assert "/static/layout/layout.css" in addresses


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_public_map_pages_load_leaflet_alone_and_no_script_that_holds_up_the_first_paint(client, language):
    # django-leaflet's {% leaflet_js %} added the admin's drawing plugin and parser-blocking scripts.
    addresses = [url(language), url(language, "cluster_detail", ZHANGJIANG), f"/embed/?lang={language}"]
    for address in addresses:
        text = client.get(address).content.decode()
        scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", text)
        assert any("/static/leaflet/leaflet.js" in tag for tag in scripts), address
        blocking = [tag for tag in scripts if not re.search(r'\sdefer\b|\sasync\b|type="module"', tag)]
        assert blocking == [], address
        assert [name for name in ("leaflet.draw", "leaflet.forms", "leaflet.extras") if name in text] == [], address


def test_map_page_sends_the_map_data_as_json_not_as_template_built_script(client):
    response = client.get(url("en"))
    config = page_json(response, "map-config")
    assert '<script id="map-config" type="application/json">' in response.content.decode()
    # The geometry is not in the page: the clusters and districts are answers of their own.
    assert "coordinates" not in response.content.decode()
    clusters = client.get(config["clustersUrl"])
    assert clusters["Content-Type"] == "application/geo+json" and len(clusters.json()["features"]) == 14
    # The districts as released: a static file (WhiteNoise streams it), content-hashed when collected.
    assert config["districtsUrl"].startswith("/static/")
    districts = client.get(config["districtsUrl"])
    assert districts["Content-Type"] == "application/geo+json"
    assert len(json.loads(b"".join(districts.streaming_content))["features"]) == 16


def test_map_page_reads_districts_changed_since_the_release_from_the_database(client):
    district = District.objects.get(adcode="310104")
    district.boundary = {
        "type": "Polygon",
        "coordinates": [[[121.43, 31.17], [121.45, 31.17], [121.45, 31.19], [121.43, 31.19], [121.43, 31.17]]],
    }
    district.save()
    config = page_json(client.get(url("en")), "map-config")
    assert config["districtsUrl"] == reverse("map_district_geojson")
    features = {f["properties"]["adcode"]: f for f in client.get(config["districtsUrl"]).json()["features"]}
    assert len(features) == 16 and features["310104"]["geometry"] == district.boundary


def test_map_page_places_each_district_name_inside_its_district(client):
    labels = page_json(client.get(url("en")), "map-config")["districtLabels"]
    assert len(labels) == 16
    for label in labels:
        lat, lon = label["latlng"]
        district = District.objects.get(adcode=label["adcode"])
        assert shapely.geometry.shape(district.boundary).contains(shapely.Point(lon, lat)), label["name"]


def test_every_cluster_page_answers_with_its_names_and_figures(client):
    clusters = list(Cluster.objects.all())
    assert len(clusters) == 14
    for cluster in clusters:
        for language in ("en", "zh-hans"):
            response = client.get(url(language, "cluster_detail", cluster.slug))
            assert response.status_code == 200, cluster.slug
            page = read_page(response)
            assert cluster.name_zh in page.texts("cluster-name")
            values = page.texts("figure-value")
            unpublished = " ".join(page.texts("figures-unpublished"))
            # Each of the three figures is shown with its value, or named once on the "not yet published" line.
            known = [
                cluster.space_m2 is not None,
                cluster.investment_cny is not None,
                cluster.published_scenario_count is not None,
            ]
            assert len(values) == sum(known), cluster.slug
            assert bool(unpublished) == (not all(known)), cluster.slug
            assert "0" not in values
            if cluster.investment_cny is None:
                assert ("investment" if language == "en" else "投资") in unpublished, cluster.slug


@pytest.mark.parametrize("language, space", [("en", "3,750,000 m²"), ("zh-hans", "375万平方米")])
def test_zhangjiang_page_shows_its_published_space_with_the_wording_of_its_source(client, language, space):
    response = client.get(url(language, "cluster_detail", ZHANGJIANG))
    page = read_page(response)
    assert page.texts("figure-value") == [space]
    unpublished = "Not yet published: investment, open scenarios" if language == "en" else "尚未公布：投资、开放场景"
    assert page.texts("figures-unpublished") == [unpublished]
    text = response.content.decode()
    assert "375万方" in text  # the source's own wording, quoted beside the figure
    assert "人形机器人训练场" in text  # its named scenario


def test_cluster_page_says_when_the_location_is_not_published(client):
    cluster = Cluster.objects.filter(boundary__isnull=True).first()
    text = client.get(url("en", "cluster_detail", cluster.slug)).content.decode()
    assert "location within the district not published" in text.lower()


def test_cluster_page_with_indicative_boundary_says_it_is_indicative(client):
    cluster = Cluster.objects.exclude(boundary__isnull=True).filter(boundary_status="indicative").first()
    text = client.get(url("en", "cluster_detail", cluster.slug)).content.decode()
    assert "indicative boundary (not official)" in text
    assert cluster.boundary_method in text


def test_cluster_page_loads_nothing_from_another_host(client):
    page = read_page(client.get(url("en", "cluster_detail", ZHANGJIANG)))
    assert [a for _t, a in page.fetched if is_foreign(a)] == []
    assert "/static/layout/cluster-detail.js" in [a for _t, a in page.fetched]
    assert {"cluster-detail-map", "cluster-feature", "district-feature"} <= page.ids


def test_unknown_cluster_is_404(client):
    for language in ("en", "zh-hans"):
        assert client.get(f"/{language}/clusters/no-such-cluster/").status_code == 404


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


@pytest.mark.django_db
def test_published_number_of_scenarios_shows_with_its_source_and_unknown_elsewhere(layout_data, client):
    xuhui = client.get(url("en", "cluster_detail", "xuhui-artificial-intelligence")).content.decode()
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
    assert client.get(url("zh-hans", "cluster_detail", cluster.slug)).status_code == 404
    assert cluster.name_zh not in client.get(url("zh-hans")).content.decode()


# ---- Languages in the address, and the pages beside the map ----


@pytest.mark.parametrize(
    "accept, target",
    [
        ("en-GB,en;q=0.9", "/en/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("zh-TW,zh;q=0.9", "/zh-hans/"),
        ("fr-FR,fr;q=0.9", "/zh-hans/"),
        ("", "/zh-hans/"),
    ],
)
def test_the_root_sends_a_visitor_to_the_language_their_browser_asks_for(client, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


def test_an_old_address_without_language_keeps_its_path_and_query(client):
    response = client.get(f"/clusters/{ZHANGJIANG}/?from=share", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == f"/en/clusters/{ZHANGJIANG}/?from=share"


def test_the_address_decides_the_language_whatever_the_browser_asks_for(client):
    page = read_page(client.get(url("en", "cluster_detail", ZHANGJIANG), **ZH))
    assert page.html_lang == "en"
    assert page.texts("figure-value")[0] == "3,750,000 m²"
    page = read_page(client.get(url("zh-hans", "cluster_detail", ZHANGJIANG), **EN))
    assert page.html_lang == "zh-hans"
    assert page.texts("figure-value")[0] == "375万平方米"


def language_switch(response):
    """{language code: address} of the links in the page's language switch."""
    found = re.findall(
        r'<a href="([^"]+)" lang="[^"]+" hreflang="([^"]+)"[^>]*data-language-switch', response.content.decode()
    )
    return {{"zh-Hans": "zh-hans", "en": "en"}[hreflang]: address.replace("&amp;", "&") for address, hreflang in found}


@pytest.mark.parametrize(
    "name, args, query",
    [
        ("cluster_detail", [ZHANGJIANG], ""),
        ("cluster_compare", [], f"?clusters={ZHANGJIANG},xuhui-artificial-intelligence"),
        ("scenario_list", [], ""),
        ("project_list", [], "?sort=name&page=1"),
    ],
)
def test_the_language_switch_keeps_the_reader_on_the_same_page_and_query(client, name, args, query):
    links = language_switch(client.get(url("en", name, *args) + query))
    assert set(links) == {"en", "zh-hans"}
    for language, address in links.items():
        path, _sep, rest = address.partition("?")
        assert path == pinned(language, name, *args)
        assert ("?" + rest.replace("%2C", ",") if rest else "") == query


def test_every_public_page_links_the_others_and_both_languages(client):
    for name in ("cluster_map", "scenario_list", "project_list", "cluster_compare"):
        text = client.get(url("en", name)).content.decode()
        for other in ("cluster_map", "scenario_list", "project_list", "cluster_compare"):
            assert f'href="{pinned("en", other)}"' in text, (name, other)
        assert 'hreflang="zh-Hans"' in text and 'hreflang="en"' in text


@pytest.mark.parametrize(
    "address, way_back",
    [
        ("/en/no-such-page/", ("/en/", "Back to the map")),
        ("/zh-hans/clusters/no-such-cluster/", ("/zh-hans/", "返回地图")),
        ("/de/", ("/zh-hans/", "返回地图")),  # no German pages: the default language's
    ],
)
def test_unknown_addresses_are_404_with_a_way_back(client, address, way_back):
    response = client.get(address)
    assert response.status_code == 404
    href, text = way_back
    assert f'<a href="{href}">{text}</a>' in response.content.decode()


def test_scenarios_page_lists_every_published_scenario_under_its_category_with_cluster_and_source(client):
    response = client.get(url("en", "scenario_list"))
    assert response.status_code == 200
    text = response.content.decode()
    page = read_page(response)
    assert page.texts("share") == ["5 of 37"]
    assert "开放四大类37个重点场景" in text  # the headline figure's own wording, with its source
    for category in (
        "industry incubation",
        "technology breakthrough",
        "transformation and upgrading",
        "application demonstration",
        "category not published",
    ):
        assert category in text
    assert len(page.texts("scenario-title")) >= 5
    assert f'href="{pinned("en", "cluster_detail", ZHANGJIANG)}"' in text
    assert page.texts("scenario-cluster").count("cluster not published") == 3


def test_scenarios_page_in_chinese(client):
    page = read_page(client.get(url("zh-hans", "scenario_list")))
    assert page.html_lang == "zh-hans"
    assert page.texts("share") == ["37个中的5个"]


def test_projects_page_lists_published_projects_with_figures_district_and_source(client):
    response = client.get(url("en", "project_list"))
    text = response.content.decode()
    page = read_page(response)
    assert page.texts("share") == ["2 of 21"]
    assert "2.5 billion CNY" in page.texts("project-investment")
    assert "Shanghai Superconductor 2G high-temperature superconducting tape" in text
    assert "Pudong New Area" in text and "cluster not published" in text
    assert "25 March 2025" in text


def test_compare_page_shows_three_clusters_side_by_side(client):
    response = client.get(
        url("en", "cluster_compare") + f"?clusters={ZHANGJIANG},xuhui-artificial-intelligence,"
        "putuo-intelligent-software"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('<th scope="col"') == 3
    assert "3,750,000 m²" in text and "100,000 m²" in text and "not published" in text
    assert text.count('type="checkbox"') == 14
    assert text.count(" checked>") == 3


def test_the_compare_form_answers_with_the_short_address_a_reader_can_share(client):
    response = client.get(url("en", "cluster_compare"), {"clusters": [ZHANGJIANG, "xuhui-artificial-intelligence"]})
    assert response.status_code == 302
    assert (
        response["Location"] == url("en", "cluster_compare") + f"?clusters={ZHANGJIANG},xuhui-artificial-intelligence"
    )


@pytest.mark.parametrize(
    "count, status, message",
    [
        (1, 200, "Choose at least 2 clusters to compare (you chose 1)."),
        (5, 400, "Choose at most 4 clusters to compare (you chose 5)."),
    ],
)
def test_compare_with_one_or_five_clusters_says_what_to_do(client, count, status, message):
    slugs = ",".join(Cluster.objects.values_list("slug", flat=True)[:count])
    response = client.get(url("en", "cluster_compare") + f"?clusters={slugs}")
    assert response.status_code == status
    text = response.content.decode()
    assert 'role="alert"' in text and message in text
    assert "<table" not in text


def checkboxes(text):
    """The comparison form's choices: (slug, ticked) in order."""
    return [
        (m[1], bool(m[2]))
        for m in re.finditer(r'<input type="checkbox" name="clusters" value="([^"]+)"[^>]*?( checked)?>', text)
    ]


def test_beyond_the_listed_most_the_compare_form_finds_clusters_instead_of_listing_all(client, monkeypatch):
    """With more published clusters than a form can list, a comparison carries only its clusters and those
    a reader looks for, by part of a name or by number, and still works without script."""
    monkeypatch.setattr(pages, "COMPARE_LISTED_MOST", 5)
    xuhui = Cluster.objects.get(slug="xuhui-artificial-intelligence")
    base = url("en", "cluster_compare") + f"?clusters={ZHANGJIANG},{xuhui.slug}"
    text = client.get(base).content.decode()
    assert checkboxes(text) == [(ZHANGJIANG, True), (xuhui.slug, True)]
    assert 'type="search" id="compare-find" name="find"' in text and text.count('<th scope="col"') == 2
    # The reader's search, sent with the ticks, comes back as a short address.
    response = client.get(url("en", "cluster_compare"), {"clusters": [ZHANGJIANG, xuhui.slug], "find": " Putuo "})
    assert response.status_code == 302 and response["Location"] == base + "&find=Putuo"
    found = checkboxes(client.get(response["Location"]).content.decode())
    assert found == [(ZHANGJIANG, True), (xuhui.slug, True), ("putuo-intelligent-software", False)]
    by_number = Cluster.objects.get(slug="putuo-intelligent-software").number
    assert ("putuo-intelligent-software", False) in checkboxes(client.get(base + f"&find={by_number}").content.decode())
    for chinese in ("普陀", "软件"):  # its district, part of its name
        page = client.get(base.replace("/en/", "/zh-hans/") + f"&find={chinese}").content.decode()
        assert ("putuo-intelligent-software", False) in checkboxes(page)
    # A chosen cluster is not offered twice; nothing found is said.
    assert checkboxes(client.get(base + "&find=Xuhui").content.decode()) == [(ZHANGJIANG, True), (xuhui.slug, True)]
    assert "No other published cluster matches “Atlantis”." in client.get(base + "&find=Atlantis").content.decode()


def test_compare_with_an_unknown_cluster_names_it(client):
    response = client.get(url("en", "cluster_compare") + f"?clusters={ZHANGJIANG},atlantis")
    assert response.status_code == 400
    assert "There is no published cluster atlantis." in response.content.decode()


def test_cluster_page_shares_well_with_opengraph_and_schema_org(client):
    response = client.get(url("en", "cluster_detail", ZHANGJIANG))
    text = response.content.decode()
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    assert f'<meta property="og:title" content="{cluster.name_en}">' in text.replace("&#x27;", "'")
    assert f'<meta property="og:url" content="http://testserver/en/2025/clusters/{ZHANGJIANG}/">' in text
    assert '<meta property="og:image" content="http://testserver/static/layout/preview.png">' in text
    assert '<meta property="og:locale" content="en_GB">' in text
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL)
    place = json.loads(found.group(1))
    assert place["@type"] == "Place" and place["name"] == cluster.name_en
    assert client.get("/static/layout/preview.png").status_code == 200


def test_schema_org_data_cannot_close_its_script_element(client):
    Cluster.objects.filter(slug=ZHANGJIANG).update(description_en="</script><script>alert(1)</script>")
    text = client.get(url("en", "cluster_detail", ZHANGJIANG)).content.decode()
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL)
    assert json.loads(found.group(1))["description"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in text


def test_cluster_page_marks_a_missing_translation_and_never_shows_an_empty_label(client):
    Cluster.objects.filter(slug=ZHANGJIANG).update(name_en="", lead_track_en="")
    response = client.get(url("en", "cluster_detail", ZHANGJIANG))
    text = response.content.decode()
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    assert f'<span lang="zh-Hans">{cluster.name_zh}</span> <span class="fallback-badge">(in Chinese)</span>' in text
    assert (
        f'<span lang="zh-Hans">{cluster.lead_track_zh}</span> <span class="fallback-badge">(in Chinese)</span>' in text
    )
    assert f'<meta property="og:title" content="{cluster.name_zh}">' in text


def test_dates_on_pages_read_per_language(client):
    assert "25 March 2025" in client.get(url("en", "cluster_detail", ZHANGJIANG)).content.decode()
    assert "2025年3月25日" in client.get(url("zh-hans", "cluster_detail", ZHANGJIANG)).content.decode()


@pytest.mark.parametrize(
    "language, scenarios_text, cluster_url",
    [
        ("en", "not published (1 named)", f"/en/2025/clusters/{ZHANGJIANG}/"),
        ("zh-hans", "未公布（已公布名称1个）", f"/zh-hans/2025/clusters/{ZHANGJIANG}/"),
    ],
)
def test_api_is_language_neutral_and_takes_lang(client, language, scenarios_text, cluster_url):
    # The browser asks for the other language: ?lang= wins.
    other = ZH if language == "en" else EN
    response = client.get("/api/v1/clusters.geojson", {"lang": language}, **other)
    assert response.status_code == 200 and response["Content-Language"] == language
    feature = next(f for f in response.json()["features"] if f["id"] == ZHANGJIANG)
    assert feature["properties"]["scenarios_text"] == scenarios_text
    assert feature["properties"]["url"] == cluster_url


@pytest.mark.django_db
def test_the_map_page_is_sent_compressed_to_browsers_that_accept_it(layout_data, client):
    response = client.get("/zh-hans/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content)
    assert len(response.content) < len(page) / 3
    assert "map-config" in page.decode()
