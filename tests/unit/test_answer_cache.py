"""Public answers are built once per data version: never stale after a change, never a draft, 304 for free."""

import gzip
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from layout import answer_cache, data_version
from layout.models import Cluster, DataVersion, Scenario
from tests.unit.conftest import JIADING, cluster_in

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
PUBLIC_GETS = [
    "/zh-hans/",
    "/en/",
    f"/en/clusters/{ZHANGJIANG}/",
    "/zh-hans/scenarios/",
    "/en/projects/",
    f"/en/compare/?clusters={ZHANGJIANG},xuhui-artificial-intelligence",
    "/embed/?lang=en",
    f"/embed/clusters/{ZHANGJIANG}/",
    "/oembed/?url=http://testserver/en/&format=json",
    "/api/v1/clusters.geojson?lang=en",
    "/api/v1/headline.json",
    "/downloads/",
    "/downloads/layout.geojson",
    "/en/map/clusters.geojson",
]


def in_the_past():
    """The data as last changed an hour ago, so that answers carry a Last-Modified date."""
    DataVersion.objects.update(changed_at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def public(layout_data):
    return Client()


@pytest.mark.parametrize("url", PUBLIC_GETS)
def test_every_public_get_is_built_once_then_answered_from_the_cache(public, url, django_assert_num_queries):
    first = public.get(url)
    assert first.status_code == 200 and first["ETag"]
    # Only the data version is read: nothing is built again.
    with django_assert_num_queries(1):
        again = public.get(url)
    assert again.content == first.content and again["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", PUBLIC_GETS)
def test_a_304_costs_one_query_and_no_build(public, url, django_assert_num_queries):
    in_the_past()
    first = public.get(url)
    with django_assert_num_queries(1):
        assert public.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_assert_num_queries(1):
        assert public.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_never_an_old_page_after_a_change(public):
    url = f"/en/clusters/{ZHANGJIANG}/"
    etag = public.get(url)["ETag"]
    assert "Renamed by a reviewer" not in public.get("/en/").content.decode()
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    cluster.name_en = "Renamed by a reviewer"
    cluster.save()
    changed = public.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "Renamed by a reviewer" in changed.content.decode()
    assert "Renamed by a reviewer" in public.get("/en/").content.decode()
    assert "Renamed by a reviewer" in public.get("/en/map/clusters.geojson").content.decode()


def test_a_deletion_invalidates_and_if_modified_since_does_not_keep_the_deleted_record(public):
    in_the_past()
    scenario = Scenario.objects.published().exclude(title_en="").first()
    first = public.get("/en/scenarios/")
    assert scenario.title_en in first.content.decode()
    api = public.get("/api/v1/scenarios.json")
    scenario.delete()
    page = public.get("/en/scenarios/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert page.status_code == 200 and scenario.title_en not in page.content.decode()
    answer = public.get("/api/v1/scenarios.json", HTTP_IF_MODIFIED_SINCE=api["Last-Modified"])
    assert answer.status_code == 200 and scenario.title_en not in answer.content.decode()


def test_never_a_draft_to_the_public_and_staff_preview_is_never_cached(officials):
    staff = officials["jiading"]
    cluster = cluster_in(JIADING)
    cluster.draft = {"values": {"name_en": "Draft name"}, "by": "jiading-editor"}
    cluster.save()
    preview = staff.get("/en/?preview=1")
    assert "Draft name" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"] and "ETag" not in preview
    assert "Draft name" in staff.get("/en/map/clusters.geojson?preview=1").content.decode()
    # The same addresses for anyone else, and the public map for staff too: no draft.
    assert "Draft name" not in Client().get("/en/?preview=1").content.decode()
    for client in (Client(), staff):
        assert "Draft name" not in client.get("/en/").content.decode()
    assert "Draft name" not in Client().get("/en/map/clusters.geojson?preview=1").content.decode()


def test_a_public_page_is_the_same_for_staff_and_carries_nothing_of_the_user(officials):
    staff_page = officials["jiading"].get("/en/")
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en").get("/en/")
    assert staff_page.content == anonymous.content
    body = anonymous.content.decode()
    assert "csrfmiddlewaretoken" not in body and "jiading-editor" not in body
    assert "Cookie" not in anonymous.get("Vary", "")


def test_the_cached_answer_is_sent_compressed_to_who_accepts_gzip(public):
    plain = public.get("/zh-hans/")
    compressed = public.get("/zh-hans/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert "Content-Encoding" not in plain


def test_the_key_holds_the_host_and_the_language(public, settings):
    settings.ALLOWED_HOSTS = ["map.example.org", "testserver"]
    url = f"/en/clusters/{ZHANGJIANG}/"
    assert "http://map.example.org/" in public.get(url, HTTP_HOST="map.example.org").content.decode()
    assert "http://map.example.org/" not in public.get(url).content.decode()
    english = public.get("/embed/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = public.get("/embed/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert english != chinese


def test_a_setting_that_shapes_the_page_is_part_of_the_key(public, settings):
    public.get("/en/")
    settings.LAYOUT_MAP_APPROVAL_NUMBER = "GS(2025)0001"
    assert "GS(2025)0001" in public.get("/en/").content.decode()


def test_a_fresh_change_gives_no_date_that_a_second_change_in_the_same_second_could_share(public):
    data_version.bump()  # a change just now
    response = public.get("/en/")
    assert "Last-Modified" not in response and response["ETag"]
    in_the_past()
    assert public.get("/en/")["Last-Modified"] == http_date(DataVersion.objects.get().changed_at.timestamp())


def test_pages_are_checked_again_at_every_visit(public):
    assert public.get("/en/")["Cache-Control"] == "no-cache"
    assert "max-age" in public.get("/api/v1/headline.json")["Cache-Control"]


@pytest.mark.django_db
def test_an_answer_that_depends_on_who_asks_is_never_stored(rf):
    built = []

    @answer_cache.cached_answer
    def with_a_form(request):
        built.append(request.path)
        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    @answer_cache.cached_answer
    def public_page(request):
        built.append(request.path)
        return HttpResponse("the same for everyone")

    for _ in range(2):
        answer_cache.AnswerCacheMiddleware(with_a_form)(rf.get("/form/"))
        answer_cache.AnswerCacheMiddleware(public_page)(rf.get("/public/"))
    assert built == ["/form/", "/public/", "/form/"]


# Set on every answer, fresh or cached, or differing by nature between two answers.
PER_ANSWER_HEADERS = {"Date", "Last-Modified"}


@pytest.mark.parametrize("url", ["/en/", "/embed/?lang=en", "/api/v1/clusters.geojson?lang=en", "/downloads/"])
def test_a_cached_answer_carries_every_header_of_the_fresh_one(public, url):
    fresh = public.get(url, HTTP_ACCEPT_ENCODING="gzip")
    cached = public.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert cached.content == fresh.content
    assert {k: v for k, v in cached.items() if k not in PER_ANSWER_HEADERS} == {
        k: v for k, v in fresh.items() if k not in PER_ANSWER_HEADERS
    }
    assert "Content-Security-Policy" in cached and "Content-Language" in cached and "Referrer-Policy" in cached
    # Only the embed may be framed, by the allowed origins.
    if url.startswith("/embed/"):
        assert "frame-ancestors *" in cached["Content-Security-Policy"] and "X-Frame-Options" not in cached
    else:
        assert "frame-ancestors 'none'" in cached["Content-Security-Policy"] and cached["X-Frame-Options"] == "DENY"


def test_a_304_from_the_cache_keeps_the_security_policy(public):
    first = public.get("/en/")
    again = public.get("/en/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"] and again["ETag"] == first["ETag"]


def test_a_head_request_is_answered_like_a_get(public):
    get = public.get("/en/")
    head = public.head("/en/")
    assert head.status_code == 200 and not head.content and head["ETag"] == get["ETag"]
    assert public.head("/en/")["Content-Length"] == get["Content-Length"]


def test_every_public_answer_is_marked_for_counting_cached_or_fresh(public, officials):
    """The hook of page-view counting: a middleware before AnswerCacheMiddleware sees each public answer."""
    fresh = public.get("/en/")
    cached = public.get("/en/")
    not_modified = public.get("/en/", HTTP_IF_NONE_MATCH=fresh["ETag"])
    signed_in = officials["jiading"].get("/en/")
    for response in (fresh, cached, not_modified, signed_in):
        assert response.public_answer is True
    assert not getattr(officials["jiading"].get("/en/?preview=1"), "public_answer", False)
    assert not getattr(public.get("/admin/login/"), "public_answer", False)
