"""Every admin page an official reaches speaks the official's language: no English label on a Chinese page, no
Chinese label of ours on an English one. Pages are found from the admin site's registry, so a screen added
later is checked too; a failure names the page and the words to translate."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
import shapely
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from layout import history
from layout.models import Cluster
from tests.unit.conftest import (
    JIADING,
    authenticator,
    change_form_data,
    errors_shown,
    history_shown,
    inside,
    messages_of,
    signed_in,
)
from tests.unit.import_files import CSV, dry_run, export

# Words a Chinese page may carry in Latin letters: formats, datums, units and names officials know in this form.
LATIN_ALLOWED = {
    "GeoJSON",
    "JSON",
    "CSV",
    "XLSX",
    "Excel",
    "WGS-84",
    "WGS",  # "WGS 84", the coordinate system's name as a file states it
    "GCJ-02",
    "TOTP",
    "QR",
    "CNY",
    "km²",
    "km",  # "km²": the run of letters stops at the ²
    "m²",
    "URL",
    "ID",
    "PIPL",
    "SVG",
    "Cookie",  # 不使用 Cookie: the web term, written so in Chinese
    "Shapefile",
    "GeoPackage",
    "KML",
    "GPX",
    "ZIP",
    "API",
    "IP",
    "LDAP",
    "XML",
    "GPS",
    "HTTP",
    "GET",
    "POST",
    # Keys as Django's own Chinese names them ("按住 Control 键或 Mac 上的 Command 键来选择多项").
    "Control",
    "Command",
    "Mac",
    # The language switch names each language in itself.
    "English",
    # Authenticator apps the enrolment page names.
    "FreeOTP",
    "Google",
    "Microsoft",
    "Authenticator",
}
LATIN_ALLOWED_FOLDED = {word.casefold() for word in LATIN_ALLOWED}
# Chinese an English page may carry in our labels: units typed in Chinese, the language switch's own name, and the
# scenario categories' official names, which their English labels quote on purpose ("industry incubation · 产业孵化").
CHINESE_ALLOWED = {"万平方米", "亿元", "中文", "简体中文", "产业孵化", "技术攻关", "转型升级", "应用示范"}

LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z](?:[\s,.;:]+[A-Za-z][A-Za-z'’\-]*[A-Za-z])*")
CHINESE_RUN = re.compile(r"[\u3400-\u9fff]+")
# Text an official did not read as a label: addresses, e-mail addresses, file names, numbers with units.
# Codes (a word with a digit or an underscore: md5, space_m2, a spreadsheet's column name), file name endings
# (.shp) and masked secrets (a password hash's "Ic*****").
NOT_WORDS = re.compile(
    r"(?:https?://|/)\S+|\S+@\S+|\b\S+\.(?:csv|xlsx|geojson|json|zip|kml|gpkg|shp)\b|[\w\-]*[\d_][\w\-]*|\.[a-z]{2,4}(?![a-z])|\S*\*{3}\S*",
    re.I,
)
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
SKIPPED_ELEMENTS = {"script", "style", "textarea", "template", "noscript", "code", "pre"}


class VisibleText(HTMLParser):
    """The text a reader sees or hears on a page: element text, labels in attributes, button captions."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_ELEMENTS:
            self.skipping.append(tag)
        for name in VISIBLE_ATTRIBUTES & attributes.keys():
            self.parts.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(part.split()) for part in parser.parts if part.strip()]


def typed_values(language):
    """Every text officials (or the seeds) stored: names, titles, quotes, user names. They are shown as typed."""
    with translation.override(language):
        return _typed_values()


def _typed_values():
    values = set()
    for model in apps.get_models():
        # Free text only: a stored choice code ("official") or a model's own name (contenttypes) is not what an
        # official typed, and removing it would hide an untranslated label.
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            # A change reason is written by the code (layout.drafts): checked, not taken as typed.
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and f.name != "history_change_reason"
        ]
        if not fields or model._meta.app_label in {"sessions", "admin", "contenttypes"}:
            continue
        for row in model._default_manager.values_list(*fields):
            values.update(str(value) for value in row if value)
        # Records by their names (axes names its log entries in English, as data: "Access Log for …").
        if model._meta.app_label in {"layout", "auth", "axes"} and not model.__name__.startswith("Historical"):
            values.update(str(obj) for obj in model._default_manager.all()[:500])
    return sorted((value for value in values if len(value.strip()) > 1), key=len, reverse=True)


def without_typed(text, typed):
    for value in typed:
        if value in text:
            text = text.replace(value, " ")
    return text


