"""The enquiry form: validation, consent, spam defences, reference numbers, the mail queue and what the reader sees."""

import html
import re
import socket
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from layout import enquiries, mail_queue
from layout.models import Cluster, DailyCount, District, Enquiry, OutgoingMail, Project, Scenario
from tests.unit.conftest import JIADING, cluster_in, shown_text
from tests.unit.counting import stored

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _enquiry_settings(settings):
    settings.EMAIL_BACKEND = LOCMEM
    settings.LAYOUT_ENQUIRY_MIN_SECONDS = 3
    settings.LAYOUT_ENQUIRY_RATE = "5/m"


def form_url(language="en", **subject):
    ((name, value),) = subject.items()
    with translation.override(language):
        return f"{reverse('enquiry_new')}?{name}={value}"


def fields(**changes):
    """What a person types, the form opened ten seconds ago."""
    data = {
        "organisation": "Acme Robotics GmbH",
        "contact_name": "Erika Mustermann",
        "email": "erika@acme.example",
        "phone": "",
        "country": "Germany",
        "message": "We look for 5,000 m² of lab space.",
        "language": "en",
        "consent": "on",
        "started": enquiries.started_token(time.time() - 10),
        "website": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def error_at(response, name):
    """The error the enquiry page shows at the field `name`, as text ("" for none)."""
    for paragraph in re.findall(r'<p class="field[^"]*">(.*?)</p>', response.content.decode(), re.S):
        if f'name="{name}"' in paragraph:
            found = re.search(r'<span class="error" role="alert">(.*?)</span>', paragraph, re.S)
            return shown_text(found[1]) if found else ""
    raise AssertionError(f"no {name} field on the page")


def alerts_above_the_form(response):
    """The refusals the enquiry page shows above its fields, as text."""
    return [
        shown_text(alert)
        for alert in re.findall(r'<div class="form-errors" role="alert">(.*?)</div>', response.content.decode(), re.S)
    ]


def office_email(cluster, address="invest@jiading.example"):
    cluster.district.enquiry_email = address
    cluster.district.save()
    return address


@pytest.mark.django_db
def test_cluster_page_links_to_the_form_in_its_language(layout_data, client):
    cluster = cluster_in(JIADING)
    page = client.get(reverse("cluster_detail", args=[cluster.slug]).replace("/en/", "/zh-hans/", 1))
    text = page.content.decode()
    assert "提交投资意向" in text
    assert f'href="/zh-hans/enquiry/?cluster={cluster.slug}&amp;year=2025"' in text


@pytest.mark.django_db
def test_every_scenario_and_project_has_its_enquiry_link(layout_data, client):
    scenarios = client.get(reverse("scenario_list")).content.decode()
    for scenario in Scenario.objects.published():
        assert f"/enquiry/?scenario={scenario.pk}" in scenarios
    projects = client.get(reverse("project_list")).content.decode()
    for project in Project.objects.published():
        assert f"/enquiry/?project={project.pk}" in projects


@pytest.mark.django_db
def test_form_names_its_subject_the_office_and_the_notice(layout_data, client, settings):
    settings.LAYOUT_ENQUIRY_RETENTION_DAYS = 365
    cluster = cluster_in(JIADING)
    page = client.get(form_url("zh-hans", cluster=cluster.slug))
    text = page.content.decode()
    assert page.status_code == 200
    assert cluster.name_zh in text and "嘉定区" in text
    assert "保存365天" in text, "the notice states the retention setting"
    assert enquiries.NOTICE_VERSION in text
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]


@pytest.mark.django_db
def test_unknown_or_unpublished_subject_is_not_found(layout_data, client):
    assert client.get(form_url(cluster="no-such-cluster")).status_code == 404
    assert client.get(form_url(scenario="abc")).status_code == 404
    draft = Scenario.objects.create(title_zh="草稿场景", is_published=False)
    assert client.get(form_url(scenario=draft.pk)).status_code == 404
    assert client.get(reverse("enquiry_new")).status_code == 404


