"""Boundary files as officials receive them (GeoJSON, KML, GeoPackage, zipped Shapefile), read into WGS-84 GeoJSON."""

import contextlib
import io
import json
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

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
    file_format(upload.name)
    if upload.size == 0:
        raise BoundaryFileError(_("The file “%(name)s” is empty.") % {"name": upload.name})
    if upload.size > MAX_BYTES:
        raise BoundaryFileError(
            _("The file is larger than %(mb)d MB: a cluster boundary is far smaller. Send only the cluster's outline.")
            % {"mb": MAX_BYTES // 2**20}
        )
    content = b"".join(upload.chunks())
    return read_boundary_bytes(content, upload.name, datum=datum, district=district)


# GDAL reads only the bytes an official sent: it must not reach the network (a /vsicurl/ source, a KML
# NetworkLink, a URL as a file name) nor, through a reference in the file, any other file of the server.
GDAL_OFFLINE = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": "{none}",  # /vsicurl/ and its kin open nothing
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # any other HTTP request GDAL makes goes nowhere (the discard port)
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_TIMEOUT": "1",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",  # no ATTACH nor VirtualOGR from a GeoPackage's SQL
    "ALLOW_OGR_SQL_FUNCTIONS_FROM_TRIGGER_AND_VIEW": "NO",
}


def _pyogrio():
    import pyogrio

    pyogrio.set_gdal_config_options(GDAL_OFFLINE)
    return pyogrio


# What a zipped Shapefile may hold; each is saved under a name of ours, next to the others.
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg"}
# KML elements that make a reader fetch another file or address.
KML_REFERENCES = {"NetworkLink", "GroundOverlay", "PhotoOverlay", "ScreenOverlay", "Model", "Link"}


def _refuse(name, what, reason):
    return BoundaryFileError(
        _("“%(name)s” cannot be read as %(format)s: %(reason)s") % {"name": name, "format": what, "reason": reason}
    )


def _check_geojson(content, name):
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(name, "GeoJSON", _("it is not JSON text.")) from None
    if not isinstance(data, dict) or "type" not in data:
        raise _refuse(name, "GeoJSON", _("it is JSON, but not GeoJSON (no “type”)."))


def _check_kml(content, name):
    head = content[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in content.lower():
        raise _refuse(name, "KML", _("it declares a document type or entities, which a KML file does not need."))
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        raise _refuse(name, "KML", _("it is not well-formed XML.")) from None
    if root.tag.rsplit("}", 1)[-1].lower() != "kml":
        raise _refuse(name, "KML", _("it is XML, but not KML."))
    found = sorted({el.tag.rsplit("}", 1)[-1] for el in root.iter()} & KML_REFERENCES)
    if found:
        raise BoundaryFileError(
            _(
                "“%(name)s” refers to other files or addresses (%(elements)s): send a KML file that holds the "
                "boundary itself."
            )
            % {"name": name, "elements": ", ".join(found)}
        )


def _check_geopackage(content, name, path):
    # A GeoPackage is an SQLite database whose application id says "GPKG" (or GP10/GP11, older versions).
    if not content.startswith(b"SQLite format 3\x00") or content[68:72] not in (b"GPKG", b"GP10", b"GP11"):
        raise _refuse(name, "GeoPackage", _("it is not a GeoPackage database."))
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)) as db:
            schema = " ".join(sql or "" for (sql,) in db.execute("SELECT sql FROM sqlite_master"))
    except sqlite3.DatabaseError:
        raise _refuse(name, "GeoPackage", _("it is not a GeoPackage database.")) from None
    if re.search(r"virtualogr|load_extension|attach", schema, re.IGNORECASE):
        raise _refuse(name, "GeoPackage", _("it holds SQL that reaches outside the file."))


