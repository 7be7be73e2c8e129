"""Staff sign-in: the password, then the second factor (an authenticator app's code or a recovery code)."""

import base64
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from layout.models import SecurityEvent
from layout.roles import REVIEWER, ensure_roles
from tests.unit.conftest import authenticator, current_code, signed_in

PASSWORD = "a-long-enough-password"
LOGIN = reverse("admin:login")
SECOND_FACTOR = reverse("admin:second_factor")
ENROL = reverse("admin:second_factor_enrol")
CLUSTERS = reverse("admin:layout_cluster_changelist")


@pytest.fixture
def reviewer(db, django_user_model):
    ensure_roles()
    user = django_user_model.objects.create_user("reviewer", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWER))
    return user


def password_only(username="reviewer", next_path=CLUSTERS):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_path})
    assert response.status_code == 302
    return client


def test_the_password_alone_does_not_open_the_admin(reviewer):
    authenticator(reviewer)
    client = password_only()
    for address in (CLUSTERS, reverse("admin:index"), reverse("admin:layout_cluster_add")):
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(SECOND_FACTOR), address
    # Nor does anything staff may see outside the admin (the preview of drafts): there it is nobody.
    assert client.get("/en/?preview=1").wsgi_request.user.is_anonymous


def test_the_authenticators_code_opens_the_admin_where_the_official_was_going(reviewer):
    device = authenticator(reviewer)
    client = password_only()
    page = client.get(f"{SECOND_FACTOR}?next={CLUSTERS}")
    assert page.status_code == 200 and "authenticator app" in page.content.decode()
    wrong = client.post(SECOND_FACTOR, {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "This code is wrong" in wrong.content.decode()
    # A wrong code holds the device back a second (then 2, 4…): the official types the next one later.
    device.refresh_from_db()
    device.throttle_reset()
    right = client.post(SECOND_FACTOR, {"token": current_code(device), "next": CLUSTERS})
    assert right.status_code == 302 and right.url == CLUSTERS
    assert client.get(CLUSTERS).status_code == 200
    kinds = list(SecurityEvent.objects.filter(username="reviewer").values_list("kind", flat=True))
    assert {"sign-in", "second-factor-failed", "second-factor-passed"} <= set(kinds)


def test_a_next_address_on_another_site_is_not_followed(reviewer):
    device = authenticator(reviewer)
    client = password_only()
    response = client.post(SECOND_FACTOR, {"token": current_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_an_official_without_a_device_is_sent_to_enrol_and_gets_recovery_codes(reviewer):
    client = password_only()
    assert client.get(CLUSTERS).url.startswith(SECOND_FACTOR)
    to_enrol = client.get(f"{SECOND_FACTOR}?next={CLUSTERS}")
    assert to_enrol.status_code == 302 and to_enrol.url.startswith(ENROL)
    page = client.get(to_enrol.url)
    text = page.content.decode()
    # The QR code is drawn here, as an image in the page: nothing is asked of another server.
    assert re.search(r'<img class="second-factor-qr" src="data:image/svg\+xml', text)
    # The secret is also written out, for an app that cannot scan: the one the device holds.
    secret = re.search(r'<code class="second-factor-secret"[^>]*>(.*?)</code>', text)[1].replace(" ", "")
    assert len(secret) >= 32
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert secret == base64.b32encode(device.bin_key).decode().rstrip("=")
    assert client.get(CLUSTERS).status_code == 302  # not yet: the device is unproven
    done = client.post(ENROL, {"token": current_code(device), "next": CLUSTERS})
    assert done.status_code == 200
    codes = recovery_codes_shown(done)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=reviewer).confirmed
    assert client.get(CLUSTERS).status_code == 200
    assert SecurityEvent.objects.filter(kind="second-factor-enrolled", user=reviewer).exists()

    # A recovery code signs in once, and only once.
    for attempt in ("first", "second"):
        again = password_only()
        response = again.post(SECOND_FACTOR, {"token": codes[0], "next": CLUSTERS})
        if attempt == "first":
            assert response.status_code == 302 and again.get(CLUSTERS).status_code == 200
        else:
            assert response.status_code == 200 and again.get(CLUSTERS).status_code == 302
    assert SecurityEvent.objects.filter(kind="recovery-code-used", user=reviewer).count() == 1


def recovery_codes_shown(response):
    """The recovery codes the page lists for the official to keep."""
    listed = re.search(r'<ol class="recovery-codes"[^>]*>(.*?)</ol>', response.content.decode(), re.S)
    return re.findall(r"<code>(.*?)</code>", listed[1]) if listed else []


def test_new_recovery_codes_replace_the_old_ones(reviewer):
    client = signed_in(reviewer)
    renew = reverse("admin:recovery_codes")
    assert f'href="{renew}"' in client.get(reverse("admin:index")).content.decode()
    first = recovery_codes_shown(client.post(renew))
    second = recovery_codes_shown(client.post(renew))
    assert len(second) == 10 and not set(first) & set(second)
    assert SecurityEvent.objects.filter(kind="recovery-codes-renewed", user=reviewer).count() == 2
    again = password_only()
    assert again.post(SECOND_FACTOR, {"token": first[0]}).status_code == 200  # an old code no longer works
    StaticDevice.objects.get(user=reviewer).throttle_reset()  # the official tries again a little later
    assert again.post(SECOND_FACTOR, {"token": second[0]}).status_code == 302


def test_public_answers_do_not_vary_on_the_session_cookie(db):
    # The check of the second factor reads the session only for a page that asks who is signed in.
    for address in ("/en/scenarios/", "/api/v1/chains.json"):
        assert "Cookie" not in Client().get(address).get("Vary", "")


def test_enrolment_is_refused_once_a_device_is_confirmed(reviewer):
    authenticator(reviewer)
    client = password_only()
    response = client.get(ENROL)
    assert response.status_code == 302 and response.url.startswith(SECOND_FACTOR)


def test_a_superuser_resets_a_lost_device(reviewer, django_user_model):
    authenticator(reviewer)
    StaticDevice.objects.create(user=reviewer, name="recovery codes")
    admin_user = django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    boss = signed_in(admin_user)
    response = boss.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [reviewer.pk]},
        follow=True,
    )
    assert "second factor of 1 user was reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticDevice.objects.filter(user=reviewer).exists()
    event = SecurityEvent.objects.get(kind="second-factor-reset")
    assert event.user == reviewer and event.actor == "boss"
    # At the next sign-in the reviewer sets up a new one.
    client = password_only()
    assert client.get(SECOND_FACTOR).url.startswith(ENROL)


def test_the_setting_names_the_roles_that_must_use_it(reviewer, settings):
    settings.LAYOUT_SECOND_FACTOR_ROLES = ["city editor"]
    assert password_only().get(CLUSTERS).status_code == 200
    settings.LAYOUT_SECOND_FACTOR_ROLES = [REVIEWER]
    assert password_only().get(CLUSTERS).status_code == 302


def test_the_device_secrets_have_no_admin_page(reviewer, django_user_model):
    boss = signed_in(django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD))
    index = boss.get(reverse("admin:index")).content.decode()
    assert "TOTP" not in index and "otp_totp" not in index and "otp_static" not in index


