"""Each download read back with geopandas, as a GIS user would, and compared with the database."""

import io
import json
import zipfile

import geopandas
import pandas
import pyogrio
import pytest
import shapely
from django.utils.html import escape

from layout.models import Cluster, District, HeadlineFigure, Project, Scenario

pytestmark = pytest.mark.usefixtures("layout_data")

ZHANGJIANG = "zhangjiang-jinqiao-electronic-information"
# Coordinates are stored to 5-6 decimals; files may re-order vertices or add a zero Z.
TOLERANCE = 1e-6


@pytest.fixture
def download(client, tmp_path):
    """Fetch /downloads/<name> and keep it as a file, the way a browser saves it."""

    def fetch(name, **params):
        response = client.get(f"/downloads/{name}", params)
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Disposition"] == f'attachment; filename="shanghai-2025-{name}"'
        assert response["Access-Control-Allow-Origin"] == "*"
        path = tmp_path / name
        path.write_bytes(response.content)
        return path

    return fetch


def published_clusters():
    return {c.slug: c for c in Cluster.objects.published()}


def same_shape_within_rounding(got, stored):
    return shapely.hausdorff_distance(shapely.force_2d(got), shapely.geometry.shape(stored)) < TOLERANCE


def assert_clusters_match_the_database(frame, name_column="name_zh"):
    clusters = published_clusters()
    assert len(frame) == len(clusters) == 14
    rows = {row["slug"]: row for row in frame.to_dict("records")}
    assert rows.keys() == clusters.keys()
    for slug, cluster in clusters.items():
        row = rows[slug]
        assert row[name_column] == getattr(cluster, name_column), slug
        for field in ("space_m2", "investment_cny", "published_scenario_count"):
            value = getattr(cluster, field)
            if value is None:
                assert pandas.isna(row[field]), (slug, field)  # empty, never 0
            else:
                assert int(row[field]) == value, (slug, field)
        if cluster.boundary:
            assert same_shape_within_rounding(row["geometry"], cluster.boundary), slug
        else:
            assert row["geometry"] is None or row["geometry"].is_empty, slug


def test_geopackage_holds_every_table_with_the_database_figures_and_geometry(download):
    path = download("layout.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert {
        "clusters",
        "cluster_anchors",
        "districts",
        "scenarios",
        "projects",
        "chains",
        "headline_figures",
        "sources",
        "about",
    } <= layers.keys()
    clusters = geopandas.read_file(path, layer="clusters")
    assert clusters.crs.to_epsg() == 4326
    assert_clusters_match_the_database(clusters)
    assert clusters["licence"].str.contains("CC BY-SA").all()
    districts = geopandas.read_file(path, layer="districts")
    assert len(districts) == 16
    for row in districts.to_dict("records"):
        assert same_shape_within_rounding(row["geometry"], District.objects.get(adcode=row["adcode"]).boundary), row[
            "adcode"
        ]
    anchors = geopandas.read_file(path, layer="cluster_anchors")
    assert set(anchors["slug"]) == {c.slug for c in Cluster.objects.exclude(anchor__isnull=True)}
    scenarios = pyogrio.read_dataframe(path, layer="scenarios")
    assert set(scenarios["title_zh"]) == set(Scenario.objects.published().values_list("title_zh", flat=True))
    projects = pyogrio.read_dataframe(path, layer="projects")
    assert set(projects["name_zh"]) == set(Project.objects.published().values_list("name_zh", flat=True))
    figures = pyogrio.read_dataframe(path, layer="headline_figures")
    assert dict(zip(figures["key"], figures["value"], strict=True)) == {
        f.key: float(f.value) for f in HeadlineFigure.objects.all()
    }
    about = dict(pyogrio.read_dataframe(path, layer="about")[["key", "value"]].values)
    assert "CC BY-SA" in about["licence"] and "审图号" in about["approval"]
    assert about["data_as_of"].startswith("20")
    assert "CC BY-SA" in pyogrio.read_info(path, layer="clusters")["layer_metadata"]["DESCRIPTION"]


def test_geojson_is_one_rfc7946_collection_of_the_clusters_with_its_licence(download):
    path = download("layout.geojson", lang="en")
    frame = geopandas.read_file(path)
    assert_clusters_match_the_database(frame, "name_en")
    assert (frame["name"] == frame["name_en"]).all()
    collection = json.loads(path.read_text())
    assert "crs" not in collection
    assert "CC BY-SA" in collection["licence"] and "WGS-84" in collection["datum"]
    assert "indicative" in collection["indicative"]


