"""Public answers built once per data version, kept compressed in Django's cache, validated by the version."""

import gzip
import hashlib
from datetime import timedelta
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from layout import data_version

# Settings that shape a body: a page built under other values must not be served (tests change them,
# and a shared cache outlives a restart with new settings).
BODY_SETTINGS = (
    "DEBUG",
    "STATIC_URL",
    "LANGUAGES",
    "LAYOUT_BASEMAPS",
    "TIANDITU_KEY",
    "LAYOUT_MAP_APPROVAL_NUMBER",
    "LAYOUT_EMBED_ALLOWED_ORIGINS",
    "LAYOUT_DATA_LICENCE",
    "LAYOUT_OPEN_DATA_MAX_AGE",
)
# Headers the answer cache sets itself on every answer, never stored.
OWN_HEADERS = {"content-length", "content-encoding", "etag", "last-modified", "vary"}
# Below this size gzip saves nothing worth a header.
MIN_COMPRESSED = 200
# How long after a change its date becomes a validator (a margin for clocks of several machines).
FRESH = timedelta(seconds=2)
_release = None


def release():
    """A fingerprint of the code, templates, catalogues and static files: a shared cache (Redis) that
    outlives a deployment then holds nothing the new release would build differently."""
    global _release
    if _release is None:
        digest = hashlib.sha256()
        root = Path(settings.BASE_DIR)
        for folder, pattern in (("layout", "*.py"), ("layout", "*.po"), ("templates", "*.html"), ("static", "*")):
            for path in sorted((root / folder).rglob(pattern)):
                if path.is_file():
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
        _release = digest.hexdigest()[:16]
    return _release


def settings_fingerprint():
    values = repr([(name, getattr(settings, name, None)) for name in BODY_SETTINGS])
    return hashlib.sha256(values.encode()).hexdigest()[:16]


def normalized_query(request):
    """The query with its parameters in a fixed order: ?a=1&b=2 and ?b=2&a=1 are one answer."""
    return urlencode(sorted(request.GET.lists()), doseq=True)


def answer_key(request, version):
    """Everything that changes the body: address (host and scheme: absolute links), query, language,
    settings, release and data version."""
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        normalized_query(request),
        translation.get_language() or "",
        settings_fingerprint(),
        release(),
        version.token,
    ]
    return "layout:answer:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def shared(name, build):
    """A part that many answers share (the comparison form's list of every cluster), built once per data
    version, language, settings and release, so that an answer about two clusters does not pay for all."""
    version = data_version.current()
    parts = [name, translation.get_language() or "", settings_fingerprint(), release(), version.token]
    key = "layout:shared:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return caches["default"].get_or_set(key, build, settings.LAYOUT_ANSWER_CACHE_SECONDS)


def staff_preview(request):
    """The account whose drafts ?preview=1 shows on the real map (those it may edit or review), else None:
    never cached, never cacheable."""
    from layout import roles

    if request.GET.get("preview") == "1" and roles.may_preview(request.user):
        return request.user
    return None


def not_modified(request, etag, last_modified):
    """RFC 9110: If-None-Match decides when given; If-Modified-Since only without it."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        wanted = parse_etags(if_none_match)
        return "*" in wanted or any(tag.removeprefix("W/") == etag.removeprefix("W/") for tag in wanted)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(last_modified.timestamp()) <= since


def per_user(request, response):
    """Whether the answer depends on who asks: a session read (the user), a CSRF token, a cookie set."""
    session = getattr(request, "session", None)
    return (
        (session is not None and session.accessed)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or request.META.get("CSRF_COOKIE_USED")
        or bool(response.cookies)
        or response.has_header("Vary")
        and "cookie" in response["Vary"].lower()
    )


def stored_answer(response):
    body = response.content
    compressed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= MIN_COMPRESSED else None
    return {
        "status": response.status_code,
        "headers": [(name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS],
        "body": body,
        "gzip": compressed if compressed is not None and len(compressed) < len(body) else None,
    }


def accepts_gzip(request):
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def answer_from(stored, request, etag, last_modified):
    compressed = stored["gzip"] is not None and accepts_gzip(request)
    response = HttpResponse(stored["gzip"] if compressed else stored["body"], status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))
    validators(response, etag, last_modified)
    return response


def validators(response, etag, last_modified):
    response["ETag"] = etag
    # HTTP dates count whole seconds: a date given out in the second of a change could be the date of a
    # second change in that same second, and If-Modified-Since would then keep the older copy. Such a
    # fresh answer carries only its ETag.
    if timezone.now() - last_modified >= FRESH:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_vary_headers(response, ["Accept-Encoding"])
    # Pages are checked again at every visit (a 304 costs one query); the API says its own max-age.
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = "no-cache"


def cached_answer(view):
    """GET and HEAD of a public view: answered 304 from the data version before anything is built, else
    from the cache, else built once, stored with its gzip copy and answered. Only 200s are stored; staff
    previews and answers that depend on the user are never stored."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or staff_preview(request):
            return view(request, *args, **kwargs)
        version = data_version.current()
        key = answer_key(request, version)
        etag = f'W/"{version.token[:16]}-{key[-16:]}"'
        if not_modified(request, etag, version.changed_at):
            response = HttpResponseNotModified()
            validators(response, etag, version.changed_at)
            return response
        cache = caches["default"]
        stored = cache.get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or per_user(request, response):
                return response
            stored = stored_answer(response)
            cache.set(key, stored, settings.LAYOUT_ANSWER_CACHE_SECONDS)
        return answer_from(stored, request, etag, version.changed_at)

    return wrapped