# ---- Sessions ----


def test_signing_out_ends_the_session_on_the_server(reviewer):
    device = authenticator(reviewer)
    client = password_only()
    client.post(SECOND_FACTOR, {"token": current_code(device)})
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("admin:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert SecurityEvent.objects.filter(kind="sign-out", user=reviewer).exists()


def test_signing_out_works_halfway_through_the_sign_in(reviewer):
    client = password_only()
    key = client.session.session_key
    client.post(reverse("admin:logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_a_staff_session_ends_after_the_idle_minutes_and_with_the_browser(reviewer, settings):
    from datetime import timedelta

    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == settings.LAYOUT_STAFF_IDLE_MINUTES * 60 == 30 * 60
    device = authenticator(reviewer)
    client = password_only()
    client.post(SECOND_FACTOR, {"token": current_code(device)})
    session = Session.objects.get(session_key=client.session.session_key)
    # Twenty minutes later the official opens an admin page: the 30 idle minutes start again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=10))
    response = client.get(CLUSTERS)
    assert response.status_code == 200
    # A browser-session cookie (no expiry date): it goes when the browser closes.
    assert response.cookies["sessionid"]["expires"] == "" and response.cookies["sessionid"]["max-age"] == ""
    session.refresh_from_db()
    assert timezone.now() + timedelta(minutes=29) < session.expire_date <= timezone.now() + timedelta(minutes=30)
    # Left idle past that, the server no longer knows the session.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(CLUSTERS).url.startswith(LOGIN)


# ---- Passwords ----


@pytest.mark.parametrize(
    "password, complaint",
    [
        ("short-pw-1", "at least 12 characters"),
        ("password1234", "too common"),
        ("402938475610293", "entirely numeric"),
        ("reviewer-office", "too similar"),
    ],
)
def test_weak_passwords_are_refused(reviewer, password, complaint):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    reviewer.first_name = "Reviewer"
    reviewer.email = "reviewer-office@example.org"
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_password(password, reviewer)
    assert complaint in " ".join(refused.value.messages)
