"""The OpenAPI 3.1 description of the open-data API, served at /api/v1/openapi.json and checked against real answers by the tests."""

from django.conf import settings
from django.utils.translation import gettext as _

from layout import editions, geojson
from layout.models import BoundaryStatus, Confidence, District, IndustryChain, ScenarioCategory, Sector

API_VERSION = "1.0.0"
# URL names of the data endpoints, in the order the index lists them.
ENDPOINT_NAMES = ("district_geojson", "cluster_geojson", "scenario_json", "project_json", "chain_json", "headline_json")

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
COLOUR = {"type": "string", "pattern": "^#[0-9A-Fa-f]{6}$"}
POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
LINEAR_RING = {"type": "array", "items": POSITION, "minItems": 4}
# Every answer names its edition (in a FeatureCollection, a foreign member: RFC 7946 section 6.1).
EDITION = {"type": "integer", "description": "The year of the edition of the layout this answer is about."}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    return {"oneOf": [{"type": "null"}, schema]}


def record(properties, description=None, optional=()):
    """An object with exactly these properties, all required but `optional`: drift from the code fails the tests."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def geometry_schemas():
    return {
        "Point": record({"type": {"const": "Point"}, "coordinates": POSITION}),
        "Polygon": record({"type": {"const": "Polygon"}, "coordinates": {"type": "array", "items": LINEAR_RING}}),
        "MultiPolygon": record(
            {
                "type": {"const": "MultiPolygon"},
                "coordinates": {"type": "array", "items": {"type": "array", "items": LINEAR_RING}},
            }
        ),
        "Area": {"oneOf": [ref("Polygon"), ref("MultiPolygon")]},
    }


def feature_collection_schema(feature):
    return {
        "type": "object",
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {"type": "array", "items": ref(feature)},
            "edition": EDITION,
        },
        "required": ["type", "features", "edition"],
        "additionalProperties": False,
    }


def feature_schema(properties, geometry_description):
    return record(
        {
            "type": {"const": "Feature"},
            "id": STRING,
            "geometry": {**nullable(ref("Area")), "description": geometry_description},
            "properties": ref(properties),
        }
    )


def data_schemas():
    source = record(
        {
            "key": STRING,
            "title": STRING,
            "publisher": STRING,
            "published_on": {"type": ["string", "null"], "format": "date"},
            "url": NULLABLE_STRING,
        },
        "A document a fact comes from.",
    )
    chain_reference = record({"slug": STRING, "name": STRING, "name_zh": STRING, "name_en": STRING, "colour": COLOUR})
    return {
        "Source": source,
        "ChainReference": chain_reference,
        "ClusterReference": record({"slug": STRING, "name": STRING, "url": STRING}),
        "DistrictReference": record({"adcode": STRING, "name": STRING}),
        "DistrictProperties": record(
            {
                "adcode": STRING,
                "name": STRING,
                "name_zh": STRING,
                "name_en": STRING,
                "cluster_count": {
                    **NULLABLE_INTEGER,
                    "description": "Published clusters in the district that match the filters.",
                },
            }
        ),
        "DistrictFeature": feature_schema("DistrictProperties", "The district's boundary."),
        "DistrictCollection": feature_collection_schema("DistrictFeature"),
        "ClusterProperties": record(
            {
                "slug": STRING,
                "number": INTEGER,
                "name": STRING,
                "name_zh": STRING,
                "name_en": STRING,
                "district": ref("DistrictReference"),
                "primary_chain": nullable(ref("ChainReference")),
                "chains": {"type": "array", "items": ref("ChainReference")},
                "space_m2": {**NULLABLE_INTEGER, "description": "Industrial space in m²; null = not published."},
                "space_text": STRING,
                "investment_cny": {**NULLABLE_INTEGER, "description": "Investment in CNY; null = not published."},
                "investment_text": STRING,
                "published_scenario_count": {**NULLABLE_INTEGER, "description": "Null = not published."},
                "named_scenario_count": {**INTEGER, "description": "How many of its scenarios the sources name."},
                "scenarios_text": STRING,
                "boundary_status": {"enum": [*BoundaryStatus.values, None]},
                "boundary_status_text": NULLABLE_STRING,
                "anchor": nullable(ref("Point")),
                "anchor_confidence": {"enum": list(Confidence.values)},
                "url": STRING,
            }
        ),
        "ClusterFeature": feature_schema(
            "ClusterProperties",
            "The cluster's area; null where its location within the district is not "
            "published. Indicative areas say so in boundary_status.",
        ),
        "ClusterCollection": feature_collection_schema("ClusterFeature"),
        "Scenario": record(
            {
                "id": INTEGER,
                "title": STRING,
                "title_zh": STRING,
                "title_en": STRING,
                "category": {"enum": [None, *ScenarioCategory.values], "description": "Null = not published."},
                "category_text": STRING,
                "cluster": nullable(ref("ClusterReference")),
                "cluster_text": STRING,
                "description": STRING,
                "description_zh": STRING,
                "description_en": STRING,
                "source": nullable(ref("Source")),
                "source_quote": STRING,
            }
        ),
        "ScenarioList": record(
            {
                "edition": EDITION,
                "announced_count": {**NULLABLE_INTEGER, "description": "How many scenarios the layout announced."},
                "categories": {
                    "type": "array",
                    "items": record({"key": {"enum": list(ScenarioCategory.values)}, "text": STRING}),
                },
                "scenarios": {"type": "array", "items": ref("Scenario")},
            }
        ),
        "Project": record(
            {
                "id": INTEGER,
                "name": STRING,
                "name_zh": STRING,
                "name_en": STRING,
                "company": STRING,
                "company_zh": STRING,
                "company_en": STRING,
                "district": nullable(ref("DistrictReference")),
                "cluster": nullable(ref("ClusterReference")),
                "sector": {"enum": [None, *Sector.values], "description": "Null = not published."},
                "sector_text": STRING,
                "investment_cny": {**NULLABLE_INTEGER, "description": "Null = not published."},
                "investment_text": STRING,
                "figures": STRING,
                "figures_zh": STRING,
                "figures_en": STRING,
                "source": nullable(ref("Source")),
            }
        ),
        "ProjectList": record({"edition": EDITION, "projects": {"type": "array", "items": ref("Project")}}),
        "Chain": record(
            {
                "slug": STRING,
                "name": STRING,
                "name_zh": STRING,
                "name_en": STRING,
                "is_trillion_cluster": {"type": "boolean"},
                "colour": COLOUR,
                "cluster_count": {**INTEGER, "description": "Published clusters in the chain (primary or other)."},
                "source": nullable(ref("Source")),
            }
        ),
        "ChainList": record({"edition": EDITION, "chains": {"type": "array", "items": ref("Chain")}}),
        "HeadlineFigure": record(
            {
                "key": STRING,
                "label": STRING,
                "label_zh": STRING,
                "label_en": STRING,
                "value": {
                    "type": ["number", "null"],
                    "description": "In base units (count, m², CNY); null = not published.",
                },
                "unit": {"enum": ["count", "m2", "cny"]},
                "qualifier": {"enum": [None, "over"], "description": "over = the source gives a lower bound."},
                "text": STRING,
                "source": nullable(ref("Source")),
                "source_quote": STRING,
            }
        ),
        "HeadlineList": record({"edition": EDITION, "figures": {"type": "array", "items": ref("HeadlineFigure")}}),
        "Index": record(
            {
                "edition": EDITION,
                "editions": {
                    "type": "array",
                    "items": INTEGER,
                    "description": "The years of the published editions, newest first: each has its API at "
                    "/api/v1/editions/<year>/.",
                },
                "name": STRING,
                "version": STRING,
                "openapi": STRING,
                "endpoints": {"type": "object", "additionalProperties": STRING},
                "downloads": STRING,
                "licence": STRING,
            }
        ),
        "Error": record(
            {
                "error": record(
                    {
                        "status": INTEGER,
                        "message": STRING,
                        "parameter": STRING,
                        "value": {},
                        "allowed": {"type": ["array", "null"], "items": STRING},
                    },
                    optional=("parameter", "value", "allowed"),
                )
            }
        ),
    }


def parameters():
    chains = list(IndustryChain.objects.values_list("slug", flat=True))
    districts = list(District.objects.values_list("adcode", flat=True))
    return {
        "lang": {
            "name": "lang",
            "in": "query",
            "required": False,
            "schema": {"enum": [c for c, _n in settings.LANGUAGES]},
            "description": "Language of name, *_text and label fields (the *_zh and *_en fields are always "
            "there). Without it: the reader's language (cookie, Accept-Language).",
        },
        "datum": {
            "name": "datum",
            "in": "query",
            "required": False,
            "schema": {"enum": list(geojson.DATUMS)},
            "description": "wgs84 (default, RFC 7946) or gcj02, the offset datum of AMap and Tencent basemaps "
            "(not RFC 7946: use it only to draw over such a basemap).",
        },
        "chain": {
            "name": "chain",
            "in": "query",
            "required": False,
            "schema": {"enum": ["", *chains]},
            "description": "Only clusters of this industry chain (primary or other), and what belongs to them. "
            "Empty = all.",
        },
        "category": {
            "name": "category",
            "in": "query",
            "required": False,
            "schema": {"enum": ["", *ScenarioCategory.values]},
            "description": "Only scenarios of this category; clusters with a published scenario in it. Empty = all.",
        },
        "district": {
            "name": "district",
            "in": "query",
            "required": False,
            "schema": {"enum": ["", *districts]},
            "description": "Only this district (by adcode) and its clusters, scenarios and projects. Empty = all.",
        },
    }


def response_headers():
    return {
        "ETag": {"schema": STRING, "description": "Send it back in If-None-Match to get 304 when nothing changed."},
        "Last-Modified": {"schema": STRING, "description": "The latest change to the records involved."},
        "Access-Control-Allow-Origin": {"schema": {"const": "*"}},
    }


def operation(summary, description, schema, parameter_names, content_type="application/json", operation_id=None):
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameter_names],
            "responses": {
                "200": {
                    "description": "OK",
                    "headers": response_headers(),
                    "content": {content_type: {"schema": ref(schema)}},
                },
                "304": {"description": "Not modified since the ETag or date the client sent."},
                "400": {
                    "description": "A parameter has a value the API cannot use: the answer says which, and what "
                    "is allowed.",
                    "content": {"application/json": {"schema": ref("Error")}},
                },
            },
        }
    }


def document(edition=None):
    """The OpenAPI document of an edition's API, its addresses with the year in them (/api/v1/editions/2025/…;
    the description says that those without a year answer with the latest published edition); the enums of
    chain and district list the values the database holds now."""
    edition = edition or editions.shown()
    filters = ("chain", "category", "district")
    geo = "application/geo+json"

    def reverse(name):
        return editions.with_year(name, edition)

    paths = {
        reverse("api_index"): operation(
            "Index", "The endpoints, this document and the downloads.", "Index", ("lang",), operation_id="index"
        ),
        reverse("district_geojson"): operation(
            "Districts",
            "Shanghai's 16 districts (the map's basemap): all of them, or the one in ?district=; "
            "chain and category only narrow cluster_count.",
            "DistrictCollection",
            ("lang", "datum", *filters),
            geo,
            "districts",
        ),
        reverse("cluster_geojson"): operation(
            "Clusters",
            "The published clusters matching the filters.",
            "ClusterCollection",
            ("lang", "datum", *filters),
            geo,
            "clusters",
        ),
        reverse("scenario_json"): operation(
            "Scenarios",
            "The published open scenarios. With chain or district, only those of matching clusters "
            "(a scenario whose cluster is not published is then left out).",
            "ScenarioList",
            ("lang", *filters),
            operation_id="scenarios",
        ),
        reverse("project_json"): operation(
            "Projects",
            "The published landed projects. JSON, not GeoJSON: the sources place a project only in a "
            "district or cluster, so it has no location of its own (join on district.adcode or cluster.slug).",
            "ProjectList",
            ("lang", *filters),
            operation_id="projects",
        ),
        reverse("chain_json"): operation(
            "Industry chains", "The 10 key industry chains.", "ChainList", ("lang",), operation_id="chains"
        ),
        reverse("headline_json"): operation(
            "Headline figures",
            "The layout's totals, each with its source.",
            "HeadlineList",
            ("lang",),
            operation_id="headline",
        ),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Shanghai {edition.year} key industry layout: open data API",
            "version": API_VERSION,
            "description": _(
                "Read-only. Only published records. Figures the sources do not give are null and read "
                "“not published”; every figure carries its source. Geometry is WGS-84 (RFC 7946) unless "
                "?datum=gcj02. Cluster areas are indicative unless boundary_status is official. Answers carry "
                "ETag and Last-Modified (send If-None-Match / If-Modified-Since for 304), are gzip-compressed "
                "on request, and may be read from any origin (CORS)."
            )
            + " "
            + _(
                "This document describes the %(year)s edition. Each edition has its own addresses, "
                "/api/v1/editions/<year>/…; the addresses without a year answer with the latest published edition."
            )
            % {"year": edition.year},
        },
        "paths": paths,
        "components": {
            "parameters": parameters(),
            "schemas": {**geometry_schemas(), **data_schemas()},
        },
    }
