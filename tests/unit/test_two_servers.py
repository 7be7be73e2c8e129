"""Several machines: two gunicorn app servers on one PostgreSQL and one Redis behave as one site.

Runs on the PostgreSQL leg (`make test-postgres`: .ci/with-postgres .ci/with-redis); skipped elsewhere."""

import os
import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from layout.models import Cluster
from tests.unit.app_servers import Browser, form_fields, server_environment, start_gunicorn

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    or not os.environ.get("CACHE_URL", "").startswith("redis"),
    reason="needs PostgreSQL (DATABASE_URL) and Redis (CACHE_URL=redis://…): `make test-postgres` runs it",
)

PASSWORD = "official-password-for-two-servers"


def database_url():
    """The test database the test process uses, as a DATABASE_URL for the app servers."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def app_servers(django_db_setup):
    """Two app servers, each its own gunicorn, on the test database and the Redis of CACHE_URL."""
    env = server_environment(DATABASE_URL=database_url(), CACHE_URL=os.environ["CACHE_URL"])
    servers = []
    try:
        for _ in range(2):
            servers.append(start_gunicorn(env, workers=1))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def two_servers(app_servers, transactional_db, layout_data, django_user_model, settings):
    """The two servers, with the 2025 layout and an official committed where both see them."""
    # The servers check passwords with the project's own hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    django_user_model.objects.create_superuser("official", "official@example.org", PASSWORD)
    cache.clear()
    return app_servers


def test_an_official_s_save_through_one_server_is_what_a_visitor_gets_through_the_other(two_servers):
    first, second = two_servers
    cluster = Cluster.objects.filter(is_published=True).order_by("pk").first()
    page, api = f"/en/clusters/{cluster.slug}/", "/api/v1/clusters.geojson?lang=en"
    visitor = Browser(second.url)
    before_page, before_api = visitor.get(page), visitor.get(api)
    assert cluster.name_en in before_page.text and cluster.name_en in before_api.text

    official = Browser(first.url)
    assert official.sign_in("official", PASSWORD).status == 302
    change_path = f"/admin/layout/cluster/{cluster.pk}/change/"
    form = form_fields(official.get(change_path).text, "cluster_form")
    saved = official.post(change_path, {**form, "name_en": "Renamed through the first server", "_save": "Save"})
    assert saved.status == 302, saved.text[:2000]

    after_page, after_api = visitor.get(page), visitor.get(api)
    assert "Renamed through the first server" in after_page.text
    assert "Renamed through the first server" in after_api.text
    assert after_api.headers.get("ETag") != before_api.headers.get("ETag")


def test_a_session_and_the_failed_sign_in_count_hold_on_both_servers(two_servers):
    first, second = two_servers
    official = Browser(first.url)
    assert official.sign_in("official", PASSWORD).status == 302
    official.base_url = second.url  # the same browser, its next request sent to the other server
    admin_index = official.get("/admin/")
    assert admin_index.status == 200 and re.search(r"Welcome,\s*<strong>official</strong>", admin_index.text)

    # Guesses alternate between the servers; the limit counts them all.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        guesser = Browser(two_servers[attempt % 2].url)
        assert guesser.sign_in("official", f"guess-{attempt}").status in (200, 429)
    for server in two_servers:
        assert Browser(server.url).sign_in("official", PASSWORD).status == 429
