"""Clusters, scenarios and projects as Excel/CSV tables (django-import-export), in the units officials use."""

import datetime
import io
from decimal import Decimal, InvalidOperation

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from layout import edits
from layout.exports import FORMULA_START, spreadsheet_text
from layout.models import Cluster, District, Edition, IndustryChain, Project, Scenario, Source

WAN = Decimal(10_000)  # 1 万平方米 = 10,000 m²
YI = Decimal(100_000_000)  # 1 亿元 = 100,000,000 CNY


class TextWidget(widgets.CharWidget):
    """Text; an empty cell (Excel gives None, CSV "") is the field's empty value: "" or, for a nullable
    choice such as a category not published, None."""

    def __init__(self, empty="", **kwargs):
        self.empty = empty
        super().__init__(coerce_to_string=True, allow_blank=True)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.empty
        return super().clean(value, row, **kwargs)


class NumberWidget(widgets.Widget):
    """A whole or decimal number; a cell that is not one says so in a sentence (django-import-export's own
    widgets answer "[<class 'decimal.ConversionSyntax'>]")."""

    def __init__(self, whole=True, **kwargs):
        self.whole = whole
        super().__init__(coerce_to_string=False, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip().replace(",", "").replace("，", "")
        if text.startswith("="):
            # An Excel formula is read as typed (SpreadsheetXLSX), never calculated.
            raise ValueError(
                _("“%(value)s” is a formula, which is not calculated: type the figure itself.") % {"value": value}
            )
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        if self.whole:
            if number != number.to_integral_value():
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
            return int(number)
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class AmountWidget(NumberWidget):
    """A whole number of base units (m², CNY), read and written in a larger unit (万平方米, 亿元)."""

    def __init__(self, factor=1, unit="", **kwargs):
        self.factor = Decimal(factor)
        self.unit = unit
        super().__init__(whole=False, **kwargs)

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        base = number * self.factor
        words = {"value": value, "unit": self.unit}
        if base < 1:
            raise ValueError(
                _(
                    "%(value)s %(unit)s is not a figure a source can publish: leave the cell empty if the figure "
                    "is not published."
                )
                % words
            )
        if base != base.to_integral_value():
            raise ValueError(_("%(value)s %(unit)s has more decimals than the figure can hold.") % words)
        return int(base)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return format((Decimal(value) / self.factor).normalize(), "f")


class KeyWidget(widgets.ForeignKeyWidget):
    """A related record named by its key (a district's adcode, a cluster's slug), with a plain error."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("there is no %(record)s with %(key)s %(value)s.")
                % {"record": self.model._meta.verbose_name, "key": self.field, "value": repr(value)}
            ) from None


class ClusterKeyWidget(KeyWidget):
    """A cluster named by its slug, in the row's edition (the same slug names a cluster in each edition)."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Cluster.objects.filter(edition__year=row.get(EDITION_COLUMN))


# The edition of a row, by year; a table without the column (as exported before editions) is of the latest.
EDITION_COLUMN = "edition"


def latest_year():
    return Edition.objects.order_by("-year").values_list("year", flat=True).first()


class KeysWidget(widgets.ManyToManyWidget):
    """Related records named by their keys, separated by commas; an unknown key is an error, not ignored."""

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row, **kwargs)
        if value and not isinstance(value, (int, float)):
            asked = {key.strip() for key in str(value).split(self.separator) if key.strip()}
            missing = asked - {str(getattr(o, self.field)) for o in found}
            if missing:
                raise ValueError(
                    _("there is no %(record)s with %(key)s %(value)s.")
                    % {"record": self.model._meta.verbose_name, "key": self.field, "value": ", ".join(sorted(missing))}
                )
        return found


def amount(attribute, column, factor, unit, import_only=False):
    field = fields.Field(attribute=attribute, column_name=column, widget=AmountWidget(factor, unit))
    field.import_only = import_only
    return field


def key(attribute, model, field_name):
    return fields.Field(attribute=attribute, column_name=attribute, widget=KeyWidget(model, field_name))


# Columns a table may give in either unit: officials' unit → base unit. The export writes the first.
UNIT_COLUMNS = {"space_wan_m2": ("space_m2", WAN), "investment_yi_cny": ("investment_cny", YI)}


