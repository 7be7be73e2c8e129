"""The officials' admin: roles by district, drafts that reviewers publish, history, tables and boundary files."""

import copy
import dataclasses

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from layout import drafts, edits, formats, geojson, geometry, history, next_edition, roles
from layout.forms import (
    ClusterForm,
    DistrictForm,
    GeoJSONGeometryField,
    ImportConfirmationForm,
    InlineRowForm,
    LabelledExportForm,
    LayoutModelForm,
    ProjectForm,
    VersionedInlineFormSet,
)
from layout.models import (
    Cluster,
    District,
    Edition,
    EditorProfile,
    HeadlineFigure,
    IndustryChain,
    Project,
    Scenario,
    Source,
    latest_edition,
)
from layout.resources import ClusterResource, ProjectResource, ScenarioResource, SpreadsheetCSV, SpreadsheetXLSX
from layout.second_factor import has_device, reset_second_factor


class SentRowsInlineAdminFormSet(helpers.InlineAdminFormSet):
    """The rows of an inline as the official sent them, each beside its own record. Django pairs the rows sent with
    the records still there, in order: after a row was deleted or moved away meanwhile, a refused page showed fewer
    rows than were sent, under the wrong records, and what the official typed in the last ones was lost."""

    def __iter__(self):
        formset = self.formset
        # A row whose record is gone has no instance of its own (None: shown with its message, as a new row is).
        originals = [form.instance if form.instance.pk is not None else None for form in formset.initial_forms]
        formset.get_queryset = lambda: originals  # what Django's own __iter__ pairs the rows with
        try:
            yield from super().__iter__()
        finally:
            del formset.get_queryset


