"""Django settings, read from the environment with safe development defaults."""

import importlib.util
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def wheel_library(package, pattern):
    """Path of a C library bundled in a package's wheel (auditwheel's pkg.libs or delocate's .dylibs)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    package_dir = Path(spec.origin).parent
    for folder in (package_dir.parent / f"{package}.libs", package_dir / ".dylibs"):
        matches = sorted(folder.glob(pattern))
        if matches:
            return str(matches[0])
    return None


# django-leaflet's widget imports django.contrib.gis, which loads GDAL and GEOS at import.
# No system GIS libraries are needed: use the ones the pyogrio and shapely wheels ship.
# An environment variable wins, for a deployment with its own GDAL/GEOS.
GDAL_LIBRARY_PATH = os.environ.get("GDAL_LIBRARY_PATH") or wheel_library("pyogrio", "libgdal*")
GEOS_LIBRARY_PATH = os.environ.get("GEOS_LIBRARY_PATH") or wheel_library("shapely", "libgeos_c*")

DEBUG = env_bool("DJANGO_DEBUG", True)
# The development default is only ever used on a developer's machine: with DJANGO_DEBUG=false the site
# refuses to start on it (layout.E020). The environment's key wins; else the key file, which `make serve`
# writes once with a random key (readable only by its owner, never committed); else the development key.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production"
SECRET_KEY_FILE = Path(os.environ.get("DJANGO_SECRET_KEY_FILE") or BASE_DIR / ".secret-key")


def read_secret_key():
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    try:
        return SECRET_KEY_FILE.read_text().strip() or DEVELOPMENT_SECRET_KEY
    except FileNotFoundError:
        return DEVELOPMENT_SECRET_KEY


SECRET_KEY = read_secret_key()
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()
]

INSTALLED_APPS = [
    # Django's admin with our site: no admin page without the second factor (layout/second_factor.py).
    "layout.apps.LayoutAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "leaflet",
    "axes",
    "simple_history",
    "import_export",
    # Staff's second factor: authenticator apps (TOTP) and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "layout.apps.LayoutConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Counts what investors look at (layout.visits): outside every cache, so cached answers count too.
    "layout.visits.VisitCountingMiddleware",
    # Public answers from the cache, before everything below (layout.answer_cache): a cached answer costs a
    # query and a cache read. Count page views in a middleware placed before this one.
    "layout.answer_cache.AnswerCacheMiddleware",
    # Content-Security-Policy on every answer (django-csp), with the tile hosts of the basemaps offered.
    "layout.content_policy.ContentPolicyMiddleware",
    "layout.static_files.StaticFilesMiddleware",
    # Pages carry the district map as JSON (~200 KB): compressed they are a fifth of that on a phone.
    # Django's GZipMiddleware pads its output against BREACH; answers already compressed pass through.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Outside the admin, a session that still owes the second factor counts as nobody.
    "layout.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: refuses sign-ins after repeated failures.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "layout.urls"
WSGI_APPLICATION = "layout.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "layout.context_processors.site_frame",
            ],
        },
    },
]

# In production a worker keeps its database connection between requests (opening one, with its PRAGMA or
# TLS handshake, cost more than answering a cached page); checked before reuse, so a restarted database is
# reconnected. The development server's threads come and go: there each request has its own.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0" if DEBUG else "600")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite that waits instead of crashing: WAL lets readers read while one official saves; IMMEDIATE takes
# the write lock when a transaction begins, so concurrent saves queue (a deferred transaction that read
# first cannot upgrade to writing once another save committed: "database is locked" at once, whatever
# the timeout); the busy timeout is how long a save waits for its turn.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("DJANGO_SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )


def cache_from_url(url):
    """Django's CACHES entry for CACHE_URL: locmem:// (one process's memory), redis://host:port/db or
    rediss:// (Django's built-in Redis cache, shared by every app server), dummy:// (no caching)."""
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": urlsplit(url).netloc}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL={url!r}: use locmem://, redis://host:port/db, rediss://… or dummy://")


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "locmem://"))}
# Sessions and django-axes' failed sign-in counts live in the database (Django's and axes' defaults,
# stated here because several app servers must share them: never process memory).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# HTTPS by one switch, for a site behind a TLS-terminating proxy (or gunicorn with a certificate):
# redirect http:// to https://, HSTS, cookies only over TLS, and trust the proxy's X-Forwarded-Proto
# (which the proxy must set, overwriting any a client sent). CSRF accepts forms posted from the
# allowed hosts over https://.
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60))) if HTTPS else 0
# Both default on, as `check --deploy` asks; turn them off when a subdomain still serves plain http.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", True)
CSRF_TRUSTED_ORIGINS = [
    f"https://*{host}" if host.startswith(".") else f"https://{host}" for host in ALLOWED_HOSTS if host != "*"
]

