"""Boundary files as officials receive them, written for real with geopandas and read back into WGS-84."""

import http.server
import tempfile
import threading
import zipfile

import geopandas
import prcoords
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile

from layout import boundary_files, geometry
from layout.boundary_files import BD09, GCJ02, WGS84, BoundaryFileError, read_boundary, read_shape
from layout.models import District
from tests.unit.boundary_files import write
from tests.unit.conftest import JIADING, REFERENCE_GCJ02, REFERENCE_WGS84, XUHUI, inside, metres_between

# The messages are matched in English (the site's default language is Chinese).
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def jiading(layout_data):
    return District.objects.get(adcode=JIADING)


@pytest.fixture
def square(jiading):
    return shapely.geometry.shape(inside(JIADING))


FORMATS = ["geojson", "kml", "gpkg", "shapefile"]


@pytest.mark.parametrize("kind", FORMATS)
def test_each_format_is_read_into_the_same_wgs84_boundary(tmp_path, kind, jiading, square):
    boundary = read_boundary(write(tmp_path, kind, [square]), district=jiading)
    assert boundary.geojson["type"] == "Polygon"
    read = shapely.geometry.shape(boundary.geojson)
    assert read.symmetric_difference(square).area / square.area < 1e-4
    assert shapely.Polygon(boundary.geojson["coordinates"][0]).exterior.is_ccw  # RFC 7946 winding
    assert boundary.area_m2 == pytest.approx(geometry.geodesic_area_m2(square), rel=1e-3)


def test_a_shapefile_in_a_projected_crs_is_reprojected_to_wgs84(tmp_path, jiading, square):
    utm = geopandas.GeoSeries([square], crs=4326).to_crs(32651).iloc[0]  # UTM zone 51N, metres
    boundary = read_boundary(write(tmp_path, "shapefile", [utm], crs=32651), district=jiading)
    assert "UTM zone 51N" in boundary.source_crs
    assert shapely.geometry.shape(boundary.geojson).symmetric_difference(square).area / square.area < 1e-4


def test_a_multipolygon_is_kept_as_one_boundary(tmp_path, jiading, square):
    parts = shapely.MultiPolygon([square, shapely.affinity.translate(square, 0.015, 0)])
    boundary = read_boundary(write(tmp_path, "gpkg", [parts]), district=jiading)
    assert boundary.geojson["type"] == "MultiPolygon" and len(boundary.geojson["coordinates"]) == 2


def test_gcj02_reference_pair_from_anchors_is_converted_to_wgs84(tmp_path):
    lon, lat = REFERENCE_GCJ02
    # A small square whose first corner is the published GCJ-02 point (in Hangzhou, outside Shanghai:
    # read_shape converts without the Shanghai checks).
    amap_square = shapely.Polygon([(lon, lat), (lon + 0.001, lat), (lon + 0.001, lat + 0.001), (lon, lat + 0.001)])
    shape, _crs = read_shape(write(tmp_path, "geojson", [amap_square]), datum=GCJ02)
    corners = shapely.get_coordinates(shape)
    nearest = min(corners, key=lambda c: metres_between(c, REFERENCE_WGS84))
    assert metres_between(nearest, REFERENCE_WGS84) < 2


def test_amap_coordinates_line_up_only_when_gcj02_is_chosen(tmp_path, jiading, square):
    amap = geometry.wgs84_to_gcj02(square)  # as AMap's drawing tool exports it
    path = write(tmp_path, "kml", [amap])
    converted = shapely.geometry.shape(read_boundary(path, datum=GCJ02, district=jiading).geojson)
    assert converted.symmetric_difference(square).area / square.area < 1e-3
    as_is = shapely.geometry.shape(read_boundary(path, datum=WGS84, district=jiading).geojson)
    offset = metres_between(as_is.centroid.coords[0], square.centroid.coords[0])
    assert 300 < offset < 800  # the ~500 m shift an official would otherwise get


def test_baidu_coordinates_are_converted_from_bd09(tmp_path, jiading, square):
    def to_bd09(coords):
        return [(c.lon, c.lat) for c in (prcoords.wgs_bd(prcoords.Coords(y, x)) for x, y in coords)]

    baidu = shapely.transform(square, lambda a: to_bd09(a))
    boundary = read_boundary(write(tmp_path, "geojson", [baidu]), datum=BD09, district=jiading)
    assert shapely.geometry.shape(boundary.geojson).symmetric_difference(square).area / square.area < 1e-3
    assert "BD-09" in boundary.summary()


def error_of(path, **kwargs):
    with pytest.raises(BoundaryFileError) as caught:
        read_boundary(path, **kwargs)
    return caught.value.message


def test_self_intersection_says_where(tmp_path, jiading, square):
    (x0, y0, x1, y1) = square.bounds
    bow_tie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    message = error_of(write(tmp_path, "geojson", [bow_tie]), district=jiading)
    centre = ((x0 + x1) / 2, (y0 + y1) / 2)
    assert "crosses itself near" in message and f"{centre[1]:.5f}° N, {centre[0]:.5f}° E" in message


def test_wrong_geometry_type_is_refused(tmp_path, jiading, square):
    line = shapely.LineString(square.exterior.coords)
    assert "holds a LineString" in error_of(write(tmp_path, "gpkg", [line]), district=jiading)


