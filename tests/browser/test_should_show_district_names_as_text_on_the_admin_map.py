"""A district's name typed with markup is shown as text on the admin's boundary map, and runs nothing."""

import pytest
from django.conf import settings
from django.urls import reverse

from layout.models import Cluster, District
from tests.unit.conftest import signed_in

pytestmark = pytest.mark.browser

MARKUP = '<img src="/nowhere.png" onerror="window.injected = true">'


def test_should_show_district_names_as_text_on_the_admin_map(visit, django_user_model, live_server):
    District.objects.filter(adcode="310114").update(name_en=f"Jiading {MARKUP}", name_zh=f"嘉定{MARKUP}")
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "a-long-enough-password")
    client = signed_in(admin)  # past the password and the second factor
    host = live_server.url.split("//", 1)[1].split(":")[0]
    visit.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    cluster = Cluster.objects.get(district__adcode="310114")
    visit.goto(reverse("admin:layout_cluster_change", args=[cluster.pk]))
    labels = visit.page.locator(".layout-district-label")
    labels.first.wait_for()
    assert any(MARKUP in text for text in labels.all_inner_texts())
    assert visit.page.locator(".leaflet-container img[src='/nowhere.png']").count() == 0
    assert visit.page.evaluate("window.injected") is None
