"""As `make serve` serves it (gunicorn, DEBUG off, collected static files), the map works and every static
file it loads, ES modules included, has a content-hashed name and a year's immutable caching; scripts and
styles arrive compressed."""

import re
import subprocess
import sys

import pytest
from django.conf import settings

from tests.unit.app_servers import prepare_sqlite_site, server_environment, start_gunicorn

pytestmark = pytest.mark.browser

HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.\w+$")


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("production")
    database_url = prepare_sqlite_site(work, {})
    env = server_environment(DATABASE_URL=database_url, DJANGO_DEBUG="false", DJANGO_STATIC_ROOT=str(work / "static"))
    # The admin's files are not needed by the public pages, and take most of collectstatic's time.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"]
        + ["--ignore=admin", "--ignore=import_export"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "layout.settings"},
        check=True,
        timeout=300,
    )
    server = start_gunicorn(env, workers=1, threads=4)
    yield server
    server.stop()


def test_should_load_hashed_static_files_from_the_production_server(browser, production_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    static, problems = [], []
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(production_server.url) else route.abort(),
    )
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response", lambda response: response.status >= 400 and problems.append(f"{response.url}: {response.status}")
    )
    page.on(
        "response",
        lambda response: (
            "/static/" in response.url
            and static.append((response.url, response.request.resource_type, response.all_headers()))
        ),
    )
    try:
        page.goto(production_server.url + "/en/")
        page.wait_for_selector("[data-ready=true]", state="attached", timeout=20_000)
        assert page.locator(".leaflet-interactive").count() > 0, "the map drew no cluster"
    finally:
        context.close()

    assert problems == []
    scripts = [url for url, kind, _headers in static if kind == "script"]
    assert len(scripts) >= 8, scripts  # Leaflet and our ES modules, imports included
    for url, kind, headers in static:
        assert HASHED.search(url), f"{url} is not a hashed name"
        assert headers["cache-control"] == "max-age=31536000, public, immutable", url
        if kind in ("script", "stylesheet"):
            assert headers.get("content-encoding") in ("br", "gzip"), url
