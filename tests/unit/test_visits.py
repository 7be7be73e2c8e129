"""What a public GET counts as (layout.visits): pages, clusters, files, API calls and embeds, also when the answer
comes from the cache; bots, HEAD, prefetches and officials' previews not; no cookie set, nothing of the visitor kept."""

import pytest
from django.test import Client

from layout.models import Cluster, DailyCount
from tests.unit.counting import BROWSER, stored

pytestmark = pytest.mark.django_db


def first_cluster():
    return Cluster.objects.filter(is_published=True).order_by("number").first()


def test_a_cached_page_is_counted_at_every_view(browser):
    cluster = first_cluster()
    url = f"/en/clusters/{cluster.slug}/"
    first = browser.get(url)
    second = browser.get(url)  # answered from the answer cache
    assert first.status_code == second.status_code == 200
    assert stored() == {("view", "cluster"): 2, ("cluster", cluster.slug): 2}
    row = DailyCount.objects.get(kind="cluster")
    assert row.district == cluster.district.adcode


def test_a_304_is_a_view_too(browser):
    first = browser.get("/zh-hans/")
    again = browser.get("/zh-hans/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert stored() == {("view", "map"): 2}


def test_pages_lists_compare_files_and_api_are_counted_by_kind(browser):
    a, b = Cluster.objects.filter(is_published=True).order_by("number")[:2]
    for url in (
        "/en/scenarios/",
        "/en/projects/",
        f"/en/compare/?clusters={a.slug},{b.slug}",
        "/downloads/",
        "/downloads/layout.geojson",
        "/api/v1/clusters.geojson",
        "/api/v1/clusters.geojson?chain=biomedicine",
        "/en/map/clusters.geojson",  # the map page's own data: part of the map's view, not counted
    ):
        assert browser.get(url).status_code == 200, url
    assert stored() == {
        ("view", "scenarios"): 1,
        ("view", "projects"): 1,
        ("view", "compare"): 1,
        ("compare", a.slug): 1,
        ("compare", b.slug): 1,
        ("view", "downloads"): 1,
        ("download", "layout.geojson"): 1,
        ("api", "/api/v1/clusters.geojson"): 2,
    }


def test_errors_and_unknown_pages_are_not_counted(browser):
    assert browser.get("/en/clusters/no-such-cluster/").status_code == 404
    assert browser.get("/en/compare/?clusters=a,b,c,d,e").status_code == 400
    assert stored() == {}


def test_the_api_fetched_by_our_own_map_is_not_an_api_call_but_a_script_is(browser, layout_data):
    browser.get("/api/v1/districts.geojson", HTTP_SEC_FETCH_SITE="same-origin", HTTP_SEC_FETCH_MODE="cors")
    Client(HTTP_USER_AGENT="python-requests/2.32").get("/api/v1/districts.geojson")
    Client(HTTP_USER_AGENT="curl/8.5.0").get("/downloads/layout.kml")
    assert stored() == {("api", "/api/v1/districts.geojson"): 1, ("download", "layout.kml"): 1}


def test_embeds_are_counted_by_the_origin_of_the_site_around_them(browser):
    browser.get("/embed/?lang=en", HTTP_REFERER="https://www.shanghai.gov.cn/invest/page.html?x=1")
    browser.get("/embed/?lang=en&parentOrigin=https://Portal.Example:8443")
    browser.get("/embed/?lang=en")
    # The embed dialog's preview on our own pages is not another site.
    browser.get("/embed/?lang=en", HTTP_REFERER="http://testserver/en/")
    assert stored("embed") == {
        ("embed", "https://www.shanghai.gov.cn"): 1,
        ("embed", "https://portal.example:8443"): 1,
        ("embed", ""): 1,
    }


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0 Safari/537.36",
        "curl/8.5.0",
    ],
)
def test_bots_are_not_counted(layout_data, counts, agent):
    Client(HTTP_USER_AGENT=agent).get("/en/")
    assert stored() == {}


def test_head_requests_and_prefetches_are_not_counted(browser):
    assert browser.head("/en/").status_code == 200
    browser.get("/en/", HTTP_SEC_PURPOSE="prefetch")
    browser.get("/en/", HTTP_PURPOSE="prefetch")
    browser.get("/en/", HTTP_SEC_PURPOSE="prefetch;prerender")
    assert stored() == {}


def test_an_officials_preview_and_visits_are_not_counted(officials, counts):
    city = officials["city"]
    city.defaults["HTTP_USER_AGENT"] = BROWSER
    assert city.get("/en/?preview=1").status_code == 200
    assert city.get("/en/").status_code == 200
    assert stored() == {}


def test_counting_sets_no_cookie_and_keeps_nothing_of_the_visitor(browser):
    cluster = first_cluster()
    response = browser.get(
        f"/en/clusters/{cluster.slug}/", REMOTE_ADDR="203.0.113.9", HTTP_REFERER="https://search.example/?q=me"
    )
    assert "Set-Cookie" not in response.headers and not response.cookies
    stored()
    kept = " ".join(str(value) for row in DailyCount.objects.values() for value in row.values())
    assert DailyCount.objects.exists()
    for personal in ("203.0.113.9", "search.example", BROWSER, "Chrome"):
        assert personal not in kept


def test_nothing_is_written_to_the_database_while_a_page_is_answered(browser, django_assert_num_queries):
    browser.get("/en/")
    with django_assert_num_queries(1):  # the data version, as for any cached answer
        browser.get("/en/")
    assert stored() == {("view", "map"): 2}


def test_the_switch_turns_counting_off(browser, settings):
    settings.LAYOUT_COUNT_VISITS = False
    browser.get("/en/")
    assert stored() == {}
