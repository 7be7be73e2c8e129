"""Pure shapely functions: GeoJSON geometry validation, area, discs and datum conversion."""

import functools
import json
import math
import re

import orjson
import prcoords
import shapely
import shapely.ops
from pyproj import Geod
from shapely.geometry import mapping, shape

# Shanghai's extent in WGS-84 (lon/lat), with a margin of about 5 km around the
# city boundary in geodata/districts.geojson, so that any shape outside it is
# certainly not a Shanghai boundary (and a lat/lon swap is caught).
SHANGHAI_EXTENT = (120.80, 30.62, 122.30, 31.93)

POLYGONAL = ("Polygon", "MultiPolygon")
POINT = ("Point",)

# Share of a cluster's area that must lie inside its district. Not 1.0: boundaries
# drawn by hand on a simplified basemap touch the district border.
MIN_SHARE_IN_DISTRICT = 0.95

WGS84 = Geod(ellps="WGS84")


def _(message):
    """Marks a message for the catalogue; it is translated where it is shown (localized()), so that this
    module needs no Django."""
    return message


class GeometryError(ValueError):
    """A geometry that cannot be stored, with a message an official can act on: `template` % `params`,
    in English as `message`, in the reader's language by localized()."""

    def __init__(self, template, params=None, location=None):
        self.template = template
        self.params = params or {}
        self.message = template % self.params if self.params else template
        super().__init__(self.message)
        self.location = location  # (lon, lat) where the problem is, when known

    def localized(self, gettext):
        """The message through a gettext function (Django's, for the active language)."""
        return gettext(self.template) % self.params if self.params else gettext(self.template)


def describe_point(lon, lat):
    return f"{lat:.5f}° N, {lon:.5f}° E (lon, lat = {lon:.6f}, {lat:.6f})"


def parse_geometry(value, allowed_types=POLYGONAL):
    """Return the shapely geometry of a GeoJSON geometry (dict or JSON text), or raise GeometryError."""
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise GeometryError(_("This is not GeoJSON: %(error)s."), {"error": exc}) from exc
    if not isinstance(value, dict) or "type" not in value:
        raise GeometryError(_('This is not a GeoJSON geometry: an object with a "type" is expected.'))
    kind = value.get("type")
    if kind == "Feature":
        raise GeometryError(_('A GeoJSON Feature was given; give its "geometry" only.'))
    if kind == "FeatureCollection":
        raise GeometryError(_("A GeoJSON FeatureCollection was given; give one geometry."))
    if kind not in allowed_types:
        raise GeometryError(
            _("Wrong geometry type %(kind)s: expected %(expected)s."),
            {"kind": repr(kind), "expected": " or ".join(allowed_types)},
        )
    try:
        geom = shape(value)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeometryError(
            _("The %(kind)s coordinates are malformed: %(error)s."), {"kind": kind, "error": exc}
        ) from exc
    if geom.is_empty:
        raise GeometryError(_("The %(kind)s is empty: it has no coordinates."), {"kind": kind})
    return geom


_REASON = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>[-\d.eE+]+) (?P<y>[-\d.eE+]+)\]")


def check_valid(geom):
    """Raise GeometryError saying what is wrong and where, if the geometry is not valid (OGC)."""
    if shapely.is_valid(geom):
        return
    reason = shapely.is_valid_reason(geom)
    match = _REASON.match(reason)
    if not match:
        raise GeometryError(_("The shape is not valid: %(reason)s."), {"reason": reason})
    lon, lat = float(match["x"]), float(match["y"])
    what = match["reason"].strip()
    params = {"point": describe_point(lon, lat), "reason": what}
    if what == "Self-intersection":
        template = _("The boundary crosses itself near %(point)s.")
    elif what == "Ring Self-intersection":
        template = _("A ring of the boundary touches itself near %(point)s.")
    elif what == "Too few points":
        template = _("A ring has too few points near %(point)s.")
    else:
        template = _("The shape is not valid (%(reason)s) near %(point)s.")
    raise GeometryError(template, params, location=(lon, lat))


