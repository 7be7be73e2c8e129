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
