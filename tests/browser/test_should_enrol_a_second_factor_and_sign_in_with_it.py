"""A reviewer sets up an authenticator app at the first sign-in and signs in with it; the password alone opens nothing."""

import base64
import time

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from layout.models import SecurityEvent
from layout.roles import REVIEWER, ensure_roles

pytestmark = pytest.mark.browser

PASSWORD = "a-long-enough-password"
CLUSTERS = reverse("admin:layout_cluster_changelist")


@pytest.fixture
def reviewers(layout_data, django_user_model):
    ensure_roles()
    for name in ("reviewer", "other-reviewer"):
        user = django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=REVIEWER))


def app_code(secret, at=None):
    """What an authenticator app shows for the key the official typed in (time-based, 6 digits, 30 s)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = at or time.time()
    return f"{totp.token():06d}"


def next_app_code(secret, username):
    """The app's next code as the server counts time: the first code moves the device's drift when it was typed
    across a 30-second boundary (django-otp keeps in step with the app), and the code after the one used is the
    first the server takes. Computing it from the clock alone failed 1 run in 18."""
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    now = int((time.time() - device.t0) // device.step)
    counter = max(device.last_t + 1, now + device.drift)
    return app_code(secret, at=device.t0 + counter * device.step + 1)


def sign_in_with_password(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={CLUSTERS}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_should_enrol_a_second_factor_and_sign_in_with_it(live_server, reviewers, open_visit):
    page = open_visit().page

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
    page.fill("#id_token", next_app_code(secret, "reviewer"))  # the current code was used: the next one
    page.click("#second-factor-form input[type=submit]")
    page.wait_for_url(f"**{CLUSTERS}")
    assert page.locator("#changelist").count() == 1

    # Another reviewer, without a second factor, gets no admin page from the password alone.
    other = open_visit().page
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
