"""Admin form fields: GeoJSON geometries stored in JSONFields, edited on django-leaflet's map."""
import json

import shapely
from django import forms
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geometry import json_regex
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget
from shapely.geometry import shape

from layout import geometry


class GeoJSONMapWidget(LeafletWidget):
    """django-leaflet's draw map over a textarea of GeoJSON; GEOS only translates for the map."""

    template_name = "leaflet/admin/widget.html"
    include_media = True

    @property
    def media(self):
        return super().media + forms.Media(css={"screen": ["leaflet/leaflet_django.css"]})

    def render(self, name, value, attrs=None, renderer=None):
        # One child of the admin's flex row: map, paste toggle and textarea stack under each other.
        return format_html('<div class="layout-geometry-widget">{}</div>',
                           super().render(name, value, attrs, renderer))

    def deserialize(self, value):
        # Django's version logs and lets GDALException through for a Feature or other non-geometry,
        # and reads WKT: such text is shown back to the official as typed, with the form's error.
        if not json_regex.match(value):
            return None
        try:
            return GEOSGeometry(value)
        except (GEOSException, GDALException, ValueError, TypeError):
            return None

    def serialize(self, value):
        if not value:
            return ""
        # In MultiPolygon mode leaflet.forms.js would split a Polygon's holes into separate
        # shapes when loading it; as one part of a MultiPolygon it loads whole.
        if self.attrs.get("geom_type") == "MULTIPOLYGON" and value.geom_type == "Polygon":
            value = MultiPolygon(value, srid=value.srid)
        return value.json

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if value and not context["serialized"]:
            context["serialized"] = value  # not a geometry GEOS reads: keep the text to correct it
        return context


def _unwrap(value):
    """The geometry of a pasted Feature, or of a FeatureCollection holding exactly one feature."""
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if len(features) == 1:
            value = features[0]
    if isinstance(value, dict) and value.get("type") == "Feature" and isinstance(value.get("geometry"), dict):
        value = value["geometry"]
    return value


def _polygons_only(value):
    """Several polygons drawn as a GeometryCollection (a generic widget) become one MultiPolygon."""
    if not (isinstance(value, dict) and value.get("type") == "GeometryCollection"):
        return value
    parts = value.get("geometries") or []
    if not parts or any(not isinstance(p, dict) or p.get("type") not in geometry.POLYGONAL for p in parts):
        return value  # the model validator says what is wrong
    coordinates = []
    for part in parts:
        coordinates.extend([part["coordinates"]] if part["type"] == "Polygon" else part["coordinates"])
    return {"type": "MultiPolygon", "coordinates": coordinates}


def normalize_geojson(value, allowed_types):
    """RFC 7946 form (rounded, exterior rings counter-clockwise, one-part MultiPolygon as Polygon)
    of a valid geometry; anything else is returned unchanged for the model's validators to report."""
    if value in (None, ""):
        return None
    value = _unwrap(value)
    if allowed_types == geometry.POLYGONAL:
        value = _polygons_only(value)
    try:
        shape = geometry.validate_geojson(value, allowed_types)
    except geometry.GeometryError:
        return value
    if shape.geom_type == "MultiPolygon" and len(shape.geoms) == 1:
        shape = shape.geoms[0]
    return geometry.to_geojson(shape)


class GeoJSONGeometryField(forms.JSONField):
    """A GeoJSON geometry (WGS-84) drawn on the map or pasted as text; validity is the model's job."""

    default_error_messages = {
        "invalid": _('This is not GeoJSON text. Paste one geometry, e.g. {"type": "Polygon", '
                     '"coordinates": [[[lon, lat], …]]}, or draw it on the map.'),
    }

    def __init__(self, *, geometry_types=geometry.POLYGONAL, **kwargs):
        self.geometry_types = tuple(geometry_types)
        map_type = "POINT" if self.geometry_types == geometry.POINT else "MULTIPOLYGON"
        kwargs["widget"] = GeoJSONMapWidget(attrs={"geom_type": map_type})
        super().__init__(**kwargs)

    def clean(self, value):
        return normalize_geojson(super().clean(value), self.geometry_types)

    def has_changed(self, initial, data):
        """Changed only if the shape changed: the map sends back its own ring order and nesting."""
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
        except forms.ValidationError:
            return True
        return not same_geometry(normalize_geojson(initial, self.geometry_types),
                                 normalize_geojson(data, self.geometry_types))


def same_geometry(a, b):
    """Whether two GeoJSON geometries have the same vertices, whatever ring start and winding."""
    if a is None or b is None:
        return a is b
    try:
        return shapely.equals_exact(shapely.normalize(shape(a)), shapely.normalize(shape(b)), tolerance=1e-9)
    except Exception:  # not a geometry shapely reads: the model's validators report it
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


class GeometryModelForm(forms.ModelForm):
    """Keeps a geometry exactly as stored when the official did not change its shape, so that saving
    other fields neither rewrites it nor makes the seed loader take it for an official's edit."""

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, GeoJSONGeometryField) and name in cleaned_data and name not in self.changed_data:
                cleaned_data[name] = self.initial.get(name)
        return cleaned_data
