"""A visitor without a mouse tabs to a cluster in the list beside the map, opens it on the map, reads its
popup, and follows its link to the cluster's page; the focus is visible at every step."""

import pytest
from django.utils import translation

from layout.models import Cluster
from tests.browser.map_page import map_address, open_popup_slug, wait_until_still

pytestmark = pytest.mark.browser

JIADING = "jiading-intelligent-connected-new-energy-vehicles"
MAX_TABS = 120


def focused(page):
    """What has the focus: its cluster (list item or popup), its text, and whether a focus ring shows."""
    return page.evaluate(
        """() => {
            const node = document.activeElement;
            const style = getComputedStyle(node);
            const item = node.closest('[data-slug]');
            return {
                slug: item ? item.dataset.slug : null,
                tag: node.tagName.toLowerCase(),
                classes: node.className && node.className.baseVal === undefined ? node.className : "",
                text: node.textContent.trim(),
                inPopup: node.closest('.leaflet-popup') !== null,
                ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            };
        }"""
    )


def test_should_reach_a_detail_page_by_keyboard_only(visit):
    cluster = Cluster.objects.get(slug=JIADING)
    with translation.override("en"):
        detail = cluster.get_absolute_url()
    visit.goto(map_address("en"))
    page = visit.page

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["ring"], f"no visible focus on {now}"
        if now["slug"] == JIADING and "cluster-select" in now["classes"]:
            break
    else:
        pytest.fail(f"{MAX_TABS} presses of Tab never reached the Jiading cluster in the list")
    assert cluster.name_zh in now["text"] and "Show on the map" in now["text"]

    # Enter shows it on the map and moves the focus into its popup.
    page.keyboard.press("Enter")
    wait_until_still(visit)
    page.wait_for_function("() => document.activeElement.closest('.leaflet-popup') !== null")
    assert open_popup_slug(visit) == JIADING
    assert page.locator(f'.cluster-item[data-slug="{JIADING}"] .cluster-select').get_attribute("aria-current") == "true"

    # Escape closes it and gives the focus back to the list.
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    assert focused(page)["slug"] == JIADING and "cluster-select" in focused(page)["classes"]

    page.keyboard.press("Enter")
    wait_until_still(visit)
    page.wait_for_function("() => document.activeElement.closest('.leaflet-popup') !== null")
    page.keyboard.press("Tab")
    link = focused(page)
    assert link["inPopup"] and link["tag"] == "a" and link["ring"]
    assert link["text"] == "Open the cluster's page →"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{detail}")
    assert cluster.name_zh in page.locator("h1").inner_text()
    visit.assert_clean()


def test_should_name_every_control_of_the_map_for_a_screen_reader(visit):
    visit.goto(map_address("en"))
    unnamed = visit.page.evaluate(
        """() => [...document.querySelectorAll('#cluster-map button, #cluster-map a[role=button], .map-panel button,'
                                              + ' .map-panel input, .map-panel select')]
            .filter((node) => !(node.getAttribute('aria-label') || node.textContent.trim()
                                || (node.labels && node.labels.length)))
            .map((node) => node.outerHTML.slice(0, 120))"""
    )
    assert unnamed == []
    names = [
        visit.page.get_by_role("button", name=name).count()
        for name in ("Zoom in", "Zoom out", "Show all of Shanghai", "Show where I am", "Full screen", "Map layers")
    ]
    assert names == [1] * 6
