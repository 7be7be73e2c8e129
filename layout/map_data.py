"""What the map page gives its scripts besides GeoJSON: filter choices, search index, project points, basemaps."""

from collections import Counter

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layout import drafts, editions, formats, geometry
from layout.filters import edition_chains
from layout.models import District, Project, Scenario, ScenarioCategory

LANGUAGE_KEYS = ("zh", "en")


def latlng(point):
    """A shapely point as Leaflet's [lat, lon], to 6 decimals (about 0.1 m)."""
    return [round(point.y, 6), round(point.x, 6)]


def both_datums(point):
    """The same place in WGS-84 and, for a GCJ-02 basemap, shifted to GCJ-02."""
    return {"wgs84": latlng(point), "gcj02": latlng(geometry.wgs84_to_gcj02(point))}


def district_points(districts):
    """Where each district's name (and what is placed only by district) goes: {adcode: shapely Point}."""
    return {d.adcode: geometry.label_point_of(d.boundary) for d in districts if d.boundary}


def cluster_point(cluster, points_by_district):
    """Where a cluster's popup and projects go: inside its area, else at its district's label."""
    if cluster.boundary:
        return geometry.label_point_of(cluster.boundary)
    return points_by_district.get(cluster.district.adcode)


def map_scenarios(preview=False):
    """The published scenarios; in a staff preview, every scenario with its draft (layout.drafts)."""
    scenarios = (
        Scenario.objects.filter(edition=editions.shown())
        .select_related("cluster__district")
        .order_by("cluster__number", "pk")
    )
    # Names and codes only: outlines read once per record would make the page grow with the data.
    return drafts.shown(scenarios.defer("cluster__boundary", "cluster__district__boundary"), preview)


def map_projects(preview=False):
    """The published projects; in a staff preview, every project with its draft (layout.drafts)."""
    projects = (
        Project.objects.filter(edition=editions.shown()).select_related("cluster__district", "district").order_by("pk")
    )
    return drafts.shown(
        projects.defer("cluster__boundary", "cluster__district__boundary", "district__boundary"), preview
    )


def count_named_scenarios(clusters, scenarios):
    """Each cluster's number of named scenarios, counted from the scenarios shown rather than the database's
    published ones: a draft may add a scenario to a cluster or move one to another."""
    counts = Counter(scenario.cluster_id for scenario in scenarios)
    for cluster in clusters:
        cluster.named_scenario_count = counts[cluster.pk]


def public_cluster_slug(record, cluster_slugs):
    """A scenario's or project's cluster when it is on the map (published); None when unknown or a draft."""
    cluster = record.cluster
    return cluster.slug if cluster is not None and cluster.slug in cluster_slugs else None


def cluster_facets(clusters, scenarios, cluster_points):
    """Per cluster slug: what the filters test and where its popup opens."""
    categories = {}
    for scenario in scenarios:
        if scenario.category and scenario.cluster_id:
            categories.setdefault(scenario.cluster_id, set()).add(scenario.category)
    facets = {}
    for cluster in clusters:
        chains = [c.slug for c in [cluster.primary_chain, *cluster.other_chains.all()] if c is not None]
        point = cluster_points.get(cluster.slug)
        facets[cluster.slug] = {
            "district": cluster.district.adcode,
            "chains": chains,
            "categories": sorted(categories.get(cluster.pk, ())),
            "point": both_datums(point) if point is not None else None,
        }
    return facets


def filter_choices(clusters, facets, districts):
    """The options of the three filters, each with how many published clusters it keeps."""

    def count(test):
        return sum(1 for cluster in clusters if test(facets[cluster.slug]))

    return {
        "chains": [
            {
                "value": chain.slug,
                "label": formats.bilingual(chain, "name"),
                "count": count(lambda f, slug=chain.slug: slug in f["chains"]),
            }
            for chain in edition_chains(clusters)
        ],
        "categories": [
            {
                "value": category.value,
                "label": formats.category_label(category),
                "count": count(lambda f, value=category.value: value in f["categories"]),
            }
            for category in ScenarioCategory
        ],
        "districts": [
            {
                "value": district.adcode,
                "label": formats.bilingual(district, "name"),
                "count": count(lambda f, adcode=district.adcode: f["district"] == adcode),
            }
            for district in districts
        ],
    }


def project_place_text(project, cluster_slug):
    if cluster_slug:
        return _("In the cluster %(cluster)s") % {"cluster": formats.bilingual(project.cluster, "name")}
    if project.district is not None:
        return _("In %(district)s; cluster not published") % {"district": formats.bilingual(project.district, "name")}
    return _("Place not published")


def project_items(projects, cluster_slugs, cluster_points, points_by_district):
    """Each published project with its figures and where the projects layer puts it (None: nowhere known)."""
    items = []
    for project in projects:
        cluster_slug = public_cluster_slug(project, cluster_slugs)
        district = project.cluster.district if cluster_slug else project.district
        point = cluster_points.get(cluster_slug) if cluster_slug else None
        if point is None and district is not None:
            point = points_by_district.get(district.adcode)
        items.append(
            {
                "id": project.pk,
                # Projects drawn at the same place share one marker: this names the place.
                "place": f"cluster:{cluster_slug}"
                if cluster_slug
                else (f"district:{district.adcode}" if district is not None else None),
                "name_zh": project.name_zh,
                "name_en": project.name_en,
                "company": formats.bilingual(project, "company"),
                "cluster": cluster_slug,
                "district": district.adcode if district is not None else None,
                "placeText": project_place_text(project, cluster_slug),
                "sectorText": project.get_sector_display() if project.sector else formats.not_published(),
                "investmentText": formats.format_investment(project.investment_cny),
                "figures": formats.bilingual(project, "figures"),
                "source": project.source.title if project.source else "",
                "point": both_datums(point) if point is not None else None,
            }
        )
    return items


