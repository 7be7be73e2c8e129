"""A visitor prints a cluster's page for a meeting: one or two A4 pages, without the site's navigation."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.browser

# The longest page: a description, a quoted figure, a named scenario and the district's two projects.
ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_should_print_a_cluster_page_on_two_a4_pages_at_most(visit, language):
    with translation.override(language):
        visit.goto(reverse("cluster_detail", args=[ZHANGJIANG]))
    page = visit.page
    page.emulate_media(media="print")
    assert page.locator(".site-nav").is_hidden()
    assert page.locator(".leaflet-control-zoom").is_hidden()
    assert page.locator(".figure-value").first.is_visible()
    assert page.locator(".print-address").is_visible()  # where the paper came from
    pages = pdf_pages(page.pdf(format="A4", print_background=True))
    assert 1 <= pages <= 2
    visit.assert_clean()
