"""Markup typed into every text field of every record runs nowhere: public pages, embed, API, admin."""

import pytest
from django.db import models
from django.urls import reverse

from layout.models import Cluster, District, HeadlineFigure, IndustryChain, Project, Scenario, Source
from tests.unit.conftest import signed_in

pytestmark = pytest.mark.browser

MODELS = (District, IndustryChain, Source, HeadlineFigure, Cluster, Scenario, Project)
# Each would run as script if a page put it into HTML as markup (or broke out of an attribute).
MARKUP = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", '"><svg onload=alert(3)>']
# Fields whose values are identifiers or checked formats (an address, a colour, a code), not free text.
NOT_FREE_TEXT = {"slug", "key", "adcode", "colour", "url"}
SHOWN = ["&lt;img src=x onerror=alert(1)&gt;", "&lt;script&gt;alert(2)&lt;/script&gt;", "&lt;svg onload=alert(3)&gt;"]
# Markup set in the DOM as HTML shows up as these elements and attributes. The admin map's own inline start-up
# scripts carry the answer's nonce (which chromium hides from the DOM, leaving the attribute empty).
INJECTED = "img[src='x'], svg[onload], [onerror], [onload], script:not([src]):not([type$=json]):not([nonce])"


def free_text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not field.choices
        and field.name not in NOT_FREE_TEXT
    ]


@pytest.fixture
def marked_up(layout_data):
    """Every free-text field of every record ends with markup (saved, so the history has it too)."""
    for model in MODELS:
        for number, record in enumerate(model.objects.all()):
            for field in free_text_fields(model):
                markup = MARKUP[number % len(MARKUP)]
                value = f"{getattr(record, field.attname) or ''}{markup}"
                if field.max_length and len(value) > field.max_length:
                    value = f"{number}{markup}"[: field.max_length]
                setattr(record, field.attname, value)
            record.save()


@pytest.fixture
def page(open_visit, live_server, marked_up, django_user_model):
    """A superuser's page (past the second factor); any dialog the markup opened fails the story."""
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "a-long-enough-password")
    session = signed_in(boss).cookies["sessionid"].value
    page = open_visit().page
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def visit_all(page, base_url, addresses):
    for address in addresses:
        response = page.goto(base_url + address)
        assert response.status == 200, address
        page.wait_for_load_state("load")
        ready = page.locator("[data-ready]")
        if ready.count():
            page.wait_for_selector("[data-ready=true]", state="attached")
        injected = page.locator(INJECTED).count()
        assert injected == 0, f"{address}: {injected} elements made from the data's markup"
        # The markup is there, as text: the page shows what was typed (JSON answers may escape it).
        assert address.startswith("/api/") or any(text in page.content() for text in SHOWN), (
            f"{address}: the data's markup is not shown"
        )
    assert page.dialogs == []


def public_addresses():
    clusters = list(Cluster.objects.filter(is_published=True).values_list("slug", flat=True))
    located = list(Cluster.objects.filter(is_published=True, boundary__isnull=False).values_list("slug", flat=True))
    addresses = []
    for language in ("en", "zh-hans"):
        addresses += [
            f"/{language}/",
            f"/{language}/?cluster={located[0]}",  # a popup open
            f"/{language}/?projects=1",
            f"/{language}/clusters/{clusters[0]}/",
            f"/{language}/clusters/{clusters[-1]}/",
            f"/{language}/scenarios/",
            f"/{language}/projects/",
            f"/{language}/compare/?clusters={','.join(clusters[:3])}",
        ]
    return [
        *addresses,
        f"/embed/?lang=en&cluster={located[1]}",
        f"/embed/clusters/{clusters[2]}/?lang=zh-hans",
        "/downloads/",
        "/api/v1/",
        "/api/v1/clusters.geojson",
        "/api/v1/districts.geojson",
        "/api/v1/scenarios.json",
        "/api/v1/projects.json",
        "/api/v1/chains.json",
        "/api/v1/headline.json",
        "/en/?preview=1",  # the staff's preview of drafts
    ]


def admin_addresses(models_shown):
    addresses = []
    for model in models_shown:
        name = f"admin:layout_{model._meta.model_name}"
        record = model.objects.order_by("pk").first()
        version = record.history.order_by("history_id").last()
        addresses += [
            reverse(f"{name}_changelist"),
            reverse(f"{name}_change", args=[record.pk]),
            reverse(f"{name}_history", args=[record.pk]),
            reverse(f"{name}_simple_history", args=[record.pk, version.history_id]),
        ]
    return addresses


def test_should_show_markup_in_every_field_as_text_on_public_pages(page, live_server):
    visit_all(page, live_server.url, public_addresses())


def test_should_show_markup_in_every_field_as_text_in_the_admin(page, live_server):
    shown = [model for model in MODELS if model not in (District, Cluster)]
    visit_all(page, live_server.url, admin_addresses(shown))


def test_should_show_markup_in_every_field_as_text_on_admin_pages_with_the_map(page, live_server):
    visit_all(page, live_server.url, admin_addresses([District, Cluster]))
