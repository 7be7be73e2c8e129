"""Admin form fields: GeoJSON geometries stored in JSONFields, edited on django-leaflet's map."""

import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import shapely
from django import forms
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geometry import json_regex
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.forms import ConfirmImportForm, SelectableFieldsExportForm
from leaflet.forms.widgets import LeafletWidget
from shapely.geometry import shape

from layout import geometry, history


class GeoJSONMapWidget(LeafletWidget):
    """django-leaflet's draw map over a textarea of GeoJSON; GEOS only translates for the map."""

    template_name = "leaflet/admin/widget.html"
    include_media = True

    @property
    def media(self):
        return super().media + forms.Media(css={"screen": ["leaflet/leaflet_django.css"]})

    def render(self, name, value, attrs=None, renderer=None):
        # One child of the admin's flex row: map, paste toggle and textarea stack under each other.
        return format_html('<div class="layout-geometry-widget">{}</div>', super().render(name, value, attrs, renderer))

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
        if isinstance(value, str) and value.strip() == "null":
            value = None  # forms.JSONField's text for "no geometry": an empty map, not a broken one
        context = super().get_context(name, value, attrs)
        # django-leaflet's admin widget renders its drawing toolbar's words (in the official's language) only
        # when told the map has the forms plugin, which it always has here.
        context["with_forms"] = True
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
        "invalid": _(
            'This is not GeoJSON text. Paste one geometry, e.g. {"type": "Polygon", '
            '"coordinates": [[[lon, lat], …]]}, or draw it on the map.'
        ),
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
        return not same_geometry(
            normalize_geojson(initial, self.geometry_types), normalize_geojson(data, self.geometry_types)
        )


def same_geometry(a, b):
    """Whether two GeoJSON geometries have the same vertices, whatever ring start and winding."""
    if a is None or b is None:
        return a is b
    try:
        return shapely.equals_exact(shapely.normalize(shape(a)), shapely.normalize(shape(b)), tolerance=1e-9)
    except Exception:  # not a geometry shapely reads: the model's validators report it
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


KEEP_YOUR_VERSION = _(
    "Your version is still in the form below: copy what you need, reload the page to see the "
    "current version, and make your changes again."
)


def changed_meanwhile(record, edited_version):
    """Who saved a record since the version an official started from, and what they changed (HTML list items)."""
    editors, changes = history.changes_since(record, edited_version)
    who = "; ".join(f"{name} at {when}" for name, when in editors) or _("someone else")
    lines = [format_html("<li>{}: {} → {}</li>", c.field, c.old, c.new) for c in changes]
    return who, mark_safe("".join(lines)) if lines else _("(details not recorded)")


class GeometryModelForm(forms.ModelForm):
    """Keeps a geometry exactly as stored when the official did not change its shape, so that saving
    other fields neither rewrites it nor makes the seed loader take it for an official's edit."""

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, GeoJSONGeometryField) and name in cleaned_data and name not in self.changed_data:
                cleaned_data[name] = self.initial.get(name)
        return cleaned_data


# Officials' units: the model stores base units, officials also type 万平方米 and 亿元.
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
AMOUNT_INPUTS = {
    # extra input → (model field, factor, unit as officials write it)
    "space_wan_m2": ("space_m2", WAN, "万平方米"),
    "investment_yi_cny": ("investment_cny", YI, "亿元"),
}


def amount_in_unit(value, factor):
    if value is None:
        return None
    # normalize() drops trailing zeros but writes 10 as 1E+1, which the form would show the official: plain digits.
    return Decimal(format((Decimal(value) / factor).normalize(), "f"))


