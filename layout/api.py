"""Open data over HTTP: the read-only API under /api/v1/ and the downloads, cacheable, compressed and open to any origin."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from layout import answer_cache, editions, exports, formats, geojson, offline_map, openapi, records
from layout.filters import FilterError, LayoutFilter, chains_with_cluster_counts, single_value
from layout.models import HeadlineFigure, ScenarioCategory, Source

GEOJSON = "application/geo+json"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# Cross-origin scripts may read these besides the CORS-safelisted ones (Last-Modified is one).
EXPOSED_HEADERS = "ETag, Content-Disposition, Content-Language"


def api_languages():
    return [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class ApiQuery:
    """A request's options: language, datum and the map's filters, all checked."""

    language: str
    datum: str
    filter: LayoutFilter

    @classmethod
    def from_request(cls, request):
        """Raises FilterError for a value we cannot use, so that the reader learns what is allowed."""
        language = single_value(request.GET, "lang")
        if language is None:
            # No ?lang=: the reader's language as LocaleMiddleware found it (cookie, Accept-Language).
            language = translation.get_language()
            if language not in api_languages():
                language = settings.LANGUAGE_CODE
        elif language not in api_languages():
            raise FilterError("lang", language, _("Unknown language."), api_languages())
        datum = single_value(request.GET, "datum")
        if datum is None:
            datum = "wgs84"
        elif datum not in geojson.DATUMS:
            raise FilterError("datum", datum, _("Unknown datum."), list(geojson.DATUMS))
        return cls(language=language, datum=datum, filter=LayoutFilter.from_query(request.GET))


def error_response(status, message, parameter=None, value=None, allowed=None):
    error = {"status": status, "message": str(message)}
    if parameter is not None:
        error.update(parameter=parameter, value=value, allowed=allowed)
    return JsonResponse({"error": error}, status=status, json_dumps_params={"ensure_ascii": False})


def _allow_any_origin(response, request):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        # Conditional and language headers are what a caching client sends; allow whatever it asks for.
        response["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", "Accept, Accept-Language, If-None-Match, If-Modified-Since"
        )
        response["Access-Control-Max-Age"] = "86400"
    return response


def open_data(view):
    """Read-only and cross-origin: GET/HEAD served (built once per data version, compressed, conditional:
    layout.answer_cache), OPTIONS answered, the rest refused."""
    served = answer_cache.cached_answer(editions.edition_view(view))

    # Nothing here changes state, so there is no form to protect: a stray POST gets a plain 405.
    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ALLOWED_METHODS
        elif request.method not in ("GET", "HEAD"):
            response = error_response(405, _("This address is read-only: use GET."))
            response["Allow"] = ALLOWED_METHODS
        else:
            try:
                response = served(request, *args, **kwargs)
            except FilterError as error:
                response = error_response(400, error.message, error.parameter, error.value, error.allowed)
            except Http404:
                response = error_response(404, _("No published edition of that year."), "year", kwargs.get("year"))
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=getattr(settings, "LAYOUT_OPEN_DATA_MAX_AGE", 60))
        return _allow_any_origin(response, request)

    return wrapped


def _answer(query, build, content_type="application/json", edition=None):
    """The body `build()` makes in the asked language (dated and validated by the data version), naming its
    edition as a top-level member."""
    with translation.override(query.language):
        data = build()
    if edition is not None:
        data = {**data, "edition": edition.year}
    response = JsonResponse(data, content_type=content_type, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Language"] = query.language
    return response


def pinned(request, name, edition, *args):
    """The address of `name` in the answer's edition: links carry the year, as a page's links do, so that an
    answer is the same whether its own address named the year or not."""
    return editions.with_year(name, edition, **({"name": args[0]} if args else {}))


@open_data
def api_index(request, edition):
    query = ApiQuery.from_request(request)

    def build():
        return {
            "name": _("Shanghai %(year)s key industry layout: open data") % {"year": edition.year},
            "version": openapi.API_VERSION,
            "openapi": pinned(request, "openapi_document", edition),
            "endpoints": {name: pinned(request, name, edition) for name in openapi.ENDPOINT_NAMES},
            "downloads": pinned(request, "downloads", edition),
            "licence": exports.licence_text(),
            "editions": editions.years_published(),
        }

    return _answer(query, build, edition=edition)


@open_data
def openapi_document(request, edition):
    query = ApiQuery.from_request(request)
    return _answer(query, lambda: openapi.document(edition))


@open_data
def district_geojson(request, edition):
    query = ApiQuery.from_request(request)
    return _answer(
        query,
        lambda: geojson.district_feature_collection(query.filter.districts(), query.datum),
        GEOJSON,
        edition,
    )


@open_data
def cluster_geojson(request, edition):
    query = ApiQuery.from_request(request)
    return _answer(
        query,
        lambda: geojson.cluster_feature_collection(
            query.filter.clusters(geojson.clusters_for_map().defer("district__boundary", "seed_values")), query.datum
        ),
        GEOJSON,
        edition,
    )


@open_data
def scenario_list(request, edition):
    query = ApiQuery.from_request(request)

    def build():
        scenarios = query.filter.scenarios().select_related("cluster", "source").order_by("cluster__number", "pk")
        announced = (
            HeadlineFigure.objects.filter(edition=edition, key="scenarios").values_list("value", flat=True).first()
        )
        return {
            "announced_count": int(announced) if announced is not None else None,
            "categories": [{"key": c.value, "text": str(c.label)} for c in ScenarioCategory],
            "scenarios": [records.scenario_record(s) for s in scenarios],
        }

    return _answer(query, build, edition=edition)


@open_data
def project_list(request, edition):
    query = ApiQuery.from_request(request)

    def build():
        projects = query.filter.projects().select_related("cluster__district", "district", "source").order_by("pk")
        return {"projects": [records.project_record(p) for p in projects]}

    return _answer(query, build, edition=edition)


@open_data
def chain_list(request, edition):
    query = ApiQuery.from_request(request)

    def build():
        return {"chains": [records.chain_record(c) for c in chains_with_cluster_counts()]}

    return _answer(query, build, edition=edition)


@open_data
def headline(request, edition):
    query = ApiQuery.from_request(request)

    def build():
        figures = HeadlineFigure.objects.filter(edition=edition).select_related("source")
        return {"figures": [records.headline_record(f) for f in figures]}

    return _answer(query, build, edition=edition)


@dataclass(frozen=True)
class Download:
    name: str
    build: Callable[[], bytes]
    content_type: str
    label: str
    description: str


DOWNLOADS = {
    download.name: download
    for download in (
        Download(
            "layout.gpkg",
            exports.build_geopackage,
            "application/geopackage+sqlite3",
            "GeoPackage",
            gettext_lazy(
                "Every table as a layer: clusters, cluster_anchors, districts, scenarios, projects, "
                "chains, headline_figures, sources, and about (licence and notes). For QGIS or "
                "ArcGIS."
            ),
        ),
        Download(
            "layout.geojson",
            exports.build_geojson,
            "application/geo+json",
            "GeoJSON",
            gettext_lazy(
                "The clusters as one FeatureCollection (RFC 7946) with flat properties; the "
                "licence and notes as top-level members."
            ),
        ),
        Download(
            "layout.kml",
            exports.build_kml,
            "application/vnd.google-earth.kml+xml",
            "KML",
            gettext_lazy("The clusters, coloured by chain, and the districts, for Google Earth."),
        ),
        Download(
            "layout-csv.zip",
            exports.build_csv_zip,
            "application/zip",
            "CSV",
            gettext_lazy(
                "One CSV per table (geometry as WKT) and a README with the licence and notes. Opens in Excel."
            ),
        ),
        Download(
            "layout-map.html",
            lambda: offline_map.build_html().encode(),
            "text/html; charset=utf-8",
            "HTML",
            gettext_lazy("A standalone map in one file that opens from a USB stick with no network."),
        ),
    )
}


# Downloads: built once per data version, like every answer; a 304 costs no build.


@open_data
def download(request, name, edition):
    query = ApiQuery.from_request(request)
    export = DOWNLOADS.get(name)
    if export is None:
        return error_response(404, _("No such download."), "name", name, list(DOWNLOADS))
    with translation.override(query.language):
        body = export.build()
    response = HttpResponse(body, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.file_prefix(edition)}{name}"'
    response["Content-Language"] = query.language
    return response


DOWNLOAD_PAGE_NOTES = ("licence", "datum", "not_published", "indicative", "approval", "published_only")


@answer_cache.cached_answer
@editions.edition_view
def downloads(request, edition):
    language = translation.get_language()
    as_of = exports.data_last_modified()
    return render(
        request,
        "layout/downloads.html",
        {
            "downloads": [
                {
                    "name": d.name,
                    "label": d.label,
                    "description": d.description,
                    "url": f"{pinned(request, 'download', edition, d.name)}?lang={language}",
                }
                for d in DOWNLOADS.values()
            ],
            "api_url": pinned(request, "api_index", edition),
            "openapi_url": pinned(request, "openapi_document", edition),
            "licence": exports.licence_text(),
            # For readers: the notes every file carries, without its internal keys, the date in words and
            # the sources named as a reader would cite them.
            "notes": [value for key, value in exports.notes() if key in DOWNLOAD_PAGE_NOTES and value],
            "data_as_of": formats.format_date(timezone.localtime(as_of).date()) if as_of else "",
            "sources": Source.objects.order_by("key"),
        },
    )
