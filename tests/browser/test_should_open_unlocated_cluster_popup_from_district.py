"""A cluster whose location is not published is still found: its district is hatched and opens its popup."""

import pytest
import shapely
from django.utils import translation

from layout.models import Cluster, District
from tests.browser.map_page import map_point

pytestmark = pytest.mark.browser

PUTUO = "310107"


def test_should_open_unlocated_cluster_popup_from_district(visit):
    cluster = Cluster.objects.get(district__adcode=PUTUO)
    with translation.override("en"):
        english_address = cluster.get_absolute_url()
    assert not cluster.boundary, "Putuo's cluster has no published location"
    district = District.objects.get(adcode=PUTUO)
    inside = shapely.geometry.shape(district.boundary).representative_point()
    visit.goto("/en/")  # the browser asks for en-GB

    hatched = visit.page.locator(f'path.cluster-unlocated[data-slug="{cluster.slug}"]')
    assert hatched.count() == 1
    assert hatched.get_attribute("fill").startswith("url(#hatch-")
    assert hatched.get_attribute("stroke-dasharray")  # drawn dashed: not a boundary

    x, y = map_point(visit.page, inside.y, inside.x)
    visit.page.mouse.click(x, y)
    popup = visit.page.locator(".leaflet-popup .cluster-popup")
    popup.wait_for()
    assert cluster.name_zh in popup.inner_text()
    assert popup.locator(".fact-boundary dd").inner_text() == "location within the district not published"
    assert popup.get_by_role("link").get_attribute("href") == english_address
    visit.assert_clean()
