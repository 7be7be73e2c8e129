"""An official types markup into a cluster's name: every reader sees it as text, nothing runs."""

import pytest
import shapely

from layout.models import Cluster
from tests.browser.map_page import map_point

pytestmark = pytest.mark.browser

MARKUP = '<img src="/nowhere.png" onerror="window.injected = true">'


def test_should_show_typed_markup_as_text(visit):
    cluster = Cluster.objects.get(district__adcode="310114")
    Cluster.objects.filter(pk=cluster.pk).update(name_en=f"Jiading {MARKUP}", name_zh=f"嘉定{MARKUP}")
    inside = shapely.geometry.shape(cluster.boundary).representative_point()
    visit.goto("/en/")  # the browser asks for en-GB
    x, y = map_point(visit.page, inside.y, inside.x)
    visit.page.mouse.move(x, y)  # the name tooltip
    tooltip = visit.page.locator(".cluster-tooltip")
    tooltip.wait_for()
    assert MARKUP in tooltip.inner_text()
    visit.page.mouse.click(x, y)
    popup = visit.page.locator(".leaflet-popup .cluster-popup")
    popup.wait_for()
    assert MARKUP in popup.locator("h3").inner_text()
    assert visit.page.locator(".leaflet-pane img, .map-panel img").count() == 0
    assert MARKUP in visit.page.locator(".cluster-list").inner_text()
    assert visit.page.evaluate("window.injected") is None
    visit.assert_clean()
