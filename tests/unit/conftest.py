"""The unit tests' fixtures and helpers, in one place: officials in each role signed in to the admin in English,
the admin's change forms as a browser would post them, and places inside a district."""

import re
from html import unescape

import pytest
from django.core import serializers
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from shapely.geometry import shape
from shapely.ops import polylabel

from layout import geometry
from layout.models import Cluster, District, IndustryChain, Source
from layout.roles import CITY_EDITOR, DISTRICT_EDITOR, REVIEWER
from tests.conftest import make_official
from tests.unit.app_servers import form_fields
from tests.unit.counting import BROWSER

JIADING, XUHUI, PUTUO = "310114", "310104", "310107"
ARTICLE = "article-2025-03-25"
# ANCHORS.md: a published WGS-84 ⇄ GCJ-02 pair (Alibaba Cloud's documentation), lon/lat.
REFERENCE_WGS84 = (120.021519, 30.281543)
REFERENCE_GCJ02 = (120.026268, 30.279164)


def authenticator(user):
    """The official's authenticator app (a confirmed TOTP device), made once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(device):
    """The 6 digits the official's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def pass_second_factor(client, user):
    """Mark the signed-in client's session as past the second factor, as if the official typed the code."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()
    return client


def signed_in(user):
    """A client signed in as the user, past the password and the second factor."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return pass_second_factor(client, user)


@pytest.fixture
def officials(layout_data, django_user_model):
    """One official in each role: Jiading's district editor, a city editor, a reviewer, a superuser (the roles'
    groups are made at every migrate and every flush, layout.apps)."""
    jiading = District.objects.get(adcode=JIADING)
    users = {
        "jiading": make_official(django_user_model, "jiading-editor", DISTRICT_EDITOR, jiading),
        "city": make_official(django_user_model, "city-editor", CITY_EDITOR),
        "reviewer": make_official(django_user_model, "reviewer", REVIEWER),
        "admin": make_official(django_user_model, "admin", superuser=True),
    }
    return {name: signed_in(user) for name, user in users.items()} | {"users": users}


@pytest.fixture
def in_english():
    """The test reads the site's messages in English (the default language is Chinese): a module asks for it
    with `pytestmark = pytest.mark.usefixtures("in_english")`."""
    with translation.override("en"):
        yield


def cluster_in(adcode):
    return Cluster.objects.get(district__adcode=adcode)


def source():
    return Source.objects.get(key=ARTICLE)


def change_url(obj):
    return reverse(f"admin:layout_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:layout_{model._meta.model_name}_changelist")


def change_form_data(response):
    """The POST data the admin page's form would send unchanged, read from the page as a browser reads it: main
    form, inlines, management forms."""
    html = response.content.decode()
    return form_fields(html, re.search(r'<form\b[^>]*\bid="(\w+_form)"', html)[1])


def post_change_form(client, obj, **changes):
    """The object's change form sent as its page shows it, with `changes` typed in: the admin's answer."""
    data = change_form_data(client.get(change_url(obj)))
    data.update(changes)
    return client.post(change_url(obj), data)


