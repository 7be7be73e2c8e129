"""A visitor on AMap (drawn in GCJ-02) opens a cluster's page from the map: its small map stays on AMap
with the cluster, its anchor and its district shifted to GCJ-02 so they line up with the streets; on the
district basemap they are drawn in WGS-84; tiles come from a stub, so no test touches the network."""

import pytest
import shapely
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from shapely.geometry import Point

from layout import geometry
from layout.models import Cluster
from tests.browser.map_page import drawn_rings, map_address, serve_stub_tiles, state, wait_until_still

pytestmark = pytest.mark.browser

JIADING = "jiading-intelligent-connected-new-energy-vehicles"
APPROVAL = "沪S（2025）001号"
TWO_METRES = 2 / 111_000  # in degrees of latitude, about
HALF_A_KILOMETRE = 0.003  # the AMap offset in Shanghai, in degrees, at least


@pytest.fixture
def amap_offered(settings):
    settings.LAYOUT_BASEMAPS = [
        {"id": basemap_id, **django_settings.AVAILABLE_BASEMAPS[basemap_id]} for basemap_id in ("osm", "amap")
    ]
    settings.LAYOUT_MAP_APPROVAL_NUMBER = APPROVAL


def detail_address(query=""):
    """The cluster's page as the map links to it: in its edition."""
    with translation.override("en"):
        return reverse("cluster_detail", kwargs={"year": 2025, "slug": JIADING}) + query


def drawn_area(visit):
    rings = drawn_rings(visit, JIADING, "cluster-detail-map")
    return shapely.MultiPolygon([shapely.Polygon(ring) for ring in rings]).buffer(0), rings


def drawn_anchor(visit):
    return Point(
        visit.page.evaluate(
            """() => { let found = null; document.getElementById("cluster-detail-map").layoutMap.eachLayer((layer) => {
              if (layer instanceof L.CircleMarker) found = [layer.getLatLng().lng, layer.getLatLng().lat]; });
              return found; }"""
        )
    )


def nearest_drawn_vertex(rings, point):
    return min(Point(vertex).distance(point) for ring in rings for vertex in ring)


def test_should_keep_the_basemap_on_the_detail_page(visit, amap_offered):
    cluster = Cluster.objects.get(slug=JIADING)
    wgs84 = shapely.geometry.shape(cluster.boundary)
    first_vertex = Point(cluster.boundary["coordinates"][0][0])
    tiles = serve_stub_tiles(visit, "**://*.autonavi.com/**")
    page = visit.page

    # The district basemap (the default): WGS-84, nothing fetched from a tile server.
    visit.goto(detail_address())
    area, rings = drawn_area(visit)
    assert shapely.hausdorff_distance(area, wgs84) < 1e-6
    assert nearest_drawn_vertex(rings, first_vertex) < 1e-6
    assert drawn_anchor(visit).distance(shapely.geometry.shape(cluster.anchor)) < 1e-6
    assert page.locator("#cluster-detail-map").get_attribute("data-datum") == "wgs84"
    assert APPROVAL in page.locator("#cluster-detail-map .map-approval").inner_text()
    assert tiles == []

    # On the map, AMap chosen: the popup's link to the cluster's page carries it…
    visit.goto(map_address("en", "?basemap=amap"))
    page.wait_for_selector("#cluster-map[data-datum=gcj02]", state="attached")
    page.locator(f'.cluster-item[data-slug="{JIADING}"] .cluster-select').click()
    wait_until_still(visit)
    link = page.locator(".leaflet-popup .popup-link")
    assert link.get_attribute("href") == detail_address("?basemap=amap")
    assert page.locator(f'.cluster-item[data-slug="{JIADING}"] .cluster-link').get_attribute("href") == detail_address(
        "?basemap=amap"
    )
    link.click()
    page.wait_for_url(f"**{detail_address('?basemap=amap')}")
    page.wait_for_selector("#cluster-detail-map[data-ready=true]", state="attached")

    # …and the small map opens on AMap, its overlays shifted to GCJ-02 like the tiles.
    assert page.locator("#cluster-detail-map").get_attribute("data-datum") == "gcj02"
    area, rings = drawn_area(visit)
    assert shapely.hausdorff_distance(area, geometry.wgs84_to_gcj02(wgs84)) < 2e-6
    assert shapely.hausdorff_distance(area, wgs84) > HALF_A_KILOMETRE
    assert nearest_drawn_vertex(rings, geometry.wgs84_to_gcj02(first_vertex)) < TWO_METRES
    anchor = shapely.geometry.shape(cluster.anchor)
    assert drawn_anchor(visit).distance(geometry.wgs84_to_gcj02(anchor)) < TWO_METRES
    district_west = page.evaluate(
        """() => { let west = null; document.getElementById("cluster-detail-map").layoutMap.eachLayer((layer) => {
              if (layer.feature && layer.feature.properties.adcode === "310114" && layer.getBounds)
                  west = layer.getBounds().getWest(); }); return west; }"""
    )
    assert district_west == pytest.approx(
        geometry.wgs84_to_gcj02(cluster.district.boundary_shape()).bounds[0], abs=2e-6
    )
    page.wait_for_function("() => document.querySelectorAll('#cluster-detail-map .leaflet-tile-loaded').length > 0")
    assert tiles and all("autonavi.com/appmaptile" in url for url in tiles)
    assert APPROVAL in page.locator("#cluster-detail-map .map-approval").inner_text()

    # The layers button switches back to the district basemap: WGS-84 again, the address follows.
    page.get_by_role("button", name="Map layers").click()
    assert page.get_by_label("AMap (Gaode)").is_checked()
    page.get_by_label("Districts only (works offline)").check()
    page.wait_for_selector("#cluster-detail-map[data-datum=wgs84]", state="attached")
    assert shapely.hausdorff_distance(drawn_area(visit)[0], wgs84) < 1e-6
    assert "basemap" not in state(visit)
    # Back to the map of the cluster's edition.
    assert page.locator(".site-header .back-link").get_attribute("href") == "/en/2025/"

    # AMap again, then back to the map: the map opens on AMap too.
    page.get_by_label("AMap (Gaode)").check()
    page.wait_for_selector("#cluster-detail-map[data-datum=gcj02]", state="attached")
    assert state(visit)["basemap"] == "amap"
    page.locator(".site-header .back-link").click()
    page.wait_for_selector("#cluster-map[data-datum=gcj02]", state="attached")
    assert state(visit)["basemap"] == "amap"
    visit.assert_clean()
