"""The officials' admin: every list page, search and filters, the boundary map, saving and refusing edits."""

import json
import re
from html import unescape

import pytest
import shapely
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from shapely.geometry import shape

from layout.models import Cluster, District, HeadlineFigure, IndustryChain, Project, Scenario, Source
from tests.unit.conftest import (
    change_form_data,
    change_url,
    changelist_url,
    listed,
    point_inside,
    post_change_form,
    shown_in_form,
    square,
)
from tests.unit.page_reader import page_json

JIADING, XUHUI = "310114", "310104"


@pytest.fixture
def layout(layout_data):
    """The 2025 layout as `load_layout` loads it, and the records these tests edit."""
    return {
        "jiading": Cluster.objects.get(district__adcode=JIADING),
        "xuhui": Cluster.objects.get(district__adcode=XUHUI),
        "districts": {d.adcode: d for d in District.objects.all()},
        "source": Source.objects.get(key="article-2025-03-25"),
    }


@pytest.fixture
def official(admin_client):
    """A signed-in superuser reading the admin in English, so that messages can be matched."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def post_boundary(official, cluster, boundary, **changes):
    changes = {"boundary_method": "Drawn in the admin around the published park.", **changes}
    return post_change_form(
        official, cluster, boundary=boundary if isinstance(boundary, str) else json.dumps(boundary), **changes
    )


def field_errors_html(response, field):
    """The HTML of the admin form row of a field, which holds its error list."""
    html = response.content.decode()
    match = re.search(rf'<div class="form-row errors[^"]*\bfield-{field}\b.*?</ul>', html, re.S)
    assert match, f"no error shown in the {field} row"
    return unescape(match.group(0))


ADMIN_MODELS = [Source, District, IndustryChain, Cluster, Scenario, Project, HeadlineFigure]


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_every_model_has_a_list_page_and_a_change_page(official, layout, model):
    listing = official.get(reverse(f"admin:layout_{model._meta.model_name}_changelist"))
    assert listing.status_code == 200
    records = list(model.objects.all())
    assert len(listed(listing)) == len(records) > 0
    assert official.get(change_url(records[0])).status_code == 200
    assert official.get(reverse(f"admin:layout_{model._meta.model_name}_add")).status_code == 200


def district_outline_reads(official, url):
    """How many queries an admin page makes that read the districts' outlines (or the loader's copy of them)."""
    with CaptureQueriesContext(connection) as queries:
        assert official.get(url).status_code == 200
    columns = ('"layout_district"."boundary"', '"layout_district"."seed_values"')
    return sum(any(column in query["sql"] for column in columns) for query in queries.captured_queries)


@pytest.mark.parametrize("model", [Cluster, Scenario, Project], ids=lambda m: m.__name__)
def test_district_selects_filters_and_lists_read_names_not_outlines(official, layout, model):
    """16 outlines decoded twice each for a select or a filter made every change page and list slower; only a
    cluster's change page reads them, once, for its map."""
    assert district_outline_reads(official, changelist_url(model)) == 0
    assert district_outline_reads(official, change_url(model.objects.first())) == (1 if model is Cluster else 0)


def test_the_admin_map_highlights_the_district_of_the_record(official, layout):
    """A district's page outlines that district; a cluster's page the district it lies in (and the map follows the
    district select through the adcode of each choice)."""
    jiading = layout["districts"][JIADING]
    district_map = page_json(official.get(change_url(jiading)), "layout-admin-map")
    assert district_map["ownAdcode"] == JIADING
    cluster_map = page_json(official.get(change_url(layout["xuhui"])), "layout-admin-map")
    assert cluster_map["ownAdcode"] == XUHUI
    assert cluster_map["districtAdcodes"][str(jiading.pk)] == JIADING and len(cluster_map["districtAdcodes"]) == 16


@pytest.mark.parametrize("query", ["Jiading", "嘉定", "jiading-intelligent"])
def test_cluster_search_finds_the_jiading_cluster_in_both_languages(official, layout, query):
    response = official.get(reverse("admin:layout_cluster_changelist"), {"q": query})
    assert listed(response) == [layout["jiading"].pk]


def test_cluster_list_shows_space_as_read_and_not_published(official, layout):
    response = official.get(reverse("admin:layout_cluster_changelist"))
    html = response.content.decode()
    assert "100,000 m²" in html and "3,750,000 m²" in html  # Xuhui's 10万方, Zhangjiang + Jinqiao's 375万方
    assert html.count("not published") >= 12  # the other clusters' space is not in the article


def test_cluster_list_filters_by_district_chain_and_boundary_status(official, layout):
    url = reverse("admin:layout_cluster_changelist")
    by_district = official.get(url, {"district__id__exact": layout["districts"][XUHUI].pk})
    assert listed(by_district) == [layout["xuhui"].pk]
    by_chain = official.get(url, {"primary_chain__id__exact": layout["jiading"].primary_chain_id})
    assert listed(by_chain) == [layout["jiading"].pk]
    by_status = official.get(url, {"boundary_status__exact": "official"})
    assert listed(by_status) == []  # every seeded boundary is indicative


