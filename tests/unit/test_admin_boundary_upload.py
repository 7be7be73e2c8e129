"""An official reads a boundary file in the cluster form: it is shown for checking, saved only on Save."""

import json
import re
from html import unescape

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile

from layout import geometry
from layout.models import Cluster, District
from tests.unit.boundary_files import write
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    cluster_in,
    errors_shown,
    inside,
    pass_second_factor,
    post_change_form,
    same_shape,
    shown_in_form,
)


def upload(client, obj, path, datum="wgs84", **changes):
    file = SimpleUploadedFile(path.name, path.read_bytes())
    return post_change_form(client, obj, **changes, boundary_datum=datum, boundary_file=file)


def boundary_in_form(response):
    return json.loads(shown_in_form(response, "boundary"))


@pytest.mark.parametrize("kind", ["geojson", "kml", "gpkg", "shapefile"])
def test_uploaded_file_is_previewed_on_the_map_and_saved_only_on_save(officials, tmp_path, kind):
    cluster = cluster_in(JIADING)
    square = shapely.geometry.shape(inside(JIADING))
    client = officials["admin"]
    preview = upload(client, cluster, write(tmp_path, kind, [square]), boundary_method="From the surveyor's file.")
    assert preview.status_code == 200
    html = unescape(preview.content.decode())
    assert "It is NOT saved yet: check it on the map, then press Save." in html
    assert "errornote" not in html  # a preview, not an error
    assert same_shape(boundary_in_form(preview), inside(JIADING), tolerance=1e-8)
    assert Cluster.objects.get(pk=cluster.pk).boundary == cluster.boundary  # nothing saved yet

    # The official checks it and presses Save: the form as re-rendered is what is sent.
    data = change_form_data(preview)
    saved = client.post(change_url(cluster), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert same_shape(Cluster.objects.get(pk=cluster.pk).boundary, inside(JIADING), tolerance=1e-8)
    assert Cluster.objects.get(pk=cluster.pk).boundary_method == "From the surveyor's file."


def test_amap_file_with_gcj02_chosen_is_shifted_to_wgs84(officials, tmp_path):
    cluster = cluster_in(JIADING)
    square = shapely.geometry.shape(inside(JIADING))
    amap = geometry.wgs84_to_gcj02(square)
    preview = upload(officials["admin"], cluster, write(tmp_path, "geojson", [amap]), datum="gcj02")
    assert "shifted from GCJ-02 to WGS-84" in unescape(preview.content.decode())
    assert same_shape(boundary_in_form(preview), inside(JIADING), tolerance=1e-7)


def errors_of_file_row(response):
    html = unescape(response.content.decode())
    match = re.search(r'<div class="form-row[^"]*field-boundary_file.*?</ul>', html, re.S)
    assert match, "no error shown next to the file"
    return match.group(0)


def test_failed_upload_shows_the_reason_and_saves_nothing_not_even_other_fields(officials, tmp_path):
    cluster = cluster_in(JIADING)
    xuhui = shapely.geometry.shape(inside(XUHUI))
    response = upload(officials["admin"], cluster, write(tmp_path, "gpkg", [xuhui]), name_en="Renamed meanwhile")
    assert response.status_code == 200
    assert "Only 0% of this boundary lies in" in errors_of_file_row(response)
    assert "errornote" in response.content.decode()
    after = Cluster.objects.get(pk=cluster.pk)
    assert (after.boundary, after.name_en, after.version) == (cluster.boundary, cluster.name_en, cluster.version)


@pytest.mark.parametrize(
    "content, name, expected",
    [
        (b"", "empty.geojson", "is empty"),
        (b"<kml>broken", "broken.kml", "cannot be read as KML"),
        (b'{"type": "FeatureCollection", "features": []}', "none.geojson", "holds no shape"),
    ],
)
def test_unreadable_and_empty_files_are_refused_in_the_form(officials, content, name, expected):
    cluster = cluster_in(JIADING)
    data = change_form_data(officials["admin"].get(change_url(cluster)))
    data["boundary_file"] = SimpleUploadedFile(name, content)
    response = officials["admin"].post(change_url(cluster), data)
    assert expected in errors_of_file_row(response)
    assert Cluster.objects.get(pk=cluster.pk).version == cluster.version


def test_district_boundary_can_be_read_from_a_file_too(officials, tmp_path):
    district = District.objects.get(adcode=XUHUI)
    shape = shapely.geometry.shape(district.boundary)
    preview = upload(officials["admin"], district, write(tmp_path, "geojson", [shape]))
    assert "NOT saved yet" in unescape(preview.content.decode())
    assert same_shape(boundary_in_form(preview), district.boundary, tolerance=1e-8)


def test_geometry_errors_are_in_chinese_on_chinese_admin_pages(officials):
    from django.test import Client

    admin = officials["users"]["admin"]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(admin)
    pass_second_factor(client, admin)
    cluster = cluster_in(JIADING)
    square = inside(JIADING)["coordinates"][0]
    bowtie = {"type": "Polygon", "coordinates": [[square[0], square[2], square[1], square[3], square[0]]]}
    data = change_form_data(client.get(change_url(cluster)))
    data["boundary"] = json.dumps(bowtie)
    response = client.post(change_url(cluster), data)
    errors = " ".join(errors_shown(response, "boundary"))
    assert "边界在" in errors and "附近自相交" in errors
    assert "lon, lat = " in errors  # the place the admin map marks
    assert "crosses itself" not in errors
