"""Password guessing: after repeated failed sign-ins the account is locked, with a clear message."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

LOGIN = reverse("admin:login")


@pytest.fixture
def official(django_user_model):
    return django_user_model.objects.create_user("official", password="the-right-password", is_staff=True)


def sign_in(client, password):
    return client.post(LOGIN, {"username": "official", "password": password, "next": "/admin/"})


def test_account_is_locked_after_repeated_failures_even_for_the_right_password(official):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, f"guess-{attempt}")
        assert (
            response.status_code == 200
            and "Please enter the correct username and password" in response.content.decode()
        )
    locked = sign_in(client, "guess-last")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many failed sign-ins: this account is locked" in text
    assert f"wrong {settings.AXES_FAILURE_LIMIT} times in a row" in text and "for the next 30 minutes" in text
    # From another browser, with the right password: still locked (the account is, not the browser).
    assert sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), "the-right-password").status_code == 429

    call_command("axes_reset_username", "official", verbosity=0)
    unlocked = sign_in(Client(), "the-right-password")
    assert unlocked.status_code == 302 and unlocked.url == "/admin/"


def test_a_successful_sign_in_resets_the_count(official):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, f"guess-{attempt}")
    assert sign_in(client, "the-right-password").status_code == 302
    client.logout()
    assert sign_in(client, "one-more-typo").status_code == 200  # counted afresh, not locked
