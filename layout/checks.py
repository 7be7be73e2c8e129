"""System checks: the GDAL and GEOS in use, the embed origins, and what production needs (a key, collected files)."""

from django.conf import settings
from django.core import checks


@checks.register()
def geometry_libraries(app_configs, **kwargs):
    """Report the GDAL/GEOS libraries in use (in development); an error if Django cannot load them."""
    import shapely

    messages = []
    try:
        from django.contrib.gis.gdal import gdal_full_version
        from django.contrib.gis.geos import geos_version

        gdal = gdal_full_version().decode()
        geos = geos_version().decode()
    except Exception as exc:  # ImproperlyConfigured or OSError from ctypes
        return [
            checks.Error(
                f"django.contrib.gis cannot load GDAL/GEOS: {exc}",
                hint="pip install -r requirements.txt (pyogrio and shapely ship them), "
                "or set GDAL_LIBRARY_PATH and GEOS_LIBRARY_PATH.",
                id="layout.E001",
            )
        ]
    if not settings.DEBUG:
        # Production's `check --deploy` should report nothing when all is well; DJANGO_DEBUG=true shows them.
        return messages
    messages.append(
        checks.Info(
            f"GDAL in use: {gdal} from {settings.GDAL_LIBRARY_PATH or 'the system'}.",
            id="layout.I001",
        )
    )
    messages.append(
        checks.Info(
            f"GEOS in use: {geos} from {settings.GEOS_LIBRARY_PATH or 'the system'}; "
            f"shapely {shapely.__version__} uses GEOS {shapely.geos_version_string}.",
            id="layout.I002",
        )
    )
    return messages


@checks.register()
def embed_allowed_origins(app_configs, **kwargs):
    """Every entry of LAYOUT_EMBED_ALLOWED_ORIGINS is "*" or an origin: a mistyped one would silently
    keep a portal from framing the map."""
    from layout.embed import configured_origins, normalise_origin

    invalid = [item for item in configured_origins() if item != "*" and normalise_origin(item) is None]
    if not invalid:
        return []
    return [
        checks.Error(
            f"LAYOUT_EMBED_ALLOWED_ORIGINS: not an origin: {', '.join(invalid)}",
            hint='Write "*" or origins such as https://portal.gov.cn, http://127.0.0.1:8080 or https://*.gov.cn, '
            "comma-separated, with no path.",
            id="layout.E010",
        )
    ]


@checks.register(checks.Tags.security)
def production_secret_key(app_configs, **kwargs):
    """With DEBUG off the development secret key, readable by anyone in the source, is an error: sessions,
    password reset links and CSRF tokens would all be forgeable."""
    if settings.DEBUG or settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY:
        return []
    return [
        checks.Error(
            "DJANGO_DEBUG is false but the secret key is the development key from the source code.",
            hint="Set DJANGO_SECRET_KEY to a long random value (the same on every app server), or put one in the "
            f"file {settings.SECRET_KEY_FILE} (DJANGO_SECRET_KEY_FILE names another): `manage.py "
            "create_secret_key_file` writes one, as `make serve` does.",
            id="layout.E020",
        )
    ]


@checks.register()
def static_files_collected(app_configs, **kwargs):
    """With DEBUG off, pages name static files by their hashed names, which only `collectstatic` knows:
    without its manifest every page would fail."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest is None or staticfiles_storage.exists(manifest):
        return []
    return [
        checks.Warning(
            f"The static files have not been collected into {settings.STATIC_ROOT}: with DJANGO_DEBUG=false "
            "every page needs their hashed names.",
            hint="Run `manage.py collectstatic --noinput` (`make serve` does) after each release.",
            id="layout.W020",
        )
    ]
