"""The only code that builds GeoJSON (RFC 7946, WGS-84 unless a datum is asked for)."""

from django.db.models import Count, Prefetch, Q

from layout import editions, formats, geometry
from layout.models import Cluster, District, IndustryChain

DATUMS = ("wgs84", "gcj02")


def _geometry(value, datum):
    """A stored GeoJSON geometry, shifted to GCJ-02 when the basemap needs it."""
    if not value:
        return None
    if datum == "gcj02":
        return geometry.to_geojson(
            geometry.wgs84_to_gcj02(geometry.parse_geometry(value, ("Polygon", "MultiPolygon", "Point")))
        )
    return value


def feature_collection(features, **members):
    return {"type": "FeatureCollection", "features": list(features), **members}


def district_feature(district, datum="wgs84"):
    return {
        "type": "Feature",
        "id": district.adcode,
        "geometry": _geometry(district.boundary, datum),
        "properties": {
            "adcode": district.adcode,
            "name": formats.bilingual(district, "name"),
            "name_zh": district.name_zh,
            "name_en": district.name_en,
            "cluster_count": getattr(district, "cluster_count", None),
        },
    }


def district_feature_collection(districts=None, datum="wgs84"):
    if districts is None:
        published = Q(clusters__is_published=True, clusters__edition=editions.shown())
        districts = District.objects.defer("seed_values").annotate(cluster_count=Count("clusters", filter=published))
    return feature_collection(district_feature(d, datum) for d in districts)


def chain_properties(chain):
    if chain is None:
        return None
    return {
        "slug": chain.slug,
        "name": formats.bilingual(chain, "name"),
        "name_zh": chain.name_zh,
        "name_en": chain.name_en,
        "colour": chain.colour,
    }


def _cluster_names(cluster):
    return {
        "slug": cluster.slug,
        "number": cluster.number,
        "name": formats.bilingual(cluster, "name"),
        "name_zh": cluster.name_zh,
        "name_en": cluster.name_en,
    }


def _map_geometry(value, zoom):
    """A stored boundary simplified for a map drawn up to `zoom` (5 decimals: a metre)."""
    if not value or zoom is None:
        return value
    return geometry.to_geojson(geometry.simplified_for_zoom(geometry.parse_geometry(value), zoom), precision=5)


def cluster_feature(cluster, datum="wgs84", zoom=None):
    """A cluster as a Feature: its boundary (null where its location is not published), simplified for a map
    drawn up to `zoom` when given (the API and downloads keep the full boundary)."""
    chains = (
        [cluster.primary_chain, *cluster.other_chains.all()]
        if cluster.primary_chain
        else list(cluster.other_chains.all())
    )
    return {
        "type": "Feature",
        "id": cluster.slug,
        "geometry": _geometry(_map_geometry(cluster.boundary, zoom), datum),
        "properties": {
            **_cluster_names(cluster),
            "district": {
                "adcode": cluster.district.adcode,
                "name": formats.bilingual(cluster.district, "name"),
            },
            "primary_chain": chain_properties(cluster.primary_chain),
            "chains": [chain_properties(c) for c in chains if c is not None],
            "space_m2": cluster.space_m2,
            "space_text": formats.format_space(cluster.space_m2),
            "investment_cny": cluster.investment_cny,
            "investment_text": formats.format_investment(cluster.investment_cny),
            "published_scenario_count": cluster.published_scenario_count,
            "named_scenario_count": cluster.named_scenario_count,
            "scenarios_text": formats.format_scenarios(cluster.published_scenario_count, cluster.named_scenario_count),
            # A cluster without a published location has no boundary to be indicative or official.
            "boundary_status": cluster.boundary_status if cluster.boundary else None,
            "boundary_status_text": cluster.get_boundary_status_display() if cluster.boundary else None,
            "anchor": _geometry(cluster.anchor, datum),
            "anchor_confidence": cluster.anchor_confidence,
            "url": cluster.get_absolute_url(),
        },
    }


def clusters_for_map(preview=False, edition=None):
    """The clusters of the edition (by default the one of the answer, layout.editions) the public sees; with
    preview (staff only), every cluster of it, drafts included."""
    clusters = Cluster.objects.all() if preview else Cluster.objects.published()
    return (
        clusters.filter(edition=edition or editions.shown())
        .select_related("district", "primary_chain", "edition")
        # Never the loader's bookkeeping (a copy of every seeded field, outlines included): no map reads it.
        .defer("seed_values", "district__seed_values")
        .prefetch_related(Prefetch("other_chains", queryset=IndustryChain.objects.order_by("order")))
        .annotate(named_scenario_count=Count("scenarios", filter=Q(scenarios__is_published=True), distinct=True))
    )


