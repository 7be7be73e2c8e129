"""A portal on another origin embeds the map: it hears which cluster a reader clicks, opens a cluster
by message, switches the language, and a message from any other origin is ignored."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import shapely

from layout.models import Cluster
from tests.browser.map_page import map_point

pytestmark = pytest.mark.browser

JIADING = "jiading-intelligent-connected-new-energy-vehicles"
XUHUI = "xuhui-artificial-intelligence"

# The portal's page: the map in a frame, a frame of another origin beside it, and every message the
# map sends kept in window.received.
PORTAL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portal</title><link rel="icon" href="data:,"></head>
<body>
  <h1>A portal page</h1>
  <iframe id="map" src="{embed}" title="Map" style="width:900px;height:560px;border:0"></iframe>
  <iframe id="stranger" src="{stranger}" title="Another site" style="width:200px;height:60px;border:0"></iframe>
  <script>
    window.received = [];
    window.addEventListener("message", (event) => {{
      if (event.origin === "{map_origin}") window.received.push(event.data);
    }});
  </script>
</body></html>"""
STRANGER_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stranger</title>
<link rel="icon" href="data:,"></head><body>another site</body></html>"""


class PortalServer:
    """A second HTTP server, on another origin than the map's, serving fixed pages."""

    def __init__(self):
        self.pages = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(urlsplit(self.path).path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal():
    servers = PortalServer(), PortalServer()
    yield servers
    for server in servers:
        server.close()


def map_frame(visit, map_origin):
    return next(frame for frame in visit.page.frames if frame.url.startswith(f"{map_origin}/embed/"))


def received(visit, message_type):
    return visit.page.evaluate("(type) => window.received.filter((m) => m.type === type)", message_type)


def wait_for_message(visit, message_type, **fields):
    visit.page.wait_for_function(
        """([type, fields]) => window.received.some((m) => m.type === type
             && Object.entries(fields).every(([key, value]) => m[key] === value))""",
        arg=[message_type, fields],
        timeout=10_000,
    )


def post_to_map(visit, map_origin, message):
    """What the portal's own script does: a message to the map's frame, addressed to the map's origin."""
    visit.page.evaluate(
        "([message, origin]) => document.getElementById('map').contentWindow.postMessage(message, origin)",
        [message, map_origin],
    )


def test_should_talk_to_the_host_page_by_post_message(visit, portal, live_server, settings):
    host, stranger = portal
    settings.LAYOUT_EMBED_ALLOWED_ORIGINS = [host.origin]
    map_origin = live_server.url
    host.pages["/"] = PORTAL_PAGE.format(
        embed=f"{map_origin}/embed/?lang=en&controls=zoom,list", stranger=f"{stranger.origin}/", map_origin=map_origin
    )
    stranger.pages["/"] = STRANGER_PAGE
    # The visit fixture refuses every other host: the portal's two origins are the test's own.
    for server in portal:
        visit.allow(server.origin)

    visit.page.goto(f"{host.origin}/")
    wait_for_message(visit, "layout:ready", lang="en", cluster=None)
    frame = map_frame(visit, map_origin)
    frame.wait_for_selector("[data-ready=true]", state="attached")

    # A reader clicks the Jiading cluster inside the frame: the portal hears which.
    jiading = Cluster.objects.get(slug=JIADING)
    inside = shapely.geometry.shape(jiading.boundary).representative_point()
    x, y = map_point(frame, inside.y, inside.x, within_map=True)
    frame.locator("#cluster-map").click(position={"x": x, "y": y})
    wait_for_message(visit, "layout:cluster-selected", slug=JIADING, name=jiading.name_en)
    assert received(visit, "layout:cluster-selected")[-1]["url"] == f"{map_origin}/en/2025/clusters/{JIADING}/"

    # Another origin's frame tells the map to open Xuhui: the map ignores it, and says so.
    with visit.page.expect_console_message(
        lambda m: "ignored a message" in m.text and stranger.origin in m.text, timeout=10_000
    ):
        next(f for f in visit.page.frames if f.url.startswith(stranger.origin)).evaluate(
            "(slug) => window.parent[0].postMessage({ type: 'layout:select-cluster', slug }, '*')", XUHUI
        )
    assert frame.evaluate("() => new URLSearchParams(location.search).get('cluster')") == JIADING

    # The portal itself tells the map to open Xuhui: its popup opens, and the portal hears it.
    post_to_map(visit, map_origin, {"type": "layout:select-cluster", "slug": XUHUI})
    frame.locator(f".leaflet-popup .cluster-popup[data-slug='{XUHUI}']").wait_for()
    wait_for_message(visit, "layout:cluster-selected", slug=XUHUI)
    assert [m["slug"] for m in received(visit, "layout:cluster-selected")] == [JIADING, XUHUI]

    # The portal filters the map to a chain: the map follows and says so.
    post_to_map(visit, map_origin, {"type": "layout:set-filter", "chain": "artificial-intelligence"})
    wait_for_message(visit, "layout:filter-changed", chain="artificial-intelligence", category="", district="")

    # The portal switches the map to Chinese: it reloads in Chinese, showing the same.
    post_to_map(visit, map_origin, {"type": "layout:set-language", "lang": "zh-hans"})
    wait_for_message(visit, "layout:ready", lang="zh-hans", cluster=XUHUI, chain="artificial-intelligence")
    frame = map_frame(visit, map_origin)
    assert frame.evaluate("() => document.documentElement.lang") == "zh-hans"
    assert visit.console_errors == [] and visit.foreign_requests == []