def english_left(texts, typed):
    found = []
    for text in texts:
        text = NOT_WORDS.sub(" ", without_typed(text, typed))
        for run in LATIN_RUN.findall(text):
            words = [w for w in re.split(r"[\s,.;:]+", run) if w and w.casefold() not in LATIN_ALLOWED_FOLDED]
            if words:
                found.append(" ".join(words))
    return found


def chinese_left(texts, typed):
    found = []
    for text in texts:
        for run in CHINESE_RUN.findall(without_typed(text, typed)):
            if not any(run in allowed or allowed in run for allowed in CHINESE_ALLOWED):
                found.append(run)
    return found


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def admin_pages(user):
    """(name, address) of every admin page the user reaches: the index, each app's index, each registered model's
    list, add form, and the change form, history and one history version of its first record, the import and
    export pages, the second factor, the recovery codes and the password change."""
    pages = [("index", reverse("admin:index"))]
    request = type("Request", (), {"user": user})()
    app_labels = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue
        opts = model._meta
        app_labels.add(opts.app_label)
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        if model_admin.has_view_or_change_permission(request):
            pages.append((f"{opts.label} list", reverse(f"{prefix}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append((f"{opts.label} add form", reverse(f"{prefix}_add")))
        obj = model_admin.get_queryset(type("Request", (), {"user": user, "GET": {}})()).order_by("pk").first()
        if obj is not None:
            pages.append((f"{opts.label} change form", reverse(f"{prefix}_change", args=[obj.pk])))
            pages.append((f"{opts.label} history", reverse(f"{prefix}_history", args=[obj.pk])))
            history = getattr(obj, "history", None)
            record = history.order_by("history_id").first() if history is not None else None
            version = _url(f"{prefix}_simple_history", obj.pk, record.pk) if record is not None else None
            if version:
                pages.append((f"{opts.label} history version", version))
        for action in ("import", "export"):
            url = _url(f"{prefix}_{action}")
            if url and url.endswith("/"):  # a page, not a download
                pages.append((f"{opts.label} {action}", url))
    for label in sorted(app_labels):
        pages.append((f"{label} app index", reverse("admin:app_list", args=[label])))
    pages += [
        ("recovery codes", reverse("admin:recovery_codes")),
        ("password change", reverse("admin:password_change")),
    ]
    if user.has_perm("auth.change_user"):
        pages.append(("user's password form", reverse("admin:auth_user_password_change", args=[user.pk])))
    return pages


def walk(client, pages):
    """Each page's HTML, asserting it opens."""
    for name, url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{name} ({url}) answered {response.status_code}"
        yield name, url, response.content.decode()


@pytest.fixture
def superuser(layout_data, django_user_model, officials):
    """The city's superuser: reaches every admin page."""
    return officials["users"]["admin"]


def in_language(user, code):
    client = signed_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


@pytest.mark.parametrize("role", ["admin", "jiading"])
def test_every_admin_page_is_chinese_for_a_chinese_official(officials, role):
    """Every page the superuser reaches, and every page a district editor reaches (their read-only fields)."""
    user = officials["users"][role]
    client = in_language(user, "zh-hans")
    typed = typed_values("zh-hans")
    problems = []
    for name, url, html in walk(client, admin_pages(user)):
        left = english_left(visible_text(html), typed)
        if left:
            problems.append(f"{name} ({url}): {sorted(set(left))}")
    assert not problems, "English left on Chinese admin pages (translate these):\n" + "\n".join(problems)


def test_every_admin_page_is_english_for_an_english_official(superuser):
    client = in_language(superuser, "en")
    typed = typed_values("en")
    problems = []
    for name, url, html in walk(client, admin_pages(superuser)):
        left = chinese_left(visible_text(html), typed)
        if left:
            problems.append(f"{name} ({url}): {sorted(set(left))}")
    assert not problems, "Chinese left on English admin pages:\n" + "\n".join(problems)


def test_the_second_factor_pages_are_chinese(layout_data, django_user_model):
    """Before the admin opens: the enrolment (QR code) and the code page, in the official's language."""
    user = django_user_model.objects.create_superuser("new-official", "n@example.org", "pw")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(user)
    typed = typed_values("zh-hans")
    enrol = client.get(reverse("admin:second_factor_enrol"))
    authenticator(user)
    code = client.get(reverse("admin:second_factor"))
    login = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("admin:login"))
    # The name the authenticator app shows: a setting, as configured.
    typed = sorted([*typed, settings.OTP_TOTP_ISSUER], key=len, reverse=True)
    for name, response in [("enrolment", enrol), ("second factor", code), ("sign-in", login)]:
        assert response.status_code == 200, name
        left = english_left(visible_text(response.content.decode()), typed)
        assert not left, f"{name}: {left}"


def test_the_walker_finds_english_it_is_meant_to_find():
    """The check itself: an English label is found, a typed English name and an allowed format are not."""
    texts = visible_text(
        "<h1>修改 集聚区</h1><label>Boundary status</label><p>Zhangjiang 科学城</p><p>上传 GeoJSON 或 CSV</p>"
        '<script>var x = "English";</script><input type="submit" value="Save">'
    )
    assert english_left(texts, ["Zhangjiang"]) == ["Boundary status", "Save"]
    assert chinese_left(visible_text("<p>Type it in 万平方米</p><p>修改</p>"), []) == ["修改"]


def test_the_language_is_the_officials_choice(superuser):
    """The header's switch sets the language cookie; the next admin page is in that language."""
    client = signed_in(superuser)
    page = client.get(reverse("admin:index"))
    assert "简体中文" in visible_text(page.content.decode())
    client.post(reverse("admin:language"), {"language": "zh-hans", "next": reverse("admin:index")})
    assert "上海重点产业布局 管理" in client.get(reverse("admin:index")).content.decode()
    client.post(reverse("admin:language"), {"language": "en", "next": reverse("admin:index")})
    assert "Shanghai key industry layout admin" in client.get(reverse("admin:index")).content.decode()


def test_model_names_have_their_own_plural(superuser):
    """Not "集聚区s" (Django's English plural made of a Chinese name): each language's own plural."""
    client = in_language(superuser, "zh-hans")
    index = " ".join(visible_text(client.get(reverse("admin:index")).content.decode()))
    assert "集聚区" in index and not re.search(r"[\u3400-\u9fff]s\b", index), index
    assert "个集聚区" not in index  # the public pages' counting word is not the list's name
    client = in_language(superuser, "en")
    index = " ".join(visible_text(client.get(reverse("admin:index")).content.decode()))
    assert "Clusters" in index and "Industry chains" in index, index


@pytest.mark.parametrize(
    "content, name",
    [
        (b"", "empty.geojson"),
        (b"<kml>broken", "broken.kml"),
        (b'{"type": "FeatureCollection", "features": []}', "none.geojson"),
        (b"x", "boundary.txt"),
    ],
)
def test_boundary_upload_refusals_are_chinese(superuser, content, name):
    """The boundary file's refusal, the coordinate-source choice and the rest of the form, in Chinese."""
    client = in_language(superuser, "zh-hans")
    cluster = Cluster.objects.order_by("pk").first()
    url = reverse("admin:layout_cluster_change", args=[cluster.pk])
    data = change_form_data(client.get(url))
    data["boundary_file"] = SimpleUploadedFile(name, content)
    response = client.post(url, data)
    assert response.status_code == 200 and errors_shown(response, "boundary_file")
    left = english_left(visible_text(response.content.decode()), typed_values("zh-hans"))
    assert not left, left


def test_boundary_read_from_a_file_is_announced_in_chinese(superuser):
    client = in_language(superuser, "zh-hans")
    cluster = Cluster.objects.order_by("pk").first()
    url = reverse("admin:layout_cluster_change", args=[cluster.pk])
    data = change_form_data(client.get(url))
    boundary = json.dumps({"type": "Feature", "properties": {}, "geometry": inside(cluster.district.adcode)})
    data["boundary_file"] = SimpleUploadedFile("cluster.geojson", boundary.encode())
    response = client.post(url, data)
    messages = " ".join(messages_of(response))
    assert "平方千米" in messages and not english_left([messages], []), messages


def test_the_lock_out_page_is_chinese(django_user_model):
    django_user_model.objects.create_user("official", password="the-right-password", is_staff=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(reverse("admin:login"), {"username": "official", "password": f"guess-{attempt}"})
    assert locked.status_code == 429
    assert not english_left(visible_text(locked.content.decode()), []), visible_text(locked.content.decode())


def test_history_shows_a_boundary_change_as_its_area_with_a_before_and_after_map(officials):
    """Not the stored dictionaries ({'typ…): the area before and after, and both shapes drawn as inline SVG."""
    cluster = Cluster.objects.get(district__adcode=JIADING)
    client = in_language(officials["users"]["admin"], "zh-hans")
    url = reverse("admin:layout_cluster_change", args=[cluster.pk])
    data = change_form_data(client.get(url))
    data["boundary"] = json.dumps(inside(JIADING, half=0.01))
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("admin:layout_cluster_history", args=[cluster.pk]))
    html = page.content.decode()
    before, after = history_shown(page)[0]["changes"]["边界"]
    assert re.fullmatch(r"\d+\.\d\d km²", after), after
    assert re.fullmatch(r"\d+\.\d\d km²", before) and before != after, before
    assert "{&#x27;typ" not in html and "{'typ" not in html and "chars]" not in html
    svg = re.search(r'<svg class="layout-history-map".*?</svg>', html, re.S)[0]
    # Both shapes, drawn by class: the Content-Security-Policy refuses inline styles and scripts.
    assert svg.count("<path") == 2 and "<script" not in svg and "style=" not in svg
    # The change reason is left empty when none was given, never "None".
    assert "<td>None</td>" not in html and "修改内容" in html


def test_history_size_of_a_square_is_its_area():
    """The area shown is the shape's real (geodesic) area: a 0.01° square at Shanghai is 0.95 km by 1.11 km."""
    square = shapely.geometry.box(121.4, 31.2, 121.41, 31.21)
    with translation.override("en"):
        assert history.describe_shape(square) == "1.06 km²"


def admin_script_messages():
    """The messages Django's admin scripts show through gettext (the two-box selector, the calendar, the actions)."""
    scripts = Path(django.__file__).parent / "contrib" / "admin" / "static" / "admin" / "js"
    found = set()
    for path in [*scripts.glob("*.js"), *scripts.glob("admin/*.js")]:
        found.update(re.findall(r"""\b(?:gettext|ngettext)\(\s*(['"])(.+?)\1""", path.read_text()))
    return {message for _quote, message in found}


def test_the_admin_scripts_speak_chinese(superuser):
    """Text drawn by the admin's scripts ("Choose all 资料来源") comes from the jsi18n catalogue: every message of
    Django's admin scripts has its Chinese there (Django's own catalogue lacks its newer ones; ours adds them)."""
    client = in_language(superuser, "zh-hans")
    script = client.get(reverse("admin:jsi18n")).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S)[1])
    messages = admin_script_messages()
    assert "Choose all %s" in messages
    untranslated = sorted(m for m in messages if not CHINESE_RUN.search(str(catalogue.get(m, ""))))
    assert untranslated == [], "add these to layout/locale/zh_Hans/LC_MESSAGES/djangojs.po"


