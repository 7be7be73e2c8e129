"""URLs of the open data: the API under /api/v1/ and the downloads, language-neutral (they take ?lang=)."""

from django.urls import path

from layout import api

urlpatterns = [
    path("api/v1/", api.api_index, name="api_index"),
    path("api/v1/openapi.json", api.openapi_document, name="openapi_document"),
    path("api/v1/districts.geojson", api.district_geojson, name="district_geojson"),
    path("api/v1/clusters.geojson", api.cluster_geojson, name="cluster_geojson"),
    path("api/v1/scenarios.json", api.scenario_list, name="scenario_json"),
    path("api/v1/projects.json", api.project_list, name="project_json"),
    path("api/v1/chains.json", api.chain_list, name="chain_json"),
    path("api/v1/headline.json", api.headline, name="headline_json"),
    path("downloads/", api.downloads, name="downloads"),
    path("downloads/<str:name>", api.download, name="download"),
]
