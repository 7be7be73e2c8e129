"""Django settings, read from the environment with safe development defaults."""

import importlib.util
import os
from pathlib import Path

import dj_database_url
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
# The development default is only ever used on a developer's machine: production must set its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "leaflet",
    "axes",
    "simple_history",
    "import_export",
    "layout.apps.LayoutConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages carry the district map as JSON (~200 KB): compressed they are a fifth of that on a phone.
    # Django's GZipMiddleware pads its output against BREACH; answers already compressed pass through.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it counts failed sign-ins and refuses a locked-out account before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
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
# WhiteNoise serves static files from the app itself (no CDN), straight from the finders, so
# collectstatic is optional; set DJANGO_STATIC_ROOT to collect them for a front server.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
# The released district geography (geodata/districts.geojson) is one of the static files.
WHITENOISE_MIMETYPES = {".geojson": "application/geo+json"}

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