def save_change_form(client, obj, **changes):
    """post_change_form, which the admin must save (it redirects): a refusal fails the test with the form's errors."""
    response = post_change_form(client, obj, **changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def new_cluster_form(client, **fields):
    """The add form of a cluster in Jiading as its editor would fill it in: the unchanged form, a new cluster's
    number, slug, names and district, then `fields` (scenario rows, say)."""
    url = reverse("admin:layout_cluster_add")
    data = change_form_data(client.get(url))
    data.update(
        number="15",
        slug="jiading-new",
        name_zh="嘉定新集聚区",
        name_en="Jiading new cluster",
        district=str(cluster_in(JIADING).district_id),
        boundary_status="indicative",
        anchor_confidence="unknown",
        **fields,
    )
    return url, data


def square(lon, lat, half=0.005, clockwise=False):
    """A square polygon (GeoJSON) centred on (lon, lat), `half` degrees each way, its corners rounded as stored."""
    corners = [(lon - half, lat - half), (lon + half, lat - half), (lon + half, lat + half), (lon - half, lat + half)]
    ring = [[round(x, 6), round(y, 6)] for x, y in [*corners, corners[0]]]
    return {"type": "Polygon", "coordinates": [ring[::-1] if clockwise else ring]}


def inside(adcode, half=0.004):
    """A small square polygon well inside the district (around point_inside)."""
    return square(*point_inside(adcode), half=half)


def point_inside(adcode):
    """(lon, lat) of a point well inside the district (its largest part's point of inaccessibility)."""
    district = District.objects.get(adcode=adcode)
    geom = shape(district.boundary)
    part = max(geom.geoms, key=lambda g: g.area) if geom.geom_type == "MultiPolygon" else geom
    point = polylabel(part, tolerance=1e-4)
    return round(point.x, 4), round(point.y, 4)


def metres_between(a, b):
    """The distance in metres between two (lon, lat) points, on the WGS-84 ellipsoid."""
    return geometry.WGS84.inv(a[0], a[1], b[0], b[1])[2]


def same_shape(a, b, tolerance=1e-9):
    """Whether two GeoJSON geometries cover the same area, whatever their ring start and rounding."""
    return shape(a).symmetric_difference(shape(b)).area < tolerance


def shown_text(html):
    """The text a piece of HTML shows: tags dropped, entities read, spaces as a browser collapses them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def messages_of(response):
    """The messages the page shows the official (the admin's message list), as text."""
    found = re.search(r'<ul class="messagelist">(.*?)</ul>', response.content.decode(), re.S)
    return [shown_text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", found[1], re.S)] if found else []


def listed(response):
    """The records an admin list page shows, as the official sees them: the ids its rows link to, in order."""
    table = re.search(r'<table id="result_list">.*?</table>', response.content.decode(), re.S)
    return list(dict.fromkeys(int(pk) for pk in re.findall(r'<a href="[^"]*/(\d+)/change/', table[0]))) if table else []


def select_options(response, name):
    """The values an official may choose in the form's <select name=name>, the empty choice left out."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.S)
    assert found, f"no {name} choice on the page"
    return [value for value in re.findall(r'<option value="([^"]*)"', found[1]) if value]


def every_field(*models):
    """Every field of every record of the models, many-to-many included, by model name: to compare before and
    after."""
    return {model.__name__: serializers.serialize("python", model._default_manager.order_by("pk")) for model in models}


def copy_cluster(cluster, edition, **changes):
    """A copy of a cluster in another edition, linked to it (as "start the next edition" makes one)."""
    other_chains = list(cluster.other_chains.all())
    sources = list(cluster.sources.all())
    copy = Cluster.objects.get(pk=cluster.pk)
    copy.pk = None
    copy.edition = edition
    copy.copied_from = cluster
    copy.draft = {}
    copy.seed_values = {}
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    copy.other_chains.set(other_chains)
    copy.sources.set(sources)
    return copy


@pytest.fixture
def second_edition(layout_data):
    """A 2026 edition made up by the tests (never in seeds/), unpublished: Pudong's cluster copied under a new
    name, Xuhui's copied as it was, and a cluster of its own in Jiading. Publish it with `.is_published = True`."""
    from layout.models import Edition

    edition = Edition.objects.create(year=2026, title_zh="测试2026布局", title_en="Test 2026 layout")
    edition.chains.set(IndustryChain.objects.all())
    first = Edition.objects.get(year=2025)
    copy_cluster(
        Cluster.objects.get(edition=first, number=1),
        edition,
        name_zh="张江+金桥电子信息集聚区（2026）",
        name_en="Zhangjiang + Jinqiao Electronic Information Cluster (2026)",
    )
    copy_cluster(Cluster.objects.get(edition=first, number=3), edition)
    jiading = Cluster.objects.get(edition=first, number=9)
    copy_cluster(jiading, edition, copied_from=None, slug="jiading-new-2026", number=15, name_en="Jiading 2026 New")
    return edition


@pytest.fixture
def counts():
    """The counter cache of what investors look at (layout.analytics) empty before and after the test: no count
    leaks into another test's flush."""
    from layout import analytics

    analytics.counts_cache().clear()
    yield
    analytics.counts_cache().clear()


@pytest.fixture
def browser(layout_data, counts):
    """A reader's browser (a client with a browser's User-Agent, so that what it looks at is counted), counts
    empty."""
    return Client(HTTP_USER_AGENT=BROWSER)


def errors_shown(response, field=None):
    """The errors the form page shows the official, as text: those about the whole form (the admin's list above
    the form), or with `field`, those shown at that field."""
    kind = f'errorlist" id="id_{field}_error"' if field else 'errorlist nonfield"'
    lists = re.findall(rf'<ul class="{kind}>(.*?)</ul>', response.content.decode(), re.S)
    items = [item for found in lists for item in re.findall(r"<li[^>]*>(.*?)</li>", found, re.S)]
    return [shown_text(item) for item in items]


def history_shown(response):
    """The records an admin history page lists, newest first, as the official reads them: who made each ("by"),
    its reason, and its changes as {field: (before, after)}."""
    body = re.search(r'<table id="change-history".*?<tbody>(.*?)</tbody>', response.content.decode(), re.S)
    assert body, "no change history on the page"
    records = []
    for row in re.findall(r"<tr>(.*?)</tr>", body[1], re.S):
        *_record, by, reason, changes = re.findall(r"<td>(.*?)</td>", row, re.S)
        shown = {}
        for item in re.findall(r"<li>(.*?)</li>", changes, re.S):
            item = re.sub(r'<div class="layout-history-picture">.*?</div>', "", item, flags=re.S)
            field, before_and_after = re.fullmatch(r"\s*<strong>(.*?):</strong>(.*)", item, re.S).groups()
            before, after = before_and_after.split("&nbsp;→&nbsp;")
            shown[shown_text(field)] = (shown_text(before), shown_text(after))
        records.append({"by": shown_text(by), "reason": shown_text(reason), "changes": shown})
    return records


def shown_in_form(response, name):
    """The value the admin page's form shows for the field `name` (what it would send back unchanged)."""
    return change_form_data(response)[name]


def chosen_in_form(response, name):
    """The values the admin page's form has chosen in the multiple choice `name`, as a list (empty if none)."""
    chosen = change_form_data(response).get(name, [])
    return chosen if isinstance(chosen, list) else [chosen]
