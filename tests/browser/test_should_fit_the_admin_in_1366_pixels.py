"""An official on a 1366×768 office screen reads the admin's lists and forms without scrolling sideways, in Chinese
and in English, and Chinese names are not squeezed to a character or two a line."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from layout.models import Cluster, Scenario
from tests.unit.conftest import signed_in

pytestmark = pytest.mark.browser

SCREEN = {"width": 1366, "height": 768}
# SCREENSHOTS=/some/folder keeps a full-page screenshot of each page there, for looking at.
SCREENSHOTS = os.environ.get("SCREENSHOTS")


def signed_in_page(open_visit, live_server, user, language):
    visit = open_visit(viewport=SCREEN, locale="zh-CN" if language == "zh-hans" else "en-GB")
    client = signed_in(user)  # past the password and the second factor
    host = live_server.url.split("//", 1)[1].split(":")[0]
    visit.page.context.add_cookies(
        [
            {"name": name, "value": value, "domain": host, "path": "/"}
            for name, value in (
                (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value),
                (settings.LANGUAGE_COOKIE_NAME, language),
            )
        ]
    )
    return visit


def page_width(visit, path):
    """How wide the page is, and its widest box that scrolls sideways on its own (a list's table). A list box of
    choices (Django's two-box many-to-many selector) scrolls its own long options: not the page's layout."""
    visit.page.goto(visit.base_url + path)
    visit.page.wait_for_selector("#content", state="attached")
    if visit.page.locator(".leaflet-container").count():
        visit.page.wait_for_selector(".leaflet-container[data-ready=true]", state="attached")
    return visit.page.evaluate(
        """() => Math.max(document.documentElement.scrollWidth, ...[...document.querySelectorAll('#content *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 && !e.closest('.leaflet-container') && e.tagName !== 'SELECT'
                && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
            .map(e => document.documentElement.clientWidth + e.scrollWidth - e.clientWidth))"""
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_should_fit_the_admin_in_1366_pixels(open_visit, live_server, django_user_model, language):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "a-long-enough-password")
    visit = signed_in_page(open_visit, live_server, admin, language)
    cluster, scenario = Cluster.objects.order_by("pk").first(), Scenario.objects.order_by("pk").first()
    pages = {
        "cluster list": reverse("admin:layout_cluster_changelist"),
        "cluster form": reverse("admin:layout_cluster_change", args=[cluster.pk]),
        "scenario list": reverse("admin:layout_scenario_changelist"),
        "scenario form": reverse("admin:layout_scenario_change", args=[scenario.pk]),
    }
    widths = {}
    for name, path in pages.items():
        widths[name] = page_width(visit, path)
        if SCREENSHOTS:
            shot = Path(SCREENSHOTS) / f"admin-{name.replace(' ', '-')}-{language}.png"
            visit.page.screenshot(path=str(shot), full_page=True)
        if name == "cluster form" and language == "zh-hans":
            # The map's buttons (Leaflet's zoom, Leaflet.draw's toolbar) are titled in the official's language.
            titles = visit.page.locator("#content .leaflet-control a[title]").evaluate_all(
                "links => links.map(a => a.title)"
            )
            assert titles and not [title for title in titles if re.search("[A-Za-z]", title)], titles
        if name == "cluster list":
            # A Chinese name keeps whole words on a line: its cell is at least six characters wide.
            cell = visit.page.locator("#result_list td.field-name_zh, #result_list th.field-name_zh").first
            font = float(cell.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
            assert cell.bounding_box()["width"] >= 6 * font, f"name column {cell.bounding_box()['width']} px wide"
    assert widths == {name: min(width, SCREEN["width"]) for name, width in widths.items()}, widths
