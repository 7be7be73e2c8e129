"""geodata/cluster_boundaries.geojson: reproducible, inside the districts, sized as published, never invented."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from layout import geometry
from layout.management.commands import build_cluster_boundaries as build

COMMITTED = build.OUTPUT


def committed_features():
    return json.loads(COMMITTED.read_text(encoding="utf-8"))["features"]


def seed_clusters():
    return {c["slug"]: c for c in json.loads(build.CLUSTERS.read_text(encoding="utf-8"))["clusters"]}


def district_shapes():
    _clusters, districts, _sources = build.load_inputs()
    return districts


def test_rebuild_should_give_exactly_the_committed_file(tmp_path):
    output = tmp_path / "cluster_boundaries.geojson"
    call_command("build_cluster_boundaries", output=str(output), stdout=io.StringIO())
    assert output.read_bytes() == COMMITTED.read_bytes()


def test_each_boundary_should_lie_in_its_district_and_contain_its_anchor():
    clusters, districts = seed_clusters(), district_shapes()
    for feature in committed_features():
        cluster = clusters[feature["properties"]["slug"]]
        shape = geometry.validate_geojson(feature["geometry"])
        district = districts[cluster["district"]]["shape"]
        assert geometry.share_within(shape, district) >= geometry.MIN_SHARE_IN_DISTRICT, cluster["slug"]
        assert shape.contains(geometry.parse_geometry(cluster["anchor"], geometry.POINT)), cluster["slug"]


def test_area_should_equal_the_published_extent_where_the_disc_fits_in_the_district():
    clusters, districts = seed_clusters(), district_shapes()
    fitted = 0
    for feature in committed_features():
        cluster = clusters[feature["properties"]["slug"]]
        lon, lat = cluster["anchor"]["coordinates"]
        extent_m2 = cluster["indicative_extent_km2"] * 1_000_000
        disc = build.disc_of_area(lon, lat, extent_m2)
        area = geometry.geodesic_area_m2(geometry.parse_geometry(feature["geometry"]))
        if districts[cluster["district"]]["shape"].contains(disc):
            fitted += 1
            assert area == pytest.approx(extent_m2, rel=0.005), cluster["slug"]
        else:
            assert area < extent_m2, cluster["slug"]  # clipped by the district border or the water
    assert fitted >= 5  # Zhangjiang, Baoshan, Jiading, Songjiang, Qingpu, Fengxian fit


def test_clusters_without_an_anchor_should_get_no_boundary():
    clusters = seed_clusters()
    drawn = {f["properties"]["slug"] for f in committed_features()}
    anchored = {slug for slug, c in clusters.items() if c["anchor"]}
    assert drawn == anchored
    for number in (5, 6, 8, 10):  # Putuo, Hongkou, Minhang, Jinshan: no usable sourced point
        slug = next(s for s, c in clusters.items() if c["number"] == number)
        assert slug not in drawn


def test_each_boundary_should_say_it_is_indicative_and_how_it_was_drawn_in_both_languages():
    for feature in committed_features():
        method = feature["properties"]["boundary_method"]
        assert method.startswith("An indication, not an official boundary: a circle of")
        assert "centred on" in method and "Centre and size from Wikipedia." in method
        method_zh = feature["properties"]["boundary_method_zh"]
        assert method_zh.startswith("示意范围，并非官方边界") and "维基百科" in method_zh
        # Written for readers: no file names, mirrors or internal confidence words.
        for text in (method, method_zh):
            assert not any(word in text for word in ("ANCHORS.md", "mirror", "confidence", "zh-wiki"))


def test_should_fail_loudly_when_an_anchor_lies_outside_its_district():
    clusters, districts, sources = build.load_inputs()
    jinshan = next(c for c in clusters if c["number"] == 10)
    # ANCHORS.md's coarse Caojing point: on our district map it falls in Fengxian, not Jinshan.
    jinshan.update(
        anchor={"type": "Point", "coordinates": [121.43, 30.83]},
        anchor_source="anchors-wikipedia",
        anchor_description="Caojing town",
        indicative_extent_km2=1,
    )
    with pytest.raises(CommandError, match=r"jinshan-chemical-new-materials.*outside Jinshan"):
        build.build_cluster_collection(clusters, districts, sources)
