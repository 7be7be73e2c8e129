"""An investor looks around the map (a popup, a search that finds a cluster, one that finds nothing) and opens a
cluster's page; then a city editor opens the dashboard and finds those views and searches counted."""

from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from layout import analytics
from layout.models import Cluster, IndustryChain
from layout.roles import CITY_EDITOR
from tests.browser.conftest import official_who_signs_in, sign_in
from tests.browser.map_page import map_address, wait_until_still

pytestmark = pytest.mark.browser

CHANGXING = "changxing-marine-equipment"
ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
# A browser as investors use it: the headless one's own User-Agent says HeadlessChrome, which counts as a bot.
INVESTOR = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
NOT_THERE = "quantum banana farm"
EQUIPMENT = "high-end-equipment"


def beacon(page, kind):
    """Waits for the map's beacon of this kind to be answered while the block runs."""
    return page.expect_response(
        lambda response: (
            response.url.endswith("/map/noted/") and parse_qs(response.request.post_data or "").get("kind") == [kind]
        )
    )


@pytest.fixture
def city_editor(layout_data, django_user_model):
    return official_who_signs_in(django_user_model, "city-editor", CITY_EDITOR)


def test_should_count_what_investors_look_at(open_visit, live_server, city_editor):
    analytics.counts_cache().clear()
    investor = open_visit(user_agent=INVESTOR)
    page = investor.page
    investor.goto(map_address("en"))

    # A popup, opened from the list beside the map.
    with beacon(page, "popup") as answered:
        page.locator(f'.cluster-item[data-slug="{CHANGXING}"] .cluster-select').click()
    assert answered.value.status == 204
    page.wait_for_selector(f'.leaflet-popup .cluster-popup[data-slug="{CHANGXING}"]')
    wait_until_still(investor)

    # A search that finds a cluster (Enter takes the first result), and one that finds nothing.
    box = page.locator("#map-search-input")
    box.fill("Zhangjiang")
    with beacon(page, "search"), beacon(page, "popup"):  # the popup of the cluster found opens too
        box.press("Enter")
    wait_until_still(investor)
    box.fill(NOT_THERE)
    assert page.locator("#map-search-status").inner_text().startswith("No")
    with beacon(page, "search_none"):
        box.press("Enter")

    # A filter: the high-end equipment chain.
    with beacon(page, "filter"):
        page.select_option("#map-filter-form select[name=chain]", EQUIPMENT)
    wait_until_still(investor)

    # A cluster's page.
    investor.goto(reverse("cluster_detail", kwargs={"slug": ZHANGJIANG}).replace("/zh-hans/", "/en/"))

    official = open_visit()
    dashboard = reverse("admin:layout_dailycount_changelist")
    sign_in(official.page, live_server.url, "city-editor", dashboard)
    official.page.goto(f"{live_server.url}{dashboard}")
    changxing, zhangjiang = (Cluster.objects.get(slug=slug) for slug in (CHANGXING, ZHANGJIANG))

    def cluster_row(cluster):
        row = official.page.locator("#clusters tbody tr", has_text=cluster.name_en)
        return row.locator("td").all_inner_texts()

    # The official's browser asks for English: the admin speaks it.
    assert cluster_row(changxing)[2:6] == ["0", "1", "0", "0"]  # its popup
    assert cluster_row(zhangjiang)[2:6] == ["1", "1", "0", "0"]  # its page, and the popup the search opened
    pages = official.page.locator("#pages tbody tr")
    assert pages.filter(has_text="Map").locator("td").nth(1).inner_text() == "1"
    nothing = official.page.locator("#searches table").first
    assert nothing.locator("tbody tr", has_text=NOT_THERE).locator("td").nth(1).inner_text() == "1"
    found = official.page.locator("#searches table").nth(1)
    assert found.locator("tbody tr", has_text="zhangjiang").locator("td").nth(1).inner_text() == "1"
    chain = IndustryChain.objects.get(slug=EQUIPMENT)
    filters = official.page.locator("#filters tbody tr").all_inner_texts()
    assert [" ".join(row.split()) for row in filters] == [f"Industry chain: {chain.name_en} 1"]
