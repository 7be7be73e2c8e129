"""The map page as the browser stories drive it: its address, its state, and stub tiles for tile basemaps."""

import struct
import zlib
from functools import cache
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import translation


def map_address(language="en", query=""):
    with translation.override(language):
        return reverse("cluster_map") + query


@cache
def stub_tile():
    """A 256 × 256 one-colour PNG: what a tile server would send, made here so no test touches the network."""
    width = height = 256
    raw = b"".join(b"\x00" + bytes((222, 214, 196)) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def serve_stub_tiles(visit, host_pattern):
    """Tile requests to host_pattern (a glob such as "**://*.autonavi.com/**") get the stub PNG, in
    place of the visit fixture's refusal of other hosts; returns the list of tile addresses asked for."""
    asked = []

    def fulfil(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=stub_tile())

    # Playwright tries the route registered last first: this one wins over the refusal.
    visit.page.route(host_pattern, fulfil)
    return asked


def state(visit):
    """The map page's address query, as {name: value}."""
    return {name: values[0] for name, values in parse_qs(urlsplit(visit.page.url).query).items()}


def drawn_slugs(visit):
    """The clusters drawn on the map now (each path carries its cluster's slug)."""
    return set(
        visit.page.evaluate(
            """() => [...document.querySelectorAll('#cluster-map .leaflet-overlay-pane path[data-slug]')]
                 .map((path) => path.dataset.slug)"""
        )
    )


def listed_slugs(visit):
    return set(
        visit.page.evaluate(
            """() => [...document.querySelectorAll('.cluster-item')].filter((li) => !li.hidden)
                 .map((li) => li.dataset.slug)"""
        )
    )


def map_view(visit):
    """[lat, lon, zoom] of the map now."""
    return visit.page.evaluate(
        """() => { const map = document.getElementById("cluster-map").layoutMap;
                   const c = map.getCenter(); return [c.lat, c.lng, map.getZoom()]; }"""
    )


def open_popup_slug(visit):
    return visit.page.evaluate(
        """() => { const popup = document.querySelector('.leaflet-popup .cluster-popup');
                   return popup ? popup.dataset.slug : null; }"""
    )


def wait_until_still(visit, map_id="cluster-map"):
    """Until the map on #map_id has settled: not moving (the page marks its container from movestart to
    moveend), no Leaflet pan, zoom or fly animation under way, and the same view on two animation frames."""
    visit.page.wait_for_function(
        """(mapId) => new Promise((settled) => {
            const map = document.getElementById(mapId).layoutMap;
            let last = null;
            const look = () => {
                const busy = map.getContainer().dataset.moving || map._animatingZoom || map._flyToFrame
                    || (map._panAnim && map._panAnim._inProgress);
                const centre = map.getCenter();
                const view = busy ? null : `${centre.lat},${centre.lng},${map.getZoom()}`;
                if (view !== null && view === last) settled(true);
                else { last = view; requestAnimationFrame(look); }
            };
            requestAnimationFrame(look);
        })""",
        arg=map_id,
    )


def map_point(target, lat, lon, map_id="cluster-map", within_map=False):
    """Where (lat, lon) is drawn, as the map on #map_id computes it: [x, y] in the viewport of target (a page
    or a frame), or within the map's own box with within_map (for locator.click(position=...))."""
    return target.evaluate(
        """([lat, lon, mapId, withinMap]) => {
            const map = document.getElementById(mapId).layoutMap;
            const point = map.latLngToContainerPoint([lat, lon]);
            const box = withinMap ? { left: 0, top: 0 } : map.getContainer().getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }""",
        [lat, lon, map_id, within_map],
    )


def drawn_rings(visit, slug, map_id="cluster-map"):
    """The outer rings of a cluster's polygon as Leaflet draws it now on the map #map_id, in (lon, lat)."""
    rings = visit.page.evaluate(
        """([slug, mapId]) => {
            const map = document.getElementById(mapId).layoutMap;
            let rings = null;
            map.eachLayer((layer) => {
                if (layer.feature && layer.feature.properties && layer.feature.properties.slug === slug
                    && layer.getLatLngs) {
                    // A Polygon's latlngs are [outer, holes…]; a MultiPolygon's, one such list per part.
                    const latlngs = layer.getLatLngs();
                    const polygons = Array.isArray(latlngs[0][0]) ? latlngs : [latlngs];
                    rings = polygons.map((polygon) => polygon[0]);
                }
            });
            return rings && rings.map((ring) => ring.map((p) => [p.lng, p.lat]));
        }""",
        [slug, map_id],
    )
    assert rings, f"{slug} is not drawn on #{map_id}"
    return rings
