"""A visitor in mainland China switches to AMap (drawn in GCJ-02): every overlay is shifted to GCJ-02
so that it lines up with the streets, checked against the published reference pair; tiles come from a
stub, so no test touches the network."""

import pytest
import shapely
from django.conf import settings as django_settings
from shapely.geometry import Point

from layout import geometry
from layout.models import Cluster, District
from tests.browser.map_page import drawn_rings, map_address, serve_stub_tiles, state

pytestmark = pytest.mark.browser

JIADING = "jiading-intelligent-connected-new-energy-vehicles"
# ANCHORS.md: WGS-84 (120.021519, 30.281543) ⇄ GCJ-02 (120.026268, 30.279164), lon/lat, from Alibaba Cloud.
REFERENCE_WGS84 = (120.021519, 30.281543)
REFERENCE_GCJ02 = (120.026268, 30.279164)
TWO_METRES = 2 / 111_000  # in degrees of latitude, about


@pytest.fixture
def amap_offered(settings):
    settings.LAYOUT_BASEMAPS = [{"id": "amap", **django_settings.AVAILABLE_BASEMAPS["amap"]}]


def drawn_shape(visit, slug):
    """The cluster's polygon as Leaflet draws it now, as a shapely shape in (lon, lat)."""
    rings = drawn_rings(visit, slug)
    return shapely.MultiPolygon([shapely.Polygon(ring) for ring in rings]).buffer(0)


def label_position(visit, name):
    return visit.page.evaluate(
        """(name) => {
            const map = document.getElementById("cluster-map").layoutMap;
            let found = null;
            map.eachLayer((layer) => {
                if (layer instanceof L.Tooltip && layer.getElement() && layer.getElement().textContent === name) {
                    found = [layer.getLatLng().lng, layer.getLatLng().lat];
                }
            });
            return found;
        }""",
        name,
    )


def test_should_shift_overlays_to_gcj02_on_amap_basemap(visit, amap_offered):
    # The conversion itself reproduces the published pair, on the server and in the browser.
    shifted = geometry.wgs84_to_gcj02(Point(*REFERENCE_WGS84))
    assert shifted.distance(Point(*REFERENCE_GCJ02)) < TWO_METRES
    tiles = serve_stub_tiles(visit, "**://*.autonavi.com/**")
    visit.goto(map_address("en"))
    in_browser = visit.page.evaluate(
        """async ([lon, lat]) => (await import("/static/layout/basemaps.js")).wgs84ToGcj02(lat, lon)""",
        list(REFERENCE_WGS84),
    )
    assert Point(in_browser[1], in_browser[0]).distance(Point(*REFERENCE_GCJ02)) < TWO_METRES

    cluster = Cluster.objects.get(slug=JIADING)
    wgs84 = shapely.geometry.shape(cluster.boundary)
    assert shapely.hausdorff_distance(drawn_shape(visit, JIADING), wgs84) < 1e-6
    assert tiles == []  # the district basemap needs no tile server

    visit.page.get_by_role("button", name="Map layers").click()
    visit.page.get_by_label("AMap (Gaode)").check()
    visit.page.wait_for_selector("#cluster-map[data-datum=gcj02]", state="attached")
    assert state(visit)["basemap"] == "amap"

    expected = geometry.wgs84_to_gcj02(wgs84)
    drawn = drawn_shape(visit, JIADING)
    assert shapely.hausdorff_distance(drawn, expected) < 2e-6
    # …which is the half-kilometre offset the AMap tiles have, not a rounding difference.
    assert shapely.hausdorff_distance(drawn, wgs84) > 0.003
    # A district drawn only by its district (location not published) and the district names move too.
    jiading = District.objects.get(adcode="310114")
    label = label_position(visit, "Jiading")
    wgs_label = geometry.label_point(jiading.boundary_shape())
    assert Point(label).distance(geometry.wgs84_to_gcj02(wgs_label)) < 2e-5
    putuo = Cluster.objects.get(slug="putuo-intelligent-software")
    assert not putuo.boundary
    hatched = visit.page.evaluate(
        """() => { let b = null; document.getElementById("cluster-map").layoutMap.eachLayer((layer) => {
              if (layer.options && layer.options.className === "cluster-unlocated" && layer.getBounds) {
                  const path = layer.getElement && layer.getElement();
                  if (path && path.dataset.slug === "putuo-intelligent-software") b = layer.getBounds().getWest();
              } }); return b; }"""
    )
    putuo_west = geometry.wgs84_to_gcj02(putuo.district.boundary_shape()).bounds[0]
    assert hatched == pytest.approx(putuo_west, abs=2e-6)
    # The tiles were asked for, and served by the stub.
    visit.page.wait_for_function("() => document.querySelectorAll('.leaflet-tile-loaded').length > 0")
    assert tiles and all("autonavi.com/appmaptile" in url for url in tiles)

    # Back to the district basemap: back to WGS-84.
    visit.page.get_by_label("Districts only (works offline)").check()
    visit.page.wait_for_selector("#cluster-map[data-datum=wgs84]", state="attached")
    assert shapely.hausdorff_distance(drawn_shape(visit, JIADING), wgs84) < 1e-6
    assert "basemap" not in state(visit)
    visit.assert_clean()


def test_should_offer_tianditu_only_with_a_key_with_labels_in_the_readers_language(visit, settings):
    settings.LAYOUT_BASEMAPS = [{"id": "tianditu", **django_settings.AVAILABLE_BASEMAPS["tianditu"]}]
    settings.TIANDITU_KEY = "test-key"
    settings.LAYOUT_MAP_APPROVAL_NUMBER = "沪S（2025）001号"
    tiles = serve_stub_tiles(visit, "**://*.tianditu.gov.cn/**")
    visit.goto(map_address("en", "?basemap=tianditu"))
    visit.page.wait_for_function("() => document.querySelectorAll('.leaflet-tile-loaded').length > 4")
    layers = {url.split(".tianditu.gov.cn/")[1].split("/")[0] for url in tiles}
    assert layers == {"vec_w", "eva_w"}  # English labels for an English reader
    assert all("tk=test-key" in url for url in tiles)
    assert "沪S（2025）001号" in visit.page.locator(".map-approval").inner_text()
    visit.assert_clean()
