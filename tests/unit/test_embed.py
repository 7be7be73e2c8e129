"""Embedding: who may frame /embed/, what its options show, oEmbed and its discovery links, the embed dialog."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import checks
from django.urls import reverse
from django.utils import translation

from layout import embed
from layout.models import Cluster
from tests.unit.page_reader import Page, read_page

pytestmark = pytest.mark.usefixtures("layout_data")

EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
XUHUI = "xuhui-artificial-intelligence"


def drawn_features(client, response):
    """The cluster features the embedded map draws: the answer at the address its config gives."""
    return client.get(read_page(response).json["map-config"]["clustersUrl"]).json()["features"]


def page_url(language, name="cluster_map", *args):
    with translation.override(language):
        return reverse(name, args=args)


# ---- Who may frame what ----


def frame_ancestors(response):
    """The frame-ancestors directive of the answer's Content-Security-Policy (None when it has none)."""
    directives = [d.strip() for d in response.get("Content-Security-Policy", "").split(";")]
    return next((d for d in directives if d.startswith("frame-ancestors")), None)


@pytest.mark.parametrize(
    "address, status",
    [("/embed/", 200), (f"/embed/clusters/{ZHANGJIANG}/", 200), ("/embed/?lang=fr", 400)],
)
def test_embed_routes_may_be_framed_by_any_origin_by_default(client, layout_data, address, status):
    # The refusal of a bad option too: it is shown inside the portal's frame.
    response = client.get(address, **EN)
    assert response.status_code == status
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == "frame-ancestors *"


@pytest.mark.parametrize(
    "address",
    [
        "/",
        "/en/",
        "/zh-hans/",
        f"/en/clusters/{ZHANGJIANG}/",
        "/en/scenarios/",
        "/api/v1/",
        "/downloads/",
        "/admin/login/",
        "/oembed/?url=http://testserver/en/&format=json",
    ],
)
def test_every_other_page_refuses_to_be_framed(client, address):
    # / redirects to the reader's language: the page it leads to is what a frame would show.
    response = client.get(address, follow=True, **EN)
    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "frame-ancestors 'none'"


def test_the_setting_lists_the_portals_allowed_to_frame_the_map(client, settings):
    settings.LAYOUT_EMBED_ALLOWED_ORIGINS = [
        "https://www.shanghai.gov.cn/",
        "https://*.sh.gov.cn",
        "http://127.0.0.1:8080",
    ]
    response = client.get("/embed/", **EN)
    # Our own pages too: the embed dialog previews the map in a frame.
    assert frame_ancestors(response) == (
        "frame-ancestors 'self' https://www.shanghai.gov.cn https://*.sh.gov.cn http://127.0.0.1:8080"
    )
    settings.LAYOUT_EMBED_ALLOWED_ORIGINS = []
    assert frame_ancestors(client.get("/embed/", **EN)) == "frame-ancestors 'self'"


def test_the_allowed_origins_reach_the_embedded_map_for_its_message_checks(client, settings):
    settings.LAYOUT_EMBED_ALLOWED_ORIGINS = ["https://portal.example.org"]
    config = read_page(client.get("/embed/", **EN)).json["map-config"]
    assert config["embed"]["allowedOrigins"] == ["https://portal.example.org"]


def test_a_mistyped_origin_is_named_by_the_system_check(settings):
    settings.LAYOUT_EMBED_ALLOWED_ORIGINS = ["https://portal.gov.cn", "portal.gov.cn", "https://x.cn/page"]
    errors = [m for m in checks.run_checks() if m.id == "layout.E010"]
    assert len(errors) == 1
    assert "portal.gov.cn, https://x.cn/page" in errors[0].msg
    settings.LAYOUT_EMBED_ALLOWED_ORIGINS = ["*"]
    assert [m for m in checks.run_checks() if m.id == "layout.E010"] == []


