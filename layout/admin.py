"""The officials' admin: every layout model, boundaries and anchors edited on a Leaflet map."""
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from layout import formats, geojson, geometry
from layout.forms import GeoJSONGeometryField, GeometryModelForm
from layout.models import Cluster, District, HeadlineFigure, IndustryChain, Project, Scenario, Source


class GeometryAdminMixin:
    """Edits the GeoJSON JSONFields named in `geometry_fields` on a map with the districts drawn under it."""

    geometry_fields = {}  # field name → allowed GeoJSON geometry types
    form = GeometryModelForm
    change_form_template = "layout/admin/change_form_with_map.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.geometry_fields:
            return db_field.formfield(form_class=GeoJSONGeometryField,
                                      geometry_types=self.geometry_fields[db_field.name], **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # No tile server by default: the district outlines are the map's only reference.
        context["layout_admin_map"] = {
            "districts": geojson.district_feature_collection(),
            "labels": {
                "paste": str(_("Paste or edit the GeoJSON text")),
            },
        }
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publisher", "published_on"]
    search_fields = ["key", "title", "publisher", "note"]
    list_filter = ["publisher"]
    # Officials paste addresses without a scheme; the sources are all served over HTTPS.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(District)
class DistrictAdmin(GeometryAdminMixin, admin.ModelAdmin):
    geometry_fields = {"boundary": geometry.POLYGONAL}
    list_display = ["adcode", "name_zh", "name_en", "has_boundary"]
    search_fields = ["adcode", "name_zh", "name_en"]
    fields = ["adcode", "name_zh", "name_en", "boundary", "boundary_source"]

    @admin.display(boolean=True, description=_("boundary"))
    def has_boundary(self, district):
        return bool(district.boundary)


@admin.register(IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    list_display = ["order", "slug", "name_zh", "name_en", "is_trillion_cluster", "colour"]
    list_display_links = ["slug"]
    list_filter = ["is_trillion_cluster"]
    search_fields = ["slug", "name_zh", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}


class ScenarioInline(admin.TabularInline):
    model = Scenario
    fields = ["title_zh", "title_en", "category", "source", "source_quote"]
    extra = 0
    show_change_link = True


@admin.register(Cluster)
class ClusterAdmin(GeometryAdminMixin, admin.ModelAdmin):
    geometry_fields = {"boundary": geometry.POLYGONAL, "anchor": geometry.POINT}
    list_display = ["number", "name_zh", "name_en", "district", "primary_chain", "space", "boundary_status"]
    list_display_links = ["number", "name_zh"]
    list_filter = ["district", "primary_chain", "boundary_status"]
    list_select_related = ["district", "primary_chain"]
    search_fields = ["name_zh", "name_en", "slug", "district__name_zh", "district__name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["other_chains", "sources"]
    inlines = [ScenarioInline]
    fieldsets = [
        (None, {"fields": ["number", "slug", "name_zh", "name_en", "district",
                           "description_zh", "description_en"]}),
        (_("Industry"), {"fields": ["lead_track_zh", "lead_track_en", "primary_chain", "other_chains",
                                    "chains_basis"]}),
        (_("Space"), {"fields": ["space_m2", "space_source", "space_quote"],
                      "description": _("The figure, where it is published, and the wording it uses.")}),
        (_("Investment"), {"fields": ["investment_cny", "investment_source", "investment_quote"],
                           "description": _("The figure, where it is published, and the wording it uses.")}),
        (_("Boundary"), {"fields": ["boundary", "boundary_status", "boundary_method", "published_extent"],
                         "description": _("Draw on the map or paste GeoJSON (WGS-84). Grey outlines are the "
                                          "districts; the cluster must lie in its own district.")}),
        (_("Anchor"), {"fields": ["anchor", "anchor_description", "anchor_source", "anchor_confidence"]}),
        (_("Sources"), {"fields": ["sources"]}),
    ]

    @admin.display(description=_("space"), ordering="space_m2")
    def space(self, cluster):
        return formats.format_space(cluster.space_m2)


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "title_en", "category", "cluster", "source"]
    list_filter = ["category", "cluster__district"]
    list_select_related = ["cluster", "source"]
    search_fields = ["title_zh", "title_en"]
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "category", "cluster"]}),
        (_("Description"), {"fields": ["description_zh", "description_en"]}),
        (_("Source"), {"fields": ["source", "source_quote"]}),
    ]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "company_zh", "district", "cluster", "sector", "investment"]
    list_filter = ["district", "sector"]
    list_select_related = ["district", "cluster"]
    search_fields = ["name_zh", "name_en", "company_zh", "company_en"]
    fieldsets = [
        (None, {"fields": ["name_zh", "name_en", "company_zh", "company_en", "district", "cluster", "sector"]}),
        (_("Investment"), {"fields": ["investment_cny", "figures_zh", "figures_en", "source"],
                           "description": _("The figures, where they are published, and the source.")}),
    ]

    @admin.display(description=_("investment"), ordering="investment_cny")
    def investment(self, project):
        return formats.format_investment(project.investment_cny)


@admin.register(HeadlineFigure)
class HeadlineFigureAdmin(admin.ModelAdmin):
    list_display = ["order", "key", "label_zh", "label_en", "value", "unit", "qualifier", "source"]
    list_display_links = ["key"]
    search_fields = ["key", "label_zh", "label_en"]
    fieldsets = [
        (None, {"fields": ["key", "label_zh", "label_en", "order"]}),
        (_("Figure"), {"fields": ["value", "unit", "qualifier", "source", "source_quote"]}),
    ]
