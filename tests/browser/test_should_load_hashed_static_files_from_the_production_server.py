"""As `make serve` serves it (gunicorn, DEBUG off, collected static files), the map works and every static
file it loads, ES modules included, has a content-hashed name and a year's immutable caching; scripts and
styles arrive compressed."""

import re

import pytest

from tests.unit.app_servers import prepare_sqlite_site, server_environment, start_gunicorn

pytestmark = pytest.mark.browser

HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.\w+$")


@pytest.fixture
def production_server(tmp_path, collected_static, sqlite_site_template):
    database_url = prepare_sqlite_site(tmp_path, {}, sqlite_site_template)
    env = server_environment(DATABASE_URL=database_url, DJANGO_DEBUG="false", DJANGO_STATIC_ROOT=str(collected_static))
    server = start_gunicorn(env, workers=1, threads=4)
    yield server
    server.stop()


def test_should_load_hashed_static_files_from_the_production_server(open_visit, production_server):
    visit = open_visit(base_url=production_server.url, viewport={"width": 1366, "height": 768})
    page = visit.page
    static = []
    page.on(
        "response",
        lambda response: (
            "/static/" in response.url
            and static.append((response.url, response.request.resource_type, response.all_headers()))
        ),
    )
    page.goto(production_server.url + "/en/")
    page.wait_for_selector("[data-ready=true]", state="attached", timeout=20_000)
    assert page.locator(".leaflet-interactive").count() > 0, "the map drew no cluster"

    scripts = [url for url, kind, _headers in static if kind == "script"]
    assert len(scripts) >= 8, scripts  # Leaflet and our ES modules, imports included
    for url, kind, headers in static:
        assert HASHED.search(url), f"{url} is not a hashed name"
        assert headers["cache-control"] == "max-age=31536000, public, immutable", url
        if kind in ("script", "stylesheet"):
            assert headers.get("content-encoding") in ("br", "gzip"), url
