"""layout.geometry: validation with errors an official can act on, area, discs, datum conversion."""

import json

import pytest
import shapely

from layout import geometry
from tests.unit.conftest import REFERENCE_GCJ02, REFERENCE_WGS84, metres_between

TWO_METRES = 2.0


def square_from(lon, lat, size=0.01):
    """A square polygon (GeoJSON) with its south-west corner at (lon, lat), `size` degrees a side."""
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


def test_valid_polygon_in_shanghai_is_accepted():
    geom = geometry.validate_geojson(square_from(121.45, 31.2))
    assert geom.geom_type == "Polygon"


def test_geojson_text_is_accepted_like_a_dict():
    assert geometry.validate_geojson(json.dumps(square_from(121.45, 31.2))).is_valid


def test_multipolygon_is_accepted():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square_from(121.4, 31.2)["coordinates"], square_from(121.5, 31.2)["coordinates"]],
    }
    assert geometry.validate_geojson(multi).geom_type == "MultiPolygon"


def test_self_intersecting_polygon_says_it_crosses_itself_and_where():
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[121.40, 31.20], [121.42, 31.22], [121.42, 31.20], [121.40, 31.22], [121.40, 31.20]]],
    }
    with pytest.raises(geometry.GeometryError) as caught:
        geometry.validate_geojson(bow_tie)
    assert "crosses itself" in caught.value.message
    lon, lat = caught.value.location
    assert lon == pytest.approx(121.41) and lat == pytest.approx(31.21)
    assert "31.21000° N, 121.41000° E" in caught.value.message


@pytest.mark.parametrize("kind", ["Point", "LineString", "Feature", "FeatureCollection"])
def test_wrong_geometry_type_is_refused_with_its_name(kind):
    value = {"type": kind, "coordinates": [121.4, 31.2]}
    with pytest.raises(geometry.GeometryError) as caught:
        geometry.validate_geojson(value)
    assert kind in caught.value.message


def test_not_json_is_refused():
    with pytest.raises(geometry.GeometryError, match="not GeoJSON"):
        geometry.validate_geojson("{nope")


def test_empty_polygon_is_refused():
    with pytest.raises(geometry.GeometryError, match="empty"):
        geometry.validate_geojson({"type": "Polygon", "coordinates": []})


def test_polygon_outside_shanghai_is_refused_with_the_first_point_outside():
    beijing = square_from(116.39, 39.90)
    with pytest.raises(geometry.GeometryError) as caught:
        geometry.validate_geojson(beijing)
    assert "outside Shanghai" in caught.value.message
    assert "116.39" in caught.value.message


def test_swapped_lat_lon_is_explained():
    swapped = {"type": "Polygon", "coordinates": [[[31.2, 121.4], [31.21, 121.4], [31.21, 121.41], [31.2, 121.4]]]}
    with pytest.raises(geometry.GeometryError, match=r"\(lat, lon\)"):
        geometry.validate_geojson(swapped)


def test_point_type_is_checked_for_anchors():
    assert geometry.validate_geojson({"type": "Point", "coordinates": [121.4, 31.2]}, geometry.POINT)
    with pytest.raises(geometry.GeometryError):
        geometry.validate_geojson(square_from(121.45, 31.2), geometry.POINT)


def test_wgs84_to_gcj02_reproduces_the_published_reference_pair():
    shifted = geometry.wgs84_to_gcj02(shapely.Point(REFERENCE_WGS84))
    assert metres_between(shifted.coords[0], REFERENCE_GCJ02) < TWO_METRES


def test_gcj02_to_wgs84_reproduces_the_published_reference_pair():
    restored = geometry.gcj02_to_wgs84(shapely.Point(REFERENCE_GCJ02))
    assert metres_between(restored.coords[0], REFERENCE_WGS84) < TWO_METRES


def test_gcj02_round_trip_is_exact_to_centimetres():
    point = shapely.Point(121.4737, 31.2304)
    back = geometry.gcj02_to_wgs84(geometry.wgs84_to_gcj02(point))
    assert metres_between(back.coords[0], point.coords[0]) < 0.05


def test_gcj02_shift_in_shanghai_is_hundreds_of_metres():
    point = shapely.Point(121.4737, 31.2304)
    shift = metres_between(geometry.wgs84_to_gcj02(point).coords[0], point.coords[0])
    assert 300 < shift < 700


def test_bd09_converts_to_wgs84():
    # BD-09 adds a further offset of about 1 km on top of GCJ-02 in Shanghai.
    import prcoords

    bd = prcoords.wgs_bd(prcoords.Coords(31.2304, 121.4737))
    back = geometry.bd09_to_wgs84(shapely.Point(bd.lon, bd.lat))
    assert metres_between(back.coords[0], (121.4737, 31.2304)) < 0.05


def test_geodesic_disc_has_the_requested_area():
    disc = geometry.geodesic_disc(121.5, 31.2, 25_000_000)
    assert geometry.geodesic_area_m2(disc) == pytest.approx(25_000_000, rel=0.01)


def test_geodesic_area_of_a_known_square():
    # 0.01° × 0.01° at 31.2° N ≈ 1,113 m × 952 m.
    area = geometry.geodesic_area_m2(geometry.parse_geometry(square_from(121.45, 31.2)))
    assert area == pytest.approx(1_060_000, rel=0.01)


def test_share_within():
    outer = geometry.parse_geometry(square_from(121.4, 31.2, 0.02))
    assert geometry.share_within(geometry.parse_geometry(square_from(121.405, 31.205)), outer) == pytest.approx(1.0)
    half_out = geometry.parse_geometry(square_from(121.415, 31.205))
    assert geometry.share_within(half_out, outer) == pytest.approx(0.5)


def test_to_geojson_follows_rfc7946_right_hand_rule_and_rounds():
    clockwise = shapely.Polygon([(121.4, 31.2), (121.4, 31.21), (121.41, 31.21), (121.41, 31.2)])
    result = geometry.to_geojson(clockwise, precision=5)
    assert shapely.Polygon(result["coordinates"][0]).exterior.is_ccw
    nine_digits = shapely.Point(121.123456789, 31.123456789)
    assert geometry.to_geojson(nine_digits, precision=6)["coordinates"] == [121.123457, 31.123457]


def test_a_remembered_label_point_follows_the_outline_it_was_found_for():
    outline = square_from(121.40, 31.20, size=0.05)
    first = geometry.label_point_of(outline)
    assert first.equals(geometry.label_point(geometry.parse_geometry(outline)))
    moved = square_from(121.50, 31.30, size=0.05)
    assert geometry.label_point_of(moved).equals(geometry.label_point(geometry.parse_geometry(moved)))
    assert not geometry.label_point_of(moved).equals(first)
    # The same outline read again (another dict with the same coordinates) is recognised, not recomputed.
    assert geometry.label_point_of(json.loads(json.dumps(outline))) is first
