"""A district official draws their cluster's boundary in the admin; the public sees it once a reviewer publishes."""

import json
from urllib.parse import urlsplit

import pytest
import shapely
from django.contrib.auth.models import Group
from django.urls import reverse
from shapely.geometry import shape
from shapely.ops import polylabel

from layout.models import Cluster, District, EditorProfile
from layout.roles import DISTRICT_EDITOR, REVIEWER, ensure_roles

pytestmark = pytest.mark.browser

PUTUO = "310107"  # its cluster's location is not published: no boundary yet
PASSWORD = "a-long-enough-password"


@pytest.fixture
def officials(layout_data, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_roles()
    editor = django_user_model.objects.create_user("putuo-editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name=DISTRICT_EDITOR))
    EditorProfile.objects.create(user=editor, district=District.objects.get(adcode=PUTUO))
    reviewer = django_user_model.objects.create_user("reviewer", password=PASSWORD, is_staff=True)
    reviewer.groups.add(Group.objects.get(name=REVIEWER))
    return editor, reviewer


@pytest.fixture
def contexts(browser, live_server):
    """The browser contexts a test opens, closed before the live server stops (no request left in flight)."""
    opened = []
    yield opened
    for context in opened:
        context.close()


def new_page(browser, live_server, problems, contexts):
    """A page of its own (own cookies), that may reach only the live server and records script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    host = urlsplit(live_server.url).netloc
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).netloc in (host, "")
            or urlsplit(route.request.url).scheme not in ("http", "https")
            else route.abort()
        ),
    )
    contexts.append(context)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page


def sign_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def place_vertex(page, x, y):
    """leaflet.draw places a vertex where the pointer went down and came up without moving."""
    page.mouse.move(x, y, steps=4)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(400)  # two quick clicks would be a double-click, which ends the shape


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


def test_should_publish_a_drawn_boundary(browser, live_server, officials, contexts):
    cluster = Cluster.objects.get(district__adcode=PUTUO)
    assert cluster.is_published and cluster.boundary is None
    problems = []
    change_path = reverse("admin:layout_cluster_change", args=[cluster.pk])

    # The Putuo official signs in and draws the cluster on the map of their district.
    editor = new_page(browser, live_server, problems, contexts)
    sign_in(editor, live_server, "putuo-editor", change_path)
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
    pixels = editor.evaluate(
        """(corners) => {
            const map = document.getElementById("id_boundary-map").layoutMap;
            const box = map.getContainer().getBoundingClientRect();
            return corners.map(([lon, lat]) => {
                const p = map.latLngToContainerPoint([lat, lon]);
                return [box.left + p.x, box.top + p.y];
            });
        }""",
        corners,
    )
    vertices = "#id_boundary-map .leaflet-editing-icon"
    for placed, (x, y) in enumerate(pixels, start=1):
        place_vertex(editor, x, y)
        if editor.locator(vertices).count() < placed:
            # Under load leaflet.draw can miss a click, as it can a person's: who clicks again.
            place_vertex(editor, x, y)
        assert editor.locator(vertices).count() == placed
    # The toolbar's "Finish" closes the polygon, as an official would after the last corner.
    editor.click("#id_boundary-map .leaflet-draw-actions a[title='Finish drawing']")
    editor.wait_for_function("() => document.getElementById('id_boundary').value.includes('Polygon')")
    drawn = json.loads(editor.input_value("#id_boundary"))
    assert drawn["type"] == "MultiPolygon" and len(drawn["coordinates"][0][0]) == 5  # 4 corners, closed
    assert "km²" in editor.locator(".layout-area").first.inner_text()
    assert int(editor.locator(".layout-area").first.get_attribute("data-area-m2")) > 500_000
    editor.fill("#id_boundary_method", "Drawn in the admin by the Putuo office from the park plan.")
    editor.click("input[name=_save]")
    editor.wait_for_url("**/admin/layout/cluster/")
    assert "saved as a draft" in editor.locator(".messagelist").inner_text()

    # The public sees nothing of it yet: neither the API nor the map page.
    public = new_page(browser, live_server, problems, contexts)
    assert public_geometry(public, live_server, cluster.slug) is None
    assert map_page_geometry(public, live_server, cluster.slug) is None

    # A reviewer publishes it from the cluster list.
    reviewer = new_page(browser, live_server, problems, contexts)
    sign_in(reviewer, live_server, "reviewer", reverse("admin:layout_cluster_changelist"))
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
    assert problems == []