def _unpack_shapefile(content, name, folder):
    """The parts of the one Shapefile of a zip, saved in `folder` as boundary.shp, boundary.shx, …"""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError):
        raise _refuse(name, "zipped Shapefile", _("it is not a zip file.")) from None
    parts = {}
    for info in members:
        member = info.filename.replace("\\", "/")
        if member.startswith("/") or ".." in member.split("/") or ":" in member:
            raise BoundaryFileError(
                _("“%(name)s” holds “%(member)s”, a path outside the zip: zip only the Shapefile's files.")
                % {"name": name, "member": info.filename}
            )
        base = member.rsplit("/", 1)[-1]
        if base.startswith(".") or member.startswith("__MACOSX/"):
            continue  # a Mac's or an editor's own bookkeeping, not part of the Shapefile
        suffix = Path(base).suffix.lower()
        if suffix not in SHAPEFILE_PARTS:
            raise BoundaryFileError(
                _(
                    "“%(name)s” holds “%(member)s”: a zipped Shapefile may hold only its .shp, .shx, .dbf, .prj "
                    "and .cpg files."
                )
                % {"name": name, "member": info.filename}
            )
        if suffix in parts:
            raise BoundaryFileError(
                _("“%(name)s” holds more than one Shapefile (two %(suffix)s files): send one boundary per zip.")
                % {"name": name, "suffix": suffix}
            )
        if info.file_size > MAX_BYTES:
            raise BoundaryFileError(
                _(
                    "The file is larger than %(mb)d MB: a cluster boundary is far smaller. Send only the cluster's outline."
                )
                % {"mb": MAX_BYTES // 2**20}
            )
        parts[suffix] = archive.read(info)
    if ".shp" not in parts:
        raise BoundaryFileError(
            _("“%(name)s” holds no map layer (a zip must hold a Shapefile: .shp, .shx, .dbf and .prj).")
            % {"name": name}
        )
    if not parts[".shp"].startswith(b"\x00\x00\x27\x0a"):
        raise _refuse(name, "zipped Shapefile", _("its .shp file is not a Shapefile."))
    for suffix, data in parts.items():
        (folder / f"boundary{suffix}").write_bytes(data)
    return folder / "boundary.shp"


def _stage(content, name, folder):
    """The file GDAL may open: the official's bytes, checked to be the format the name says, under a name
    of ours in a folder of its own (GDAL also reads a file's neighbours: there are none but its own)."""
    suffix = file_format(name)
    what = FORMATS[suffix]
    if what == "zipped Shapefile":
        return _unpack_shapefile(content, name, folder)
    path = folder / f"boundary{suffix}"
    path.write_bytes(content)
    if what == "GeoJSON":
        _check_geojson(content, name)
        return f"GeoJSON:{path}"  # the driver named: the text is read as GeoJSON or not at all
    if what == "KML":
        _check_kml(content, name)
        return str(path)
    _check_geopackage(content, name, path)
    return f"GPKG:{path}"


def _read_frame(source, name, what, folder):
    import geopandas

    pyogrio = _pyogrio()

    def reason(exc):
        # GDAL names the file it opened: the server's temporary folder is none of the official's business.
        text = str(exc).strip() or type(exc).__name__
        return text.replace(f"{what}:", "").replace(str(folder) + "/", "").replace(str(folder), "")

    try:
        layers = pyogrio.list_layers(source)
    except Exception as exc:  # GDAL's own error types differ by version
        raise _refuse(name, what, reason(exc)) from exc
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
        return geopandas.read_file(source, engine="pyogrio")
    except Exception as exc:
        raise _refuse(name, what, reason(exc)) from exc


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
    return read_boundary_bytes(path.read_bytes(), name or path.name, datum=datum, district=district)


def read_boundary_bytes(content, name, datum=WGS84, district=None):
    """read_boundary of a file's bytes, `name` being the file's name as the official sent it."""
    shape, source_crs = read_shape_bytes(content, name, datum)
    try:
        # Checked before rounding: rounding to the stored precision would mend a self-intersection.
        geometry.check_in_extent(shape)
        geometry.check_valid(shape)
        value = geometry.to_geojson(shape)
        shape = geometry.validate_geojson(value)
    except geometry.GeometryError as exc:
        raise BoundaryFileError(exc.localized(_), exc.location) from exc
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
        file_format=FORMATS[file_format(name)],
        source_crs=source_crs,
        datum=datum,
        area_m2=geometry.geodesic_area_m2(shape),
    )


def read_shape(path, datum=WGS84, name=None):
    """(the one polygonal shape of a file in WGS-84 lon/lat, the file's coordinate system), unchecked
    against Shanghai: read_boundary checks it."""
    path = Path(path)
    return read_shape_bytes(path.read_bytes(), name or path.name, datum)


def read_shape_bytes(content, name, datum=WGS84):
    """read_shape of a file's bytes: only these bytes are read, by the driver of the format the name says."""
    suffix = file_format(name)
    if datum not in DATUMS:
        raise BoundaryFileError(_("Unknown coordinate source %(datum)r.") % {"datum": datum})
    if len(content) == 0:
        raise BoundaryFileError(_("The file “%(name)s” is empty.") % {"name": name})
    with tempfile.TemporaryDirectory() as folder:
        source = _stage(content, name, Path(folder))
        frame = _read_frame(source, name, FORMATS[suffix], folder)
    return _one_shape(frame, name, datum)


def _one_shape(frame, name, datum):
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