@pytest.mark.django_db
def test_sent_enquiry_is_saved_routed_and_acknowledged(layout_data, client):
    cluster = cluster_in(JIADING)
    office = office_email(cluster)
    response = client.post(form_url(cluster=cluster.slug), fields())
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.district == cluster.district and enquiry.cluster == cluster
    assert cluster.name_zh in enquiry.subject and cluster.name_en in enquiry.subject
    assert enquiry.notice_version == enquiries.NOTICE_VERSION
    assert abs((timezone.now() - enquiry.consented_at).total_seconds()) < 60
    assert re.fullmatch(r"SH25-[2-9A-HJ-NP-Z]{8}", enquiry.reference)
    sent = client.get(response["Location"])
    assert enquiry.reference in sent.content.decode()
    assert "erika" not in sent.content.decode().lower()
    ack, notice = sorted(mail.outbox, key=lambda m: m.to != ["erika@acme.example"])
    assert ack.to == ["erika@acme.example"] and enquiry.reference in ack.subject
    assert ack.reply_to == [office]
    assert notice.to == [office] and enquiry.reference in notice.body
    assert "erika" not in notice.body.lower(), "the office's notice names no one: the data stays in the admin"
    assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_sent_enquiries_are_counted_for_the_dashboard_without_the_sender(layout_data, client, counts):
    scenario = Scenario.objects.published().filter(cluster__isnull=False).select_related("cluster").first()
    cluster = scenario.cluster
    assert client.post(form_url(cluster=cluster.slug), fields()).status_code == 302
    assert client.post(form_url(scenario=scenario.pk), fields()).status_code == 302
    # Both are about the scenario's cluster: two enquiries for it on the dashboard, and nothing of who sent them.
    assert stored("enquiry") == {("enquiry", cluster.slug): 2}
    assert not DailyCount.objects.exclude(kind="enquiry").exists()


@pytest.mark.django_db
def test_cluster_address_wins_over_the_district_address(layout_data, client):
    cluster = cluster_in(JIADING)
    office_email(cluster)
    Cluster.objects.filter(pk=cluster.pk).update(enquiry_email="cluster-office@jiading.example")
    client.post(form_url(cluster=cluster.slug), fields(email="", phone="+49 30 1234567"))
    assert [m.to for m in mail.outbox] == [["cluster-office@jiading.example"]], "no email given: no acknowledgement"


@pytest.mark.django_db
def test_acknowledgement_is_in_the_readers_preferred_language(layout_data, client):
    cluster = cluster_in(JIADING)
    client.post(form_url("en", cluster=cluster.slug), fields(language="zh-hans"))
    (ack,) = mail.outbox
    assert "您的投资意向" in ack.subject or "您的" in ack.body
    assert "保存" in ack.body, "the notice is repeated in the reader's language"


@pytest.mark.django_db
def test_scenario_and_project_enquiries_go_to_their_district(layout_data, client):
    scenario = Scenario.objects.published().filter(cluster__isnull=False).select_related("cluster").first()
    client.post(form_url(scenario=scenario.pk), fields())
    project = Project.objects.published().filter(district__isnull=False).first()
    client.post(form_url(project=project.pk), fields())
    by_scenario, by_project = Enquiry.objects.order_by("pk")
    assert by_scenario.scenario == scenario and by_scenario.district_id == scenario.cluster.district_id
    assert by_project.project == project and by_project.district_id == project.district_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, field",
    [
        ({"email": "", "phone": ""}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "", "phone": "call me"}, "phone"),
        ({"consent": None}, "consent"),
        ({"organisation": ""}, "organisation"),
        ({"message": ""}, "message"),
        ({"language": "fr"}, "language"),
    ],
)
def test_invalid_enquiry_is_shown_again_with_the_reason(layout_data, client, changes, field):
    cluster = cluster_in(JIADING)
    response = client.post(form_url(cluster=cluster.slug), fields(**changes))
    assert response.status_code == 400
    assert error_at(response, field), f"no error shown at {field}"
    assert not Enquiry.objects.exists() and not mail.outbox
    assert 'value="Acme Robotics GmbH"' in response.content.decode() or field == "organisation"


