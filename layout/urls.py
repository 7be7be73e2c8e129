"""URL configuration: public pages under a language prefix, the API and the admin without one.

Every public address of an edition is written once and included twice: with the edition's year (`/zh-hans/2025/`,
`/embed/2025/`) and without one, meaning the latest published edition (every address of before editions)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from layout import beacon, embed, views

# The map for other sites' pages (?lang=, framed by the allowed origins only).
embed_patterns = [
    path("", embed.embed_map, name="embed_map"),
    path("clusters/<slug:slug>/", embed.embed_map, name="embed_cluster"),
]

# Language-neutral: the API (and embeds) take ?lang= instead of a prefix.
urlpatterns = [
    path("", include("layout.api_urls")),  # /api/v1/… and /downloads/…
    path("embed/<int:year>/", include(embed_patterns)),
    path("embed/", include(embed_patterns)),
    path("oembed/", embed.oembed, name="oembed"),
    # The map page's district basemap when the database no longer matches the released static file.
    path("map/districts.geojson", views.map_district_geojson, name="map_district_geojson"),
    # What a reader does on the map (popup, search, filter), sent by its script to be counted (layout.analytics).
    path("map/noted/", beacon.noted, name="map_noted"),
    path("admin/", admin.site.urls),
]

edition_pages = [
    path("", views.cluster_map, name="cluster_map"),
    # The clusters the map page draws, in its language (layout.pages.map_sources).
    path("map/clusters.geojson", views.map_cluster_geojson, name="map_cluster_geojson"),
    path("clusters/<slug:slug>/", views.cluster_detail, name="cluster_detail"),
    path("scenarios/", views.scenario_list, name="scenario_list"),
    path("projects/", views.project_list, name="project_list"),
    path("compare/", views.cluster_compare, name="cluster_compare"),
]

# /zh-hans/… and /en/…: a shared link opens in the language it was shared in. An address
# without a prefix (such as /) is redirected by LocaleMiddleware to the visitor's language.
urlpatterns += i18n_patterns(
    # An investor's enquiry about ?cluster=<slug>, ?scenario=<id> or ?project=<id>, and its receipt (not of an
    # edition: the subject names its own record).
    path("enquiry/", views.enquiry_new, name="enquiry_new"),
    path("enquiry/sent/", views.enquiry_sent, name="enquiry_sent"),
    # What changed in an edition since the previous published one.
    path("<int:year>/changes/", views.edition_changes_page, name="edition_changes"),
    path("<int:year>/", include(edition_pages)),
    path("", include(edition_pages)),
)
