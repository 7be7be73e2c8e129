"""An investor's first minutes on the map, on a laptop (1366 × 768) and a phone (390 × 844), in Chinese
and in English: a one-row header, the headline figures in sight, tooltips and popups inside the map,
filter choices that never lead to nothing, a project found by search, and a tile basemap that fails."""

import re

import pytest
import shapely
from django.conf import settings as django_settings

from layout.models import Cluster, Project
from tests.browser.axe import axe_violations
from tests.browser.map_page import map_address, state, wait_until_still

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": (1366, 768), "phone": (390, 844)}
JIADING = "jiading-intelligent-connected-new-energy-vehicles"
WORDS = {
    "en": {
        "strip": [
            "14 clusters",
            "15,000,000 m² of industrial space",
            "50.9 billion CNY of directed investment",
            "37 key scenarios opened",
            "21 projects landed",
        ],
        "empty_choice": "(0: none published yet)",
        "tiles_failed": "The OpenStreetMap map is not loading",
        "switch": "Use the district basemap",
    },
    "zh-hans": {
        "strip": [
            "14 个集聚区",
            "1500万平方米 产业空间",
            "509亿元 定向投资",
            "37 个重点场景开放",
            "21 个高能级项目落地",
        ],
        "empty_choice": "（0：尚未公布）",
        "tiles_failed": "底图无法加载",
        "switch": "改用区界底图",
    },
}


@pytest.fixture
def osm_offered(settings):
    settings.LAYOUT_BASEMAPS = [{"id": "osm", **django_settings.AVAILABLE_BASEMAPS["osm"]}]


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def inside(inner, outer, slack=1):
    return (
        inner["x"] >= outer["x"] - slack
        and inner["y"] >= outer["y"] - slack
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack
    )