@pytest.mark.django_db
def test_honeypot_filled_is_refused_and_nothing_saved(layout_data, client):
    cluster = cluster_in(JIADING)
    response = client.post(form_url(cluster=cluster.slug), fields(website="http://spam.example"))
    assert response.status_code == 400
    assert not Enquiry.objects.exists() and not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_form_sent_faster_than_a_person_can_is_refused(layout_data, client):
    cluster = cluster_in(JIADING)
    response = client.post(form_url(cluster=cluster.slug), fields(started=enquiries.started_token(time.time() - 1)))
    assert response.status_code == 400
    assert any("That was very quick" in alert for alert in alerts_above_the_form(response))
    assert not Enquiry.objects.exists()
    # The form shown again carries a new time, so the person's second try goes through.
    shown = re.search(r'<input type="hidden" name="started" value="([^"]*)"', response.content.decode())
    again = dict(fields(), started=html.unescape(shown[1]))
    assert signing_age(again["started"]) < 5


def signing_age(token):
    return time.time() - float(enquiries.signing.loads(token, salt=enquiries.STARTED_SALT))


@pytest.mark.django_db
def test_forged_or_stale_timestamp_is_refused(layout_data, client):
    cluster = cluster_in(JIADING)
    forged = client.post(form_url(cluster=cluster.slug), fields(started=str(time.time() - 100)))
    stale = client.post(
        form_url(cluster=cluster.slug), fields(started=enquiries.started_token(time.time() - 2 * 86400))
    )
    assert forged.status_code == stale.status_code == 400
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_twenty_posts_a_minute_from_one_address_are_refused(layout_data):
    cluster = cluster_in(JIADING)
    url = form_url(cluster=cluster.slug)
    robot = Client(REMOTE_ADDR="198.51.100.7")
    answers = [robot.post(url, fields()).status_code for _ in range(20)]
    assert answers[:5] == [302] * 5
    assert answers[5:] == [429] * 15
    assert Enquiry.objects.count() == 5
    # Another address is not held back by the robot's posts.
    assert Client(REMOTE_ADDR="198.51.100.8").post(url, fields()).status_code == 302


@pytest.mark.django_db
def test_rate_limit_never_stores_the_address(layout_data):
    cluster = cluster_in(JIADING)
    Client(REMOTE_ADDR="198.51.100.77").post(form_url(cluster=cluster.slug), fields())
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if "enquiry" in table or "outgoingmail" in table:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                assert "198.51.100.77" not in repr(cursor.fetchall())


@pytest.mark.django_db
def test_two_visitors_each_get_a_working_form(layout_data):
    cluster = cluster_in(JIADING)
    url = form_url(cluster=cluster.slug)
    for address in ("203.0.113.1", "203.0.113.2"):
        visitor = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
        page = visitor.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
        response = visitor.post(url, dict(fields(), csrfmiddlewaretoken=token))
        assert response.status_code == 302, address
    assert Enquiry.objects.count() == 2