@pytest.mark.parametrize(
    "value, origin",
    [
        ("https://Portal.Gov.CN/", "https://portal.gov.cn"),
        ("https://portal.gov.cn:443", "https://portal.gov.cn"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("https://*.sh.gov.cn", "https://*.sh.gov.cn"),
        ("portal.gov.cn", None),
        ("https://portal.gov.cn/map", None),
        ("javascript:alert(1)", None),
        ("https://user@portal.gov.cn", None),
        ("https://portal.gov.cn:99999", None),
    ],
)
def test_origins_are_written_as_browsers_write_them(value, origin):
    assert embed.normalise_origin(value) == origin


def test_a_subdomain_pattern_allows_subdomains_only_on_its_scheme_and_port():
    allowed = ["https://*.sh.gov.cn", "http://127.0.0.1:8080"]
    assert embed.origin_allowed("https://www.sh.gov.cn", allowed)
    assert embed.origin_allowed("http://127.0.0.1:8080", allowed)
    assert not embed.origin_allowed("https://sh.gov.cn.evil.example", allowed)
    assert not embed.origin_allowed("https://evilsh.gov.cn", allowed)
    assert not embed.origin_allowed("http://www.sh.gov.cn", allowed)
    assert not embed.origin_allowed("https://www.sh.gov.cn:8443", allowed)
    assert not embed.origin_allowed("http://127.0.0.1:8081", allowed)
    assert embed.origin_allowed("https://our.site", allowed, own_origin="https://our.site")


# ---- The embedded map: no site around it, the options it is given ----


def test_the_embed_is_the_map_without_the_site_around_it(client):
    response = client.get("/embed/", **EN)
    assert response.status_code == 200
    embedded = read_page(response)
    ids = embedded.ids
    assert "cluster-map" in ids
    # No navigation, no visible header, no headline panel, no embed dialog inside the embed.
    assert embedded.find("div", class_="site-nav") == [] and embedded.find("nav", class_="site-nav-pages") == []
    assert embedded.find("header", class_="site-header") == []
    assert embedded.find("section", class_="headline") == []
    assert "embed-dialog" not in ids and embedded.find("button", class_="embed-open") == []
    # A comparison is a page of the full site: no compare boxes.
    assert embedded.find("input", class_="compare-check") == []
    assert embedded.json["map-config"]["compareUrl"] is None
    assert embedded.find("meta", name="robots")[0]["content"] == "noindex"
    assert "layout/embed-bridge.js" in " ".join(address for _tag, address in embedded.fetched)


@pytest.mark.parametrize("address", ["/embed/", f"/embed/clusters/{XUHUI}/?controls=none&legend=0"])
def test_the_embed_loads_nothing_from_another_host(client, address):
    fetched = [address for _tag, address in read_page(client.get(address, **EN)).fetched]
    assert fetched and all(a.startswith("/") and not a.startswith("//") for a in fetched), fetched


def test_every_control_and_the_legend_by_default(client):
    embedded = read_page(client.get("/embed/", **EN))
    assert embedded.json["map-config"]["embed"]["controls"] == list(embed.CONTROLS)
    assert {"map-search-input", "map-filter-form", "map-panel"} <= embedded.ids
    assert embedded.find("details", class_="map-legend") and embedded.find("button", class_="drawer-toggle")


def test_the_embeds_panel_offers_no_comparison_and_its_heading_promises_none(client):
    english = client.get("/embed/", **EN).content.decode()
    assert 'class="drawer-title">Find clusters</h2>' in english
    assert read_page(client.get("/embed/", **EN)).find("input", class_="compare-check") == []
    assert 'class="drawer-title">查找集聚区</h2>' in client.get("/embed/?lang=zh-hans", **EN).content.decode()
    # The site's own map page keeps its heading: there, clusters can be compared.
    assert 'class="drawer-title">Find and compare clusters</h2>' in client.get("/en/").content.decode()


def test_controls_and_legend_choose_what_the_embed_shows(client):
    embedded = read_page(client.get("/embed/?controls=list,zoom&legend=0", **EN))
    assert embedded.json["map-config"]["embed"]["controls"] == ["zoom", "list"]
    ids = embedded.ids
    assert "map-panel" in ids and embedded.find("nav", class_="cluster-list")
    assert "map-search-input" not in ids and "map-filter-form" not in ids
    assert embedded.find("details", class_="map-legend") == []


def test_no_controls_leave_the_map_alone_in_its_frame(client):
    embedded = read_page(client.get("/embed/?controls=none", **EN))
    assert embedded.json["map-config"]["embed"]["controls"] == []
    assert "map-panel" not in embedded.ids and embedded.find("button", class_="drawer-toggle") == []
    assert "embed-no-panel" in embedded.find("body")[0]["class"].split()
    assert embedded.find("details", class_="map-legend")


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("lang=fr", "lang"),
        ("lang=en&lang=zh-hans", "lang"),
        ("controls=zoom,compass", "controls"),
        ("legend=yes", "legend"),
        ("parentOrigin=javascript:alert(1)", "parentOrigin"),
        ("parentOrigin=https://*.example.org", "parentOrigin"),
    ],
)
def test_an_option_the_embed_cannot_use_is_refused_and_named(client, query, parameter):
    response = client.get(f"/embed/?{query}", **EN)
    assert response.status_code == 400
    text = response.content.decode()
    assert "The map cannot be shown" in text and f"<code>{parameter}</code>" in text
    # Shown inside the portal's frame, so that whoever wrote the snippet sees it there.
    assert "X-Frame-Options" not in response and frame_ancestors(response) == "frame-ancestors *"


