"""URL configuration."""
from django.contrib import admin
from django.urls import path

from layout import views

urlpatterns = [
    path("", views.cluster_map, name="cluster_map"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster_detail"),
    path("api/v1/districts.geojson", views.district_geojson, name="district_geojson"),
    path("api/v1/clusters.geojson", views.cluster_geojson, name="cluster_geojson"),
    path("admin/", admin.site.urls),
]