class SpreadsheetCSV(base_formats.CSV):
    """CSV whose text cells a spreadsheet shows as text, never runs (see exports.spreadsheet_text); the
    apostrophe is taken off again on import, so an exported table imports unchanged."""

    def _escape_formulae(self, dataset):  # django-import-export's hook (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT)
        for index, row in enumerate(list(dataset)):
            dataset[index] = [spreadsheet_text(cell) for cell in row]

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        for index, row in enumerate(list(dataset)):
            dataset[index] = [_unescaped(cell) for cell in row]
        return dataset


def _unescaped(cell):
    if isinstance(cell, str) and cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


class SpreadsheetXLSX(base_formats.XLSX):
    """Excel whose text never runs: a cell holding text that a spreadsheet would run (see
    exports.FORMULA_START) is a text cell marked as typed with a leading apostrophe, so that Excel keeps it
    text even when an official edits it. On import a formula cell gives the formula as typed, never its
    result nor nothing: the round trip gives back exactly the text."""

    def _escape_formulae(self, dataset):
        pass  # text cells keep their value; their type is set below

    def export_data(self, dataset, **kwargs):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(super().export_data(dataset, **kwargs)))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        cell.data_type = "s"  # openpyxl makes text starting with "=" a formula
                        cell.quotePrefix = True
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def create_dataset(self, in_stream):
        """The first sheet, read as django-import-export reads it but for formula cells: with data_only (its
        choice) a formula cell is its cached result, or empty when the file has none (any file written by a
        program rather than by Excel), and an official's text was silently replaced or refused as blank."""
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False)
        rows = book.active.rows
        dataset = tablib.Dataset()
        dataset.headers = [_typed_value(cell.value) for cell in next(rows)]
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for row in rows:
            values = [_typed_value(cell.value) for cell in row]
            if not (ignore_blanks and all(value is None for value in values)):
                dataset.append(values)
        return dataset


def _typed_value(value):
    """A cell's value as typed: an array formula is its text ("={...}"), a data table formula its reference."""
    if isinstance(value, (str, int, float, bool, Decimal, datetime.date, datetime.time, datetime.timedelta)):
        return value
    if value is None:
        return None
    return getattr(value, "text", None) or str(value)


