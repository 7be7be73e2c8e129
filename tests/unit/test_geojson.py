"""The FeatureCollections the map draws: RFC 7946, WGS-84, every figure with its reading."""

import pytest
import shapely
from django.utils import translation

from layout import geojson, geometry
from layout.models import Cluster

pytestmark = pytest.mark.usefixtures("layout_data")

# Shanghai, generously: a swapped (lat, lon) pair falls far outside it.
LON_RANGE = (120.8, 122.3)
LAT_RANGE = (30.6, 31.95)


def assert_rfc7946_polygonal(geom, where):
    assert geom["type"] in ("Polygon", "MultiPolygon"), where
    shape = shapely.geometry.shape(geom)
    assert shape.is_valid, f"{where}: {shapely.is_valid_reason(shape)}"
    for lon, lat in shapely.get_coordinates(shape):
        assert LON_RANGE[0] < lon < LON_RANGE[1] and LAT_RANGE[0] < lat < LAT_RANGE[1], f"{where}: {lon}, {lat}"
    polygons = shape.geoms if shape.geom_type == "MultiPolygon" else [shape]
    for polygon in polygons:  # RFC 7946 §3.1.6: exterior rings counter-clockwise
        assert polygon.exterior.is_ccw, f"{where}: exterior ring clockwise"


def test_district_collection_has_the_16_districts_with_valid_wgs84_polygons():
    collection = geojson.district_feature_collection()
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    assert len(collection["features"]) == 16
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert_rfc7946_polygonal(feature["geometry"], feature["properties"]["name_en"])
        assert len(feature["properties"]["adcode"]) == 6


def test_cluster_collection_has_the_14_clusters_each_inside_its_district():
    districts = {
        f["id"]: shapely.geometry.shape(f["geometry"]) for f in geojson.district_feature_collection()["features"]
    }
    features = geojson.cluster_feature_collection()["features"]
    assert len(features) == 14
    assert len({f["properties"]["slug"] for f in features}) == 14
    for feature in features:
        if feature["geometry"] is None:
            continue
        slug = feature["properties"]["slug"]
        assert_rfc7946_polygonal(feature["geometry"], slug)
        shape = shapely.geometry.shape(feature["geometry"])
        assert geometry.share_within(shape, districts[feature["properties"]["district"]["adcode"]]) > 0.95, slug


def test_unpublished_location_is_a_null_geometry_not_an_invented_shape():
    features = {f["id"]: f for f in geojson.cluster_feature_collection()["features"]}
    unlocated = Cluster.objects.filter(boundary__isnull=True)
    assert unlocated.exists()
    for cluster in unlocated:
        assert features[cluster.slug]["geometry"] is None
        assert features[cluster.slug]["properties"]["boundary_status_text"] is None
        # Nothing is drawn, so nothing is "indicative" either.
        assert features[cluster.slug]["properties"]["boundary_status"] is None


def test_cluster_properties_carry_readable_figures_and_not_published_where_unknown():
    with translation.override("en"):
        features = {f["id"]: f["properties"] for f in geojson.cluster_feature_collection()["features"]}
    zhangjiang = features["zhangjiang-jinqiao-electronic-information"]
    assert zhangjiang["space_m2"] == 3_750_000
    assert zhangjiang["space_text"] == "3,750,000 m²"
    assert zhangjiang["investment_cny"] is None
    assert zhangjiang["investment_text"] == "not published"
    # In the language asked for, and in its edition.
    assert zhangjiang["url"] == "/en/2025/clusters/zhangjiang-jinqiao-electronic-information/"
    for properties in features.values():
        chain = properties["primary_chain"]
        assert chain is None or chain["colour"].startswith("#")


def test_gcj02_datum_shifts_every_coordinate_by_the_mars_offset():
    wgs = geojson.district_feature_collection()["features"][0]["geometry"]
    gcj = geojson.district_feature_collection(datum="gcj02")["features"][0]["geometry"]
    expected = geometry.wgs84_to_gcj02(shapely.geometry.shape(wgs))
    got = shapely.geometry.shape(gcj)
    # Rounded to 6 decimals and re-oriented by the builder: compare shapes, not vertex order.
    assert shapely.hausdorff_distance(got, expected) < 2e-6
    # Around Shanghai the offset is some hundreds of metres: a no-op conversion would fail here.
    assert shapely.hausdorff_distance(got, shapely.geometry.shape(wgs)) > 0.002
