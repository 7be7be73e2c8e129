"""Content-Security-Policy: django-csp's policy (settings) plus the parts that follow the settings of the moment."""

from urllib.parse import urlsplit

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


# The admin's third-party widgets need these, each for the reason given; the public pages need none.
ADMIN_ALLOWANCES = {
    # django-leaflet's map widget writes its settings and the map's start-up as inline <script> blocks
    # (leaflet/widget.html, leaflet/_leaflet_map.html); our copies of those templates mark them with
    # the answer's nonce, so only they run.
    "script-src": ["'self'", "'nonce'"],
}


class ContentPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; public pages may also load the tiles of the basemaps they offer."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        if request.path_info.startswith(reverse("admin:index")):
            return parts
        update["img-src"] = [*update.get("img-src", []), *tile_hosts(settings.LAYOUT_BASEMAPS)]
        parts.update = update
        return parts
