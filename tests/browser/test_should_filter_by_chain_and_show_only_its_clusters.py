"""An investor in high-end equipment filters the map by that chain: the map, list, legend and totals
show only its clusters, and a total never counts an unpublished figure as 0."""

import pytest
from django.db.models import Q

from layout import formats
from layout.models import Cluster, Scenario, ScenarioCategory
from tests.browser.map_page import drawn_slugs, listed_slugs, map_address, state, wait_until_still

pytestmark = pytest.mark.browser

EQUIPMENT = "high-end-equipment"
ELECTRONICS = "new-generation-electronic-information"
SONGJIANG = "310117"


def chain_slugs(chain):
    return set(
        Cluster.objects.published()
        .filter(Q(primary_chain__slug=chain) | Q(other_chains__slug=chain))
        .values_list("slug", flat=True)
    )


def visible_legend(visit):
    return set(
        visit.page.evaluate(
            """() => [...document.querySelectorAll('.legend-items [data-legend]')].filter((li) => !li.hidden)
                 .map((li) => li.dataset.legend)"""
        )
    )


def summary(visit):
    """The totals beside the map as a reader sees them: the rows shown, and the line of what is unknown."""
    rows = {
        name: visit.page.locator(f".summary-{name} dd").inner_text()
        for name in ("space", "scenarios")
        if visit.page.locator(f".summary-{name}").is_visible()
    }
    unknown = visit.page.locator(".summary-unknown")
    return rows | {
        "shown": visit.page.locator(".summary-shown").inner_text(),
        "unknown": unknown.inner_text() if unknown.is_visible() else "",
    }


def test_should_filter_by_chain_and_show_only_its_clusters(visit):
    equipment = chain_slugs(EQUIPMENT)
    assert len(equipment) == 4
    # A scenario whose category is published, so the category filter has something to keep.
    xuhui = Cluster.objects.get(slug="xuhui-artificial-intelligence")
    Scenario.objects.create(
        title_zh="测试孵化场景",
        title_en="Test incubation scenario",
        cluster=xuhui,
        category=ScenarioCategory.INCUBATION,
        is_published=True,
    )
    visit.goto(map_address("en"))
    assert len(drawn_slugs(visit)) == 14 and len(listed_slugs(visit)) == 14
    assert visit.page.locator(".summary-shown").inner_text() == "14 of 14 clusters shown"

    visit.page.select_option("#filter-chain", EQUIPMENT)
    wait_until_still(visit)
    assert drawn_slugs(visit) == equipment
    assert listed_slugs(visit) == equipment
    assert state(visit)["chain"] == EQUIPMENT
    # The legend names only what the map shows: one chain colour (all four are coloured by it).
    legend = visible_legend(visit)
    assert {item for item in legend if item.startswith("chain:")} == {f"chain:{EQUIPMENT}"}
    assert "unclassified" not in legend
    # What none of the four publishes is one line, and the investment line says why it is unknown.
    assert summary(visit) == {
        "shown": "4 of 14 clusters shown",
        "unknown": "Not yet published by cluster: space, investment, open scenarios. The 50.9 billion CNY of "
        "directed investment is announced for the layout as a whole, not by cluster.",
    }

    # Narrowed further by district: Jiuke Oasis in Songjiang.
    visit.page.select_option("#filter-district", SONGJIANG)
    wait_until_still(visit)
    assert drawn_slugs(visit) == {"jiuke-oasis-high-end-equipment"}
    assert visit.page.locator(".summary-shown").inner_text() == "1 of 14 clusters shown"

    # Electronics: one of its three clusters publishes its space; the sum says it covers only that one.
    visit.page.click("button.filter-reset")
    visit.page.select_option("#filter-chain", ELECTRONICS)
    wait_until_still(visit)
    electronics = chain_slugs(ELECTRONICS)
    assert drawn_slugs(visit) == electronics and len(electronics) == 3
    published = Cluster.objects.filter(slug__in=electronics, space_m2__isnull=False)
    with_space = sum(c.space_m2 for c in published)
    assert summary(visit)["space"] == (
        f"{formats.format_space(with_space, 'en')} (sum of the {published.count()} of 3 with a published figure)"
    )
    assert "district" not in state(visit)

    # The category filter keeps the clusters with a published scenario of that category.
    visit.page.select_option("#filter-chain", "")
    visit.page.select_option("#filter-category", ScenarioCategory.INCUBATION.value)
    wait_until_still(visit)
    assert drawn_slugs(visit) == {"xuhui-artificial-intelligence"} == listed_slugs(visit)
    assert summary(visit)["scenarios"] == "8 (sum of the 1 of 1 with a published figure)"

    # A choice that would show nothing is no dead end: it cannot be chosen, and says why.
    demonstration = visit.page.locator(f"#filter-category option[value={ScenarioCategory.DEMONSTRATION.value}]")
    assert demonstration.is_disabled()
    assert demonstration.inner_text() == "application demonstration (0: none published yet)"
    songjiang = visit.page.locator(f"#filter-district option[value='{SONGJIANG}']")
    assert songjiang.is_disabled() and songjiang.inner_text() == "Songjiang (0 with the other filters)"
    visit.page.select_option("#filter-category", "")
    assert not songjiang.is_disabled() and songjiang.inner_text() == "Songjiang (1)"

    # An address that combines filters matching nothing (a shared link) still says so plainly.
    visit.goto(map_address("en", f"?category={ScenarioCategory.INCUBATION.value}&district={SONGJIANG}"))
    assert drawn_slugs(visit) == set() == listed_slugs(visit)
    assert visit.page.locator(".summary-shown").inner_text() == "No published cluster matches these filters."
    assert visit.page.locator(".cluster-list .no-match").is_visible()
    visit.assert_clean()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_should_sum_figures_in_the_browser_as_the_server_writes_them(visit, language):
    visit.goto(map_address(language))
    short = "zh" if language.startswith("zh") else "en"
    values = [
        1,
        9_999,
        10_000,
        15_000,
        3_750_000,
        3_850_000,
        15_000_000,
        123_456_789,
        100_000_000,
        2_500_000_000,
        50_900_000_000,
        1_234_567_890_123,
    ]
    written = visit.page.evaluate(
        """async ([values, language]) => {
            const format = await import("/static/layout/map-format.js");
            return values.map((v) => [format.formatSpace(v, language, "?"), format.formatInvestment(v, language, "?")]);
        }""",
        [values, short],
    )
    assert written == [[formats.format_space(v, language), formats.format_investment(v, language)] for v in values]
