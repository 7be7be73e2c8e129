"""Draw static/layout/preview.png, the picture a shared link shows (OpenGraph), from the loaded layout."""

import math
from pathlib import Path
from xml.sax.saxutils import escape

import shapely
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from layout import formats, geojson, pages
from layout.models import HeadlineFigure

OUTPUT = Path(settings.BASE_DIR) / "static" / pages.PREVIEW_IMAGE
CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = pages.PREVIEW_SIZE
MAP_BOX = (600, 20, 580, 590)  # left, top, width, height of the map in the picture
COS_LAT = math.cos(math.radians(31.2))  # Shanghai's latitude: keeps shapes unsquashed


def projector(bounds):
    """(lon, lat) → picture pixels, fitting bounds into MAP_BOX with Shanghai's aspect kept."""
    min_lon, min_lat, max_lon, max_lat = bounds
    left, top, width, height = MAP_BOX
    scale = min(width / ((max_lon - min_lon) * COS_LAT), height / (max_lat - min_lat))
    x0 = left + (width - (max_lon - min_lon) * COS_LAT * scale) / 2
    y0 = top + (height - (max_lat - min_lat) * scale) / 2

    def project(lon, lat):
        return x0 + (lon - min_lon) * COS_LAT * scale, y0 + (max_lat - lat) * scale

    return project


def svg_path(shape, project):
    rings = []
    for polygon in getattr(shape, "geoms", [shape]):
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [project(lon, lat) for lon, lat in ring.coords]
            rings.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(rings)


def preview_svg():
    districts = [f for f in geojson.district_feature_collection()["features"] if f["geometry"]]
    clusters = geojson.cluster_feature_collection()["features"]
    if not districts:
        raise CommandError("No district boundaries: run `manage.py load_layout` first.")
    shapes = [shapely.geometry.shape(f["geometry"]) for f in districts]
    project = projector(shapely.union_all(shapes).bounds)
    by_adcode = {f["id"]: shape for f, shape in zip(districts, shapes, strict=True)}
    parts = [
        f'<path d="{svg_path(shape, project)}" fill="#f4f1ea" stroke="#7b8794" stroke-width="1.2"/>' for shape in shapes
    ]
    for feature in clusters:
        colour = pages.safe_colour((feature["properties"]["primary_chain"] or {}).get("colour"))
        if feature["geometry"]:
            shape = shapely.geometry.shape(feature["geometry"])
            parts.append(
                f'<path d="{svg_path(shape, project)}" fill="{colour}" fill-opacity="0.75" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        else:
            # Location not published: the district, hatched, as on the map.
            shape = by_adcode[feature["properties"]["district"]["adcode"]]
            parts.append(
                f'<path d="{svg_path(shape, project)}" fill="url(#hatch)" stroke="{colour}" '
                f'stroke-width="1.5" stroke-dasharray="5 4"/>'
            )
    lines = []
    for figure in HeadlineFigure.objects.order_by("order")[:4]:
        lines.append(
            (
                formats.format_headline(figure, "zh-hans"),
                figure.label_zh,
                formats.format_headline(figure, "en"),
                figure.label_en,
            )
        )
    text = []
    y = 250
    for zh_value, zh_label, en_value, en_label in lines:
        text.append(
            f'<text x="60" y="{y}" font-size="34" font-weight="700" fill="#1d4e89">{escape(zh_value)}'
            f'<tspan font-size="22" font-weight="400" fill="#1f2933" dx="14">{escape(zh_label)}</tspan></text>'
        )
        text.append(
            f'<text x="60" y="{y + 28}" font-size="18" fill="#52606d">{escape(en_value)} · {escape(en_label)}</text>'
        )
        y += 82
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}"
  font-family="'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'PingFang SC', sans-serif">
  <defs><pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
    <rect width="3" height="8" fill="#52606d" fill-opacity="0.45"/></pattern></defs>
  <rect width="{WIDTH}" height="{HEIGHT}" fill="#dbe7ef"/>
  <rect width="580" height="{HEIGHT}" fill="#ffffff"/>
  <text x="60" y="105" font-size="44" font-weight="700" fill="#1f2933">上海2025重点产业布局</text>
  <text x="60" y="150" font-size="26" fill="#52606d">Shanghai 2025 key industry layout</text>
  <rect x="60" y="180" width="80" height="5" fill="#1d4e89"/>
  {"".join(text)}
  <text x="60" y="590" font-size="16" fill="#52606d">集聚区范围为示意，非官方边界；斜线：区内位置未公布</text>
  <text x="60" y="612" font-size="14" fill="#52606d">Indicative areas, not official boundaries; hatched: location not published</text>
  {"".join(parts)}
</svg>"""


class Command(BaseCommand):
    help = (
        "Draw the OpenGraph preview image (static/layout/preview.png) from the loaded layout, with Debian's chromium."
    )

    def handle(self, *args, **options):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise CommandError("Playwright is needed: pip install -r requirements-dev.txt") from exc
        if not CHROMIUM.exists():
            raise CommandError(f"{CHROMIUM} is missing: apt-get install chromium")
        with translation.override("zh-hans"):
            svg = preview_svg()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.set_content(f'<body style="margin:0">{svg}</body>')
            page.screenshot(path=str(OUTPUT), clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
            browser.close()
        self.stdout.write(f"Wrote {OUTPUT.relative_to(settings.BASE_DIR)} ({OUTPUT.stat().st_size // 1024} KB).")