def test_a_parent_origin_outside_the_allowed_ones_is_refused(client, settings):
    settings.LAYOUT_EMBED_ALLOWED_ORIGINS = ["https://portal.example.org"]
    assert client.get("/embed/?parentOrigin=https://portal.example.org", **EN).status_code == 200
    refused = client.get("/embed/?parentOrigin=https://elsewhere.example.org", **EN)
    assert refused.status_code == 400 and "This origin may not embed the map." in refused.content.decode()


def test_names_of_things_not_published_are_left_to_the_map_to_drop(client):
    # Data changes under a portal's page: an embed naming a renamed chain or a withdrawn cluster still
    # shows the map (the map's script drops what it does not know, as for a shared link).
    response = client.get("/embed/?chain=no-such-chain&cluster=no-such-cluster&district=999999&basemap=none", **EN)
    assert response.status_code == 200
    assert len(drawn_features(client, response)) == 14


def test_the_language_comes_from_lang_else_from_the_browser(client):
    english = client.get("/embed/", **EN)
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()
    chinese = client.get("/embed/?lang=zh-hans", **EN)
    assert chinese["Content-Language"] == "zh-hans" and '<html lang="zh-hans">' in chinese.content.decode()
    embedded = read_page(chinese)
    assert embedded.json["map-config"]["language"] == "zh"
    urls = {f["properties"]["url"] for f in drawn_features(client, chinese)}
    assert urls and all(u.startswith("/zh-hans/2025/clusters/") for u in urls)
    assert read_page(client.get("/embed/", **ZH)).json["map-config"]["embed"]["language"] == "zh-hans"


def test_links_in_the_embed_open_the_full_site_in_a_new_tab(client):
    links = read_page(client.get("/embed/?controls=list", **EN)).find("a", class_="cluster-link")
    assert len(links) == 14
    assert all(
        a["target"] == "_blank" and a["rel"] == "noopener" and a["href"].startswith("/en/2025/clusters/") for a in links
    )


def test_a_cluster_embed_opens_its_cluster(client):
    response = client.get(f"/embed/clusters/{XUHUI}/", **EN)
    cluster = Cluster.objects.get(slug=XUHUI)
    assert response.status_code == 200
    assert read_page(response).json["map-config"]["embed"]["cluster"] == XUHUI
    assert f"<title>{cluster.name_en} · Shanghai 2025 key industry layout</title>" in response.content.decode()


def test_the_embed_shows_published_clusters_only(client):
    draft = Cluster.objects.get(slug=ZHANGJIANG)
    draft.is_published = False
    draft.save()
    assert ZHANGJIANG not in {f["properties"]["slug"] for f in drawn_features(client, client.get("/embed/", **EN))}
    assert draft.name_zh not in client.get("/embed/", **EN).content.decode()
    missing = client.get(f"/embed/clusters/{ZHANGJIANG}/", **EN)
    assert missing.status_code == 404 and "X-Frame-Options" not in missing
    assert f"No published cluster is called “{ZHANGJIANG}”." in missing.content.decode()
    assert client.get("/embed/?preview=1", **EN).content.decode().count(draft.name_zh) == 0


# ---- oEmbed ----


def oembed(client, url, **params):
    return client.get("/oembed/", {"url": url, **params}, **EN)


def iframe_of(answer):
    return Page(answer["html"]).find("iframe")[0]


