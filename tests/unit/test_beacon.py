"""The map's beacon (layout.beacon): popups, searches and filters counted; anything else refused with a 400,
never a 500; never cached, no cookie."""

import json

import pytest
from django.test import Client

from layout.models import Cluster
from tests.unit.counting import stored

pytestmark = pytest.mark.django_db
URL = "/map/noted/"


def test_popups_searches_and_filters_are_counted(browser):
    slug = Cluster.objects.filter(is_published=True).first().slug
    for kind, key in (
        ("popup", slug),
        ("search", "Zhangjiang"),
        ("search", "  zhangjiang "),
        ("search_none", "Ｑｕａｎｔｕｍ  Farm"),
        ("filter", "chain:biomedicine"),
    ):
        response = browser.post(URL, {"kind": kind, "key": key})
        assert response.status_code == 204
        assert not response.cookies
        assert "no-store" in response["Cache-Control"]
    assert stored() == {
        ("popup", slug): 1,
        ("search", "zhangjiang"): 2,
        ("search_none", "quantum farm"): 1,
        ("filter", "chain:biomedicine"): 1,
    }


def test_a_popup_of_a_cluster_that_does_not_exist_is_not_kept(browser):
    assert browser.post(URL, {"kind": "popup", "key": "made-up-cluster"}).status_code == 204
    assert stored() == {}


def test_phone_numbers_and_email_addresses_in_a_search_are_not_kept(browser):
    browser.post(URL, {"kind": "search_none", "key": "call 138 0013 8000 or li@example.cn"})
    assert stored() == {("search_none", "call [number] or [email]"): 1}


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "view", "key": "map"},  # the server counts pages itself
        {"kind": "nonsense", "key": "x"},
        {"kind": "popup", "key": "<script>"},
        {"kind": "popup", "key": ""},
        {"kind": "search", "key": "x" * 65},
        {"kind": "search", "key": "   "},
        {"kind": "filter", "key": "colour:red"},
        {"kind": "filter", "key": "chain:" + "a" * 61},
        {"key": "no kind"},
        {"kind": "search", "key": "y" * 2000},
    ],
)
def test_input_it_cannot_count_is_refused(browser, data):
    response = browser.post(URL, data)
    assert response.status_code == 400
    assert stored() == {}


def test_only_posts(browser):
    assert browser.get(URL).status_code == 405


def test_a_bot_is_answered_but_not_counted(layout_data, counts):
    response = Client(HTTP_USER_AGENT="Mozilla/5.0 (compatible; bingbot/2.0)").post(URL, {"kind": "search", "key": "a"})
    assert response.status_code == 204
    assert stored() == {}


def map_config(client, url):
    page = client.get(url).content.decode()
    return json.loads(page.split('<script id="map-config" type="application/json">')[1].split("</script>")[0])


def test_the_map_tells_its_beacon_address_but_not_in_an_officials_preview(officials, counts):
    assert map_config(Client(), "/en/")["noteUrl"] == URL
    assert map_config(officials["city"], "/en/?preview=1")["noteUrl"] is None
