"""An investor's personal data never reaches a public answer: pages, API, embeds, downloads, offline map."""

import gzip
import io
import time
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from layout import api, enquiries
from layout.models import Cluster, Enquiry, Project, Scenario

SENDER = {
    "organisation": "Zyxwv Secret Holdings",
    "contact_name": "Qwertzu Privatperson",
    "email": "qwertzu@private.example",
    "phone": "+49 30 98765432",
    "country": "Ruritania",
    "message": "Confidential plan: Project Nightjar",
}


def public_addresses():
    """Every public address the URL configuration names, for every published cluster, in both languages."""
    slugs = list(Cluster.objects.published().values_list("slug", flat=True))
    addresses = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.name.startswith("enquiry"):
                yield pattern.name, pattern.pattern.converters

    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name, converters in walk(get_resolver().url_patterns):
                if "year" in converters:  # a route only with a year (what changed in an edition)
                    addresses.add(reverse(name, kwargs={"year": 2025}))
                elif "slug" in converters:
                    addresses.update(reverse(name, args=[slug]) for slug in slugs)
                elif "name" in converters:
                    addresses.update(reverse(name, args=[download]) for download in api.DOWNLOADS)
                else:
                    addresses.add(reverse(name))
    return sorted(addresses)


def readable(response):
    """The answer's bytes as a reader's program would see them: unzipped, every file of an archive."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist())
    return body


@pytest.mark.django_db
def test_no_public_answer_shows_a_senders_personal_data(layout_data, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    subjects = [
        f"cluster={Cluster.objects.published().first().slug}",
        f"scenario={Scenario.objects.published().first().pk}",
        f"project={Project.objects.published().first().pk}",
    ]
    for subject in subjects:
        form = dict(SENDER, language="en", consent="on", started=enquiries.started_token(time.time() - 10), website="")
        assert client.post(f"{reverse('enquiry_new')}?{subject}", form).status_code == 302
    assert Enquiry.objects.count() == 3
    addresses = public_addresses()
    assert len(addresses) > 40, "the walk found the public addresses"
    for address in addresses:
        response = client.get(address, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code in (200, 302, 400, 405), address  # 405: the map's beacon takes POST only
        body = readable(response).decode("utf-8", errors="replace")
        for value in SENDER.values():
            assert value not in body, f"{value!r} reached {address}"