def search_entry(kind, kind_label, names, detail, target, terms=(), note=""):
    shown = [n for n in names if n]
    return {
        "kind": kind,
        "kindLabel": kind_label,
        "names": shown,
        "detail": detail,
        "terms": [t for t in (*shown, *terms) if t],
        "target": target,
        "note": note,
    }


def ordered_names(obj, field):
    """Both languages' names, the reader's first."""
    first, second = LANGUAGE_KEYS if formats.is_chinese() else reversed(LANGUAGE_KEYS)
    return [getattr(obj, f"{field}_{first}", ""), getattr(obj, f"{field}_{second}", "")]


def search_index(clusters, facets, scenarios, projects, districts):
    """Every name a visitor may type, in both languages, with where the map goes for it."""
    cluster_slugs = {c.slug for c in clusters}
    clusters_by_slug = {c.slug: c for c in clusters}
    entries = []
    for cluster in clusters:
        entries.append(
            search_entry(
                "cluster",
                _("Cluster"),
                ordered_names(cluster, "name"),
                formats.bilingual(cluster.district, "name"),
                {"cluster": cluster.slug},
                terms=(cluster.lead_track_zh, cluster.lead_track_en),
            )
        )
    for district in districts:
        count = sum(1 for f in facets.values() if f["district"] == district.adcode)
        entries.append(
            search_entry(
                "district",
                _("District"),
                ordered_names(district, "name"),
                ngettext("%(count)d cluster", "%(count)d clusters", count) % {"count": count},
                {"district": district.adcode},
            )
        )
    for chain in edition_chains(clusters):
        count = sum(1 for f in facets.values() if chain.slug in f["chains"])
        entries.append(
            search_entry(
                "chain",
                _("Industry chain"),
                ordered_names(chain, "name"),
                ngettext("%(count)d cluster", "%(count)d clusters", count) % {"count": count},
                {"chain": chain.slug},
            )
        )
    for scenario in scenarios:
        slug = public_cluster_slug(scenario, cluster_slugs)
        entries.append(
            search_entry(
                "scenario",
                _("Open scenario"),
                ordered_names(scenario, "title"),
                formats.bilingual(clusters_by_slug[slug], "name") if slug else _("cluster not published"),
                {"cluster": slug} if slug else None,
                note="" if slug else _("Its cluster is not published, so it has no place on the map."),
            )
        )
    for project in projects:
        slug = public_cluster_slug(project, cluster_slugs)
        # The map opens the projects layer's popup at the project's cluster, else its district.
        if slug:
            target = {"cluster": slug, "project": project.pk}
            detail = formats.bilingual(clusters_by_slug[slug], "name")
        elif project.district is not None:
            target = {"district": project.district.adcode, "project": project.pk}
            detail = _("%(district)s; cluster not published") % {
                "district": formats.bilingual(project.district, "name")
            }
        else:
            target, detail = None, _("place not published")
        entries.append(
            search_entry(
                "project",
                _("Project"),
                ordered_names(project, "name"),
                detail,
                target,
                terms=(project.company_zh, project.company_en),
                note="" if target else _("Its place is not published, so it has no place on the map."),
            )
        )
    return entries


def basemaps(language=None):
    """The tile basemaps offered (settings.LAYOUT_BASEMAPS), with their keys filled in; keyless ones left out."""
    labels_key = "zh" if formats.is_chinese(language) else "en"
    offered = []
    for basemap in settings.LAYOUT_BASEMAPS:
        key = ""
        if basemap.get("key_setting"):
            key = getattr(settings, basemap["key_setting"], "") or ""
            if not key:
                continue
        labels = basemap.get("labels") or {}
        labels_url = labels.get(labels_key) or next(iter(labels.values()), None)
        offered.append(
            {
                "id": basemap["id"],
                "name": str(basemap["name"]),
                "url": basemap["url"].replace("{key}", key),
                "labelsUrl": labels_url.replace("{key}", key) if labels_url else None,
                "subdomains": basemap.get("subdomains", "abc"),
                "maxZoom": basemap.get("max_zoom", 18),
                "attribution": str(basemap.get("attribution", "")),
                "datum": basemap.get("datum", "wgs84"),
            }
        )
    return offered


def map_data(clusters, preview=False):
    """All of the above for the map page, from published records only; in a staff preview (`clusters`
    then hold their drafts too), from every scenario and project with its draft."""
    districts = list(District.objects.defer("seed_values").order_by("adcode"))
    points_by_district = district_points(districts)
    scenarios = map_scenarios(preview)
    projects = map_projects(preview)
    if preview:
        count_named_scenarios(clusters, scenarios)
    cluster_points = {c.slug: cluster_point(c, points_by_district) for c in clusters}
    facets = cluster_facets(clusters, scenarios, cluster_points)
    return {
        "clusters": facets,
        "filters": filter_choices(clusters, facets, districts),
        "projects": project_items(projects, set(facets), cluster_points, points_by_district),
        "search": search_index(clusters, facets, scenarios, projects, districts),
    }
