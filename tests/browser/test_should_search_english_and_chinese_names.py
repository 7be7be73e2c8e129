"""A visitor types a name, in English or in Chinese, and the map flies to what it names: a cluster
opens, a district fills the map, a project goes to its district, a scenario to its cluster."""

import pytest
import shapely

from layout.models import Cluster, District
from tests.browser.map_page import map_address, map_view, open_popup_slug, state, wait_until_still

pytestmark = pytest.mark.browser

CHANGXING = "changxing-marine-equipment"
ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
JIADING = "310114"
PUDONG = "310115"


def search(visit, words):
    box = visit.page.locator("#map-search-input")
    box.fill(words)
    return visit.page.locator("#map-search-results .search-result")


def choose(visit, result):
    result.locator("button").click()
    wait_until_still(visit)


def map_shows(visit, shape, fills=0.0):
    """Whether the map's view holds the whole shape, and the shape's extent fills that share of it."""
    south, west, north, east = visit.page.evaluate(
        """() => { const b = document.getElementById("cluster-map").layoutMap.getBounds();
                   return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"""
    )
    view = shapely.box(west, south, east, north)
    return view.buffer(1e-4).contains(shape.envelope) and shape.envelope.area >= view.area * fills


def test_should_search_english_and_chinese_names(visit):
    visit.goto(map_address("en"))
    whole_city_zoom = map_view(visit)[2]

    # An English name, typed the way people type: lower case, half of it.
    results = search(visit, "changxing marine")
    assert visit.page.locator("#map-search-status").inner_text() == "Results: 1"
    choose(visit, results.first)
    visit.page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{CHANGXING}"]')
    assert state(visit)["cluster"] == CHANGXING
    changxing = Cluster.objects.get(slug=CHANGXING)
    assert map_shows(visit, shapely.geometry.shape(changxing.boundary))
    assert map_view(visit)[2] > whole_city_zoom
    assert visit.page.locator(f'.cluster-item[data-slug="{CHANGXING}"]').get_attribute("class").count("is-selected")

    # A Chinese district name without its 区: the district fills the map.
    results = search(visit, "嘉定")
    kinds = results.evaluate_all("(items) => items.map((li) => li.querySelector('.result-kind').textContent)")
    assert kinds[0] == "District"
    choose(visit, results.first)
    jiading = shapely.geometry.shape(District.objects.get(adcode=JIADING).boundary)
    assert map_shows(visit, jiading, fills=0.2)
    assert map_view(visit)[2] > whole_city_zoom

    # A project, by a Chinese word of its name: its cluster is not published, so its district.
    results = search(visit, "超导")
    assert results.count() == 1
    assert "Pudong New Area; cluster not published" in results.first.inner_text()
    choose(visit, results.first)
    # It opens the projects layer's popup where the project is placed: in its district.
    popup = visit.page.locator(".leaflet-popup .project-popup")
    popup.wait_for()
    assert "Shanghai Superconductor" in popup.inner_text()
    assert state(visit)["projects"] == "1" and "cluster" not in state(visit)
    at = visit.page.evaluate(
        """() => { let found = null;
                   document.getElementById("cluster-map").layoutMap.eachLayer((layer) => {
                       if (layer.isPopupOpen && layer.isPopupOpen() && layer.getLatLng) found = layer.getLatLng(); });
                   return [found.lng, found.lat]; }"""
    )
    assert shapely.geometry.shape(District.objects.get(adcode=PUDONG).boundary).contains(shapely.Point(at))
    visit.page.locator(".leaflet-popup-close-button").click()

    # A scenario by its English title opens the cluster that offers it.
    results = search(visit, "Humanoid")
    assert "Zhangjiang" in results.first.inner_text()
    choose(visit, results.first)
    visit.page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{ZHANGJIANG}"]')
    assert open_popup_slug(visit) == ZHANGJIANG

    # A scenario whose cluster is not published is found, and says why the map cannot show it.
    results = search(visit, "氢能")
    assert results.count() == 1
    assert results.first.locator("button").count() == 0
    assert "no place on the map" in results.first.inner_text()

    # Nothing found is said, not left blank.
    search(visit, "no such place")
    assert visit.page.locator("#map-search-status").inner_text() == "Nothing found for “no such place”."
    visit.assert_clean()


def test_should_search_from_the_keyboard_in_chinese(visit):
    visit.goto(map_address("zh-hans"))
    box = visit.page.locator("#map-search-input")
    box.fill("长兴")
    box.press("ArrowDown")
    focused = visit.page.evaluate("() => document.activeElement.textContent")
    assert "长兴海洋装备产业基地" in focused
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{CHANGXING}"]')
    # The popup takes the focus, so the next Tab reaches its link.
    visit.page.wait_for_function("() => document.activeElement.closest('.leaflet-popup') !== null")
    visit.assert_clean()
