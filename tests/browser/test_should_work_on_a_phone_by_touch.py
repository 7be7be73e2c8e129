"""On a 360 px phone, by touch: the map fills the screen with nothing overlapping, the drawer opens with
the list, a tapped cluster opens on the map, and its link leads to its page."""

import pytest
from django.utils import translation

from layout.models import Cluster
from tests.browser.map_page import map_address, wait_until_still

pytestmark = pytest.mark.browser

XUHUI = "xuhui-artificial-intelligence"


def overlapping_controls(page):
    """Pairs of map controls (and the header) whose boxes overlap, and controls off the screen."""
    return page.evaluate(
        """() => {
            const boxes = [...document.querySelectorAll('.leaflet-control, .site-header h1, .site-nav-pages, .language-switch')]
                .filter((node) => node.offsetParent !== null)
                .map((node) => ({ name: node.className.split(' ').slice(0, 2).join('.'),
                                  box: node.getBoundingClientRect() }));
            const problems = [];
            for (const { name, box } of boxes) {
                if (box.left < 0 || box.right > window.innerWidth || box.bottom > window.innerHeight) {
                    problems.push(`${name} off the screen`);
                }
            }
            for (let i = 0; i < boxes.length; i++) {
                for (let j = i + 1; j < boxes.length; j++) {
                    const a = boxes[i].box, b = boxes[j].box;
                    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) {
                        problems.push(`${boxes[i].name} overlaps ${boxes[j].name}`);
                    }
                }
            }
            return problems;
        }"""
    )


@pytest.fixture
def phone(open_visit):
    """A 360 px phone, by touch."""
    return open_visit(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2)


def test_should_work_on_a_phone_by_touch(phone):
    page = phone.page
    cluster = Cluster.objects.get(slug=XUHUI)
    with translation.override("en"):
        detail = cluster.get_absolute_url()
    phone.goto(map_address("en"))
    assert overlapping_controls(page) == []
    map_box = page.locator("#cluster-map").bounding_box()
    assert map_box["width"] == 360 and map_box["height"] > 740 * 0.6  # the map has the screen

    page.locator(".map-legend summary").tap()
    assert page.locator(".map-legend").get_attribute("open") is not None
    page.locator(".map-legend summary").tap()

    toggle = page.get_by_role("button", name="Search, filter, list")
    toggle.tap()
    page.wait_for_function("() => getComputedStyle(document.getElementById('map-panel')).visibility === 'visible'")
    assert toggle.get_attribute("aria-expanded") == "true"
    item = page.locator(f'.cluster-item[data-slug="{XUHUI}"] .cluster-select')
    item.scroll_into_view_if_needed()
    item.tap()
    page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{XUHUI}"]')
    page.wait_for_function("() => getComputedStyle(document.getElementById('map-panel')).visibility === 'hidden'")
    wait_until_still(phone)  # the popup pans the map into view once it opens
    popup = page.locator(".leaflet-popup").bounding_box()
    assert popup["x"] >= 0 and popup["x"] + popup["width"] <= 360
    assert popup["y"] >= page.locator(".drawer-toggle").bounding_box()["y"] + 40  # clear of the drawer button

    page.locator(".leaflet-popup .popup-link").tap()
    page.wait_for_url(f"**{detail}")


def test_should_keep_the_controls_apart_in_chinese_with_an_approval_number(phone, settings):
    settings.LAYOUT_MAP_APPROVAL_NUMBER = "沪S（2025）001号"
    page = phone.page
    phone.goto(map_address("zh-hans", "?projects=1"))
    assert page.locator(".map-approval").is_visible()
    assert overlapping_controls(page) == []
