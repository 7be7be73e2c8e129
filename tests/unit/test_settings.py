"""Production settings from the environment: the HTTPS switch, the secret key, the cache backend."""

import json
import os
import re
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from layout.settings import cache_from_url
from tests.unit.app_servers import process_environment
from tests.unit.conftest import authenticator, current_code

A_REAL_KEY = "k" * 20 + "-a-long-random-production-key-0123456789-abcdefghij"


def run_python(code, **env):
    """Run Python in a fresh process with the given environment variables (settings are read at start)."""
    environment = process_environment(DJANGO_SETTINGS_MODULE="layout.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*arguments, **env):
    environment = process_environment(**env)
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in_a_fresh_process(names, **env):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_no_issue_with_https_on_and_a_real_key(collected_static):
    # As deployed: the static files collected (`make serve` does it), HTTPS on, a real key.
    result = manage(
        "check",
        "--deploy",
        DJANGO_DEBUG="false",
        DJANGO_HTTPS="true",
        DJANGO_SECRET_KEY=A_REAL_KEY,
        DJANGO_STATIC_ROOT=str(collected_static),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_the_development_key_with_debug_off_is_an_error_that_says_what_to_set(tmp_path):
    missing_file = str(tmp_path / "no-key-here")
    env = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "", "DJANGO_SECRET_KEY_FILE": missing_file}
    result = manage("check", **env)
    assert result.returncode == 1
    assert "(layout.E020) DJANGO_DEBUG is false but the secret key is the development key" in result.stderr
    assert "Set DJANGO_SECRET_KEY" in result.stderr
    # gunicorn runs no system checks: the WSGI application itself refuses to start.
    started = run_python("import layout.wsgi", **env)
    assert started.returncode != 0 and "layout.E020" in started.stderr


def test_the_secret_key_file_is_made_once_readable_only_by_its_owner_and_the_environment_wins(tmp_path, settings):
    key_file = tmp_path / ".secret-key"
    settings.SECRET_KEY_FILE = key_file
    environment_key = os.environ.pop("DJANGO_SECRET_KEY", None)
    try:
        call_command("create_secret_key_file", verbosity=0)
        first = key_file.read_text()
        call_command("create_secret_key_file", verbosity=0)
    finally:
        if environment_key is not None:
            os.environ["DJANGO_SECRET_KEY"] = environment_key
    assert key_file.read_text() == first and len(first.strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    from_file = settings_in_a_fresh_process(["SECRET_KEY"], DJANGO_SECRET_KEY="", DJANGO_SECRET_KEY_FILE=str(key_file))
    assert from_file["SECRET_KEY"] == first.strip()
    from_environment = settings_in_a_fresh_process(
        ["SECRET_KEY"], DJANGO_SECRET_KEY=A_REAL_KEY, DJANGO_SECRET_KEY_FILE=str(key_file)
    )
    assert from_environment["SECRET_KEY"] == A_REAL_KEY


def test_the_key_file_is_not_tracked_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", ".secret-key"], cwd=settings.BASE_DIR, capture_output=True, timeout=30
    )
    assert ignored.returncode == 0, ".secret-key must be in .gitignore"


HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "CSRF_TRUSTED_ORIGINS",
    "ALLOWED_HOSTS",
]


@pytest.fixture
def behind_a_tls_proxy(settings):
    """The settings a fresh process gets with DJANGO_HTTPS=true, applied to this one."""
    values = settings_in_a_fresh_process(
        HTTPS_SETTINGS, DJANGO_HTTPS="true", DJANGO_ALLOWED_HOSTS="map.example.org,.sh.example.org"
    )
    for name, value in values.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    return values


def test_https_switch_turns_on_redirect_hsts_secure_cookies_and_trusts_the_allowed_hosts(behind_a_tls_proxy, db):
    assert behind_a_tls_proxy["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert behind_a_tls_proxy["CSRF_TRUSTED_ORIGINS"] == ["https://map.example.org", "https://*.sh.example.org"]
    plain = Client().get("/en/", HTTP_HOST="map.example.org")
    assert plain.status_code == 301 and plain["Location"] == "https://map.example.org/en/"
    proxied = Client().get("/en/", HTTP_HOST="map.example.org", HTTP_X_FORWARDED_PROTO="https")
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_hsts_seconds_come_from_the_environment():
    values = settings_in_a_fresh_process(["SECURE_HSTS_SECONDS"], DJANGO_HTTPS="true", DJANGO_HSTS_SECONDS="600")
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert settings_in_a_fresh_process(["SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"], DJANGO_HTTPS="false") == {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
    }


def test_an_official_signs_in_through_a_tls_proxy_without_a_csrf_refusal(behind_a_tls_proxy, django_user_model):
    official = django_user_model.objects.create_user("official", password="the-right-password", is_staff=True)
    device = authenticator(official)
    # What the proxy forwards: the browser's Host and Origin, and X-Forwarded-Proto for the TLS it ended.
    browser = Client(
        enforce_csrf_checks=True,
        HTTP_HOST="map.example.org",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    login = reverse("admin:login")
    form = browser.get(login)
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    assert form.cookies["csrftoken"]["secure"] and form.cookies["csrftoken"]["samesite"]
    signed_in = browser.post(
        login,
        {"csrfmiddlewaretoken": token, "username": "official", "password": "the-right-password", "next": "/admin/"},
        HTTP_ORIGIN="https://map.example.org",
        HTTP_REFERER="https://map.example.org/admin/login/",
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert signed_in.cookies["sessionid"]["secure"]
    # Then the second factor, through the same proxy: the app's code, posted with the form's token.
    second_factor = browser.get("/admin/")
    assert second_factor.status_code == 302 and second_factor["Location"].startswith("/admin/second-factor/")
    page = browser.get(second_factor["Location"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    passed = browser.post(
        second_factor["Location"],
        {"csrfmiddlewaretoken": token, "token": current_code(device)},
        HTTP_ORIGIN="https://map.example.org",
        HTTP_REFERER=f"https://map.example.org{second_factor['Location']}",
    )
    assert passed.status_code == 302
    assert browser.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", ""),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1"),
        (
            "rediss://cache.internal:6380/0",
            "django.core.cache.backends.redis.RedisCache",
            "rediss://cache.internal:6380/0",
        ),
    ],
)
def test_cache_url_picks_django_s_own_backends(url, backend, location):
    cache = cache_from_url(url)
    assert cache["BACKEND"] == backend and cache.get("LOCATION", "") == location


def test_an_unknown_cache_url_is_refused_with_what_is_allowed():
    with pytest.raises(ImproperlyConfigured, match="redis://host:port/db"):
        cache_from_url("memcached://127.0.0.1:11211")
