"""Public pages and the GeoJSON API. Thin: data comes from layout.pages and layout.geojson."""
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from layout import geojson, pages

GEOJSON = "application/geo+json"


def _datum(request):
    datum = request.GET.get("datum", "wgs84")
    return datum if datum in geojson.DATUMS else "wgs84"


def cluster_map(request):
    return render(request, "layout/cluster_map.html", pages.cluster_map_context())


def cluster_detail(request, slug):
    cluster = get_object_or_404(geojson.clusters_for_map(), slug=slug)
    return render(request, "layout/cluster_detail.html", pages.cluster_detail_context(cluster))


def district_geojson(request):
    return JsonResponse(geojson.district_feature_collection(datum=_datum(request)), content_type=GEOJSON,
                        json_dumps_params={"ensure_ascii": False})


def cluster_geojson(request):
    return JsonResponse(geojson.cluster_feature_collection(datum=_datum(request)), content_type=GEOJSON,
                        json_dumps_params={"ensure_ascii": False})
