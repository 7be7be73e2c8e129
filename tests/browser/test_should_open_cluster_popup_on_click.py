"""A visitor clicks the Jiading cluster on the map, reads its popup and follows it to its page."""

import pytest
import shapely
from django.utils import translation

from layout.models import Cluster
from tests.browser.map_page import map_point

pytestmark = pytest.mark.browser

JIADING = "310114"


def test_should_open_cluster_popup_on_click(visit):
    cluster = Cluster.objects.get(district__adcode=JIADING)
    with translation.override("en"):
        english_address = cluster.get_absolute_url()
    assert cluster.boundary, "the Jiading cluster has an indicative boundary to click"
    inside = shapely.geometry.shape(cluster.boundary).representative_point()
    visit.goto("/en/")  # the browser asks for en-GB

    x, y = map_point(visit.page, inside.y, inside.x)
    # What is under the pointer there is the cluster's own shape, not a panel or label.
    assert visit.page.evaluate("([x, y]) => document.elementFromPoint(x, y).dataset.slug", [x, y]) == cluster.slug
    visit.page.mouse.click(x, y)

    popup = visit.page.locator(".leaflet-popup .cluster-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert cluster.name_zh in text and cluster.name_en in text
    assert "Jiading" in popup.locator(".popup-facts").inner_text()
    # The figures it lacks are one line, not a row of "not published" each.
    assert popup.locator(".fact-investment, .fact-space, .fact-scenarios").count() == 0
    assert popup.locator(".not-yet-published").inner_text() == "Not yet published: space, investment, open scenarios"
    assert popup.locator(".fact-boundary dd").inner_text() == "indicative boundary (not official)"

    popup.get_by_role("link").click()
    visit.page.wait_for_url(f"**{english_address}")
    visit.page.wait_for_selector("[data-ready=true]", state="attached")
    assert cluster.name_zh in visit.page.locator("h1").inner_text()
    # The page groups what is unknown on one line too.
    assert visit.page.locator(".figure-value").count() == 0
    assert (
        visit.page.locator(".figures-unpublished").inner_text()
        == "Not yet published: space, investment, open scenarios"
    )
    visit.assert_clean()