def test_scenario_list_filters_by_category_and_district_and_searches_titles(official, layout):
    url = reverse("admin:layout_scenario_changelist")
    scenario = Scenario.objects.get(cluster=layout["xuhui"])
    scenario.category = "demonstration"  # not published in the article: set here to have something to filter
    scenario.save()
    assert listed(official.get(url, {"category__exact": "demonstration"})) == [scenario.pk]
    assert listed(official.get(url, {"category__exact": "incubation"})) == []
    by_district = official.get(url, {"cluster__district__id__exact": layout["districts"][XUHUI].pk})
    assert listed(by_district) == [scenario.pk]
    assert listed(official.get(url, {"q": "日间医疗"})) == [scenario.pk]
    assert len(listed(official.get(url, {"q": "laboratory"}))) == 1  # 星闪芯片实验室, by English title


def test_project_list_searches_company_names_and_filters_by_sector(official, layout):
    url = reverse("admin:layout_project_changelist")
    project = Project.objects.get(company_zh="上海超导科技股份有限公司")
    assert listed(official.get(url, {"q": "上海超导科技"})) == [project.pk]
    assert listed(official.get(url, {"q": "V-Test"})) == [
        Project.objects.get(company_zh="上海伟测半导体科技股份有限公司").pk
    ]
    project.sector = "manufacturing"
    project.save()
    assert listed(official.get(url, {"sector__exact": "manufacturing"})) == [project.pk]
    assert listed(official.get(url, {"sector__exact": "services"})) == []


def test_cluster_change_form_shows_the_map_with_districts_from_our_own_server(official, layout):
    response = official.get(change_url(layout["jiading"]))
    html = response.content.decode()
    assert 'id="id_boundary-map"' in html and 'id="id_anchor-map"' in html
    assert 'src="/static/leaflet/leaflet.js"' in html
    assert "leaflet/draw/leaflet.draw.js" in html and "layout/admin-map.js" in html
    assets = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]*)"', html)
    assert assets and not [a for a in assets if re.match(r"(https?:)?//", a)]
    reference = json.loads(
        re.search(r'<script id="layout-admin-map" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert {f["properties"]["adcode"] for f in reference["districts"]["features"]} == set(layout["districts"])


def test_boundary_drawn_in_the_admin_is_saved_as_wgs84_geojson_and_served_by_the_api(official, layout):
    lon, lat = point_inside(JIADING)
    drawn = square(lon, lat, clockwise=True)
    # leaflet.forms.js in MultiPolygon mode sends one drawn shape as a one-part MultiPolygon
    sent = {"type": "MultiPolygon", "coordinates": [drawn["coordinates"]]}
    response = post_boundary(official, layout["jiading"], sent)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Cluster.objects.get(pk=layout["jiading"].pk).boundary
    assert saved["type"] == "Polygon"
    assert shapely.equals(shape(saved), shape(drawn))
    assert shapely.Polygon(saved["coordinates"][0]).exterior.is_ccw  # RFC 7946 winding
    # The form opens on the saved shape (its map widget holds it as a one-part MultiPolygon).
    reopened = json.loads(shown_in_form(official.get(change_url(layout["jiading"])), "boundary"))
    assert shapely.equals(shape(reopened), shape(saved))
    api = official.get(reverse("cluster_geojson")).json()
    feature = next(f for f in api["features"] if f["properties"]["slug"] == layout["jiading"].slug)
    assert feature["geometry"] == saved


def test_several_polygons_drawn_are_saved_as_one_multipolygon(official, layout):
    lon, lat = point_inside(JIADING)
    parts = [square(lon, lat)["coordinates"], square(lon + 0.02, lat)["coordinates"]]
    response = post_boundary(official, layout["jiading"], {"type": "MultiPolygon", "coordinates": parts})
    assert response.status_code == 302
    saved = Cluster.objects.get(pk=layout["jiading"].pk).boundary
    assert saved["type"] == "MultiPolygon" and len(saved["coordinates"]) == 2


def test_pasted_geojson_feature_is_accepted_as_its_geometry(official, layout):
    lon, lat = point_inside(JIADING)
    feature = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "from AMap"}, "geometry": square(lon, lat)}],
    }
    response = post_boundary(official, layout["jiading"], feature)
    assert response.status_code == 302
    assert shapely.equals(shape(Cluster.objects.get(pk=layout["jiading"].pk).boundary), shape(square(lon, lat)))