@pytest.mark.django_db
def test_sent_page_needs_its_signed_address(layout_data, client):
    assert client.get(reverse("enquiry_sent") + "?r=SH25-AAAAAAAA").status_code == 404


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.mark.django_db
def test_failing_mail_server_loses_nothing(layout_data, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    cluster = cluster_in(JIADING)
    office_email(cluster)
    response = client.post(form_url(cluster=cluster.slug), fields())
    assert response.status_code == 302, "the reader's enquiry is taken although the mail server is down"
    enquiry = Enquiry.objects.get()
    waiting = list(OutgoingMail.objects.filter(enquiry=enquiry))
    assert len(waiting) == 2
    assert all(m.sent_at is None and m.attempts == 1 and m.last_error and m.next_attempt_at for m in waiting)

    # The command sends only what is due: nothing yet (the retry waits a minute) …
    call_command("send_queued_mail", verbosity=0)
    assert OutgoingMail.objects.filter(attempts=1, sent_at__isnull=True).count() == 2
    # … and once due, with the mail server back, everything goes.
    OutgoingMail.objects.update(next_attempt_at=timezone.now())
    settings.EMAIL_BACKEND = LOCMEM
    call_command("send_queued_mail", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == ["erika@acme.example", "invest@jiading.example"]
    assert OutgoingMail.objects.filter(sent_at__isnull=False, attempts=2).count() == 2


def test_retries_back_off():
    delays = [mail_queue.retry_delay(n).total_seconds() for n in (1, 2, 3, 10, 12)]
    assert delays[:3] == [60, 120, 240]
    assert delays[3] == delays[4] == 6 * 3600


@pytest.mark.django_db
def test_mail_given_up_after_the_last_attempt(layout_data, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    queued = mail_queue.queue("someone@example.org", "subject", "body")
    OutgoingMail.objects.filter(pk=queued.pk).update(attempts=mail_queue.MAX_ATTEMPTS - 1)
    mail_queue.send_due()
    queued.refresh_from_db()
    assert queued.attempts == mail_queue.MAX_ATTEMPTS and queued.next_attempt_at is None and queued.sent_at is None
    assert not mail_queue.due().exists()


def test_references_are_random_not_sequential():
    references = {enquiries.new_reference() for _ in range(200)}
    assert len(references) == 200


@pytest.mark.django_db
def test_district_address_is_not_in_the_public_api(layout_data, client):
    district = District.objects.get(adcode=JIADING)
    district.enquiry_email = "invest@jiading.example"
    district.save()
    for url in ("/api/v1/districts.geojson", "/api/v1/clusters.geojson"):
        assert "invest@jiading.example" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_form_and_sent_pages_are_never_cached(layout_data, client):
    cluster = cluster_in(JIADING)
    url = form_url(cluster=cluster.slug)
    first, second = Client().get(url), Client().get(url)
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(first.content.decode()).group(1) != token.search(second.content.decode()).group(1)
    assert "no-store" in first["Cache-Control"] and "ETag" not in first
    sent = client.get(client.post(url, fields())["Location"])
    assert sent.status_code == 200 and "no-store" in sent["Cache-Control"]
    # A second reader's post is their own enquiry, not an answer kept from the first.
    assert client.post(url, fields(organisation="Second Reader Ltd")).status_code == 302
    assert set(Enquiry.objects.values_list("organisation", flat=True)) == {"Acme Robotics GmbH", "Second Reader Ltd"}


@pytest.mark.django_db
def test_behind_the_proxy_the_limit_counts_the_address_the_proxy_saw(layout_data, settings):
    settings.HTTPS = True
    url = form_url(cluster=cluster_in(JIADING).slug)
    proxy = {"REMOTE_ADDR": "10.0.0.1", "secure": True}
    # A robot varying the X-Forwarded-For it sends still comes through the proxy from one address.
    answers = [
        Client().post(url, fields(), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.9", **proxy).status_code
        for n in range(7)
    ]
    assert answers.count(429) == 2
    # Another visitor behind the same proxy is not held back.
    assert Client().post(url, fields(), HTTP_X_FORWARDED_FOR="198.51.100.10", **proxy).status_code == 302


@pytest.mark.django_db
def test_embedded_map_offers_the_form_in_a_new_tab(layout_data, client):
    cluster = cluster_in(JIADING)
    page = client.get("/embed/?lang=zh-hans").content.decode()
    link = re.search(
        rf'<a class="cluster-enquiry" href="([^"]+\?cluster={cluster.slug}&amp;year=2025)" target="_blank"', page
    )
    assert link, "each cluster of the embedded list links to its enquiry form"
    assert link.group(1).startswith("/zh-hans/enquiry/")
    assert client.get(html.unescape(link.group(1))).status_code == 200