def cluster_feature_collection(clusters=None, datum="wgs84", zoom=None, edition=None):
    """`edition`: named as a top-level member (a foreign member, RFC 7946 section 6.1) when given."""
    if clusters is None:
        clusters = clusters_for_map()
    members = {"edition": edition.year} if edition is not None else {}
    return feature_collection((cluster_feature(c, datum, zoom) for c in clusters), **members)


def district_geography(districts=None):
    """The districts' outlines and names in both languages, as in geodata/districts.geojson (the map's
    district basemap when officials have changed a district since the release)."""
    if districts is None:
        districts = District.objects.order_by("adcode")
    return feature_collection(
        {
            "type": "Feature",
            "id": d.adcode,
            "properties": {"adcode": d.adcode, "name_zh": d.name_zh, "name_en": d.name_en},
            "geometry": d.boundary,
        }
        for d in districts
    )


def _joined(values):
    return "; ".join(v for v in values if v)


def cluster_table_feature(cluster, datum="wgs84", **extra):
    """A cluster as a flat Feature for GIS files: one plain value per property, no nesting.

    Unknown figures stay null (never 0); *_text says how they read, "not published" included.
    """
    chains = [c for c in [cluster.primary_chain, *cluster.other_chains.all()] if c is not None]
    anchor = cluster.anchor["coordinates"] if cluster.anchor else (None, None)
    if datum == "gcj02" and cluster.anchor:
        anchor = _geometry(cluster.anchor, datum)["coordinates"]
    return {
        "type": "Feature",
        "id": cluster.slug,
        "geometry": _geometry(cluster.boundary, datum),
        "properties": {
            **_cluster_names(cluster),
            "district_adcode": cluster.district.adcode,
            "district": formats.bilingual(cluster.district, "name"),
            "lead_track": formats.bilingual(cluster, "lead_track"),
            "primary_chain": cluster.primary_chain.slug if cluster.primary_chain else None,
            "primary_chain_name": formats.bilingual(cluster.primary_chain, "name") if cluster.primary_chain else None,
            "colour": cluster.primary_chain.colour if cluster.primary_chain else None,
            "chains": _joined(c.slug for c in chains),
            "space_m2": cluster.space_m2,
            "space_text": formats.format_space(cluster.space_m2),
            "space_source": cluster.space_source.key if cluster.space_source else None,
            "space_quote": cluster.space_quote or None,
            "investment_cny": cluster.investment_cny,
            "investment_text": formats.format_investment(cluster.investment_cny),
            "investment_source": cluster.investment_source.key if cluster.investment_source else None,
            "investment_quote": cluster.investment_quote or None,
            "published_scenario_count": cluster.published_scenario_count,
            "named_scenario_count": cluster.named_scenario_count,
            "scenarios_text": formats.format_scenarios(cluster.published_scenario_count, cluster.named_scenario_count),
            "located": bool(cluster.boundary),
            "boundary_status": cluster.boundary_status if cluster.boundary else None,
            "boundary_method": cluster.boundary_method or None,
            "anchor_lon": anchor[0],
            "anchor_lat": anchor[1],
            "anchor_confidence": cluster.anchor_confidence,
            "anchor_description": cluster.anchor_description or None,
            "description": formats.bilingual(cluster, "description"),
            "sources": _joined(s.key for s in cluster.sources.all()),
            "url": cluster.get_absolute_url(),
            **extra,
        },
    }


def cluster_table_feature_collection(clusters=None, datum="wgs84", extra=None, members=None):
    """The clusters as flat Features (see cluster_table_feature): `extra` properties on each, `members` on the collection."""
    if clusters is None:
        clusters = clusters_for_map()
    return feature_collection((cluster_table_feature(c, datum, **(extra or {})) for c in clusters), **(members or {}))


def anchor_feature_collection(clusters=None, datum="wgs84"):
    """Each located cluster's anchor point: the sourced place its indicative area is drawn around."""
    if clusters is None:
        clusters = clusters_for_map()
    return feature_collection(
        {
            "type": "Feature",
            "id": cluster.slug,
            "geometry": _geometry(cluster.anchor, datum),
            "properties": {
                "slug": cluster.slug,
                "name": formats.bilingual(cluster, "name"),
                "anchor_description": cluster.anchor_description or None,
                "anchor_confidence": cluster.anchor_confidence,
                "anchor_source": cluster.anchor_source.key if cluster.anchor_source else None,
            },
        }
        for cluster in clusters
        if cluster.anchor
    )