# django-axes first: it counts failed sign-ins and refuses a locked-out account before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # GB/T 22239-2019 level 3 asks for strong passwords: 12 characters at least.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "layout" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The released district geography, which the map page reads as a content-hashed static file.
    ("layout/geodata", BASE_DIR / "geodata"),
]
# WhiteNoise serves static files from the app itself (no CDN). In development (DEBUG) straight from the
# finders, under their own names. Otherwise from what `collectstatic` (run by `make serve`) put in
# STATIC_ROOT: content-hashed names, gzip and Brotli copies, cached for a year (layout/static_files.py).
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG
# The released district geography (geodata/districts.geojson) is one of the static files.
WHITENOISE_MIMETYPES = {".geojson": "application/geo+json"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "layout.static_files.HashedStaticFilesStorage"
    },
}

# Tile basemaps the public maps (the map page, each cluster's page) offer besides their own district
# basemap, which needs no server, is always there and is the default (nothing is fetched from another
# host until a reader picks one).
# LAYOUT_BASEMAPS (environment) picks which, comma-separated, in order; empty = the district basemap only.
# "{key}" in a URL is the value of the setting named by "key_setting"; a basemap whose key is not
# set is not offered. "labels": a label layer drawn over the tiles, in the reader's language.
# "datum": "gcj02" (AMap, Tencent) makes the map shift every overlay to GCJ-02 so it lines up.
TIANDITU_KEY = os.environ.get("TIANDITU_KEY", "")
_TIANDITU_WMTS = (
    "https://t{s}.tianditu.gov.cn/%(layer)s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=%(layer)s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)
AVAILABLE_BASEMAPS = {
    "tianditu": {
        "name": _("Tianditu"),
        "url": _TIANDITU_WMTS % {"layer": "vec"},
        "labels": {"zh": _TIANDITU_WMTS % {"layer": "cva"}, "en": _TIANDITU_WMTS % {"layer": "eva"}},
        "subdomains": "01234567",
        "key_setting": "TIANDITU_KEY",
        "datum": "wgs84",  # CGCS2000, within a metre of WGS-84
        "max_zoom": 18,
        "attribution": _("Basemap: Tianditu (National Platform for Common GeoSpatial Information Services)"),
    },
    "osm": {
        "name": _("OpenStreetMap"),
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "subdomains": "",
        "datum": "wgs84",
        "max_zoom": 19,
        "attribution": _("Basemap: © OpenStreetMap contributors"),
    },
    "amap": {
        "name": _("AMap (Gaode)"),
        "url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        "subdomains": "1234",
        "datum": "gcj02",
        "max_zoom": 18,
        "attribution": _("Basemap: © AMap (Gaode); overlays shifted to GCJ-02"),
    },
}
LAYOUT_BASEMAPS = [
    {"id": basemap_id, **AVAILABLE_BASEMAPS[basemap_id]}
    for basemap_id in (b.strip() for b in os.environ.get("LAYOUT_BASEMAPS", "tianditu,osm,amap").split(","))
    if basemap_id in AVAILABLE_BASEMAPS
]
# The map approval number (审图号) a map published in China must carry, shown in the map's corner.
LAYOUT_MAP_APPROVAL_NUMBER = os.environ.get("LAYOUT_MAP_APPROVAL_NUMBER", "")

# Only /embed/ may be framed, and only by these origins (Content-Security-Policy: frame-ancestors),
# which are also the only pages whose postMessage the embedded map obeys. "*" = any site (the
# default); otherwise comma-separated origins such as "https://www.shanghai.gov.cn,https://*.sh.gov.cn";
# empty = our own pages only. Every other page answers X-Frame-Options: DENY.
LAYOUT_EMBED_ALLOWED_ORIGINS = [
    origin.strip() for origin in os.environ.get("LAYOUT_EMBED_ALLOWED_ORIGINS", "*").split(",") if origin.strip()
]
X_FRAME_OPTIONS = "DENY"

# Public answers are built once per data version and kept this long in the cache (layout.answer_cache):
# a new data version makes them unused at once, this only frees the memory.
LAYOUT_ANSWER_CACHE_SECONDS = int(os.environ.get("LAYOUT_ANSWER_CACHE_SECONDS", str(24 * 3600)))

# Shanghai, for the admin map and the public map's initial view.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (31.2, 121.45),
    "DEFAULT_ZOOM": 9,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 18,
    "SPATIAL_EXTENT": (120.85, 30.66, 122.0, 31.88),
    "TILES": [],
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
    "ATTRIBUTION_PREFIX": "",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Password guessing (django-axes): after AXES_FAILURE_LIMIT failed sign-ins an account is locked for
# AXES_COOLOFF_TIME hours, whatever address the attempts come from; `manage.py axes_reset_username
# NAME` unlocks it sooner. Locking by account, not by address, because the offices sign in from a
# few shared government addresses that one mistyping colleague must not lock for everyone.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that locking without the address lets a guesser rotate user agents or cookies: those play
# no part when the account itself is what gets locked.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "layout.roles.lockout_response"

# Imports (django-import-export) are applied in one transaction: all rows or none.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# ---- Sign-in and sessions (MLPS 2.0 level 3: two factors, idle sessions end, events recorded) ----
# Groups whose members must pass a second factor (an authenticator app's code) before the admin opens:
# comma-separated group names, "*" = every staff account (the default); superusers always must
# unless the setting is empty (then nobody must, and anybody may enrol).
LAYOUT_SECOND_FACTOR_ROLES = [
    role.strip() for role in os.environ.get("LAYOUT_SECOND_FACTOR_ROLES", "*").split(",") if role.strip()
]
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Shanghai industry layout"
# A session ends after this many idle minutes (the admin saves it at every page, so the clock restarts
# at each click: layout/second_factor.py) and when the browser closes; signing out deletes it on the
# server. Only signed-in staff have sessions: the public pages store nothing in one.
LAYOUT_STAFF_IDLE_MINUTES = int(os.environ.get("LAYOUT_STAFF_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = LAYOUT_STAFF_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# ---- Content-Security-Policy (django-csp; layout/content_policy.py adds what depends on the request) ----
# Scripts and styles only from our origin and no inline script; images from our origin, data: (Leaflet's
# and the QR code's) and the tile hosts of LAYOUT_BASEMAPS (added per answer); no plugins; no <base>;
# framed by nobody (the embed widens frame-ancestors to LAYOUT_EMBED_ALLOWED_ORIGINS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The embed dialog's preview frames our own /embed/.
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Exported text that a spreadsheet would run as a formula is written as text (layout.resources'
# formats: an Excel text cell, a CSV cell with a leading apostrophe that the import takes off again).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# ---- Investors' enquiries (layout/enquiries.py) ----
# How long an enquiry's personal data is kept: `manage.py purge_enquiries` (run daily from cron) removes it
# after this many days and keeps anonymous counts. The privacy notice states it.
LAYOUT_ENQUIRY_RETENTION_DAYS = int(os.environ.get("LAYOUT_ENQUIRY_RETENTION_DAYS", "730"))
# A form sent sooner than this after the page was opened is a robot's.
LAYOUT_ENQUIRY_MIN_SECONDS = int(os.environ.get("LAYOUT_ENQUIRY_MIN_SECONDS", "3"))
# Posts of the form per address (django-ratelimit, in the shared cache; the address itself is never stored).
LAYOUT_ENQUIRY_RATE = os.environ.get("LAYOUT_ENQUIRY_RATE", "5/m")
RATELIMIT_USE_CACHE = "default"
# Emails (acknowledgements, new-enquiry notices) are queued in the database and sent by
# `manage.py send_queued_mail` (cron, every minute): a mail server that is down loses nothing.
# EMAIL_URL-like settings: DJANGO_EMAIL_HOST (empty: mails are printed to the console instead), _PORT,
# _HOST_USER, _HOST_PASSWORD, _USE_TLS; DJANGO_DEFAULT_FROM_EMAIL.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "enquiries@localhost")
# ---- What investors look at (layout.analytics): counted per day, no cookie, no address, no third party ----
# Off: nothing is counted (the map's beacon is still answered). The counters live in their own cache (same
# backend as CACHE_URL, so several app servers share them on Redis) and reach the database every
# LAYOUT_COUNT_FLUSH_SECONDS, so no request writes to it; a crash loses at most that many seconds of counts.
LAYOUT_COUNT_VISITS = env_bool("LAYOUT_COUNT_VISITS", True)
LAYOUT_COUNT_FLUSH_SECONDS = float(os.environ.get("LAYOUT_COUNT_FLUSH_SECONDS", "10"))
CACHES["counts"] = {
    **cache_from_url(os.environ.get("CACHE_URL", "locmem://")),
    "KEY_PREFIX": "counts",
    # Local memory: its own store, large enough that the page cache's culling never drops a counter.
    **(
        {"LOCATION": "layout-counts", "OPTIONS": {"MAX_ENTRIES": 20000}}
        if CACHES["default"]["BACKEND"].endswith("LocMemCache")
        else {}
    ),
}
