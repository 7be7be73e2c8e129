"""System checks: name the GDAL and GEOS that Django and shapely use, with where they come from."""

from django.conf import settings
from django.core import checks


@checks.register()
def geometry_libraries(app_configs, **kwargs):
    """Report the GDAL/GEOS libraries in use; an error if Django cannot load them."""
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
