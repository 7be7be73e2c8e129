"""Rebuild geodata/cluster_boundaries.geojson: indicative discs around the sourced anchors, clipped to districts."""

import json
import math
from pathlib import Path

import shapely
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from layout import geometry

CLUSTERS = Path(settings.BASE_DIR) / "seeds" / "clusters.json"
SOURCES = Path(settings.BASE_DIR) / "seeds" / "sources.json"
DISTRICTS = Path(settings.BASE_DIR) / "geodata" / "districts.geojson"
OUTPUT = Path(settings.BASE_DIR) / "geodata" / "cluster_boundaries.geojson"

# Used only for an anchored cluster whose seed gives no extent: small enough that nobody
# mistakes it for a surveyed area. Every anchored cluster of the 2025 seeds has an extent.
DEFAULT_EXTENT_KM2 = 1.0
DISC_SEGMENTS = 64
PRECISION = 5  # as the districts: about 1 m
# How a reader would cite a source of anchors, in English and Chinese (else its title).
CITED_AS = {"anchors-wikipedia": ("Wikipedia", "维基百科")}


def disc_of_area(lon, lat, area_m2):
    """A geodesic disc whose polygon, not its circumscribed circle, has the given area."""
    # A regular n-gon inscribed in a circle covers n/(2π)·sin(2π/n) of it (0.9984 for n = 64).
    inscribed_share = DISC_SEGMENTS / (2 * math.pi) * math.sin(2 * math.pi / DISC_SEGMENTS)
    return geometry.geodesic_disc(lon, lat, area_m2 / inscribed_share, segments=DISC_SEGMENTS)


def format_km2(value):
    return f"{value:g} km²"


def format_km2_zh(value):
    return f"{value:g}平方公里"


def boundary_method(cluster, extent_km2, extent_is_default, district, source):
    """How the indicative area was drawn, in plain words for readers: (English, Chinese)."""
    cited_en, cited_zh = CITED_AS.get(source["key"], (source["title"], source["title"]))
    anchor_en = cluster["anchor_description"].rstrip(".")
    anchor_zh = (cluster.get("anchor_description_zh") or anchor_en).rstrip("。")
    if extent_is_default:
        size_en = f"{format_km2(extent_km2)} (no size is published, so a small one is used)"
        size_zh = f"{format_km2_zh(extent_km2)}（未公布面积，故取较小的默认值）"
    else:
        size_en = f"{format_km2(extent_km2)} (the published size)"
        size_zh = f"{format_km2_zh(extent_km2)}（公开资料所载面积）"
    english = (
        f"An indication, not an official boundary: a circle of {size_en} centred on {anchor_en}, "
        f"kept within {district['name_en']}. Centre and size from {cited_en}."
    )
    chinese = (
        f"示意范围，并非官方边界：以{anchor_zh}为中心、面积{size_zh}的圆形区域，限于{district['name_zh']}内。"
        f"中心位置和面积来自{cited_zh}。"
    )
    return english, chinese


def build_cluster_collection(clusters, districts, sources):
    """FeatureCollection of indicative cluster boundaries; clusters without an anchor get none."""
    features = []
    for cluster in clusters:
        slug = cluster.get("slug", f"#{cluster.get('number')}")
        anchor = cluster.get("anchor")
        if not anchor:
            continue  # no sourced point: the map says so rather than drawing an invented area
        district = districts.get(cluster.get("district"))
        if district is None:
            raise CommandError(f"Cluster {slug}: district {cluster.get('district')!r} is not in {DISTRICTS.name}.")
        try:
            point = geometry.validate_geojson(anchor, geometry.POINT)
        except geometry.GeometryError as exc:
            raise CommandError(f"Cluster {slug}: anchor: {exc.message}") from exc
        district_shape = district["shape"]
        if not district_shape.contains(point):
            raise CommandError(
                f"Cluster {slug}: its anchor {geometry.describe_point(point.x, point.y)} lies outside "
                f"{district['name_en']} ({cluster['district']}). Fix the anchor or set it to null; "
                f"never move it by guess."
            )
        extent_km2 = cluster.get("indicative_extent_km2")
        extent_is_default = extent_km2 is None
        if extent_is_default:
            extent_km2 = DEFAULT_EXTENT_KM2
        if not (isinstance(extent_km2, (int, float)) and extent_km2 > 0):
            raise CommandError(f"Cluster {slug}: indicative_extent_km2 must be a positive number, not {extent_km2!r}.")
        disc = disc_of_area(point.x, point.y, extent_km2 * 1_000_000)
        clipped = shapely.intersection(disc, district_shape)
        result = geometry.to_geojson(clipped, PRECISION)
        try:
            rounded = geometry.validate_geojson(result)
        except geometry.GeometryError as exc:
            raise CommandError(f"Cluster {slug}: the clipped boundary is not valid: {exc.message}") from exc
        if not rounded.contains(point):
            raise CommandError(
                f"Cluster {slug}: after clipping to {district['name_en']}, the boundary no longer contains its anchor."
            )
        share = geometry.share_within(rounded, district_shape)
        if share < geometry.MIN_SHARE_IN_DISTRICT:
            raise CommandError(f"Cluster {slug}: only {share:.1%} of the boundary lies in {district['name_en']}.")
        source = sources.get(cluster.get("anchor_source"))
        if source is None:
            raise CommandError(
                f"Cluster {slug}: anchor_source {cluster.get('anchor_source')!r} is not in {SOURCES.name}."
            )
        method_en, method_zh = boundary_method(cluster, extent_km2, extent_is_default, district, source)
        features.append(
            {
                "type": "Feature",
                "id": cluster["slug"],
                "properties": {
                    "slug": cluster["slug"],
                    "number": cluster["number"],
                    "extent_km2": extent_km2,
                    "boundary_method": method_en,
                    "boundary_method_zh": method_zh,
                },
                "geometry": result,
            }
        )
    return {"type": "FeatureCollection", "name": "shanghai_cluster_boundaries_indicative", "features": features}


def read_json(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc


def load_inputs(clusters_path=CLUSTERS, districts_path=DISTRICTS, sources_path=SOURCES):
    clusters = read_json(clusters_path)["clusters"]
    districts = {
        f["properties"]["adcode"]: {
            "name_en": f["properties"]["name_en"],
            "name_zh": f["properties"]["name_zh"],
            "shape": geometry.parse_geometry(f["geometry"]),
        }
        for f in read_json(districts_path)["features"]
    }
    sources = {s["key"]: s for s in read_json(sources_path)["sources"]}
    return clusters, districts, sources


def dumps(collection):
    """One feature per line: the file is reviewable in a diff and identical on every rebuild."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    head = f'{{"type":"FeatureCollection","name":{json.dumps(collection["name"])},"features":[\n'
    return head + ",\n".join(lines) + "\n]}\n"


class Command(BaseCommand):
    help = (
        "Rebuild geodata/cluster_boundaries.geojson from the anchors and extents in seeds/clusters.json "
        "and the districts in geodata/districts.geojson. Clusters without an anchor get no boundary."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(OUTPUT), help="Where to write (default: %(default)s)")

    def handle(self, *args, **options):
        collection = build_cluster_collection(*load_inputs())
        output = Path(options["output"])
        output.write_text(dumps(collection), encoding="utf-8")
        self.stdout.write(
            f"Wrote {len(collection['features'])} indicative cluster boundaries, "
            f"{output.stat().st_size:,} bytes, to {output}"
        )
