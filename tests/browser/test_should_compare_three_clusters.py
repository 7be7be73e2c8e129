"""An investor ticks three clusters, compares them side by side, shares the address and drops one."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.browser

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
XUHUI = "xuhui-artificial-intelligence"
PUTUO = "putuo-intelligent-software"


def test_should_compare_three_clusters(visit):
    with translation.override("en"):
        today = reverse("cluster_compare")
        # The form leads to the comparison in the edition it lists: the address shared names the year.
        compare = reverse("cluster_compare", kwargs={"year": 2025})
    page = visit.page
    page.goto(visit.base_url + today)
    assert page.locator("table").count() == 0
    for slug in (ZHANGJIANG, XUHUI, PUTUO):
        page.locator(f'input[value="{slug}"]').check()
    page.get_by_role("button", name="Compare").click()

    page.wait_for_url(f"**{compare}?clusters={ZHANGJIANG},{XUHUI},{PUTUO}")
    table = page.get_by_role("table")
    columns = table.locator("thead th")
    assert columns.count() == 3
    assert "Zhangjiang" in columns.nth(0).inner_text() and "Putuo" in columns.nth(2).inner_text()
    space = table.locator('tr[data-row="space"] td').all_inner_texts()
    assert space == ["3,750,000 m²", "100,000 m²", "not published"]
    assert table.locator('tr[data-row="scenario_count"] td').all_inner_texts() == [
        "not published",
        "8",
        "not published",
    ]

    # The address alone reopens the same comparison, as a shared link does.
    page.goto(page.url)
    assert page.get_by_role("table").locator("thead th").count() == 3

    columns.nth(1).get_by_role("link", name="Remove").click()
    page.wait_for_url(f"**{compare}?clusters={ZHANGJIANG},{PUTUO}")
    assert page.get_by_role("table").locator("thead th").count() == 2
    assert page.locator(f'input[value="{XUHUI}"]').is_checked() is False

    # Back undoes the last step.
    page.go_back()
    page.wait_for_url(f"**{compare}?clusters={ZHANGJIANG},{XUHUI},{PUTUO}")
    assert page.get_by_role("table").locator("thead th").count() == 3
    visit.assert_clean()
