"""A district official draws their cluster's boundary in the admin; the public sees it once a reviewer publishes."""

import json

import pytest
import shapely
from django.urls import reverse
from shapely.geometry import shape
from shapely.ops import polylabel

from layout.models import Cluster, District
from layout.roles import DISTRICT_EDITOR, REVIEWER
from tests.browser.conftest import official_who_signs_in, sign_in
from tests.browser.map_page import map_point

pytestmark = pytest.mark.browser

PUTUO = "310107"  # its cluster's location is not published: no boundary yet


@pytest.fixture
def officials(layout_data, django_user_model):
    putuo = District.objects.get(adcode=PUTUO)
    editor = official_who_signs_in(django_user_model, "putuo-editor", DISTRICT_EDITOR, putuo)
    return editor, official_who_signs_in(django_user_model, "reviewer", REVIEWER)


def place_vertex(page, x, y, placed):
    """leaflet.draw places a vertex where the pointer went down and came up without moving; for a moment after
    each vertex it ignores a press (its _disableMarkers), so wait until it takes one, then until it has."""
    page.wait_for_function(
        """() => {
            const map = document.getElementById("id_boundary-map").layoutMap;
            const drawing = (map._events.mousemove || []).map((listener) => listener.ctx)
                .find((handler) => handler instanceof L.Draw.Polyline);
            return drawing && !drawing._disableMarkers;
        }"""
    )
    page.mouse.move(x, y, steps=4)
    # The press lands on leaflet.draw's cursor marker, which follows the pointer; a press before it has caught
    # up falls on the bare map and places nothing.
    page.wait_for_function(
        "([x, y]) => document.elementFromPoint(x, y).classList.contains('leaflet-mouse-marker')", arg=[x, y]
    )
    page.mouse.down()
    page.mouse.up()
    page.wait_for_function(
        "(placed) => document.querySelectorAll('#id_boundary-map .leaflet-editing-icon').length === placed", arg=placed
    )


def public_geometry(page, live_server, slug):
    api = page.request.get(f"{live_server.url}/api/v1/clusters.geojson").json()
    features = {f["properties"]["slug"]: f for f in api["features"]}
    return features[slug]["geometry"]


def map_page_geometry(page, live_server, slug):
    """The geometry the public map page draws for the cluster (from the address its config gives)."""
    page.goto(f"{live_server.url}/en/")
    page.wait_for_selector("[data-ready=true]", state="attached")
    config = json.loads(page.locator("#map-config").text_content())
    features = page.request.get(f"{live_server.url}{config['clustersUrl']}").json()
    return next(f for f in features["features"] if f["properties"]["slug"] == slug)["geometry"]


def test_should_publish_a_drawn_boundary(open_visit, live_server, officials):
    cluster = Cluster.objects.get(district__adcode=PUTUO)
    assert cluster.is_published and cluster.boundary is None
    change_path = reverse("admin:layout_cluster_change", args=[cluster.pk])

    # The Putuo official signs in and draws the cluster on the map of their district.
    editor = open_visit(viewport={"width": 1280, "height": 900}).page
    sign_in(editor, live_server.url, "putuo-editor", change_path)
    editor.wait_for_selector("#id_boundary-map[data-ready=true]")
    district = shape(District.objects.get(adcode=PUTUO).boundary)
    centre = polylabel(max(getattr(district, "geoms", [district]), key=lambda g: g.area), tolerance=1e-4)
    corners = [
        (centre.x - 0.006, centre.y - 0.004),
        (centre.x + 0.006, centre.y - 0.004),
        (centre.x + 0.006, centre.y + 0.004),
        (centre.x - 0.006, centre.y + 0.004),
    ]
    assert editor.locator("#id_boundary-map path[data-own-district=true]").count() == 1  # Putuo, highlighted
    editor.click("#id_boundary-map .leaflet-draw-draw-polygon")
    # Where the corners are on the screen now that the map is in view, as the map computes it.
    pixels = [map_point(editor, lat, lon, map_id="id_boundary-map") for lon, lat in corners]
    for placed, (x, y) in enumerate(pixels, start=1):
        place_vertex(editor, x, y, placed)
    # The toolbar's "Finish" closes the polygon, as an official would after the last corner.
    editor.click("#id_boundary-map .leaflet-draw-actions a[title='Finish drawing']")
    editor.wait_for_function("() => document.getElementById('id_boundary').value.includes('Polygon')")
    drawn = json.loads(editor.input_value("#id_boundary"))
    assert drawn["type"] == "MultiPolygon" and len(drawn["coordinates"][0][0]) == 5  # 4 corners, closed
    # The area readout follows the shape just after leaflet.forms has written the field (admin-map.js).
    editor.wait_for_function("() => Number(document.querySelector('.layout-area').dataset.areaM2) > 0")
    assert "km²" in editor.locator(".layout-area").first.inner_text()
    assert int(editor.locator(".layout-area").first.get_attribute("data-area-m2")) > 500_000
    editor.fill("#id_boundary_method", "Drawn in the admin by the Putuo office from the park plan.")
    editor.click("input[name=_save]")
    editor.wait_for_url("**/admin/layout/cluster/")
    assert "saved as a draft" in editor.locator(".messagelist").inner_text()

    # The public sees nothing of it yet: neither the API nor the map page.
    public = open_visit().page
    assert public_geometry(public, live_server, cluster.slug) is None
    assert map_page_geometry(public, live_server, cluster.slug) is None

    # A reviewer publishes it from the cluster list.
    reviewer = open_visit(viewport={"width": 1280, "height": 900}).page
    sign_in(reviewer, live_server.url, "reviewer", reverse("admin:layout_cluster_changelist"))
    reviewer.check(f"input[name=_selected_action][value='{cluster.pk}']")
    reviewer.select_option("select[name=action]", "publish_selected")
    reviewer.click("button[name=index]")
    reviewer.wait_for_selector(".messagelist")
    assert "1 record published" in reviewer.locator(".messagelist").inner_text()

    # Now the public API and map show the boundary the official drew.
    expected = shapely.Polygon(corners)
    for geometry in (
        public_geometry(public, live_server, cluster.slug),
        map_page_geometry(public, live_server, cluster.slug),
    ):
        assert geometry is not None
        assert shape(geometry).symmetric_difference(expected).area / expected.area < 0.05