class LayoutAdmin(SimpleHistoryAdmin):
    """Every layout record: field-by-field history with revert, and a save refused if the record changed
    since the official opened it."""

    form = LayoutModelForm
    change_form_template = "layout/admin/change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.editor = request.user  # a class made for this request: its saves pass the gate as this official
        return form

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            inline_formset.__class__ = SentRowsInlineAdminFormSet  # Django builds them; only __iter__ differs
        return inline_formsets

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except edits.Refused as exc:
            # The gate refused at the save itself (a save that crossed this one after the form was
            # checked): the page's transaction is rolled back, and the official is told why.
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Every save of the change form and of History → Revert goes through the one gate (layout.edits)."""
        m2m = {f.name: form.cleaned_data[f.name] for f in self.model._meta.many_to_many if f.name in form.cleaned_data}
        # A draft's form shows the draft (DraftAdmin.get_object): saving it settles the draft.
        outcome = edits.save(request.user, obj, m2m, form.cleaned_data.get("edited_version"), replaces_draft=True)
        if outcome == edits.DRAFTED:
            self.message_user(
                request,
                _(
                    "Your changes are saved as a draft. The public map keeps showing the "
                    "published version until a reviewer publishes them."
                ),
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        edits.delete(request.user, obj)

    def delete_queryset(self, request, queryset):
        refused = []
        for obj in queryset:
            try:
                edits.delete(request.user, obj)
            except edits.Refused as exc:
                refused.append(" ".join(exc.messages))
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    def get_fieldsets(self, request, obj=None):
        fieldsets = copy.deepcopy(super().get_fieldsets(request, obj))
        names = {
            name
            for _title, options in fieldsets
            for line in options["fields"]
            for name in (line if isinstance(line, (list, tuple)) else [line])
        }
        if not self.has_change_permission(request, obj):
            # Read only: the form's own inputs (the version started from, a boundary file) have nothing to show.
            return without_fields(fieldsets, FORM_ONLY_FIELDS)
        if "edited_version" not in names:
            # Hidden: the version the official started from, to refuse a save over someone else's.
            fieldsets[0][1]["fields"] = [*fieldsets[0][1]["fields"], "edited_version"]
        return fieldsets

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            current.shown_change_reason = history.shown_reason(current.history_change_reason)
            if previous is not None:
                delta = previous.diff_against(
                    current, foreign_keys_are_objs=foreign_keys_are_objs, excluded_fields={"version"}
                )
                # As the form shows each field (a record by its name, a choice by its label, a boundary by its area
                # and a small before/after map), not simple-history's text of the stored value.
                changes = [history.shown_change(self.model, c.field, c.old, c.new) for c in delta.changes]
                draft = history.draft_change(self.model, current, previous)
                if draft is not None:
                    changes.append(draft)
                previous.history_delta_changes = [dataclasses.asdict(change) for change in changes]
            previous = current


class GeometryAdminMixin:
    """Edits the GeoJSON JSONFields named in `geometry_fields` on a map with the districts drawn under it."""

    geometry_fields = {}  # field name → allowed GeoJSON geometry types
    change_form_template = "layout/admin/change_form_with_map.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # Read only: each shape as its area (or place) and a small map, not its GeoJSON text.
        shown = {name: f"{name}_shown" for name in self.geometry_fields}
        return [
            (title, {**options, "fields": [_renamed(line, shown) for line in options["fields"]]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields += [f"{name}_shown" for name in self.geometry_fields]
        return fields

    def _shape_shown(self, obj, name):
        shape = history.shape_of(getattr(obj, name, None)) if obj is not None else None
        return format_html("{}{}", history.describe_shape(shape), history.before_after_svg(None, shape))

    @admin.display(description=_("boundary"))
    def boundary_shown(self, obj):
        return self._shape_shown(obj, "boundary")

    @admin.display(description=_("anchor point"))
    def anchor_shown(self, obj):
        return self._shape_shown(obj, "anchor")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.geometry_fields:
            field = db_field.formfield(
                form_class=GeoJSONGeometryField, geometry_types=self.geometry_fields[db_field.name], **kwargs
            )
            # django-leaflet starts its map with inline scripts: this answer's nonce lets only them run.
            field.widget.csp_nonce = getattr(request, "csp_nonce", None)
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def own_adcode(self, obj, adcodes):
        """The district to highlight on the map: the record's own, or the one it lies in ({district pk: adcode})."""
        if obj is None:
            return None
        return adcodes.get(obj.pk if isinstance(obj, District) else getattr(obj, "district_id", None))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # No tile server by default: the district outlines are the map's only reference.
        form = context["adminform"].form
        adcodes = dict(District.objects.values_list("pk", "adcode"))
        context["layout_admin_map"] = {
            "districts": geojson.district_feature_collection(),
            "districtAdcodes": {str(pk): adcode for pk, adcode in adcodes.items()},
            "ownAdcode": self.own_adcode(obj, adcodes),
            "labels": {
                "paste": str(_("Paste or edit the GeoJSON text")),
                "area": str(_("Area of the shape")),
                "noShape": str(_("no shape drawn")),
                "zoomIn": str(_("Zoom in")),
                "zoomOut": str(_("Zoom out")),
            },
        }
        preview = getattr(form, "boundary_preview", None)
        if preview is not None:
            # The file was read: show it on the map for checking, without an error banner.
            form.errors.pop("boundary_file", None)
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            context["errors"] = helpers.AdminErrorList(form, formsets)
            messages.info(
                request,
                _(
                    "Boundary read from the file: %(summary)s. It is NOT saved yet: check it on "
                    "the map, then press Save."
                )
                % {"summary": preview.summary()},
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


# Inputs of the change form that are not the record's fields: nothing to show where the official may only look.
FORM_ONLY_FIELDS = {"edited_version", "boundary_file", "boundary_datum"}


def _renamed(line, names):
    if isinstance(line, (list, tuple)):
        return type(line)(names.get(name, name) for name in line)
    return names.get(line, line)


def without_fields(fieldsets, dropped):
    """The fieldsets without the named fields (a line of several loses only those)."""
    result = []
    for title, options in fieldsets:
        lines = []
        for line in options["fields"]:
            if isinstance(line, (list, tuple)):
                kept = [name for name in line if name not in dropped]
                if kept:
                    lines.append(kept[0] if len(kept) == 1 else tuple(kept))
            elif line not in dropped:
                lines.append(line)
        result.append((title, {**options, "fields": lines}))
    return result


class DraftInlineFormSet(VersionedInlineFormSet):
    """Inline records shown with their unpublished changes, as their own page shows them, and refused
    when changed meanwhile, as their own page refuses them."""

    def get_queryset(self):
        if not hasattr(self, "_draft_queryset"):
            self._draft_queryset = [drafts.apply_draft(obj) for obj in super().get_queryset()]
        return self._draft_queryset


class ReadOnlyAdminMixin:
    """Records no one adds, changes or deletes in the admin (a log, counts): they are only looked at."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefuseOutOfScopeMixin:
    """403, not "does not exist", on the change, delete and history pages of a record outside
    `get_queryset` (a district editor guessing another district's address): the record is there, but not this
    official's to see."""

    def refuse_out_of_scope(self, request, object_id):
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return
        if self.model._default_manager.filter(pk=pk).exists() and not self.get_queryset(request).filter(pk=pk).exists():
            raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.refuse_out_of_scope(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.refuse_out_of_scope(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.refuse_out_of_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.refuse_out_of_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


# A district's outline, and the loader's copy of it, are most of its row: a select, a filter or a list that names
# districts reads only their names (it decoded all 16 outlines twice for each select and filter of every page).
DISTRICT_OUTLINES = ("boundary", "seed_values")


class DistrictListFilter(admin.RelatedFieldListFilter):
    """A list's filter by district, by name, without reading the districts' outlines."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        districts = District.objects.defer(*DISTRICT_OUTLINES).order_by(*ordering or District._meta.ordering)
        return [(district.pk, str(district)) for district in districts]


class DistrictScopedAdmin(RefuseOutOfScopeMixin, LayoutAdmin):
    """A district editor sees, reaches and changes only their district's records; others are refused (403)."""

    def get_queryset(self, request):
        records = roles.scope(super().get_queryset(request), request.user)
        if any(field.name == "district" for field in self.model._meta.fields):
            # Where a list selects the district with each record, it needs the name, not the outline.
            records = records.defer(*(f"district__{name}" for name in DISTRICT_OUTLINES))
        return records

    def _in_scope(self, request, obj):
        return obj is None or roles.may_edit(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not (super().has_delete_permission(request, obj) and self._in_scope(request, obj)):
            return False
        # Taking a record off the public map is a reviewer's decision.
        return obj is None or not getattr(obj, "is_published", False) or roles.can_publish(request.user, self.model)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        district = roles.editor_district(request.user)
        if district is not None:
            if db_field.related_model is District:
                kwargs["queryset"] = District.objects.filter(pk=district.pk) if district else District.objects.none()
            elif db_field.related_model is Cluster:
                kwargs["queryset"] = roles.scope(Cluster.objects.all(), request.user)
        if db_field.related_model is District:
            districts = kwargs.get("queryset")
            if districts is None:
                districts = self.get_field_queryset(kwargs.get("using"), db_field, request)
            kwargs["queryset"] = (District.objects.all() if districts is None else districts).defer(*DISTRICT_OUTLINES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DraftAdmin(DistrictScopedAdmin):
    """Changes to a published record by someone who may not publish wait as a draft for a reviewer;
    reviewers publish from the list (action) or the form (button)."""

    actions = ["publish_selected", "unpublish_selected"]

    def has_publish_permission(self, request):
        return roles.can_publish(request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("is_published")
        return fields

    def get_list_display(self, request):
        return [*super().get_list_display(request), "is_published", "pending_changes"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), "is_published"]

    @admin.display(description=_("unpublished changes"))
    def pending_changes(self, obj):
        if not drafts.has_draft(obj):
            return "—"
        return _("%(fields)s, by %(by)s") % {
            "fields": ", ".join(label for label, _live, _new in drafts.describe(obj)),
            "by": obj.draft.get("by"),
        }

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        return drafts.apply_draft(obj) if obj is not None else None

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, roles.PUBLISHED_MODELS):
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)
        for obj in formset.deleted_objects:
            try:
                edits.delete(request.user, obj)
            except edits.Refused as exc:
                messages.warning(request, " ".join(exc.messages))
        drafted = False
        for row in formset.forms:
            if any(row.instance is obj for obj in saved):
                outcome = edits.save(
                    request.user,
                    row.instance,
                    edited_version=row.cleaned_data.get("edited_version"),
                    replaces_draft=True,
                )
                drafted = drafted or outcome == edits.DRAFTED
        if drafted:
            self.message_user(
                request,
                _(
                    "Your changes are saved as a draft. The public map keeps showing the "
                    "published version until a reviewer publishes them."
                ),
                messages.WARNING,
            )

    def response_add(self, request, obj, post_url_continue=None):
        if not obj.is_published:
            self.message_user(
                request,
                _("The new record is a draft: the public map shows it once a reviewer publishes it."),
                messages.WARNING,
            )
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        live = self.model._default_manager.filter(pk=obj.pk).first() if obj is not None and obj.pk else None
        context["layout_draft"] = {
            "changes": drafts.describe(live) if live is not None else [],
            "by": live.draft.get("by") if live is not None and drafts.has_draft(live) else None,
            "at": live.draft.get("at") if live is not None and drafts.has_draft(live) else None,
            "published": bool(live and live.is_published),
            "saves_as_draft": bool(live and live.is_published and not self.has_publish_permission(request)),
            "can_publish": self.has_publish_permission(request) and not context.get("is_popup"),
            "preview_url": _preview_url(),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(
        description=_("Publish the selected records (with their unpublished changes)"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        published, refused = 0, []
        for obj in queryset:
            try:
                edits.publish(request.user, obj)
                published += 1
            except ValidationError as exc:
                refused.append(f"{obj}: {' '.join(exc.messages)}")
        if published:
            self.message_user(
                request,
                ngettext("%d record published.", "%d records published.", published) % published,
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, _("Not published: %(why)s") % {"why": line}, messages.ERROR)

    @admin.action(description=_("Take the selected records off the public map"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        count = 0
        for obj in queryset.filter(is_published=True):
            try:
                edits.unpublish(request.user, obj)
                count += 1
            except edits.Refused as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        self.message_user(
            request,
            ngettext("%d record taken off the public map.", "%d records taken off the public map.", count) % count,
            messages.SUCCESS,
        )


def name_in_language(record):
    """A record named in Chinese and in English (a district, a chain, a cluster), by its name in the official's
    language: a list column then holds one name, not two side by side."""
    if record is None:
        return None
    chinese = (translation.get_language() or "").startswith("zh")
    return (record.name_zh if chinese else record.name_en) or str(record)


class NamesInLanguageMixin:
    """List columns of related records, each by its name in the official's language."""

    @admin.display(description=_("district"), ordering="district__adcode")
    def district_name(self, obj):
        return name_in_language(obj.district)

    @admin.display(description=_("primary industry chain"), ordering="primary_chain__order")
    def chain_name(self, obj):
        return name_in_language(obj.primary_chain)

    @admin.display(description=_("cluster"), ordering="cluster__number")
    def cluster_name(self, obj):
        return name_in_language(obj.cluster)


STORED_FILE_GONE = _(
    "The file checked in the preview is no longer on the server (it was imported or it expired): choose the file again."
)


def _preview_url():
    try:
        return reverse("cluster_map") + "?preview=1"
    except NoReverseMatch:
        return None


class TableAdmin(ImportExportMixin):
    """Excel and CSV export and import, previewed row by row and applied all or nothing."""

    import_formats = [SpreadsheetXLSX, SpreadsheetCSV]
    export_formats = [SpreadsheetXLSX, SpreadsheetCSV]
    show_change_form_export = False
    confirm_form_class = ImportConfirmationForm
    export_form_class = LabelledExportForm

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {**super().get_confirm_form_kwargs(request, import_form), "import_formats": self.get_import_formats()}

    def process_import(self, request, **kwargs):
        if self.has_import_permission(request):
            confirm_form = self.create_confirm_form(request)
            if not confirm_form.is_valid():
                return self.import_refused(
                    request, " ".join(e for errors in confirm_form.errors.values() for e in errors)
                )
            if not self.stored_file_exists(confirm_form.cleaned_data):
                return self.import_refused(request, STORED_FILE_GONE)
        try:
            return super().process_import(request, **kwargs)
        except OSError:  # the stored file went between the check and the reading
            return self.import_refused(request, STORED_FILE_GONE)

    def stored_file_exists(self, confirmation):
        """Whether the file the preview stored is still there, in whichever storage the setting names."""
        input_format = self.get_import_formats()[int(confirmation["format"])](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=confirmation["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            return storage.read() is not None
        except OSError:
            return False

    def import_refused(self, request, why):
        self.message_user(request, _("Nothing was imported: %(rows)s") % {"rows": why}, messages.ERROR)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation: nothing was applied.
            rows = [f"row {row.number}: {row.error}" for row in result.invalid_rows] + [
                f"row {number}: {errors[0].error}" for number, errors in result.row_errors()
            ]
            self.message_user(
                request, _("Nothing was imported: %(rows)s") % {"rows": "; ".join(rows[:10])}, messages.ERROR
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        return super().process_result(result, request)


@admin.register(Source)
class SourceAdmin(LayoutAdmin):
    list_display = ["key", "title", "publisher", "published_on"]
    search_fields = ["key", "title", "publisher", "note"]
    list_filter = ["publisher"]
    # Officials paste addresses without a scheme; the sources are all served over HTTPS.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(District)
class DistrictAdmin(GeometryAdminMixin, LayoutAdmin):
    form = DistrictForm
    geometry_fields = {"boundary": geometry.POLYGONAL}
    list_display = ["adcode", "name_zh", "name_en", "has_boundary"]
    search_fields = ["adcode", "name_zh", "name_en"]
    fields = [
        "adcode",
        "name_zh",
        "name_en",
        "boundary",
        ("boundary_file", "boundary_datum"),
        "boundary_source",
        "enquiry_email",
    ]

    @admin.display(boolean=True, description=_("boundary"))
    def has_boundary(self, district):
        return bool(district.boundary)


@admin.register(IndustryChain)
class IndustryChainAdmin(LayoutAdmin):
    list_display = ["order", "slug", "name_zh", "name_en", "is_trillion_cluster", "colour"]
    list_display_links = ["slug"]
    list_filter = ["is_trillion_cluster"]
    search_fields = ["slug", "name_zh", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


class ScenarioInline(admin.TabularInline):
    model = Scenario
    form = InlineRowForm
    formset = DraftInlineFormSet
    # edited_version: hidden, the version of each row the official started from.
    fields = ["title_zh", "title_en", "category", "source", "source_quote", "is_published", "edited_version"]
    readonly_fields = ["is_published"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.editor = request.user  # a class made for this request: each row passes the gate
        return formset


@admin.register(Cluster)
class ClusterAdmin(NamesInLanguageMixin, TableAdmin, GeometryAdminMixin, DraftAdmin):
    form = ClusterForm
    change_form_template = GeometryAdminMixin.change_form_template
    resource_classes = [ClusterResource]
    geometry_fields = {"boundary": geometry.POLYGONAL, "anchor": geometry.POINT}
    list_display = [
        "edition",
        "list_number",
        "name_zh",
        "name_en",
        "district_name",
        "chain_name",
        "space",
        "boundary_status",
    ]
    list_display_links = ["list_number", "name_zh"]
    list_filter = ["edition", ("district", DistrictListFilter), "primary_chain", "boundary_status"]
    list_select_related = ["edition", "district", "primary_chain"]
    search_fields = ["name_zh", "name_en", "slug", "district__name_zh", "district__name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["other_chains", "sources"]
    inlines = [ScenarioInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "slug",
                    "name_zh",
                    "name_en",
                    "district",
                    "is_published",
                    "description_zh",
                    "description_en",
                ]
            },
        ),
        (
            _("Industry"),
            {
                "fields": [
                    "lead_track_zh",
                    "lead_track_en",
                    "primary_chain",
                    "other_chains",
                    "chains_basis",
                    "chains_basis_zh",
                ]
            },
        ),
        (
            _("Space"),
            {
                "fields": ["space_wan_m2", "space_m2", "space_source", "space_quote"],
                "description": _(
                    "The figure, where it is published, and the wording it uses. Type it in "
                    "万平方米 or in m²: the other follows."
                ),
            },
        ),
        (
            _("Investment"),
            {
                "fields": ["investment_yi_cny", "investment_cny", "investment_source", "investment_quote"],
                "description": _(
                    "The figure, where it is published, and the wording it uses. Type it "
                    "in 亿元 or in CNY: the other follows."
                ),
            },
        ),
        (
            _("Open scenarios"),
            {
                "fields": [
                    "published_scenario_count",
                    "published_scenario_count_source",
                    "published_scenario_count_quote",
                ]
            },
        ),
        (
            _("Boundary"),
            {
                "fields": [
                    "boundary",
                    ("boundary_file", "boundary_datum"),
                    "boundary_status",
                    "boundary_method",
                    "boundary_method_zh",
                    "published_extent",
                    "published_extent_zh",
                ],
                "description": _(
                    "Draw on the map, paste GeoJSON (WGS-84), or read a file. Grey outlines "
                    "are the districts, the cluster's own is highlighted; the cluster must "
                    "lie in it."
                ),
            },
        ),
        (
            _("Anchor"),
            {"fields": ["anchor", "anchor_description", "anchor_description_zh", "anchor_source", "anchor_confidence"]},
        ),
        (_("Sources"), {"fields": ["sources"]}),
        (_("Enquiries"), {"fields": ["enquiry_email"]}),
    ]

    @admin.display(description=_("No."), ordering="number")
    def list_number(self, cluster):
        """The number in the layout, under a header as narrow as the number."""
        return cluster.number

    @admin.display(description=_("space"), ordering="space_m2")
    def space(self, cluster):
        return formats.format_space(cluster.space_m2)


@admin.register(Scenario)
class ScenarioAdmin(NamesInLanguageMixin, TableAdmin, DraftAdmin):
    change_form_template = LayoutAdmin.change_form_template
    resource_classes = [ScenarioResource]
    list_display = ["title_zh", "title_en", "edition", "category", "cluster_name", "source"]
    list_filter = ["edition", "category", ("cluster__district", DistrictListFilter)]
    list_select_related = ["edition", "cluster", "source"]
    search_fields = ["title_zh", "title_en"]
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "category", "cluster", "is_published"]}),
        (_("Description"), {"fields": ["description_zh", "description_en"]}),
        (_("Source"), {"fields": ["source", "source_quote"]}),
    ]


@admin.register(Project)
class ProjectAdmin(NamesInLanguageMixin, TableAdmin, DraftAdmin):
    change_form_template = LayoutAdmin.change_form_template
    form = ProjectForm
    resource_classes = [ProjectResource]
    list_display = [
        "name_zh",
        "name_en",
        "edition",
        "company_zh",
        "district_name",
        "cluster_name",
        "sector",
        "investment",
    ]
    list_filter = ["edition", ("district", DistrictListFilter), "sector"]
    list_select_related = ["district", "cluster"]
    search_fields = ["name_zh", "name_en", "company_zh", "company_en"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name_zh",
                    "name_en",
                    "company_zh",
                    "company_en",
                    "district",
                    "cluster",
                    "sector",
                    "is_published",
                ]
            },
        ),
        (
            _("Investment"),
            {
                "fields": ["investment_yi_cny", "investment_cny", "figures_zh", "figures_en", "source"],
                "description": _(
                    "The figures, where they are published, and the source. Type the "
                    "investment in 亿元 or in CNY: the other follows."
                ),
            },
        ),
    ]

    @admin.display(description=_("investment"), ordering="investment_cny")
    def investment(self, project):
        return formats.format_investment(project.investment_cny)


@admin.register(HeadlineFigure)
class HeadlineFigureAdmin(LayoutAdmin):
    list_display = ["edition", "order", "key", "label_zh", "label_en", "value", "unit", "qualifier", "source"]
    list_display_links = ["key"]
    list_filter = ["edition"]
    search_fields = ["key", "label_zh", "label_en"]
    fieldsets = [
        (None, {"fields": ["edition", "key", "label_zh", "label_en", "order"]}),
        (_("Figure"), {"fields": ["value", "unit", "qualifier", "source", "source_quote"]}),
    ]

    def get_changeform_initial_data(self, request):
        """A new figure is of the latest edition unless the official chooses another."""
        return {"edition": latest_edition(), **super().get_changeform_initial_data(request)}


def _edition_url(name, edition, preview=False):
    """A public address of an edition (its map, its "what changed" page), or None if it has none yet."""
    try:
        url = reverse(name, kwargs={"year": edition.year})
    except NoReverseMatch:
        return None
    return url + "?preview=1" if preview else url


@admin.register(Edition)
class EditionAdmin(LayoutAdmin):
    """One year's layout. Publishing and withdrawing an edition are their own actions (not a box to tick): a
    reviewer starts the next one as a copy of the latest, publishes it whole on the day and can withdraw it
    (layout.next_edition); a published edition is changed only by a reviewer."""

    change_form_template = "layout/admin/edition_change_form.html"
    change_list_template = "layout/admin/edition_change_list.html"
    list_display = ["year", "title_zh", "title_en", "announced_on", "is_published", "published_at", "cluster_count"]
    list_display_links = ["year", "title_zh"]
    list_filter = ["is_published"]
    search_fields = ["title_zh", "title_en"]
    readonly_fields = ["is_published", "published_at"]
    filter_horizontal = ["sources", "chains"]
    fieldsets = [
        (None, {"fields": ["year", "title_zh", "title_en", "announced_on", "is_published", "published_at"]}),
        (_("Key industry chains and sources"), {"fields": ["chains", "sources"]}),
    ]
    actions = ["start_next_edition", "publish_editions", "withdraw_editions"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "year"] if obj is not None else fields

    def has_manage_editions_permission(self, request):
        return next_edition.may_manage_editions(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published and not self.has_manage_editions_permission(request):
            return False  # what the public sees changes only by a reviewer's decision
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # An edition is withdrawn, not deleted; an unpublished one may go (once its records are gone).
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_published)

    @admin.display(description=_("number of clusters"))
    def cluster_count(self, edition):
        return edition.clusters.count()

    def get_urls(self):
        own = [
            path(
                "start-next/",
                self.admin_site.admin_view(self.start_next_view),
                name="layout_edition_start_next",
            ),
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="layout_edition_publish",
            ),
            path(
                "<path:object_id>/withdraw/",
                self.admin_site.admin_view(self.withdraw_view),
                name="layout_edition_withdraw",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        latest = Edition.objects.order_by("-year").first()
        extra_context = {
            **(extra_context or {}),
            "can_manage_editions": self.has_manage_editions_permission(request),
            "next_year": latest.year + 1 if latest and latest.is_published else None,
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["layout_edition"] = {
                "can_manage": self.has_manage_editions_permission(request),
                "published": obj.is_published,
                "preview_url": _edition_url("cluster_map", obj, preview=True),
                "changes_url": _edition_url("edition_changes", obj, preview=not obj.is_published),
                "clusters": obj.clusters.count(),
                "scenarios": obj.scenarios.count(),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _refused(self, request, exc):
        self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def start_next(self, request):
        try:
            edition = next_edition.start_next_edition(request.user)
        except edits.Refused as exc:
            self._refused(request, exc)
            return None
        except ValidationError as exc:
            self._refused(request, exc)
            return None
        self.message_user(
            request,
            _(
                "The %(year)s edition is started from the %(previous)s one: %(clusters)s clusters and %(scenarios)s "
                "scenarios copied, unpublished. Their figures (space, investment, number of scenarios) are NOT "
                "copied: they are empty, without a source, until you enter this year's with theirs. Headline "
                "figures and projects are not copied; descriptions are last year's: check them. Edit the edition's "
                "titles, then publish it when it is announced."
            )
            % {
                "year": edition.year,
                "previous": edition.year - 1,
                "clusters": edition.clusters.count(),
                "scenarios": edition.scenarios.count(),
            },
            messages.SUCCESS,
        )
        return edition

    @admin.action(description=_("Start the next edition (a copy of the latest)"), permissions=["manage_editions"])
    def start_next_edition(self, request, queryset):
        edition = self.start_next(request)
        if edition is not None:
            return HttpResponseRedirect(reverse("admin:layout_edition_change", args=[edition.pk]))
        return None

    def start_next_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_manage_editions_permission(request):
            raise PermissionDenied
        edition = self.start_next(request)
        if edition is not None:
            return HttpResponseRedirect(reverse("admin:layout_edition_change", args=[edition.pk]))
        return HttpResponseRedirect(reverse("admin:layout_edition_changelist"))

    def publish(self, request, edition):
        try:
            next_edition.publish_edition(request.user, edition)
        except ValidationError as exc:
            self.message_user(
                request,
                _("The %(year)s edition is NOT published: %(why)s")
                % {"year": edition.year, "why": " ".join(exc.messages)},
                messages.ERROR,
            )
            return False
        self.message_user(
            request,
            _("The %(year)s edition is published, with all its records: the public sees it now.")
            % {"year": edition.year},
            messages.SUCCESS,
        )
        return True

    def withdraw(self, request, edition):
        try:
            next_edition.withdraw_edition(request.user, edition)
        except ValidationError as exc:
            self._refused(request, exc)
            return False
        self.message_user(
            request,
            _("The %(year)s edition is withdrawn: the public no longer sees it.") % {"year": edition.year},
            messages.SUCCESS,
        )
        return True

    @admin.action(
        description=_("Publish the selected editions (with all their records)"), permissions=["manage_editions"]
    )
    def publish_editions(self, request, queryset):
        for edition in queryset.filter(is_published=False).order_by("year"):
            self.publish(request, edition)

    @admin.action(description=_("Withdraw the selected editions from the public site"), permissions=["manage_editions"])
    def withdraw_editions(self, request, queryset):
        for edition in queryset.filter(is_published=True).order_by("year"):
            self.withdraw(request, edition)

    def _edition_step(self, request, object_id, step):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_manage_editions_permission(request):
            raise PermissionDenied
        edition = self.get_object(request, unquote(object_id))
        if edition is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        step(request, edition)
        return HttpResponseRedirect(reverse("admin:layout_edition_change", args=[edition.pk]))

    def publish_view(self, request, object_id):
        return self._edition_step(request, object_id, self.publish)

    def withdraw_view(self, request, object_id):
        return self._edition_step(request, object_id, self.withdraw)


class OfficialPasswordChangeForm(AdminPasswordChangeForm):
    """Django's form, with its warning about disabling the password in the official's language (Django joins
    that warning to its help text in English, outside its catalogue)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
                SetUnusablePasswordMixin.usable_password_help_text,
                _("If disabled, the current password for this user will be lost."),
            )


class EditorProfileInline(admin.StackedInline):
    model = EditorProfile
    can_delete = False
    verbose_name = verbose_name_plural = _("district (for a district editor)")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class OfficialAdmin(UserAdmin):
    """Users with their role (group) and, for district editors, their district."""

    inlines = [EditorProfileInline]
    change_password_form = OfficialPasswordChangeForm
    list_display = [*UserAdmin.list_display, "role", "district", "second_factor"]
    actions = [reset_second_factor]

    @admin.display(description=_("role"))
    def role(self, user):
        # The groups are made by layout.roles with English names: shown in the official's language.
        names = ", ".join(gettext(group.name) for group in user.groups.all())
        return names or (gettext("superuser") if user.is_superuser else "—")

    @admin.display(description=_("district"))
    def district(self, user):
        profile = EditorProfile.objects.filter(user=user).select_related("district").first()
        return profile.district if profile and profile.district else "—"

    @admin.display(description=_("second factor"), boolean=True)
    def second_factor(self, user):
        return has_device(user)