def test_self_intersecting_boundary_is_refused_with_where_it_crosses_and_nothing_saved(official, layout):
    lon, lat = point_inside(JIADING)
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - 0.01, lat - 0.01],
                [lon + 0.01, lat + 0.01],
                [lon + 0.01, lat - 0.01],
                [lon - 0.01, lat + 0.01],
                [lon - 0.01, lat - 0.01],
            ]
        ],
    }
    before = Cluster.objects.get(pk=layout["jiading"].pk)
    response = post_boundary(
        official, layout["jiading"], bow_tie, space_m2="5000", space_source=str(layout["source"].pk)
    )
    assert response.status_code == 200
    row = field_errors_html(response, "boundary")
    assert "crosses itself" in row
    assert f"{lat:.5f}° N, {lon:.5f}° E" in row  # the crossing is the centre of the bow tie
    after = Cluster.objects.get(pk=layout["jiading"].pk)
    assert (after.boundary, after.space_m2, after.updated_at) == (before.boundary, None, before.updated_at)
    assert before.boundary is not None
    # the refused shape stays in the form for the official to correct
    kept = json.loads(shown_in_form(response, "boundary"))
    ring = kept["coordinates"][0][0] if kept["type"] == "MultiPolygon" else kept["coordinates"][0]
    assert [c for point in ring for c in point] == pytest.approx(
        [c for point in bow_tie["coordinates"][0] for c in point]
    )


def test_boundary_in_another_district_is_refused(official, layout):
    lon, lat = point_inside(XUHUI)
    response = post_boundary(official, layout["jiading"], square(lon, lat))
    assert response.status_code == 200
    assert f"Only 0% of this boundary lies in {layout['districts'][JIADING]}" in field_errors_html(response, "boundary")
    assert Cluster.objects.get(pk=layout["jiading"].pk).boundary == layout["jiading"].boundary


def test_boundary_outside_shanghai_or_of_the_wrong_type_is_refused(official, layout):
    beijing = post_boundary(official, layout["jiading"], square(116.39, 39.91))
    assert "outside Shanghai" in field_errors_html(beijing, "boundary")
    line = post_boundary(
        official, layout["jiading"], {"type": "LineString", "coordinates": [[121.2, 31.3], [121.3, 31.35]]}
    )
    assert "Wrong geometry type 'LineString'" in field_errors_html(line, "boundary")
    text = post_boundary(official, layout["jiading"], "POLYGON((121.2 31.3, 121.3 31.3, 121.3 31.4, 121.2 31.3))")
    assert "This is not GeoJSON text" in field_errors_html(text, "boundary")
    assert "POLYGON((121.2 31.3" in text.content.decode()  # kept in the textarea to correct it
    assert Cluster.objects.get(pk=layout["jiading"].pk).boundary == layout["jiading"].boundary


def test_negative_space_is_refused_with_a_message(official, layout):
    url = change_url(layout["xuhui"])
    data = change_form_data(official.get(url))
    data["space_m2"] = "-100000"
    response = official.post(url, data)
    assert response.status_code == 200
    assert "greater than or equal to" in field_errors_html(response, "space_m2")
    assert Cluster.objects.get(pk=layout["xuhui"].pk).space_m2 == 100_000


def test_anchor_point_is_saved_from_the_map(official, layout):
    lon, lat = point_inside(JIADING)
    url = change_url(layout["jiading"])
    data = change_form_data(official.get(url))
    data.update(
        anchor=json.dumps({"type": "Point", "coordinates": [lon, lat]}),
        anchor_source=str(layout["source"].pk),
        anchor_confidence="medium",
    )
    assert official.post(url, data).status_code == 302
    assert Cluster.objects.get(pk=layout["jiading"].pk).anchor == {"type": "Point", "coordinates": [lon, lat]}


def test_scenario_added_inline_on_its_cluster(official, layout):
    url = change_url(layout["jiading"])
    data = change_form_data(official.get(url))
    prefix = "scenarios"
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update(
        {
            f"{prefix}-{index}-title_zh": "智能网联汽车测试场景",
            f"{prefix}-{index}-title_en": "ICV testing",
            f"{prefix}-{index}-category": "demonstration",
            f"{prefix}-{index}-source": str(layout["source"].pk),
        }
    )
    response = official.post(url, data)
    assert response.status_code == 302
    scenario = Scenario.objects.get(title_zh="智能网联汽车测试场景")
    assert (scenario.cluster, scenario.category) == (layout["jiading"], "demonstration")


def test_unchanged_boundary_survives_the_round_trip_through_the_map_widget(official, layout):
    """What the browser sends back is the widget's textarea (GEOS's GeoJSON), not the stored dict."""
    url = change_url(layout["jiading"])
    response = official.get(url)
    data = change_form_data(response)
    html = response.content.decode()
    for name in ("boundary", "anchor"):
        textarea = re.search(rf'<textarea id="id_{name}"[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
        data[name] = unescape(textarea.group(1))
    assert json.loads(data["boundary"])["type"] == "MultiPolygon"  # how the map widget loads a Polygon
    assert official.post(url, data).status_code == 302
    after = Cluster.objects.get(pk=layout["jiading"].pk)
    assert (after.boundary, after.anchor) == (layout["jiading"].boundary, layout["jiading"].anchor)
    assert LogEntry.objects.get(object_id=str(after.pk)).get_change_message() == "No fields changed."
