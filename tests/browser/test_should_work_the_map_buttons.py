"""The map's own buttons work with no other host: locate me (inside and outside Shanghai), full
screen, zoom back to all of Shanghai, and the scale bar."""

import pytest

from tests.browser.map_page import map_address, map_view, wait_until_still

pytestmark = pytest.mark.browser

PEOPLES_SQUARE = {"latitude": 31.2317, "longitude": 121.4726, "accuracy": 40}
MUNICH = {"latitude": 48.1372, "longitude": 11.5756, "accuracy": 40}


def test_should_work_the_map_buttons(visit):
    page = visit.page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(MUNICH)
    visit.goto(map_address("en"))
    whole_city = map_view(visit)
    assert page.locator(".leaflet-control-scale-line").first.inner_text().endswith("km")

    page.get_by_role("button", name="Show where I am").click()
    message = page.locator(".map-message")
    message.wait_for()
    assert message.inner_text() == "You are outside Shanghai: the map stays on Shanghai."
    assert map_view(visit) == whole_city

    page.context.set_geolocation(PEOPLES_SQUARE)
    page.get_by_role("button", name="Show where I am").click()
    page.wait_for_function("() => document.querySelector('.map-message').textContent.startsWith('You are here')")
    wait_until_still(visit)
    lat, lon, zoom = map_view(visit)
    assert (lat, lon) == pytest.approx((31.2317, 121.4726), abs=1e-3) and zoom >= 13

    page.get_by_role("button", name="Show all of Shanghai").click()
    wait_until_still(visit)
    assert map_view(visit) == pytest.approx(whole_city, abs=1e-3)

    page.get_by_role("button", name="Full screen", exact=True).click()
    page.wait_for_function("() => document.fullscreenElement === document.querySelector('.map-layout')")
    leave = page.get_by_role("button", name="Leave full screen", exact=True)
    leave.wait_for()
    assert leave.get_attribute("aria-pressed") == "true"
    leave.click()
    page.wait_for_function("() => document.fullscreenElement === null")
    back = page.get_by_role("button", name="Full screen", exact=True)
    back.wait_for()  # the button says so once the browser has left full screen
    assert back.get_attribute("aria-pressed") == "false"
    visit.assert_clean()