def check_in_extent(geom, extent=SHANGHAI_EXTENT):
    """Raise GeometryError if any coordinate lies outside Shanghai's extent."""
    min_lon, min_lat, max_lon, max_lat = extent
    coords = shapely.get_coordinates(geom)
    outside = [(x, y) for x, y in coords if not (min_lon <= x <= max_lon and min_lat <= y <= max_lat)]
    if not outside:
        return
    x, y = outside[0]
    # "at lon …, lat …" stays as it is in every language: the admin map finds the place in the message.
    params = {"count": len(outside), "where": f"at lon {x:.6f}, lat {y:.6f}"}
    if min_lon <= y <= max_lon and min_lat <= x <= max_lat:
        template = _(
            "%(count)d point(s) lie outside Shanghai, the first %(where)s. The numbers look like (lat, lon): "
            "GeoJSON wants (lon, lat)."
        )
    else:
        template = _("%(count)d point(s) lie outside Shanghai, the first %(where)s.")
    raise GeometryError(template, params, location=(x, y))


def validate_geojson(value, allowed_types=POLYGONAL, extent=SHANGHAI_EXTENT):
    """Parse and fully check a GeoJSON geometry; return the shapely geometry."""
    geom = parse_geometry(value, allowed_types)
    check_in_extent(geom, extent)
    check_valid(geom)
    return geom


def share_within(inner, outer):
    """Share (0..1) of inner's area that lies inside outer."""
    if inner.area == 0:
        return 1.0 if outer.covers(inner) else 0.0
    return shapely.intersection(inner, outer).area / inner.area


def geodesic_area_m2(geom):
    """Area of a lon/lat polygon on the WGS-84 ellipsoid, in m²."""
    area, _perimeter = WGS84.geometry_area_perimeter(geom)
    return abs(area)


def geodesic_disc(lon, lat, area_m2, segments=64):
    """A polygon approximating the geodesic circle of the given area around (lon, lat)."""
    radius = math.sqrt(area_m2 / math.pi)
    azimuths = [360.0 * i / segments for i in range(segments)]
    lons, lats, _ = WGS84.fwd([lon] * segments, [lat] * segments, azimuths, [radius] * segments)
    ring = list(zip(lons, lats, strict=True))
    return shapely.Polygon(ring + ring[:1])


def _convert(geom, func):
    def convert_array(coords):
        out = []
        for x, y in coords:
            c = func(prcoords.Coords(y, x))
            out.append((c.lon, c.lat))
        return out

    return shapely.transform(geom, convert_array)


def wgs84_to_gcj02(geom):
    """Shift a WGS-84 geometry to GCJ-02, the datum of AMap and Tencent tiles."""
    return _convert(geom, prcoords.wgs_gcj)


def gcj02_to_wgs84(geom):
    """Shift a GCJ-02 geometry (AMap, Tencent) back to WGS-84, by the iterative exact inverse."""
    return _convert(geom, prcoords.gcj_wgs_bored)


def bd09_to_wgs84(geom):
    """Shift a BD-09 geometry (Baidu) to WGS-84."""
    return _convert(geom, prcoords.bd_wgs_bored)


def to_geojson(geom, precision=6):
    """RFC 7946 geometry dict: exterior rings counter-clockwise, coordinates rounded."""
    if precision is not None:
        geom = shapely.set_precision(geom, 10**-precision)
    if geom.geom_type in POLYGONAL:
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return _round(mapping(geom), precision)


def pixel_degrees(zoom, latitude=31.2):
    """The ground a screen pixel covers at a web-map zoom (256-pixel tiles), in degrees."""
    return 360 / (256 * 2**zoom) * math.cos(math.radians(latitude))


def simplified_for_zoom(geom, zoom):
    """A shape with the vertices dropped that move its outline by less than half a pixel at this zoom."""
    tolerance = pixel_degrees(zoom) / 2
    return shapely.simplify(geom, tolerance, preserve_topology=True)


def _round(obj, precision):
    if isinstance(obj, dict):
        return {k: _round(v, precision) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [float(v) if precision is None else round(float(v), precision) for v in obj]
        return [_round(v, precision) for v in obj]
    return obj


def label_point(geom):
    """Where a name label reads best: the pole of inaccessibility of the largest part."""
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    largest = max(parts, key=lambda part: part.area)
    return shapely.ops.polylabel(largest, tolerance=0.0005)


def label_point_of(boundary):
    """label_point() of a stored GeoJSON outline, remembered by the outline's own coordinates: every map page
    labels the same sixteen districts, and finding the point costs about ten times more than recognising the
    outline (0.47 ms against 0.04 ms for the largest district). A changed outline is a new key, so a label
    never outlives its shape."""
    return _label_point_of_text(orjson.dumps(boundary))


@functools.lru_cache(maxsize=1024)
def _label_point_of_text(text):
    return label_point(parse_geometry(text))  # shapely geometries are immutable: safe to share
