"""A reviewer sets up an authenticator app at the first sign-in and signs in with it; the password alone opens nothing."""

import base64
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import TOTP

from layout.models import SecurityEvent
from layout.roles import REVIEWER, ensure_roles
from tests.browser.policy import record_policy_violations

pytestmark = pytest.mark.browser

PASSWORD = "a-long-enough-password"
CLUSTERS = reverse("admin:layout_cluster_changelist")


@pytest.fixture
def reviewers(layout_data, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_roles()
    for name in ("reviewer", "other-reviewer"):
        user = django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=REVIEWER))


@pytest.fixture
def pages(browser, live_server):
    """Pages of their own (own cookies) that reach only the live server; CSP violations land in problems."""
    contexts, problems = [], []

    def new_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        host = urlsplit(live_server.url).netloc
        context.route(
            "**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc == host else route.abort()
        )
        record_policy_violations(context, problems)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield new_page, problems
    for context in contexts:
        context.close()


def app_code(secret, at=None):
    """What an authenticator app shows for the key the official typed in (time-based, 6 digits, 30 s)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = at or time.time()
    return f"{totp.token():06d}"


def sign_in_with_password(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={CLUSTERS}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_should_enrol_a_second_factor_and_sign_in_with_it(live_server, reviewers, pages):
    new_page, problems = pages
    page = new_page()

    # First sign-in: after the password, the reviewer is asked to set up an authenticator app.
    sign_in_with_password(page, live_server, "reviewer")
    page.wait_for_url("**/admin/second-factor/enrol/**")
    qr = page.locator("img.second-factor-qr")
    assert qr.evaluate("(img) => img.complete && img.naturalWidth > 0")  # drawn by our server, shown
    secret = page.locator("#second-factor-secret").inner_text()
    assert len(secret.replace(" ", "")) >= 32

    # The reviewer types the key into the app, then the code the app shows.
    page.fill("#id_token", app_code(secret))
    page.click("#second-factor-form input[type=submit]")
    page.wait_for_selector("#recovery-codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    page.click("#recovery-codes-continue")
    page.wait_for_url(f"**{CLUSTERS}")
    assert page.locator("#changelist").count() == 1

    # Signing out, then in again: the password, then the app's next code.
    page.click("#logout-form button")
    sign_in_with_password(page, live_server, "reviewer")
    page.wait_for_url("**/admin/second-factor/?**")
    page.fill("#id_token", app_code(secret, at=time.time() + 30))  # the current code was used: the next one
    page.click("#second-factor-form input[type=submit]")
    page.wait_for_url(f"**{CLUSTERS}")
    assert page.locator("#changelist").count() == 1

    # Another reviewer, without a second factor, gets no admin page from the password alone.
    other = new_page()
    sign_in_with_password(other, live_server, "other-reviewer")
    other.wait_for_url("**/admin/second-factor/enrol/**")
    for address in (CLUSTERS, reverse("admin:index")):
        other.goto(live_server.url + address)
        assert "/admin/second-factor/" in other.url and other.locator("#changelist").count() == 0
    other.fill("#id_token", "000000" if app_code(secret) != "000000" else "111111")
    other.click("#second-factor-form input[type=submit]")
    other.wait_for_selector(".errornote")
    assert "This code is wrong" in other.locator(".errornote").inner_text()
    assert other.locator("#changelist").count() == 0

    kinds = set(SecurityEvent.objects.filter(username="reviewer").values_list("kind", flat=True))
    assert {"sign-in", "second-factor-enrolled", "second-factor-passed", "sign-out"} <= kinds
    assert problems == []
