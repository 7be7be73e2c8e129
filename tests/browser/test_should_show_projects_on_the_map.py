"""An investor turns on the projects layer and reads a landed project's names and figures in its popup."""

import pytest

from tests.browser.map_page import map_address

pytestmark = pytest.mark.browser


def test_should_show_projects_on_the_map(visit):
    visit.goto(map_address("en", "?projects=1"))
    page = visit.page
    page.locator(".project-marker").first.click()
    popup = page.locator(".leaflet-popup .project-popup")
    popup.wait_for()
    names = [" ".join(name.split()) for name in popup.locator("h4").all_inner_texts()]
    # An English page leads with the English name; the Chinese one follows, smaller.
    assert (
        "Shanghai Superconductor 2G high-temperature superconducting tape production and headquarters base "
        "上海超导二代高温超导带材生产及总部基地"
    ) in names
    assert popup.locator("h4 .name-main[lang=en]").count() == len(names)
    assert popup.locator("h4 .name-other[lang=zh-Hans]").count() == len(names)
    visit.assert_clean()
