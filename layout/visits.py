"""Which requests count as an investor looking at something (layout.analytics): pages, clusters, files, API
calls and embeds, counted by a middleware outside the answer cache, so cached answers and 304s count too."""

import functools
import logging
import re
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.core.signals import request_finished, setting_changed
from django.dispatch import receiver
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from layout import analytics

logger = logging.getLogger(__name__)

# url name → the page kind counted as a view.
PAGES = {
    "cluster_map": "map",
    "cluster_detail": "cluster",
    "scenario_list": "scenarios",
    "project_list": "projects",
    "cluster_compare": "compare",
    "embed_map": "embed",
    "embed_cluster": "embed",
    "downloads": "downloads",
}
API = {
    "api_index",
    "openapi_document",
    "district_geojson",
    "cluster_geojson",
    "scenario_json",
    "project_json",
    "chain_json",
    "headline_json",
    "oembed",
}
# Programs that call an open-data API on a person's behalf: crawlerdetect names them bots, but an API call
# by curl or a script is what the API is for. Pages still exclude them.
HTTP_LIBRARIES = re.compile(
    r"curl|wget|python-requests|python-urllib|python-httpx|aiohttp|go-http-client|okhttp|axios|node-fetch|"
    r"java/|libwww-perl|qgis|gdal|r-curl|httr|postman",
    re.IGNORECASE,
)
PREFETCH = re.compile(r"prefetch|prerender", re.IGNORECASE)
MAX_ORIGIN = 100
_crawlers = CrawlerDetect()


@functools.lru_cache(maxsize=2048)
def is_crawler_agent(agent):
    """crawlerdetect's verdict, remembered per User-Agent: its list is one long regular expression, and a site's
    visitors send a few hundred different agents, not a new one each time."""
    return _crawlers.is_crawler(agent)


def is_bot(request, api=False):
    """A crawler by its User-Agent (crawlerdetect's maintained list), or no User-Agent at all (no browser
    sends none); for an API call or a download, HTTP libraries are people's programs, not bots."""
    agent = request.headers.get("User-Agent", "").strip()
    if not agent:
        return True
    if not is_crawler_agent(agent):
        return False
    return not (api and HTTP_LIBRARIES.search(agent))


def is_prefetch(request):
    return any(PREFETCH.search(request.headers.get(name, "")) for name in ("Sec-Purpose", "Purpose", "X-Moz"))


def is_staff(request):
    """An official (signed in, staff) looking at the site is not an investor. Only a request with a session
    cookie can be one: for the public, who have none, this reads nothing."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    if user is None:
        # Answered before authentication (a cache in front): a preview is an official's.
        return request.GET.get("preview") == "1"
    return bool(user.is_authenticated and user.is_staff)


def counted_visitor(request, api=False):
    """Whether this request is a visitor to count: not a bot, not a prefetch, not an official."""
    return not (is_bot(request, api) or is_prefetch(request) or is_staff(request))


def url_match(request):
    """The view the path leads to, whether or not this request reached the URL resolver (a cache that answers
    before it)."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    path = request.path_info
    if path.startswith(settings.STATIC_URL):  # static files are not looked at, and need no resolving
        return None
    return resolved(path)


@receiver(setting_changed)
def _forget_resolved(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        resolved.cache_clear()


@functools.lru_cache(maxsize=4096)
def resolved(path):
    """The match for a path a cached answer served (remembered: a cached answer costs less than resolving it);
    None where no view answers. Bounded, since anyone can ask for any path."""
    try:
        with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
            return resolve(path)
    except Resolver404:
        return None


def origin_of(url):
    """scheme://host[:port] of an http(s) URL, lower case; None for anything else."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    return origin[:MAX_ORIGIN]


def embedding_origin(request):
    """The site whose page frames the embed: the parentOrigin it was given, else the Referer's origin; "" when
    neither says (a direct visit); None when it is our own site (the embed dialog's preview)."""
    origin = origin_of(request.GET.get("parentOrigin", "")) or origin_of(request.headers.get("Referer", "")) or ""
    if origin and urlsplit(origin).netloc == request.get_host().lower():
        return None
    return origin


def own_page_fetch(request):
    """A script of our own pages fetching the API (the map on a GCJ-02 basemap): not an API user's call."""
    return request.headers.get("Sec-Fetch-Site") == "same-origin" and request.headers.get("Sec-Fetch-Mode") not in (
        None,
        "navigate",
    )


def counts_of(request, match):
    """[(kind, key)] that this answered GET counts as."""
    name = match.url_name
    if name in PAGES:
        found = [("view", PAGES[name])]
        if name == "cluster_detail":
            found.append(("cluster", match.kwargs["slug"]))
        elif name == "cluster_compare":
            from layout.pages import requested_slugs

            found += [("compare", slug) for slug in requested_slugs(request.GET.getlist("clusters"))]
        elif name in ("embed_map", "embed_cluster"):
            origin = embedding_origin(request)
            found = [] if origin is None else [*found, ("embed", origin)]
        return found
    if own_page_fetch(request):
        return []
    if name == "download":
        return [("download", match.kwargs["name"])]
    if name in API:
        return [("api", request.path_info)]
    return []


class VisitCountingMiddleware:
    """Counts each answered public GET (200, or 304 for a page the browser had already) after the answer is
    made, wherever it came from (the view, the answer cache). Counting never breaks an answer."""

    def __init__(self, get_response):
        self.get_response = get_response
        # The periodic flush runs when an answer has been sent, not while a visitor waits for it.
        request_finished.connect(analytics.flush_when_due, dispatch_uid="layout.visits.flush")

    def __call__(self, request):
        response = self.get_response(request)
        if settings.LAYOUT_COUNT_VISITS and request.method == "GET" and response.status_code in (200, 304):
            try:
                self.count(request)
            except Exception:  # a count is worth less than the answer
                logger.exception("counting %s failed", request.path)
        return response

    def count(self, request):
        match = url_match(request)
        if match is None:
            return
        found = counts_of(request, match)
        if not found:
            return
        api = found[0][0] in ("api", "download")
        if not counted_visitor(request, api=api):
            return
        day = timezone.localdate()
        for kind, key in found:
            try:
                analytics.count(kind, key, day=day)
            except ValueError:  # a key that cannot be counted (a slug too long): the rest still is
                continue
