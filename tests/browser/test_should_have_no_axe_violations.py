"""A visitor with a screen reader or a keyboard: axe-core finds nothing wrong on the pages beside the map."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
PUTUO = "putuo-intelligent-software"  # location not published: the hatched district
COMPARED = f"?clusters={ZHANGJIANG},xuhui-artificial-intelligence,{PUTUO}"

# (language, URL name, arguments, query string, whether the page draws a map to wait for)
PAGES = [
    ("en", "cluster_detail", [ZHANGJIANG], "", True),
    ("zh-hans", "cluster_detail", [PUTUO], "", True),
    ("en", "scenario_list", [], "", False),
    ("zh-hans", "scenario_list", [], "", False),
    ("zh-hans", "project_list", [], "", False),
    ("en", "cluster_compare", [], COMPARED, False),
    ("zh-hans", "cluster_compare", [], COMPARED, False),
    ("en", "cluster_compare", [], f"?clusters={ZHANGJIANG}", False),  # with its message
]


def address(language, name, args, query):
    with translation.override(language):
        return reverse(name, args=args) + query


def test_should_have_no_axe_violations(visit):
    found = {}
    for language, name, args, query, has_map in PAGES:
        path = address(language, name, args, query)
        if has_map:
            visit.goto(path)
        else:
            visit.page.goto(visit.base_url + path)
        assert visit.page.locator("html").get_attribute("lang") == language
        found[path] = axe_violations(visit.page)
    assert found == {path: [] for path in found}
    visit.assert_clean()
