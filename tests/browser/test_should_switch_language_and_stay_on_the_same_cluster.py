"""A visitor reading a cluster in English switches to Chinese and back: same cluster, same place on the page."""

import pytest
from django.urls import reverse
from django.utils import translation

from layout.models import Cluster

pytestmark = pytest.mark.browser

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"


def test_should_switch_language_and_stay_on_the_same_cluster(visit):
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    # The switch leads to the page in the edition it shows (/en/2025/…), whether its address named the year or not.
    with translation.override("en"):
        english = reverse("cluster_detail", kwargs={"year": 2025, "slug": ZHANGJIANG})
        today = reverse("cluster_detail", args=[ZHANGJIANG])
    with translation.override("zh-hans"):
        chinese = reverse("cluster_detail", kwargs={"year": 2025, "slug": ZHANGJIANG})
    visit.goto(today + "?from=share#sources-title")
    page = visit.page
    assert page.locator(".figure-value").first.inner_text() == "3,750,000 m²"
    # The reader moves on within the page after it was served: the switch follows.
    page.evaluate("history.replaceState(null, '', location.pathname + '?from=share&seen=1#projects-title')")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="中文").click()
    page.wait_for_url(f"**{chinese}?from=share&seen=1#projects-title")
    page.wait_for_selector("[data-ready=true]", state="attached")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert cluster.name_zh in page.locator("h1").inner_text()
    assert page.locator(".figure-value").first.inner_text() == "375万平方米"
    # Same place on the page: the section the reader was at is in view.
    assert page.locator("#projects-title").evaluate(
        "(heading) => { const box = heading.getBoundingClientRect(); return box.top > -2 && box.top < innerHeight; }"
    )

    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    page.wait_for_url(f"**{english}?from=share&seen=1#projects-title")
    assert page.locator("html").get_attribute("lang") == "en"
    assert cluster.name_en in page.locator("h1").inner_text()
    # Chosen once, remembered: the bare address now opens in the chosen language.
    page.goto(visit.base_url + "/")
    assert page.url == visit.base_url + "/en/"
    # The map reads its clusters after the page has loaded: the test ends once it has them.
    page.wait_for_selector("[data-ready=true]", state="attached")
    visit.assert_clean()