def test_outside_shanghai_is_refused(tmp_path, jiading):
    beijing = shapely.box(116.38, 39.90, 116.40, 39.92)
    assert "outside Shanghai" in error_of(write(tmp_path, "geojson", [beijing]), district=jiading)


def test_not_in_the_clusters_district_is_refused(tmp_path, jiading):
    xuhui = shapely.geometry.shape(inside(XUHUI))
    message = error_of(write(tmp_path, "shapefile", [xuhui]), district=jiading)
    assert f"Only 0% of this boundary lies in {jiading}" in message


def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "boundary.kml"
    path.write_text("this is not KML", encoding="utf-8")
    assert "cannot be read as KML" in error_of(path)
    archive = tmp_path / "boundary.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("readme.txt", "no shapefile here")
    assert "boundary.zip" in error_of(archive)


def test_empty_file_and_file_without_shapes_are_refused(tmp_path):
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    assert "is empty" in error_of(empty)
    no_features = tmp_path / "none.geojson"
    no_features.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert "holds no shape" in error_of(no_features)


def test_several_features_where_one_is_expected_are_refused(tmp_path, jiading, square):
    other = shapely.affinity.translate(square, 0.02, 0)
    message = error_of(write(tmp_path, "kml", [square, other], names=["园区北", "园区南"]), district=jiading)
    assert "holds 2 shapes (园区北, 园区南) where one boundary is expected" in message


def test_a_file_of_another_kind_is_refused_with_the_kinds_read(tmp_path):
    path = tmp_path / "boundary.dwg"
    path.write_bytes(b"AC1032")
    assert "GeoJSON (.geojson), KML (.kml), GeoPackage (.gpkg)" in error_of(path)


# The boundary upload reads only the bytes sent: no other file of the server, no request anywhere.


@pytest.fixture
def server_file(tmp_path, square):
    """A file on the server that an upload must never reach: a valid boundary, so reading it would 'work'."""
    folder = tmp_path / "server"
    folder.mkdir()
    return write(folder, "geojson", [square], stem="secret")


@pytest.fixture
def listening():
    """A local HTTP server recording every request made to it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def vrt(source):
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="secret"><SrcDataSource>{source}</SrcDataSource>'
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


def zipped(tmp_path, members, name="boundary.zip"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return path


def network_link(href):
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<NetworkLink><name>boundary</name><Link><href>{href}</href></Link></NetworkLink></Document></kml>"
    )


def test_a_zipped_vrt_reading_a_server_file_is_refused(tmp_path, jiading, server_file):
    message = error_of(zipped(tmp_path, {"boundary.vrt": vrt(server_file)}), district=jiading)
    assert "“boundary.vrt”" in message and ".shp, .shx, .dbf, .prj" in message
    renamed = tmp_path / "boundary.geojson"
    renamed.write_text(vrt(server_file), encoding="utf-8")
    assert "not JSON" in error_of(renamed, district=jiading)


def test_a_kml_network_link_to_a_server_file_is_refused(tmp_path, jiading, server_file):
    path = tmp_path / "boundary.kml"
    path.write_text(network_link(server_file), encoding="utf-8")
    assert "refers to other files or addresses (Link, NetworkLink)" in error_of(path, district=jiading)


@pytest.mark.parametrize("member", ["../boundary.shp", "/etc/boundary.shp", "C:/boundary.shp"])
def test_a_zip_member_outside_the_zip_is_refused(tmp_path, member):
    assert "a path outside the zip" in error_of(zipped(tmp_path, {member: "x"}))


def test_no_upload_makes_gdal_request_anything(tmp_path, jiading, listening):
    address, hits = listening
    uploads = {
        "vrt.zip": zipped(tmp_path, {"boundary.vrt": vrt(f"/vsicurl/{address}/secret.geojson")}, "vrt.zip"),
        "boundary.kml": tmp_path / "boundary.kml",
        "url.geojson": tmp_path / "url.geojson",
    }
    uploads["boundary.kml"].write_text(network_link(f"{address}/secret.kml"), encoding="utf-8")
    uploads["url.geojson"].write_text(f"{address}/secret.geojson", encoding="utf-8")
    for path in uploads.values():
        with pytest.raises(BoundaryFileError):
            read_boundary(path, district=jiading)
    # And GDAL itself is offline, should anything reach it with an address.
    with pytest.raises(Exception):  # noqa: B017 GDAL's error types differ by version
        boundary_files._pyogrio().list_layers(f"/vsicurl/{address}/secret.geojson")
    assert hits == []


def test_a_file_gdal_cannot_read_is_refused_without_the_servers_paths(tmp_path):
    broken = {".shp": b"\x00\x00\x27\x0a" + b"\x00" * 20, ".shx": b"", ".dbf": b""}
    upload = SimpleUploadedFile("boundary.zip", zipped(tmp_path, {f"b{s}": d for s, d in broken.items()}).read_bytes())
    message = _upload_error(upload)
    assert "cannot be read as zipped Shapefile" in message
    assert tempfile.gettempdir() not in message and "/tmp" not in message
    kml = SimpleUploadedFile("boundary.kml", b"<kml><Document><Placemark><Polygon>broken")
    assert "/tmp" not in _upload_error(kml)


def _upload_error(upload):
    with pytest.raises(BoundaryFileError) as error:
        boundary_files.read_uploaded(upload)
    return error.value.message
