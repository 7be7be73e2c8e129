"""Boundary files as officials receive them (GeoJSON, KML, GeoPackage, zipped Shapefile), read into WGS-84 GeoJSON."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import shapely
from django.utils.translation import gettext as _

from layout import geometry

# Suffix → what the file is, as officials call it.
FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".gpkg": "GeoPackage",
    ".zip": "zipped Shapefile",
}

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
DATUMS = {
    WGS84: "WGS-84 (GPS, Tianditu, a surveyor's file: as the file says)",
    GCJ02: "GCJ-02 (from AMap / Gaode or Tencent)",
    BD09: "BD-09 (from Baidu)",
}
CONVERTERS = {GCJ02: geometry.gcj02_to_wgs84, BD09: geometry.bd09_to_wgs84}

MAX_BYTES = 20 * 1024 * 1024


class BoundaryFileError(ValueError):
    """A file that does not give one usable boundary, with a message an official can act on."""

    def __init__(self, message, location=None):
        super().__init__(message)
        self.message = message
        self.location = location


@dataclass
class Boundary:
    geojson: dict  # RFC 7946 Polygon or MultiPolygon, WGS-84
    file_format: str
    source_crs: str
    datum: str
    area_m2: float

    def summary(self):
        parts = 1 if self.geojson["type"] == "Polygon" else len(self.geojson["coordinates"])
        shift = {GCJ02: _(", shifted from GCJ-02 to WGS-84"), BD09: _(", shifted from BD-09 to WGS-84")}
        return _("%(format)s, %(parts)d polygon(s), %(area).3f km², coordinates in %(crs)s%(shift)s") % {
            "format": self.file_format,
            "parts": parts,
            "area": self.area_m2 / 1e6,
            "crs": self.source_crs,
            "shift": shift.get(self.datum, ""),
        }


def file_format(name):
    suffix = Path(name or "").suffix.lower()
    if suffix not in FORMATS:
        raise BoundaryFileError(
            _(
                "“%(name)s” is not a boundary file this form reads: send GeoJSON (.geojson), KML (.kml), "
                "GeoPackage (.gpkg) or a Shapefile zipped with its .shp, .shx, .dbf and .prj (.zip)."
            )
            % {"name": name}
        )
    return suffix


def read_uploaded(upload, datum=WGS84, district=None):
    """Read a Django UploadedFile; see read_boundary."""
    suffix = file_format(upload.name)
    if upload.size == 0:
        raise BoundaryFileError(_("The file “%(name)s” is empty.") % {"name": upload.name})
    if upload.size > MAX_BYTES:
        raise BoundaryFileError(
            _("The file is larger than %(mb)d MB: a cluster boundary is far smaller. Send only the cluster's outline.")
            % {"mb": MAX_BYTES // 2**20}
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"boundary{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return read_boundary(path, datum=datum, district=district, name=upload.name)


def _read_frame(path, name):
    import geopandas
    import pyogrio

    what = FORMATS[path.suffix.lower()]
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # GDAL's own error types differ by version
        raise BoundaryFileError(
            _("“%(name)s” cannot be read as %(format)s: %(reason)s")
            % {"name": name, "format": what, "reason": str(exc).strip() or type(exc).__name__}
        ) from exc
    if len(layers) == 0:
        raise BoundaryFileError(
            _("“%(name)s” holds no map layer (a zip must hold a Shapefile: .shp, .shx, .dbf and .prj).")
            % {"name": name}
        )
    if len(layers) > 1:
        names = ", ".join(str(layer[0]) for layer in layers)
        raise BoundaryFileError(
            _("“%(name)s” holds %(count)d layers (%(names)s): send a file with only the cluster's boundary.")
            % {"name": name, "count": len(layers), "names": names}
        )
    try:
        return geopandas.read_file(path, engine="pyogrio")
    except Exception as exc:
        raise BoundaryFileError(
            _("“%(name)s” cannot be read as %(format)s: %(reason)s")
            % {"name": name, "format": what, "reason": str(exc).strip() or type(exc).__name__}
        ) from exc


def _to_wgs84(frame, name):
    """Reproject to WGS-84; a file that states no coordinate system is taken as lon/lat if it looks so."""
    if frame.crs is None:
        west, south, east, north = frame.total_bounds
        if -180 <= west <= east <= 180 and -90 <= south <= north <= 90:
            return frame, "longitude/latitude (the file does not say which; taken as WGS-84)"
        raise BoundaryFileError(
            _(
                "“%(name)s” does not say its coordinate system (a Shapefile needs its .prj "
                "file in the zip) and its numbers are not longitudes and latitudes."
            )
            % {"name": name}
        )
    source = frame.crs.name or frame.crs.to_string()
    if frame.crs.equals("EPSG:4326") or frame.crs.equals("OGC:CRS84"):
        return frame, source
    return frame.to_crs(4326), source


def read_boundary(path, datum=WGS84, district=None, name=None):
    """The one polygonal boundary in a file, as WGS-84 GeoJSON; BoundaryFileError says what is wrong.

    `datum` says where the coordinates come from: GCJ-02 (AMap, Tencent) and BD-09 (Baidu) are shifted
    to WGS-84. With a `district`, the boundary must lie (almost) entirely inside it."""
    path = Path(path)
    name = name or path.name
    shape, source_crs = read_shape(path, datum, name)
    try:
        # Checked before rounding: rounding to the stored precision would mend a self-intersection.
        geometry.check_in_extent(shape)
        geometry.check_valid(shape)
        value = geometry.to_geojson(shape)
        shape = geometry.validate_geojson(value)
    except geometry.GeometryError as exc:
        raise BoundaryFileError(exc.message, exc.location) from exc
    if district is not None and district.boundary:
        share = geometry.share_within(shape, district.boundary_shape())
        if share < geometry.MIN_SHARE_IN_DISTRICT:
            raise BoundaryFileError(
                _(
                    "Only %(share).0f%% of this boundary lies in %(district)s: a cluster must lie (almost) entirely "
                    "in its district. Check the district, and where the coordinates come from (AMap/Tencent "
                    "coordinates are about 500 m off unless GCJ-02 is chosen)."
                )
                % {"share": share * 100, "district": district}
            )
    return Boundary(
        geojson=value,
        file_format=FORMATS[path.suffix.lower()],
        source_crs=source_crs,
        datum=datum,
        area_m2=geometry.geodesic_area_m2(shape),
    )


def read_shape(path, datum=WGS84, name=None):
    """(the one polygonal shape of a file in WGS-84 lon/lat, the file's coordinate system), unchecked
    against Shanghai: read_boundary checks it."""
    path = Path(path)
    name = name or path.name
    file_format(path.name)
    if datum not in DATUMS:
        raise BoundaryFileError(_("Unknown coordinate source %(datum)r.") % {"datum": datum})
    if path.stat().st_size == 0:
        raise BoundaryFileError(_("The file “%(name)s” is empty.") % {"name": name})
    frame = _read_frame(path, name)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty] if len(frame) else frame
    if len(frame) == 0:
        raise BoundaryFileError(_("“%(name)s” holds no shape: it is empty.") % {"name": name})
    if len(frame) > 1:
        labels = _feature_labels(frame)
        raise BoundaryFileError(
            _(
                "“%(name)s” holds %(count)d shapes%(labels)s where one boundary is expected. Keep only the "
                "cluster's, or merge its parts into one (multi)polygon, and send it again."
            )
            % {"name": name, "count": len(frame), "labels": f" ({labels})" if labels else ""}
        )
    frame, source_crs = _to_wgs84(frame, name)
    shape = shapely.force_2d(frame.geometry.iloc[0])
    if shape.geom_type not in geometry.POLYGONAL:
        raise BoundaryFileError(
            _("“%(name)s” holds a %(type)s; a boundary is a Polygon or MultiPolygon (an area, not a line or a point).")
            % {"name": name, "type": shape.geom_type}
        )
    converter = CONVERTERS.get(datum)
    return (converter(shape) if converter else shape), source_crs


def _feature_labels(frame, limit=5):
    for column in ("name", "Name", "NAME", "名称", "title"):
        if column in frame.columns:
            names = [str(v) for v in frame[column].head(limit) if v is not None and str(v).strip()]
            if names:
                more = "…" if len(frame) > limit else ""
                return ", ".join(names) + more
    return ""
