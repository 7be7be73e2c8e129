"""A portal editor opens "Embed this map" on the map, picks what the embed shows, watches the preview
follow, copies the snippet, and closes the dialog back to where they were; axe finds nothing wrong."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

XUHUI = "xuhui-artificial-intelligence"


def preview_query(visit):
    src = visit.page.locator("#embed-preview").get_attribute("src") or ""
    return {name: values[0] for name, values in parse_qs(urlsplit(src).query).items()}


def test_should_embed_the_map_from_the_dialog(visit):
    visit.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=visit.base_url)
    visit.goto("/en/?chain=artificial-intelligence")
    opener = visit.page.get_by_role("button", name="Embed this map")
    opener.click()
    dialog = visit.page.get_by_role("dialog", name="Embed this map")
    assert dialog.is_visible()
    assert visit.page.evaluate("() => document.activeElement.id") == "embed-lang"

    # The dialog starts from what the map shows: the preview is the embed of the same view.
    visit.page.wait_for_function("() => document.getElementById('embed-preview').getAttribute('src')")
    assert preview_query(visit) == {"lang": "en", "chain": "artificial-intelligence"}
    preview = visit.page.frame_locator("#embed-preview")
    preview.locator("[data-ready=true]").wait_for(state="attached")
    assert preview.locator(".map-legend").count() == 1 and preview.locator("#map-search-input").count() == 1

    # Xuhui open, in Chinese, without the legend and the search: the preview follows.
    dialog.get_by_label("Cluster shown open").select_option(XUHUI)
    dialog.get_by_label("Language").select_option("zh-hans")
    dialog.get_by_label("Show the legend").uncheck()
    dialog.get_by_label("Search", exact=True).uncheck()
    visit.page.wait_for_function("() => document.getElementById('embed-preview').src.includes('legend=0')")
    query = preview_query(visit)
    assert query["lang"] == "zh-hans" and query["cluster"] == XUHUI and query["legend"] == "0"
    assert "search" not in query["controls"].split(",") and "list" in query["controls"].split(",")
    preview.locator(f".leaflet-popup .cluster-popup[data-slug='{XUHUI}']").wait_for()
    assert preview.locator("html").get_attribute("lang") == "zh-hans"
    assert preview.locator(".map-legend").count() == 0 and preview.locator("#map-search-input").count() == 0

    # The snippet: a responsive wrapper around an iframe of that address, titled, loaded lazily.
    snippet = dialog.get_by_label("Code to paste into your page").input_value()
    src = visit.page.locator("#embed-preview").get_attribute("src")
    assert f'src="{src.replace("&", "&amp;")}"' in snippet
    assert 'title="上海2025年重点产业布局地图"' in snippet and 'loading="lazy"' in snippet
    assert snippet.startswith('<div style="position:relative;width:100%;height:0;padding-top:75%')
    dialog.get_by_label("Shape").select_option("16:9")
    assert "padding-top:56.25%" in dialog.get_by_label("Code to paste into your page").input_value()
    # Pinned to the edition shown by default; "always the latest" drops the year from the address.
    assert "/embed/2025/?" in snippet
    dialog.get_by_label("Always the latest edition").check()
    latest = dialog.get_by_label("Code to paste into your page").input_value()
    assert "/embed/?" in latest and "/embed/2025/" not in latest
    dialog.get_by_label("Pinned to the 2025 edition shown").check()

    dialog.get_by_role("button", name="Copy the code").click()
    dialog.get_by_role("status").filter(has_text="Copied").wait_for()
    copied = visit.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == dialog.get_by_label("Code to paste into your page").input_value()

    assert axe_violations(visit.page) == []

    visit.page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert visit.page.evaluate("() => document.activeElement.textContent.trim()") == "Embed this map"
    # The map page itself is as it was.
    assert parse_qs(urlsplit(visit.page.url).query) == {"chain": ["artificial-intelligence"]}
    visit.assert_clean()