def hover_cluster_at(page, slug, x_fraction):
    """Moves the map so that the cluster's inner point sits at x_fraction of the map's width, then
    hovers it there; returns the tooltip's box and the width of the longest word in it."""
    cluster = Cluster.objects.get(slug=slug)
    point = shapely.geometry.shape(cluster.boundary).representative_point()
    x, y = page.evaluate(
        """([lat, lon, fraction]) => {
            const map = document.getElementById("cluster-map").layoutMap;
            // Close enough that the map may be moved this far within its bounds.
            map.setView([lat, lon], 11, { animate: false });
            const size = map.getSize();
            const at = map.latLngToContainerPoint([lat, lon]);
            // High on the map: the legend and the buttons keep to its lower corners.
            map.panBy([at.x - size.x * fraction, at.y - size.y * 0.3], { animate: false });
            const now = map.latLngToContainerPoint([lat, lon]);
            const frame = map.getContainer().getBoundingClientRect();
            return [frame.left + now.x, frame.top + now.y];
        }""",
        [point.y, point.x, x_fraction],
    )
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).dataset.slug", [x, y]) == slug
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    tooltip = page.locator(".leaflet-tooltip.cluster-tooltip")
    tooltip.wait_for()
    longest = page.evaluate(
        """() => {
            const tip = document.querySelector(".leaflet-tooltip.cluster-tooltip");
            let widest = 0;
            for (const part of tip.querySelectorAll("span span")) {
                for (const word of part.textContent.split(/\\s+/)) {
                    const probe = document.createElement("span");
                    probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
                    probe.textContent = word;
                    part.append(probe);
                    widest = Math.max(widest, probe.getBoundingClientRect().width);
                    probe.remove();
                }
            }
            return widest;
        }"""
    )
    return tooltip.bounding_box(), longest


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_should_show_an_investor_what_the_layout_offers(visit, osm_offered, viewport, language):
    page = visit.page
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    words = WORDS[language]
    phone = viewport == "phone"
    visit.goto(map_address(language))

    # A one-row header; the headline figures in sight without scrolling, the map taking most of the screen.
    header_bottom = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(".site-nav, .map-header")]
                 .map((node) => node.getBoundingClientRect().bottom))"""
    )
    assert header_bottom <= (56 if phone else 100)
    strip = [" ".join(text.split()) for text in page.locator(".headline-strip li").all_inner_texts()]
    assert strip == words["strip"]
    for item in page.locator(".headline-strip li").all():
        assert item.is_visible() and inside(item.bounding_box(), {"x": 0, "y": 0, "width": width, "height": height})
    map_box = box(page, "#cluster-map")
    assert map_box["height"] >= height * (0.8 if phone else 0.7)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width

    # The tooltip of a cluster near the map's right edge: inside the map, and as wide as its text needs.
    tooltip, longest_word = hover_cluster_at(page, JIADING, 0.97)
    assert inside(tooltip, map_box)
    assert tooltip["width"] > longest_word + 8
    tooltip, longest_word = hover_cluster_at(page, JIADING, 0.5)
    assert inside(tooltip, map_box)
    page.mouse.move(1, height - 1)

    # Scenario categories none of whose scenarios is published cannot be chosen, and say why.
    empty = page.locator("#filter-category option[disabled]")
    assert empty.count() == 4
    assert all(text.endswith(words["empty_choice"]) for text in empty.all_inner_texts())

    # A project found by search opens the projects popup at its place, within the map.
    if phone:
        page.locator(".drawer-toggle").click()
    project = Project.objects.get(name_zh="伟测科技上海总部基地")
    page.fill("#map-search-input", "伟测")
    page.locator(".search-result.result-project button").first.click()
    popup = page.locator(".leaflet-popup .project-popup")
    popup.wait_for()
    wait_until_still(visit)
    assert state(visit).get("projects") == "1"
    assert popup.locator(f"[data-project='{project.pk}']").is_visible()
    assert page.locator(".leaflet-popup").count() == 1
    popup_box = box(page, ".leaflet-popup-content-wrapper")
    assert inside(popup_box, box(page, "#cluster-map"))
    # Its close button is on top: neither the legend nor a control covers it.
    close = box(page, ".leaflet-popup-close-button")
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.leaflet-popup-close-button') !== null",
        [close["x"] + close["width"] / 2, close["y"] + close["height"] / 2],
    )
    assert on_top
    page.locator(".leaflet-popup-close-button").click()
    # Leaflet fades a closed popup out before it removes it (whatever the motion preference): what axe
    # measures below is the map without it, not a half-transparent popup.
    page.locator(".leaflet-popup").wait_for(state="detached")

    # A tile basemap whose server cannot be reached (this test reaches no other host) says so, in the
    # reader's language, is left out of the address, and the district basemap is one click away.
    page.locator(".map-layers-toggle").click()
    page.locator(".map-layers-control input[value=osm]").check()
    notice = page.locator(".map-tile-failure")
    notice.wait_for()
    assert words["tiles_failed"] in notice.inner_text()
    assert "basemap" not in state(visit)
    if phone:
        # The site's pages, behind the one-row header's menu button.
        page.locator(".site-menu-toggle").click()
        assert page.locator("#site-pages").is_visible()
    assert axe_violations(page) == []
    if phone:
        page.keyboard.press("Escape")
        assert page.locator("#site-pages").is_hidden()
    page.get_by_role("button", name=words["switch"]).click()
    assert notice.is_hidden()
    assert page.locator(".map-layers-control input[value='']").is_checked()
    assert "basemap" not in state(visit)
    assert_only_the_tiles_failed(visit)


def assert_only_the_tiles_failed(visit):
    """The refused tiles are the browser's own complaints (this story reaches no other host); the page itself
    had nothing go wrong. Taken, so that the story ends clean."""
    problems = visit.take_problems()
    assert set(problems) <= {"console errors", "requests to another host"}
    assert all("Failed to load resource" in error for error in problems.get("console errors", []))
    assert all(
        url.startswith("https://tile.openstreetmap.org/") for url in problems.get("requests to another host", [])
    )


def latin_paragraphs(page):
    """Visible text blocks of the page that are mostly Latin words, leaving out names and sources
    (marked lang="en", a cite or a .source), the language switch and the map's attribution."""
    texts = page.evaluate(
        """() => [...document.querySelectorAll("h1, h2, h3, h4, p, li, dt, dd, td, th, label, summary, option, button, a")]
            .filter((node) => node.offsetParent !== null || node.tagName === "OPTION")
            .filter((node) => !node.closest('[lang="en"], cite, .source, .source-ref, .language-switch, .leaflet-control-attribution'))
            .map((node) => {
                const copy = node.cloneNode(true);
                for (const skip of copy.querySelectorAll('[lang="en"], cite, .source, .source-ref')) skip.remove();
                return copy.textContent.replace(/\\s+/g, " ").trim();
            })"""
    )
    return [text for text in texts if re.search(r"[A-Za-z]{3,}(?:[\s,.:;()-]+[A-Za-z]{2,}){2,}", text)]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_should_show_chinese_pages_in_chinese(visit, viewport):
    page = visit.page
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    cluster = Cluster.objects.get(slug=JIADING)
    compared = f"{cluster.slug},xuhui-artificial-intelligence"
    for path in (
        "/zh-hans/",
        f"/zh-hans/clusters/{cluster.slug}/",
        "/zh-hans/scenarios/",
        "/zh-hans/projects/",
        f"/zh-hans/compare/?clusters={compared}",
        "/downloads/?lang=zh-hans",
    ):
        page.goto(visit.base_url + path)
        page.wait_for_load_state("networkidle")
        assert latin_paragraphs(page) == [], path
        # Nothing shown in English for want of its Chinese text.
        assert page.locator(".fallback-badge").count() == 0, path


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_should_never_scroll_sideways_on_a_360_px_phone(visit, language):
    page = visit.page
    page.set_viewport_size({"width": 360, "height": 740})
    compared = (
        "jiading-intelligent-connected-new-energy-vehicles,xuhui-artificial-intelligence,putuo-intelligent-software"
    )
    paths = [
        f"/{language}/",
        f"/{language}/clusters/{JIADING}/",
        f"/{language}/scenarios/",
        f"/{language}/projects/",
        f"/{language}/compare/?clusters={compared}",
        f"/downloads/?lang={language}",
    ]
    for path in paths:
        page.goto(visit.base_url + path)
        # Every request answered (the favicon included) before the next page is asked for.
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, path
        # The header is one row: the site's pages are behind the menu button.
        assert page.locator(".site-menu-toggle").is_visible(), path
        assert page.evaluate("() => document.querySelector('.site-nav').getBoundingClientRect().height") <= 52, path
    # The comparison reads as stacked cards, one per cluster.
    page.goto(visit.base_url + f"/{language}/compare/?clusters={compared}")
    assert page.locator(".compare-card").count() == 3 and page.locator(".compare-table").is_hidden()
    visit.assert_clean()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_should_say_so_when_the_tiles_of_a_cluster_page_do_not_load(visit, osm_offered, language):
    page = visit.page
    visit.goto(f"/{language}/clusters/{JIADING}/?basemap=osm")
    notice = page.locator(".map-tile-failure")
    notice.wait_for()
    assert WORDS[language]["tiles_failed"] in notice.inner_text()
    assert "basemap" not in state(visit)
    page.get_by_role("button", name=WORDS[language]["switch"]).click()
    assert notice.is_hidden()
    assert page.locator(".map-layers-control input[value='']").is_checked()
    assert_only_the_tiles_failed(visit)
