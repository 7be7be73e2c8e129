"""Story: someone copies the offline map to a USB stick and opens it on a machine with no network."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from layout.models import Cluster

pytestmark = pytest.mark.browser


@pytest.fixture
def offline_page(open_visit, tmp_path):
    """The exported file opened through file://; the page may reach no host at all."""
    path = Path(tmp_path) / "layout-map.html"
    call_command("export_map", "--output", str(path), "--lang", "en", verbosity=0)
    offline = open_visit(base_url=None)
    offline.page.goto(path.as_uri())
    offline.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=10_000)
    return offline


def test_should_open_offline_map_without_network(offline_page):
    page = offline_page.page
    published = Cluster.objects.published()
    located = published.exclude(boundary__isnull=True)
    # Every published cluster is listed, those without a published location included.
    assert page.locator(".offline-cluster").count() == published.count() == 14
    for cluster in published.filter(boundary__isnull=True):
        item = page.locator(f'.offline-cluster-list li[data-slug="{cluster.slug}"]')
        assert "location within the district not published" in item.inner_text()
    # Each located cluster is drawn over the 16 districts.
    assert page.locator(".leaflet-clusters-pane path").count() == located.count() >= 10
    assert page.locator(".leaflet-overlay-pane path").count() == 16

    zhangjiang = located.get(slug="zhangjiang-jinqiao-electronic-information")
    page.locator(f'.offline-cluster[data-slug="{zhangjiang.slug}"]').click()
    popup = page.locator(".leaflet-popup-content").last  # the closing one fades out for a moment
    expect(popup).to_contain_text(zhangjiang.name_en)
    expect(popup).to_contain_text("3,750,000 m²")
    # What it does not publish is one line, not a row of "not published".
    expect(popup.locator(".not-yet-published")).to_have_text("Not yet published: investment")

    unlocated = published.filter(boundary__isnull=True).first()
    page.locator(f'.offline-cluster[data-slug="{unlocated.slug}"]').click()
    expect(popup).to_contain_text(unlocated.name_en)
    expect(popup).to_contain_text("location within the district not published")

    offline_page.assert_clean()
