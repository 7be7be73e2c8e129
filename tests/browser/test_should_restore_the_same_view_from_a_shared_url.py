"""A visitor narrows the map, picks clusters to compare, turns on projects, opens a cluster and zooms;
the address they share opens the same view elsewhere, and Back undoes their steps one by one."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.map_page import (
    drawn_slugs,
    listed_slugs,
    map_address,
    map_view,
    open_popup_slug,
    state,
    wait_until_still,
)

pytestmark = pytest.mark.browser

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
XUHUI = "xuhui-artificial-intelligence"
PUDONG = "310115"


def page_state(visit):
    """Everything a visitor sees of the state, read from the page (not from its address)."""
    page = visit.page
    return {
        "district": page.locator("#filter-district").input_value(),
        "drawn": drawn_slugs(visit),
        "listed": listed_slugs(visit),
        "popup": open_popup_slug(visit),
        "compared": set(
            page.evaluate("() => [...document.querySelectorAll('.compare-check:checked')].map((box) => box.value)")
        ),
        "compare_link": page.locator(".compare-link").get_attribute("href")
        if page.locator(".compare-link").is_visible()
        else None,
        "project_markers": page.locator(".project-marker").count(),
        "selected": page.evaluate(
            "() => [...document.querySelectorAll('.cluster-item.is-selected')].map((li) => li.dataset.slug)"
        ),
    }


def test_should_restore_the_same_view_from_a_shared_url(visit, open_visit):
    visit.goto(map_address("en"))
    page = visit.page
    # Step 1 and 2: two clusters to compare.
    page.check(f'.compare-check[value="{ZHANGJIANG}"]')
    page.check(f'.compare-check[value="{XUHUI}"]')
    # Step 3: Pudong only.
    page.select_option("#filter-district", PUDONG)
    wait_until_still(visit)
    # Step 4: the projects layer, from the map's layers button.
    page.get_by_role("button", name="Map layers").click()
    page.get_by_label("Landed projects").check()
    # Step 5: Zhangjiang, from the list; then the map zoomed in once (not a step: the view is kept).
    page.locator(f'.cluster-item[data-slug="{ZHANGJIANG}"] .cluster-select').click()
    wait_until_still(visit)
    page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{ZHANGJIANG}"]')
    page.get_by_role("button", name="Zoom in").click()
    wait_until_still(visit)

    with translation.override("en"):
        compare_page = reverse("cluster_compare", kwargs={"year": 2025})
    expected = {
        "district": PUDONG,
        "drawn": {ZHANGJIANG},
        "listed": {ZHANGJIANG},
        "popup": ZHANGJIANG,
        "compared": {ZHANGJIANG, XUHUI},
        "compare_link": f"{compare_page}?clusters={ZHANGJIANG},{XUHUI}",
        "project_markers": 1,  # the two named Pudong projects share one place
        "selected": [ZHANGJIANG],
    }
    assert page_state(visit) == expected
    shared = page.url
    # The address shared names the edition shown, so that it keeps showing it once a newer one is published.
    assert urlsplit(shared).path == "/en/2025/"
    assert state(visit)["cluster"] == ZHANGJIANG and "view" in state(visit)
    view = map_view(visit)

    # Someone else opens the shared address: the same view.
    elsewhere = open_visit(locale="zh-CN")
    other = elsewhere.page
    other.goto(shared)
    other.wait_for_selector("[data-ready=true]", state="attached")
    assert page_state(elsewhere) == expected
    assert map_view(elsewhere) == pytest.approx(view, abs=1e-4)
    assert other.locator("html").get_attribute("lang") == "en"  # the language it was shared in

    # A reload keeps it too.
    page.reload()
    page.wait_for_selector("[data-ready=true]", state="attached")
    assert page_state(visit) == expected

    # Back undoes one step at a time: the selection, the projects, the filter, the comparison.
    page.go_back()
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    assert "cluster" not in state(visit)
    assert page_state(visit)["project_markers"] == 1
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('.project-marker').length === 0")
    assert page_state(visit)["district"] == PUDONG
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('.cluster-item:not([hidden])').length === 14")
    assert page_state(visit)["drawn"] == set(listed_slugs(visit)) and len(drawn_slugs(visit)) == 14
    assert page_state(visit)["compared"] == {ZHANGJIANG, XUHUI}
    page.go_back()
    assert page_state(visit)["compared"] == {ZHANGJIANG}
    assert page_state(visit)["compare_link"] is None
    # Forward redoes.
    page.go_forward()
    assert page_state(visit)["compared"] == {ZHANGJIANG, XUHUI}
    visit.assert_clean()


def test_should_ignore_what_a_shared_address_names_but_the_map_does_not_have(visit):
    visit.goto(
        map_address(
            "en", f"?chain=no-such-chain&cluster=no-such-cluster&compare=nope,{XUHUI}&view=0,0,3&basemap=nowhere"
        )
    )
    assert len(drawn_slugs(visit)) == 14
    assert page_state(visit)["popup"] is None
    assert page_state(visit)["compared"] == {XUHUI}
    lat, lon, _zoom = map_view(visit)
    assert 30.6 < lat < 31.9 and 120.8 < lon < 122.1  # Shanghai, not the Gulf of Guinea
    visit.assert_clean()


def test_should_go_back_from_one_cluster_to_the_one_opened_before(visit):
    """Clusters opened on the map are steps too, and the list highlights each one as it opens."""
    visit.goto(map_address("en"))
    page = visit.page

    def click_cluster(slug):
        x, y = page.evaluate(
            """(slug) => { const box = document.querySelector(`#cluster-map path[data-slug="${slug}"]`)
                                          .getBoundingClientRect();
                           return [box.x + box.width / 2, box.y + box.height / 2]; }""",
            slug,
        )
        page.mouse.click(x, y)
        page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{slug}"]')
        wait_until_still(visit)

    jiading, qingpu = (
        "jiading-intelligent-connected-new-energy-vehicles",
        "qingpu-digital-trunk-line-information-technology",
    )
    click_cluster(jiading)
    assert page_state(visit)["selected"] == [jiading]
    view = map_view(visit)
    click_cluster(qingpu)
    assert page_state(visit)["selected"] == [qingpu] and state(visit)["cluster"] == qingpu
    page.go_back()
    page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{jiading}"]')
    assert page_state(visit)["selected"] == [jiading]
    assert map_view(visit) == pytest.approx(view, abs=1e-4)
    page.go_back()
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    assert page_state(visit)["selected"] == []
    visit.assert_clean()
