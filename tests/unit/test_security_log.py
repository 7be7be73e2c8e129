"""The security event log: what gets recorded, who may read it, and its CSV export."""

import csv
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from layout.models import District, EditorProfile, SecurityEvent
from layout.roles import CITY_EDITOR, DISTRICT_EDITOR, REVIEWER, ensure_roles
from tests.unit.conftest import authenticator, shown_in_form, signed_in

PASSWORD = "a-long-enough-password"
EVENTS = reverse("admin:layout_securityevent_changelist")
EXPORT = reverse("admin:layout_securityevent_export")


@pytest.fixture
def official(db, django_user_model):
    ensure_roles()
    return django_user_model.objects.create_user("official", password=PASSWORD, is_staff=True)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)


def kinds(**filters):
    return list(SecurityEvent.objects.filter(**filters).order_by("pk").values_list("kind", flat=True))


def test_sign_ins_failures_and_the_lock_out_are_recorded(official):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post(reverse("admin:login"), {"username": "official", "password": PASSWORD})
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "official", "password": f"guess-{attempt}"})
    client.post(reverse("admin:login"), {"username": "nobody-of-that-name", "password": "x"})
    recorded = kinds(username="official")
    assert recorded[0] == "sign-in" and recorded.count("sign-in-failed") == settings.AXES_FAILURE_LIMIT
    assert recorded.count("locked-out") == 1
    assert kinds(username="nobody-of-that-name") == ["sign-in-failed"]
    assert set(SecurityEvent.objects.values_list("ip_address", flat=True)) == {"10.1.2.3"}


def test_a_change_of_groups_or_district_is_recorded_with_who_made_it(official, superuser, layout_data):
    boss = signed_in(superuser)
    page = boss.get(reverse("admin:auth_user_change", args=[official.pk]))
    data = {
        "username": "official",
        "is_active": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=DISTRICT_EDITOR).pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": shown_in_form(page, "date_joined_0"),
        "date_joined_1": shown_in_form(page, "date_joined_1"),
        "editor_profile-TOTAL_FORMS": "1",
        "editor_profile-INITIAL_FORMS": "0",
        "editor_profile-MIN_NUM_FORMS": "0",
        "editor_profile-MAX_NUM_FORMS": "1",
        "editor_profile-0-district": District.objects.get(adcode="310114").pk,
        "editor_profile-0-user": official.pk,
    }
    response = boss.post(reverse("admin:auth_user_change", args=[official.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    groups = SecurityEvent.objects.get(kind="groups-changed", user=official)
    assert groups.actor == "boss" and "district editor" in groups.detail
    district = SecurityEvent.objects.get(kind="district-changed", user=official)
    assert district.actor == "boss" and "Jiading" in district.detail

    # Outside the admin too (a command, the shell): the change is recorded, by nobody in particular.
    official.groups.add(Group.objects.get(name=REVIEWER))
    Group.objects.get(name=CITY_EDITOR).user_set.add(official)
    assert kinds(kind="groups-changed", user=official) == ["groups-changed"] * 3
    Group.objects.get(name=CITY_EDITOR).user_set.clear()
    assert SecurityEvent.objects.filter(kind="groups-changed", user=official).first().detail == (
        "groups now: district editor, reviewer"
    )
    EditorProfile.objects.filter(user=official).delete()
    assert SecurityEvent.objects.filter(kind="district-changed", user=official).count() == 2


def test_only_superusers_read_the_log_and_nobody_edits_it(official, superuser):
    SecurityEvent.objects.create(kind="sign-in", username="someone")
    official.groups.add(Group.objects.get(name=CITY_EDITOR))
    authenticator(official)
    editor = signed_in(official)
    assert editor.get(EVENTS).status_code == 403
    assert editor.get(EXPORT).status_code == 403
    boss = signed_in(superuser)
    page = boss.get(EVENTS)
    assert page.status_code == 200 and "someone" in page.content.decode()
    event = SecurityEvent.objects.get(username="someone")
    change = boss.get(reverse("admin:layout_securityevent_change", args=[event.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert boss.post(reverse("admin:layout_securityevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
    assert boss.get(reverse("admin:layout_securityevent_add")).status_code == 403


def test_the_export_is_the_filtered_log_and_spreadsheet_safe(superuser):
    SecurityEvent.objects.create(kind="sign-in-failed", username='=HYPERLINK("http://evil.example/","click")')
    SecurityEvent.objects.create(kind="sign-in-failed", username="@SUM(1+1)", detail="-2+3")
    SecurityEvent.objects.create(kind="sign-in", username="plain")
    boss = signed_in(superuser)
    response = boss.get(EXPORT + "?kind__exact=sign-in-failed")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["username"] for row in rows} == {'\'=HYPERLINK("http://evil.example/","click")', "'@SUM(1+1)"}
    assert {row["detail"] for row in rows} == {"", "'-2+3"}
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())
    # The list offers the export of what it shows.
    assert (
        f'href="{EXPORT}?kind__exact=sign-in-failed"'
        in boss.get(EVENTS + "?kind__exact=sign-in-failed").content.decode()
    )
    # A filter the list does not know is refused, not a server error.
    assert boss.get(EXPORT + "?at__gte=not-a-date").status_code == 400