class LayoutResource(resources.ModelResource):
    """Rows checked by the same validation as the admin; a district editor's rows stay in their district,
    and their changes to published records become drafts for a reviewer. One transaction for all rows."""

    is_published = fields.Field(
        attribute="is_published", column_name="is_published", readonly=True, widget=widgets.BooleanWidget()
    )

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, (models.CharField, models.TextField)):
            return TextWidget
        if isinstance(f, (models.IntegerField, models.DecimalField, models.FloatField)):
            return NumberWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, (models.CharField, models.TextField)):
            kwargs = {"empty": None if django_field.null else ""}
        elif isinstance(django_field, (models.IntegerField, models.DecimalField, models.FloatField)):
            kwargs = {"whole": isinstance(django_field, models.IntegerField)}
        return kwargs

    def get_export_fields(self, selected_fields=None):
        return [f for f in super().get_export_fields(selected_fields) if not getattr(f, "import_only", False)]

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        if EDITION_COLUMN in self.fields and EDITION_COLUMN not in (dataset.headers or []):
            year = latest_year()
            dataset.append_col([year] * len(dataset), header=EDITION_COLUMN)
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        """Either unit may be given; both, only if they agree."""
        for in_unit, (in_base, _factor) in UNIT_COLUMNS.items():
            if in_unit not in self.fields or in_base not in self.fields:
                continue
            given = {name: row.get(name) for name in (in_unit, in_base) if name in row}
            values = {}
            for name, raw in given.items():
                widget = self.fields[name].widget
                try:
                    values[name] = widget.clean(raw)
                except ValueError as exc:
                    raise ValidationError({self.fields[name].attribute: str(exc)}) from None
            filled = {name: value for name, value in values.items() if value is not None}
            if len(set(filled.values())) > 1:
                raise ValidationError(
                    {
                        self.fields[in_base].attribute: (
                            f"{in_unit} ({row.get(in_unit)}) and {in_base} ({row.get(in_base)}) disagree: fill only one."
                        )
                    }
                )
            if len(given) == 2:
                # Both columns set the same attribute: give both the one figure, whichever was filled.
                value = next(iter(filled.values()), None)
                row[in_unit] = self.fields[in_unit].widget.render(value)
                row[in_base] = "" if value is None else str(value)
        super().before_import_row(row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A row is checked as the change form checks a save: the model's validation, then the edit rules."""
        super().validate_instance(instance, import_validation_errors, validate_unique)
        edits.check(getattr(self, "user", None), instance)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Saved with its many-to-many values by save_m2m, through the edit gate."""

    def save_m2m(self, instance, row, **kwargs):
        m2m = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                m2m[field.attribute] = list(field.clean(row, **kwargs))
        edits.save(self.user, instance, m2m)


def edition_field():
    return key("edition", Edition, "year")


def cluster_field():
    return fields.Field(attribute="cluster", column_name="cluster", widget=ClusterKeyWidget(Cluster, "slug"))


class ClusterResource(LayoutResource):
    edition = edition_field()
    district = key("district", District, "adcode")
    primary_chain = key("primary_chain", IndustryChain, "slug")
    other_chains = fields.Field(
        attribute="other_chains", column_name="other_chains", widget=KeysWidget(IndustryChain, field="slug")
    )
    space_wan_m2 = amount("space_m2", "space_wan_m2", WAN, "万平方米")
    space_m2 = amount("space_m2", "space_m2", 1, "m²", import_only=True)
    space_source = key("space_source", Source, "key")
    investment_yi_cny = amount("investment_cny", "investment_yi_cny", YI, "亿元")
    investment_cny = amount("investment_cny", "investment_cny", 1, "CNY", import_only=True)
    investment_source = key("investment_source", Source, "key")
    published_scenario_count_source = key("published_scenario_count_source", Source, "key")
    anchor_source = key("anchor_source", Source, "key")
    sources = fields.Field(attribute="sources", column_name="sources", widget=KeysWidget(Source, field="key"))

    class Meta(LayoutResource.Meta):
        model = Cluster
        import_id_fields = ["edition", "slug"]
        fields = [
            "edition",
            "slug",
            "number",
            "name_zh",
            "name_en",
            "district",
            "lead_track_zh",
            "lead_track_en",
            "primary_chain",
            "other_chains",
            "chains_basis",
            "space_wan_m2",
            "space_m2",
            "space_source",
            "space_quote",
            "investment_yi_cny",
            "investment_cny",
            "investment_source",
            "investment_quote",
            "published_scenario_count",
            "published_scenario_count_source",
            "published_scenario_count_quote",
            "boundary_status",
            "boundary_method",
            "published_extent",
            "anchor_description",
            "anchor_source",
            "anchor_confidence",
            "description_zh",
            "description_en",
            "sources",
            "is_published",
        ]


class ScenarioResource(LayoutResource):
    edition = edition_field()
    cluster = cluster_field()
    source = key("source", Source, "key")

    class Meta(LayoutResource.Meta):
        model = Scenario
        import_id_fields = ["id"]
        fields = [
            "id",
            "edition",
            "title_zh",
            "title_en",
            "category",
            "cluster",
            "description_zh",
            "description_en",
            "source",
            "source_quote",
            "is_published",
        ]


class ProjectResource(LayoutResource):
    edition = edition_field()
    district = key("district", District, "adcode")
    cluster = cluster_field()
    investment_yi_cny = amount("investment_cny", "investment_yi_cny", YI, "亿元")
    investment_cny = amount("investment_cny", "investment_cny", 1, "CNY", import_only=True)
    source = key("source", Source, "key")

    class Meta(LayoutResource.Meta):
        model = Project
        import_id_fields = ["id"]
        fields = [
            "id",
            "edition",
            "name_zh",
            "name_en",
            "company_zh",
            "company_en",
            "district",
            "cluster",
            "sector",
            "investment_yi_cny",
            "investment_cny",
            "figures_zh",
            "figures_en",
            "source",
            "is_published",
        ]