def test_oembed_turns_the_map_address_into_an_embed(client):
    response = oembed(client, "http://testserver/en/", format="json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    answer = response.json()
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["provider_name"] == "Shanghai 2025 key industry layout"
    assert answer["provider_url"] == "http://testserver/"
    assert answer["title"] == "Shanghai 2025 key industry layout"
    assert (answer["width"], answer["height"]) == (640, 480)
    iframe = iframe_of(answer)
    assert iframe["src"] == "http://testserver/embed/?lang=en"
    assert (iframe["width"], iframe["height"]) == ("640", "480")
    assert iframe["title"] == "Map of Shanghai's 2025 key industry layout" and iframe["loading"] == "lazy"
    # And the address it gives is the embed itself.
    assert client.get(urlsplit(iframe["src"]).path + "?" + urlsplit(iframe["src"]).query).status_code == 200


def test_oembed_of_a_cluster_page_embeds_that_cluster_in_the_page_language(client):
    cluster = Cluster.objects.get(slug=XUHUI)
    answer = oembed(client, f"http://testserver{page_url('zh-hans', 'cluster_detail', XUHUI)}").json()
    assert iframe_of(answer)["src"] == f"http://testserver/embed/clusters/{XUHUI}/?lang=zh-hans"
    assert answer["title"] == f"{cluster.name_zh} · 上海2025年重点产业布局"


def test_oembed_keeps_what_the_map_address_shows(client):
    answer = oembed(
        client,
        "http://testserver/zh-hans/?chain=biomedicine&cluster=xuhui-artificial-intelligence&compare=a,b&basemap=osm",
    ).json()
    src = iframe_of(answer)["src"]
    query = parse_qs(urlsplit(src).query)
    assert query == {"lang": ["zh-hans"], "chain": ["biomedicine"], "cluster": [XUHUI], "basemap": ["osm"]}
    # The HTML escapes the ampersands of the address.
    assert "&amp;chain=biomedicine" in answer["html"]


def test_oembed_of_an_embed_address_keeps_its_options(client):
    answer = oembed(client, "http://testserver/embed/?lang=en&controls=zoom&legend=0").json()
    assert parse_qs(urlsplit(iframe_of(answer)["src"]).query) == {"lang": ["en"], "controls": ["zoom"], "legend": ["0"]}
    assert oembed(client, "http://testserver/embed/?controls=compass").status_code == 400


@pytest.mark.parametrize(
    "params, size",
    [
        ({"maxwidth": "320"}, (320, 240)),
        ({"maxheight": "150"}, (200, 150)),
        ({"maxwidth": "1000", "maxheight": "300"}, (400, 300)),
        ({"maxwidth": "2000", "maxheight": "2000"}, (640, 480)),
    ],
)
def test_oembed_fits_maxwidth_and_maxheight(client, params, size):
    answer = oembed(client, "http://testserver/en/", **params).json()
    assert (answer["width"], answer["height"]) == size
    assert (iframe_of(answer)["width"], iframe_of(answer)["height"]) == tuple(str(n) for n in size)
    # The 1200 × 630 preview picture is offered only where it fits.
    fits = int(params.get("maxwidth", 9999)) >= 1200 and int(params.get("maxheight", 9999)) >= 630
    assert ("thumbnail_url" in answer) == fits


@pytest.mark.parametrize(
    "url, params, status",
    [
        ("http://testserver/en/", {"format": "xml"}, 501),
        ("https://elsewhere.example.org/en/", {}, 404),
        ("http://testserver.evil.example/en/", {}, 404),
        ("http://testserver/en/scenarios/", {}, 404),
        ("http://testserver/api/v1/clusters.geojson", {}, 404),
        ("http://testserver/en/clusters/no-such-cluster/", {}, 404),
        ("", {}, 400),
        ("http://testserver/en/", {"maxwidth": "wide"}, 400),
    ],
)
def test_oembed_answers_what_it_cannot_embed_as_the_specification_says(client, url, params, status):
    response = oembed(client, url, **params)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status


def test_oembed_does_not_embed_a_draft(client):
    Cluster.objects.filter(slug=ZHANGJIANG).update(is_published=False)
    assert oembed(client, f"http://testserver/en/clusters/{ZHANGJIANG}/").status_code == 404


@pytest.mark.parametrize("address", [page_url("en"), page_url("zh-hans", "cluster_detail", XUHUI)])
def test_map_and_cluster_pages_announce_their_oembed(client, address):
    links = read_page(client.get(address, **EN)).find("link", rel="alternate", type="application/json+oembed")
    assert len(links) == 1
    discovery = urlsplit(links[0]["href"])
    assert discovery.path == "/oembed/"
    # The page's address in its edition: a CMS that keeps the embed keeps the year it showed.
    pinned = re.sub(r"^/(en|zh-hans)/", r"/\1/2025/", address)
    assert parse_qs(discovery.query) == {"url": [f"http://testserver{pinned}"], "format": ["json"]}
    answer = client.get(discovery.path + "?" + discovery.query).json()
    assert answer["type"] == "rich" and "/embed/" in answer["html"]


# ---- The "Embed this map" dialog ----


@pytest.mark.parametrize("address", [page_url("en"), page_url("en", "cluster_detail", XUHUI)])
def test_map_and_cluster_pages_offer_the_embed_dialog_with_labelled_choices(client, address):
    offered = read_page(client.get(address, **EN))
    assert offered.find("button", class_="embed-open")[0]["aria-controls"] == "embed-dialog"
    assert offered.find("dialog")[0]["aria-labelledby"] == "embed-dialog-title"
    labelled = {attrs["for"] for attrs in offered.find("label") if attrs.get("for")}
    fields = [
        a["id"] for t, a in offered.elements if t in ("select", "textarea") and a.get("id", "").startswith("embed-")
    ]
    assert set(fields) == {
        "embed-lang",
        "embed-cluster",
        "embed-chain",
        "embed-category",
        "embed-district",
        "embed-basemap",
        "embed-shape",
        "embed-code",
    }
    assert set(fields) <= labelled
    assert offered.find("iframe", id="embed-preview")[0]["title"] == "Preview of the embedded map"
    # The preview is loaded only when the dialog opens: nothing is framed on every page view.
    assert "src" not in offered.find("iframe", id="embed-preview")[0]
    config = offered.json["embed-dialog-config"]
    # The snippet pins the edition shown; the embed of always the latest edition is offered beside it.
    assert config["embedUrl"] == "http://testserver/embed/2025/"
    assert config["latestEmbedUrl"] == "http://testserver/embed/" and config["edition"] == 2025
    assert config["titles"] == {
        "zh-hans": "上海2025年重点产业布局地图",
        "en": "Map of Shanghai's 2025 key industry layout",
    }


def test_the_dialog_of_a_cluster_page_starts_from_its_cluster_and_offers_published_clusters_only(client):
    Cluster.objects.filter(slug=ZHANGJIANG).update(is_published=False)
    offered = read_page(client.get(page_url("en", "cluster_detail", XUHUI), **EN))
    options = [a for t, a in offered.elements if t == "option"]
    selected = [
        a["value"] for a in options if "selected" in a and a["value"] in {c.slug for c in Cluster.objects.all()}
    ]
    assert selected == [XUHUI]
    assert ZHANGJIANG not in {a["value"] for a in options}


@pytest.mark.parametrize(
    ("address", "parameter"),
    [
        ("/embed/?parentOrigin=http://%5B", "parentOrigin"),
        ("/oembed/?url=http%3A%2F%2F%5B", "url"),
        ("/oembed/?url=http%3A%2F%2Ftestserver%2Fen%2F&maxwidth=%C2%B2", "maxwidth"),
        ("/oembed/?url=http%3A%2F%2Ftestserver%2Fen%2F&maxheight=%C2%B2", "maxheight"),
        ("/oembed/?url=http%3A%2F%2Ftestserver%2Fen%2F&maxwidth=" + "9" * 5000, "maxwidth"),
        ("/oembed/?url=http%3A%2F%2Ftestserver%3Aport%2Fen%2F", "url"),
    ],
)
def test_a_malformed_value_is_a_400_naming_its_parameter(client, address, parameter):
    response = client.get(address)
    assert response.status_code == 400
    if address.startswith("/oembed/"):
        assert response.json()["error"]["parameter"] == parameter
        assert response.json()["error"]["message"].startswith(f"{parameter}: ")
    else:
        assert parameter in response.content.decode()
