"""Content-Security-Policy: django-csp's policy (settings) plus the parts that follow the settings of the moment."""

import base64
import hashlib
from urllib.parse import urlsplit

from csp.constants import NONCE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse


def tile_hosts(basemaps):
    """The origins the tile basemaps' images come from, each subdomain written out ("{s}" expanded)."""
    hosts = []
    for basemap in basemaps:
        for url in (basemap["url"], *basemap.get("labels", {}).values()):
            parts = urlsplit(url.replace("{s}", "SUBDOMAIN"))
            origin = f"{parts.scheme}://{parts.netloc}"
            if "SUBDOMAIN" in origin:
                hosts += [origin.replace("SUBDOMAIN", s) for s in basemap.get("subdomains") or ""]
            else:
                hosts.append(origin)
    return list(dict.fromkeys(hosts))


def source_hash(text):
    """The CSP source that allows exactly this inline text (a style attribute, an event handler)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# The admin's third-party widgets need these, each for the reason given; the public pages need none.
ADMIN_ALLOWANCES = {
    # django-leaflet's map widget writes its settings and the map's start-up as inline <script> blocks
    # (leaflet/widget.html, leaflet/_leaflet_map.html); it marks them with the answer's nonce
    # (layout/admin.py hands it over), so only they run.
    "script-src": [NONCE],
    # django-import-export's export page (admin/import_export/export.html) ticks all fields with an
    # inline handler: exactly that text may run, no other handler.
    "script-src-attr": ["'unsafe-hashes'", source_hash("onSelectToggleChange(event)")],
    # Exactly these style attributes: of the same page and of the import preview's changed cells
    # (diff-match-patch's diff_prettyHtml colours insertions and deletions); our history list
    # (templates/simple_history/object_history_list.html) has none. A style attribute cannot run script.
    "style-src-attr": [
        "'unsafe-hashes'",
        source_hash("padding: 0;"),
        source_hash("font-weight: bold;"),
        source_hash("background:#e6ffe6;"),
        source_hash("background:#ffe6e6;"),
    ],
}


class ContentPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; public pages may also load the tiles of the basemaps they offer."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        if request.path_info.startswith(reverse("admin:index")):
            for directive, sources in ADMIN_ALLOWANCES.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
            return parts
        update["img-src"] = [*update.get("img-src", []), *tile_hosts(settings.LAYOUT_BASEMAPS)]
        parts.update = update
        return parts
