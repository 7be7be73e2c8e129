"""Content-Security-Policy: on every page and embed, strict for scripts, with no inline script or style in our pages."""

import re
from html import unescape

import pytest
from django.conf import settings as django_settings

from layout.content_policy import source_hash
from layout.models import Cluster
from tests.unit.import_files import XLSX, dry_run, export

ZHANGJIANG = "pudong-biomedicine"

PUBLIC = [
    "/en/",
    "/zh-hans/",
    "/en/scenarios/",
    "/en/projects/",
    "/zh-hans/compare/?clusters=",
    "/zh-hans/2025/changes/",
    "/downloads/",
    "/api/v1/",
    "/api/v1/clusters.geojson",
    "/embed/",
    "/embed/?lang=fr",
    "/oembed/?url=http://testserver/en/&format=json",
    "/en/no-such-page/",
]


def policy(response):
    """The answer's Content-Security-Policy as {directive: [sources]}."""
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.wsgi_request.path}"
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


def cluster_page(client):
    return f"/en/clusters/{Cluster.objects.filter(is_published=True).first().slug}/"


def strict(directives):
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert "'self'" in directives["img-src"] and "data:" in directives["img-src"]


@pytest.mark.parametrize("address", PUBLIC)
def test_every_public_answer_carries_a_strict_policy(client, layout_data, address):
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    directives = policy(response)
    strict(directives)
    expected_ancestors = ["*"] if address.startswith("/embed/") else ["'none'"]
    assert directives["frame-ancestors"] == expected_ancestors


def test_a_cluster_page_carries_it_too(client, layout_data):
    strict(policy(client.get(cluster_page(client))))


def test_images_may_come_from_the_tile_hosts_of_the_basemaps_offered_and_no_others(client, layout_data, settings):
    settings.LAYOUT_BASEMAPS = [{"id": b, **django_settings.AVAILABLE_BASEMAPS[b]} for b in ("osm", "amap")]
    images = policy(client.get("/en/"))["img-src"]
    assert "https://tile.openstreetmap.org" in images
    assert {f"https://webrd0{n}.is.autonavi.com" for n in "1234"} <= set(images)
    assert not any("tianditu" in source for source in images)
    settings.LAYOUT_BASEMAPS = []
    assert policy(client.get("/en/"))["img-src"] == ["'self'", "data:"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_our_pages_have_no_inline_script_or_style(client, layout_data, language):
    pages = [f"/{language}/", f"/{language}/scenarios/", f"/{language}/projects/", f"/{language}/2025/changes/"]
    for address in [*pages, cluster_page(client)]:
        html = client.get(address).content.decode()
        for script in re.findall(r"<script\b[^>]*>", html):
            # Data blocks (json_script) are not run; every script is a file of ours.
            assert 'type="application/json"' in script or 'type="application/ld+json"' in script or " src=" in script
        assert not re.search(r"<[^>]+\sstyle=", html), address
        assert not re.search(r"<[^>]+\son[a-z]+=", html), address
        assert "<style" not in html


def test_the_admin_carries_a_policy_as_strict_as_its_widgets_allow(officials):
    response = officials["admin"].get(f"/admin/layout/cluster/{Cluster.objects.first().pk}/change/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]


def test_every_style_attribute_of_the_admins_widgets_is_allowed_by_its_exact_hash(officials):
    admin = officials["admin"]
    table = export(admin, Cluster, XLSX)
    row = table.headers.index("name_en")
    values = list(table[0])
    values[row] = f"{values[row]} (renamed)"
    table[0] = values
    cluster = Cluster.objects.first()
    pages = [
        dry_run(admin, Cluster, table, XLSX),  # the import preview, its changed cells coloured
        admin.get("/admin/layout/cluster/export/"),
    ]
    # Our history list (templates/simple_history/object_history_list.html) needs no style attribute at all.
    history = admin.get(f"/admin/layout/cluster/{cluster.pk}/history/").content.decode()
    assert 'id="change-history"' in history
    assert not re.findall(r'\sstyle="', history)
    for page in pages:
        allowed = policy(page)["style-src-attr"]
        styles = set(re.findall(r'\sstyle="([^"]*)"', page.content.decode()))
        assert styles, "the page has the style attributes this test is about"
        assert {style for style in styles if source_hash(unescape(style)) not in allowed} == set()