def test_kml_draws_the_clusters_by_name_with_escaped_balloons_and_the_districts(download):
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    cluster.boundary_method = "<script>alert(1)</script> drawn by hand"
    cluster.save()
    path = download("layout.kml", lang="en")
    layers = [name for name, _type in pyogrio.list_layers(path)]
    assert layers == ["Clusters", "Districts"]
    clusters = geopandas.read_file(path, layer="Clusters")
    assert_clusters_match_the_database(clusters, "name_en")
    assert sorted(clusters["Name"]) == sorted(c.name_en for c in published_clusters().values())
    balloon = clusters.set_index("slug").loc[ZHANGJIANG, "description"]
    assert escape(cluster.boundary_method) in balloon and "<script>" not in balloon
    assert "3,750,000 m²" in balloon
    assert len(geopandas.read_file(path, layer="Districts")) == 16


def test_csv_zip_has_a_readme_and_one_table_per_layer_that_reads_back(download):
    path = download("layout-csv.zip")
    archive = zipfile.ZipFile(path)
    assert {
        "README.txt",
        "clusters.csv",
        "districts.csv",
        "scenarios.csv",
        "projects.csv",
        "chains.csv",
        "headline_figures.csv",
        "sources.csv",
    } <= set(archive.namelist())
    readme = archive.read("README.txt").decode()
    assert "CC BY-SA" in readme and "WKT" in readme and "审图号" in readme
    assert archive.read("clusters.csv").startswith("\ufeff".encode())  # Excel reads it as UTF-8
    clusters = geopandas.read_file(
        f"/vsizip/{path}/clusters.csv", GEOM_POSSIBLE_NAMES="geometry", KEEP_GEOM_COLUMNS="NO"
    )
    clusters = clusters.assign(
        **{
            f: pandas.to_numeric(clusters[f].replace("", None))
            for f in ("space_m2", "investment_cny", "published_scenario_count")
        }
    )
    assert_clusters_match_the_database(clusters)
    scenarios = pandas.read_csv(io.BytesIO(archive.read("scenarios.csv")), encoding="utf-8-sig")
    assert len(scenarios) == Scenario.objects.published().count()


def test_drafts_stay_out_of_the_downloads(download):
    cluster = Cluster.objects.get(slug=ZHANGJIANG)
    cluster.is_published = False
    cluster.save()
    frame = geopandas.read_file(download("layout.geojson"))
    assert ZHANGJIANG not in set(frame["slug"]) and len(frame) == 13
    scenarios = pyogrio.read_dataframe(download("layout.gpkg"), layer="scenarios")
    assert set(scenarios["cluster"].dropna()) <= set(Cluster.objects.published().values_list("slug", flat=True))


def test_a_repeated_download_is_a_304_until_the_data_changes(client):
    first = client.get("/downloads/layout.kml")
    again = client.get("/downloads/layout.kml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get("/downloads/layout.kml", {"lang": "en"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    Scenario.objects.first().delete()  # a deletion changes no updated_at, but the count
    assert client.get("/downloads/layout.kml", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_downloads_page_links_every_file_with_the_licence(client):
    response = client.get("/downloads/", HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    # Each file of the edition the page lists (the latest published): the link keeps naming it.
    for name in ("layout.gpkg", "layout.geojson", "layout.kml", "layout-csv.zip", "layout-map.html"):
        assert f'href="/downloads/2025/{name}?lang=en"' in text, name
    assert "CC BY-SA" in text and "/api/v1/editions/2025/openapi.json" in text


def test_an_unknown_download_is_a_404(client):
    assert client.get("/downloads/layout.shp").status_code == 404


def test_csv_zip_writes_formulas_as_text(download):
    cluster = Cluster.objects.get(district__adcode="310114")
    Cluster.objects.filter(pk=cluster.pk).update(name_en='=HYPERLINK("http://evil.example/","click")')
    archive = zipfile.ZipFile(io.BytesIO(download("layout-csv.zip").read_bytes()))
    text = archive.read("clusters.csv").decode("utf-8-sig")
    assert "'=HYPERLINK(" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text