def test_history_gives_the_codes_change_reasons_in_chinese(officials):
    """A draft proposed by the city office, then published by a reviewer: the reasons the code stored in English
    ("draft proposed", "published the changes proposed by …") read in Chinese."""
    from layout import edits

    cluster = Cluster.objects.get(district__adcode=JIADING)
    city = in_language(officials["users"]["city"], "zh-hans")
    url = reverse("admin:layout_cluster_change", args=[cluster.pk])
    data = change_form_data(city.get(url))
    data["name_en"] = "Jiading proposed name"
    assert city.post(url, data).status_code == 302
    edits.publish(officials["users"]["reviewer"], Cluster.objects.get(pk=cluster.pk))
    page = city.get(reverse("admin:layout_cluster_history", args=[cluster.pk]))
    reasons = [record["reason"] for record in history_shown(page)][:2]
    assert reasons == ["发布了 city-editor 提出的修改", "提出草稿"], reasons
    assert not english_left(visible_text(page.content.decode()), typed_values("zh-hans"))


def test_an_import_preview_and_its_row_errors_are_chinese(superuser):
    """The import's preview of a table with a changed row and a row naming an unknown district, in Chinese."""
    client = in_language(superuser, "zh-hans")
    table = export(client, Cluster, CSV)
    table[0] = [
        ("新名称" if header == "name_zh" else value) for header, value in zip(table.headers, table[0], strict=True)
    ]
    table[1] = [
        ("999999" if header == "district" else value) for header, value in zip(table.headers, table[1], strict=True)
    ]
    preview = dry_run(client, Cluster, table, CSV)
    texts = visible_text(preview.content.decode())
    assert any("999999" in text for text in texts), "the unknown district is not named"
    # The file's headers, cells (a status by its code, "indicative") and key column ("adcode") are shown as the
    # file has them: the file's words, like a typed value.
    in_file = {*table.headers, *(str(cell) for row in table for cell in row if cell), "adcode"}
    left = english_left(texts, sorted([*typed_values("zh-hans"), *in_file], key=len, reverse=True))
    assert not left, left