class LayoutModelForm(GeometryModelForm):
    """The admin form of every layout record: refuses an edit based on an old version, shows a draft's
    many-to-many choices, reads figures in 万平方米 / 亿元 as well as in base units, and reads boundary files."""

    edited_version = forms.IntegerField(label=_("version you started from"), widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is not None:
            current = type(instance)._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
            self.fields["edited_version"].initial = current
        for name, keys in getattr(instance, "draft_m2m", {}).items():
            if name in self.fields:
                self.initial[name] = keys
        self._historical_m2m_initial()
        for extra, (base, factor, _unit) in AMOUNT_INPUTS.items():
            if extra in self.fields and base in self.fields:
                self.initial.setdefault(extra, amount_in_unit(self.initial.get(base), factor))

    def _historical_m2m_initial(self):
        """A form for reverting to an old version shows that version's many-to-many choices too."""
        record = getattr(self.instance, "_history", None)
        if record is None:
            return
        for field in type(self.instance)._meta.many_to_many:
            if field.name in self.fields and hasattr(record, field.name):
                target = field.m2m_reverse_field_name()
                self.initial[field.name] = [getattr(row, f"{target}_id") for row in getattr(record, field.name).all()]

    # Set by the admin on the form class it makes for each request: the official saving.
    editor = None

    def clean(self):
        cleaned_data = super().clean()
        for extra, (base, factor, unit) in AMOUNT_INPUTS.items():
            if extra in self.fields and base in self.fields:
                self._reconcile_amount(cleaned_data, extra, base, factor, unit)
        self._read_boundary_file(cleaned_data)
        return cleaned_data

    def _post_clean(self):
        """The record as it would be saved passes the edit rules (layout.edits): district, publishing and
        the version the official started from."""
        super()._post_clean()
        from layout import edits
        from layout.models import PublishedModel

        if self.prefix is None and "_publish" in self.data and isinstance(self.instance, PublishedModel):
            # "Save and publish" publishes the page's record (not its rows); the gate says who may.
            self.instance.is_published = True
        try:
            edits.check(self.editor, self.instance, getattr(self, "cleaned_data", {}).get("edited_version"))
        except edits.Refused as exc:
            if exc.code == "conflict":
                self.add_error(None, self.conflict_error(exc.params["record"], exc.params["edited_version"]))
            else:
                self.add_error(None, exc)

    def _save_m2m(self):
        """Many-to-many choices are saved by the gate (layout.edits.save), as a draft's or as the record's."""

    def conflict_error(self, record, edited_version):
        who, lines = changed_meanwhile(record, edited_version)
        return forms.ValidationError(
            format_html(
                "{} <ul>{}</ul> {}",
                _(
                    "This record was changed while you were editing it (by %(who)s), so your changes have NOT been "
                    "saved. Changed meanwhile:"
                )
                % {"who": who},
                lines,
                KEEP_YOUR_VERSION,
            ),
            code="conflict",
        )

    def _reconcile_amount(self, cleaned_data, extra, base, factor, unit):
        in_unit, in_base = cleaned_data.get(extra), cleaned_data.get(base)
        unit_changed, base_changed = extra in self.changed_data, base in self.changed_data
        if extra in self.errors or base in self.errors or not unit_changed:
            return
        converted = None if in_unit is None else in_unit * factor
        if converted is not None and converted != converted.to_integral_value():
            self.add_error(
                extra,
                _("%(value)s %(unit)s has more decimals than the figure can hold.") % {"value": in_unit, "unit": unit},
            )
            return
        converted = None if converted is None else int(converted)
        if base_changed and converted != in_base:
            self.add_error(
                extra,
                _(
                    "You changed both the %(unit)s figure and the figure in base units, and they "
                    "disagree: change only one."
                )
                % {"unit": unit},
            )
            return
        cleaned_data[base] = converted
        model_field = self._meta.model._meta.get_field(base)
        if converted is not None:
            try:
                for validator in model_field.validators:
                    validator(converted)
            except forms.ValidationError as exc:
                self.add_error(
                    extra,
                    _("%(value)s %(unit)s: %(problem)s")
                    % {"value": in_unit, "unit": unit, "problem": " ".join(exc.messages)},
                )

    def _read_boundary_file(self, cleaned_data):
        """A boundary file is read and shown on the map for the official to check: never saved at once."""
        upload = cleaned_data.get("boundary_file")
        if not upload:
            return
        from layout.boundary_files import BoundaryFileError, read_uploaded

        district = cleaned_data.get("district") if "district" in self.fields else None
        try:
            boundary = read_uploaded(upload, cleaned_data.get("boundary_datum") or "wgs84", district)
        except BoundaryFileError as exc:
            self.add_error("boundary_file", exc.message)
            return
        data = self.data.copy()
        data[self.add_prefix("boundary")] = json.dumps(boundary.geojson)
        self.data = data
        self.boundary_preview = boundary
        # Holds the save back: the admin shows the boundary read on the map, and saves on the next Save.
        self.add_error("boundary_file", forms.ValidationError(boundary.summary(), code="preview"))


class BoundaryUploadMixin(forms.Form):
    """A boundary file in place of drawing: read, checked and shown before anything is saved."""

    boundary_file = forms.FileField(
        label=_("Or read it from a file"),
        required=False,
        help_text=_(
            "GeoJSON, KML, GeoPackage, or a Shapefile zipped with its .shp, .shx, .dbf and .prj. "
            "Any coordinate system; one polygon or multipolygon. Nothing is saved until you check it "
            "on the map and press Save."
        ),
    )
    boundary_datum = forms.ChoiceField(
        label=_("The file's coordinates come from"), required=False, choices=[], initial="wgs84"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from layout.boundary_files import DATUMS

        self.fields["boundary_datum"].choices = [(key, _(label)) for key, label in DATUMS.items()]


class ClusterForm(BoundaryUploadMixin, LayoutModelForm):
    space_wan_m2 = forms.DecimalField(
        label=_("Space (万平方米)"),
        required=False,
        max_digits=20,
        decimal_places=4,
        help_text=_("1 万平方米 = 10,000 m². Fill this or the m² figure."),
    )
    investment_yi_cny = forms.DecimalField(
        label=_("Investment (亿元)"),
        required=False,
        max_digits=20,
        decimal_places=8,
        help_text=_("1 亿元 = 100,000,000 CNY. Fill this or the CNY figure."),
    )


class DistrictForm(BoundaryUploadMixin, LayoutModelForm):
    pass


class ProjectForm(LayoutModelForm):
    investment_yi_cny = forms.DecimalField(
        label=_("Investment (亿元)"),
        required=False,
        max_digits=20,
        decimal_places=8,
        help_text=_("1 亿元 = 100,000,000 CNY. Fill this or the CNY figure."),
    )


class InlineRowForm(LayoutModelForm):
    """A record edited as a row of another record's page (a scenario on its cluster's)."""

    def conflict_error(self, record, edited_version):
        who, lines = changed_meanwhile(record, edited_version)
        return forms.ValidationError(
            format_html(
                "{} <ul>{}</ul> {}",
                _(
                    "“%(record)s” was changed while you were editing this page (by %(who)s), so nothing on this page "
                    "has been saved. Changed meanwhile:"
                )
                % {"record": record, "who": who},
                lines,
                KEEP_YOUR_VERSION,
            ),
            code="conflict",
        )

    def deleted_error(self, deleted):
        who = "{} at {}".format(*history.who_and_when(deleted)) if deleted is not None else _("someone else")
        return forms.ValidationError(
            format_html(
                "{} {}",
                _(
                    "“%(record)s” was deleted while you were editing this page (by %(who)s), so nothing on this page "
                    "has been saved."
                )
                % {"record": self.instance, "who": who},
                KEEP_YOUR_VERSION,
            ),
            code="conflict",
        )


class VersionedInlineFormSet(BaseInlineFormSet):
    """Rows of InlineRowForm, each refused as its own page would refuse it; the page (its record and every
    row) is saved all or nothing, so one row changed, moved or deleted meanwhile refuses the whole save."""

    def clean(self):
        super().clean()
        conflicts = 0
        for form in self.initial_forms:
            if form.instance.pk is None:
                # Its record is no longer among this page's rows: deleted, or moved to another record.
                error = self._gone_error(form)
                if error is not None:
                    form.add_error(None, error)
            if form.has_error(NON_FIELD_ERRORS, "conflict"):
                conflicts += 1
        if conflicts:
            # Also stops a stale row marked for deletion, whose own errors the formset would ignore.
            raise forms.ValidationError(
                _(
                    "Nothing on this page has been saved: rows below changed while you were editing this page "
                    "(see the message on each row)."
                ),
                code="conflict",
            )

    def _gone_error(self, form):
        pk_field = self.model._meta.pk
        try:
            pk = pk_field.to_python(form.data.get(form.add_prefix(pk_field.name)))
        except forms.ValidationError:
            return None
        if pk is None:
            return None
        moved = self.model._default_manager.filter(pk=pk).first()
        if moved is not None:
            return form.conflict_error(moved, getattr(form, "cleaned_data", {}).get("edited_version"))
        return form.deleted_error(history.deletion(self.model, pk))


class ImportConfirmationForm(ConfirmImportForm):
    """The "Confirm import" step names a file the preview step stored and a format by its number: checked
    here, so that a tampered or stale confirmation is refused with a reason, never a server error."""

    def __init__(self, *args, import_formats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.import_formats = import_formats

    def clean_format(self):
        value = self.cleaned_data["format"]
        if not (value.isascii() and value.isdigit() and int(value) < len(self.import_formats)):
            raise forms.ValidationError(_("Unknown file format: choose the file again."))
        return value

    def clean_import_file_name(self):
        # Only a name the preview step made: tmpXXXXXXXX in the temporary folder, or a uuid in the cache or
        # media storage (IMPORT_EXPORT_TMP_STORAGE_CLASS); never a path to another file.
        name = self.cleaned_data["import_file_name"]
        if Path(name).is_absolute() and Path(name).parent == Path(tempfile.gettempdir()):
            name = Path(name).name  # the temporary folder's storage gives the full path of the file
        if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name):
            raise forms.ValidationError(_("This is not a file the preview stored: choose the file again."))
        return name


UNIT_IN_LABEL = re.compile(r"\s*[（(][^（(]*[)）]$")  # "space (m²)", "空间（平方米）"


class LabelledExportForm(SelectableFieldsExportForm):
    """The export's column choice, each column by its field's name in the official's language and its header in
    the file (import-export's own label is the header title-cased: "Name Zh")."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        column = field.column_name if field else field_name
        try:
            label = capfirst(str(resource._meta.model._meta.get_field(field.attribute or field_name).verbose_name))
        except Exception:
            return column
        unit = getattr(field.widget, "unit", "")
        if unit:  # a figure in a unit of its own (万平方米 beside m²): named by that unit, not the field's
            label = "{} ({})".format(UNIT_IN_LABEL.sub("", label), unit)
        # The file's header too where it is not the field's own name (as import-export does).
        return label if column == field_name else f"{label} ({column})"
