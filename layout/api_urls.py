"""URLs of the open data: the API under /api/v1/ and the downloads, language-neutral (they take ?lang=), each
with the edition's year (`/api/v1/editions/2025/…`, `/downloads/2025/…`) or without (the latest published)."""

from django.urls import include, path

from layout import api

api_patterns = [
    path("", api.api_index, name="api_index"),
    path("openapi.json", api.openapi_document, name="openapi_document"),
    path("districts.geojson", api.district_geojson, name="district_geojson"),
    path("clusters.geojson", api.cluster_geojson, name="cluster_geojson"),
    path("scenarios.json", api.scenario_list, name="scenario_json"),
    path("projects.json", api.project_list, name="project_json"),
    path("chains.json", api.chain_list, name="chain_json"),
    path("headline.json", api.headline, name="headline_json"),
]

download_patterns = [
    path("", api.downloads, name="downloads"),
    path("<str:name>", api.download, name="download"),
]

urlpatterns = [
    path("api/v1/editions/<int:year>/", include(api_patterns)),
    path("api/v1/", include(api_patterns)),
    path("downloads/<int:year>/", include(download_patterns)),
    path("downloads/", include(download_patterns)),
]
