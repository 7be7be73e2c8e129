"""A visitor with a screen reader or a keyboard: axe-core finds nothing wrong on the map page, in both
languages, on a laptop and on a phone, with a popup, search results and the projects layer open."""

import pytest

from tests.browser.axe import axe_violations
from tests.browser.map_page import map_address, wait_until_still

pytestmark = pytest.mark.browser

XUHUI = "xuhui-artificial-intelligence"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_should_have_no_axe_violations_on_the_map(visit, language):
    visit.goto(map_address(language, f"?cluster={XUHUI}&projects=1&compare={XUHUI},changxing-marine-equipment"))
    page = visit.page
    # The popup as it ends its fade (at once, motion being reduced): its colours are the final ones.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    page.locator("#map-search-input").fill("pu")
    page.locator(".map-layers-toggle").click()
    assert page.locator(".project-marker").count() == 1
    assert axe_violations(page) == []
    visit.assert_clean()


def test_should_have_no_axe_violations_in_the_phone_drawer(visit):
    page = visit.page
    page.set_viewport_size({"width": 360, "height": 740})
    visit.goto(map_address("en"))
    assert not page.locator("#map-panel").is_visible()  # the drawer is closed: the map has the screen
    page.get_by_role("button", name="Search, filter, list").click()
    # The drawer as it ends its slide (at once, motion being reduced): in place, fully visible.
    page.wait_for_function(
        """() => { const panel = getComputedStyle(document.getElementById('map-panel'));
                   return panel.visibility === 'visible' && panel.transform === 'none'; }"""
    )
    assert axe_violations(page) == []
    # Choosing a cluster closes the drawer and shows it on the map.
    page.locator(f'.cluster-item[data-slug="{XUHUI}"] .cluster-select').click()
    wait_until_still(visit)
    page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{XUHUI}"]')
    assert page.get_by_role("button", name="Search, filter, list").get_attribute("aria-expanded") == "false"
    visit.assert_clean()
