"""Officials prepare 2026 from 2025 in the admin, preview it on the real map and publish it; then a visitor sees
2026 by default, 2025 at its own address, switches between them and reads what changed. (2026 is the story's
own year: it never reaches seeds/.)"""

import pytest
from django.urls import reverse

from layout.models import Cluster, Source
from layout.roles import CITY_EDITOR, REVIEWER
from tests.browser.axe import axe_violations
from tests.browser.conftest import official_who_signs_in, sign_in

pytestmark = pytest.mark.browser

PUTUO, XUHUI, CHANGXING = 5, 3, 14  # numbers in the layout
RENAMED = "Putuo Intelligent Software New Cluster"
ADMIN_VIEWPORT = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture
def officials(layout_data, django_user_model):
    reviewer = official_who_signs_in(django_user_model, "reviewer", REVIEWER)
    return reviewer, official_who_signs_in(django_user_model, "city-editor", CITY_EDITOR)


def copy_2026(number):
    return Cluster.objects.get(edition__year=2026, number=number)


def switcher(page):
    """The years the switcher offers, and the one marked current."""
    years = page.locator(".edition-switcher li a").all_inner_texts()
    return years, page.locator(".edition-switcher li a[aria-current]").inner_text()


def map_cluster_names(page):
    return page.locator(".cluster-list").first.inner_text()


def test_should_prepare_and_publish_the_next_edition(open_visit, live_server, officials):
    changelist = reverse("admin:layout_edition_changelist")

    # A reviewer starts 2026 from 2025: every cluster copied, unpublished, figures left to be entered.
    reviewer = open_visit(**ADMIN_VIEWPORT).page
    sign_in(reviewer, live_server.url, "reviewer", changelist)
    reviewer.get_by_role("button", name="Start the 2026 edition").click()
    reviewer.wait_for_url("**/admin/layout/edition/*/change/")
    assert "NOT copied" in reviewer.locator(".messagelist").inner_text()
    assert "Unpublished" in reviewer.locator(".layout-status").inner_text()

    # The city office renames Putuo's cluster, drops Changxing's and enters Xuhui's space with its source.
    city = open_visit(**ADMIN_VIEWPORT).page
    sign_in(city, live_server.url, "city-editor", reverse("admin:layout_cluster_change", args=[copy_2026(PUTUO).pk]))
    city.fill("#id_name_en", RENAMED)
    city.click("input[name=_save]")
    city.wait_for_url("**/admin/layout/cluster/")
    city.goto(live_server.url + reverse("admin:layout_cluster_delete", args=[copy_2026(CHANGXING).pk]))
    city.click("input[type=submit]")
    city.wait_for_url("**/admin/layout/cluster/")
    city.goto(live_server.url + reverse("admin:layout_cluster_change", args=[copy_2026(XUHUI).pk]))
    city.fill("#id_space_m2", "200000")
    city.select_option("#id_space_source", str(Source.objects.get(key="article-2025-03-25").pk))
    city.click("input[name=_save]")
    city.wait_for_url("**/admin/layout/cluster/")
    assert copy_2026(XUHUI).space_m2 == 200_000

    # The public sees nothing of 2026 yet; the reviewer previews it on the real map.
    visitor = open_visit()
    assert visitor.page.request.get(f"{live_server.url}/en/2026/").status == 404
    reviewer.goto(f"{live_server.url}/en/2026/?preview=1")
    reviewer.wait_for_selector("[data-ready=true]", state="attached")
    assert RENAMED in map_cluster_names(reviewer)
    assert "Changxing" not in map_cluster_names(reviewer)

    # Publishing it makes it the default edition.
    reviewer.goto(live_server.url + reverse("admin:layout_edition_change", args=[copy_2026(PUTUO).edition_id]))
    reviewer.get_by_role("button", name="Publish edition").click()
    reviewer.wait_for_selector(".messagelist")
    assert "2026 edition is published" in reviewer.locator(".messagelist").inner_text()

    visitor.goto("/en/")
    assert switcher(visitor.page) == (["2026", "2025"], "2026")
    # On a laptop too the years are a row of buttons (an unclosed phone-only block of the stylesheet once
    # swallowed every rule after it).
    years = visitor.page.locator(".edition-switcher ul")
    assert years.evaluate("(list) => getComputedStyle(list).display") == "flex"
    assert axe_violations(visitor.page) == []
    assert RENAMED in map_cluster_names(visitor.page)
    assert "Changxing" not in map_cluster_names(visitor.page)

    # 2025 keeps its address and its content; the switcher moves between the years.
    visitor.page.locator(".edition-switcher li a", has_text="2025").click()
    visitor.page.wait_for_url("**/en/2025/")
    visitor.page.wait_for_selector("[data-ready=true]", state="attached")
    assert switcher(visitor.page) == (["2026", "2025"], "2025")
    assert "Changxing" in map_cluster_names(visitor.page) and RENAMED not in map_cluster_names(visitor.page)
    putuo_2025 = Cluster.objects.get(edition__year=2025, number=PUTUO)
    visitor.goto(f"/en/2025/clusters/{putuo_2025.slug}/")
    assert visitor.page.locator("h1").inner_text().startswith(putuo_2025.name_en)
    visitor.page.locator(".edition-switcher li a", has_text="2026").click()
    visitor.page.wait_for_url(f"**/en/2026/clusters/{putuo_2025.slug}/")
    visitor.page.wait_for_selector("[data-ready=true]", state="attached")
    assert RENAMED in visitor.page.locator("h1").inner_text()

    # What changed (linked beside the switcher) lists the differences, each figure with its source.
    visitor.page.get_by_role("link", name="What changed").click()
    visitor.page.wait_for_url("**/en/2026/changes/")
    dropped = visitor.page.locator(".changes-dropped").inner_text()
    renamed = visitor.page.locator(".changes-renamed").inner_text()
    figures = visitor.page.locator(".changes-figures").inner_text()
    assert "Changxing" in dropped
    assert putuo_2025.name_en in renamed and RENAMED in renamed
    assert "200,000 m²" in figures and "100,000 m²" in figures and "Source:" in figures
    assert axe_violations(visitor.page) == []
