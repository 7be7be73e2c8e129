"""Public answers built once per data version, kept compressed in Django's cache, validated by the version.

AnswerCacheMiddleware, placed early in settings.MIDDLEWARE, is the one place where a public answer leaves,
from the cache or freshly built: each carries `response.public_answer = True`. Count views in a middleware
placed before this one (a cached answer never reaches the middleware after it, nor the view)."""

import gzip
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
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
    # The stored answer keeps the headers of the middleware after AnswerCacheMiddleware too.
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "X_FRAME_OPTIONS",
)
# Headers the answer cache sets itself on every answer, never stored.
OWN_HEADERS = {"content-length", "content-encoding", "etag", "last-modified"}
# Below this size gzip saves nothing worth a header.
MIN_COMPRESSED = 200
# How long after a change its date becomes a validator (a margin for clocks of several machines).
FRESH = timedelta(seconds=2)
_release = None
_settings_fingerprint = None


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
    """A hash of BODY_SETTINGS, made again only when a setting changes (tests): not on every answer."""
    global _settings_fingerprint
    if _settings_fingerprint is None:
        values = repr([(name, getattr(settings, name, None)) for name in BODY_SETTINGS])
        _settings_fingerprint = hashlib.sha256(values.encode()).hexdigest()[:16]
    return _settings_fingerprint


@receiver(setting_changed)
def _forget_settings_fingerprint(**kwargs):
    global _settings_fingerprint
    _settings_fingerprint = None


def normalized_query(request):
    """The query with its parameters in a fixed order: ?a=1&b=2 and ?b=2&a=1 are one answer."""
    return urlencode(sorted(request.GET.lists()), doseq=True)


def answer_key(request, version, language):
    """Everything that changes the body: address (host and scheme: absolute links), query, language,
    settings, release and data version."""
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        normalized_query(request),
        language or "",
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
    # request.META, not request.headers: this runs for every cached answer, and headers copies all of META.
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        wanted = parse_etags(if_none_match)
        return "*" in wanted or any(tag.removeprefix("W/") == etag.removeprefix("W/") for tag in wanted)
    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if not if_modified_since:
        return False
    since = parse_http_date_safe(if_modified_since)
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
    if response.get("Content-Encoding") == "gzip":  # compressed by GZipMiddleware on its way out
        body = gzip.decompress(body)
    compressed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= MIN_COMPRESSED else None
    return {
        "status": response.status_code,
        "headers": [(name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS],
        "body": body,
        "gzip": compressed if compressed is not None and len(compressed) < len(body) else None,
    }


def accepts_gzip(request):
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


def answer_from(stored, request, etag, last_modified):
    compressed = stored["gzip"] is not None and accepts_gzip(request)
    response = HttpResponse(stored["gzip"] if compressed else stored["body"], status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))
    validators(response, etag, last_modified)
    response.public_answer = True
    return response


def not_modified_answer(etag, last_modified, stored=None):
    """304, with the stored answer's headers (its Content-Security-Policy, Vary, Cache-Control…) when known."""
    response = HttpResponseNotModified()
    for name, value in (stored or {}).get("headers", ()):
        if name.lower() != "content-type":
            response[name] = value
    validators(response, etag, last_modified)
    response.public_answer = True
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


def entity_tag(version, key):
    return f'W/"{version.token[:16]}-{key[-16:]}"'


@dataclass
class Plan:
    """What AnswerCacheMiddleware worked out for a request it could not answer from the cache, for the
    view's cached_answer: the key, the validators, and the language the view then really answered in."""

    key: str
    etag: str
    version: data_version.Version
    language: str
    built_language: str | None = None


def request_language(request):
    """The language LocaleMiddleware will activate for this request (its own steps, Django 5.2), found
    before it runs; the view's language is checked against it before an answer is stored."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    if (
        not translation.get_language_from_path(request.path_info)
        and i18n_patterns_used
        and not prefixed_default_language
    ):
        language = settings.LANGUAGE_CODE
    return language


class AnswerCacheMiddleware:
    """Answers a public GET/HEAD from the cache before sessions, authentication, locale, CSRF, messages,
    the Content-Security-Policy and the URL resolver run: a cached answer costs one query (the data version)
    and one cache read. Stored is the answer as the whole stack made it (its security policy, frame options,
    Content-Language and Vary included), so a cached answer carries the same headers as a fresh one;
    SecurityMiddleware, before this one, still adds its headers to every answer.

    Only answers of views marked cached_answer are stored, only 200s, and only when nothing of the visitor
    went in (no session read, CSRF token or cookie). A request carrying a session or messages cookie (a
    signed-in official, a message to show) goes through the whole stack and is built afresh; so is a
    staff preview (?preview=), never stored.

    Count views in a middleware placed before this one: every public answer leaving here, from the cache
    or freshly built (304s included), carries `response.public_answer = True`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def for_everyone(self, request):
        """Whether the request may be answered from the cache: nothing in it names a visitor."""
        return (
            request.method in ("GET", "HEAD")
            and not request.path_info.startswith(settings.STATIC_URL)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and "preview" not in request.GET
        )

    def __call__(self, request):
        if not self.for_everyone(request):
            return self.get_response(request)
        version = data_version.current()
        language = request_language(request)
        key = answer_key(request, version, language)
        etag = entity_tag(version, key)
        cache = caches["default"]
        stored = cache.get(key)
        if stored is not None:
            if not_modified(request, etag, version.changed_at):
                return not_modified_answer(etag, version.changed_at, stored)
            return answer_from(stored, request, etag, version.changed_at)
        plan = Plan(key, etag, version, language)
        request.answer_plan = plan
        response = self.get_response(request)
        storable = (
            getattr(response, "public_answer", False)
            and response.status_code == 200
            and not response.streaming
            and plan.built_language == language
            and response.get("Content-Encoding") in (None, "gzip")
            and not per_user(request, response)
        )
        if not storable:
            return response
        stored = stored_answer(response)
        cache.set(key, stored, settings.LAYOUT_ANSWER_CACHE_SECONDS)
        return answer_from(stored, request, etag, version.changed_at)


def cached_answer(view):
    """Marks a public view's GET and HEAD answers as the same for everyone, so AnswerCacheMiddleware stores
    them: answered 304 from the data version before anything is built, else built. Staff previews are
    neither marked nor stored. A request the middleware left to the whole stack (a session) gets the same
    validators, and a fresh build."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or staff_preview(request):
            return view(request, *args, **kwargs)
        plan = getattr(request, "answer_plan", None)
        if plan is None:
            version = data_version.current()
            etag = entity_tag(version, answer_key(request, version, translation.get_language()))
        else:
            version, etag = plan.version, plan.etag
            plan.built_language = translation.get_language()
        if not_modified(request, etag, version.changed_at):
            return not_modified_answer(etag, version.changed_at)
        response = view(request, *args, **kwargs)
        if plan is None and response.status_code == 200 and not response.streaming:
            validators(response, etag, version.changed_at)
        response.public_answer = True
        return response

    return wrapped
