"""Measure what a visitor downloads and how fast the API answers: `make bench` (or .venv/bin/python bench/run.py)."""

import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layout.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

REPEAT = 30
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')
IMPORT = re.compile(r'from\s+"\./([^"]+\.js)"')


def kb(n):
    return f"{n / 1024:7.1f} KB"


def measure(client, url, repeat=REPEAT, **headers):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append(time.perf_counter() - start)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body, statistics.median(times)


def main():
    call_command("migrate", verbosity=0)
    call_command("load_layout", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{'what':60} {'bytes':>10} {'gzip':>10} {'median':>9}")
    districts = (ROOT / "geodata" / "districts.geojson").read_bytes()
    print(f"{'geodata/districts.geojson':60} {kb(len(districts))} {kb(len(gzip.compress(districts)))}")
    for url in [
        "/zh-hans/",
        "/en/clusters/jiading-intelligent-connected-new-energy-vehicles/",
        "/embed/",
        "/api/v1/districts.geojson",
        "/api/v1/clusters.geojson",
        "/api/v1/clusters.geojson?datum=gcj02",
    ]:
        response, body, median = measure(client, url)
        if response.status_code != 200:
            print(f"{url:60} HTTP {response.status_code}")
            continue
        print(f"{url:60} {kb(len(body))} {kb(len(gzip.compress(body)))} {median * 1000:7.1f} ms")
    # The open-data API and downloads (downloads are built on request: fewer repeats).
    for url in [
        "/api/v1/scenarios.json",
        "/api/v1/projects.json",
        "/api/v1/chains.json",
        "/api/v1/headline.json",
        "/api/v1/openapi.json",
        "/api/v1/clusters.geojson?chain=artificial-intelligence&lang=en",
    ]:
        response, body, median = measure(client, url)
        print(f"{url:60} {kb(len(body))} {kb(len(gzip.compress(body)))} {median * 1000:7.1f} ms")
    etag = client.get("/api/v1/districts.geojson")["ETag"]
    response, _body, median = measure(client, "/api/v1/districts.geojson", HTTP_IF_NONE_MATCH=etag)
    print(
        f"{'/api/v1/districts.geojson, If-None-Match → ' + str(response.status_code):60} {'':21} {median * 1000:7.1f} ms"
    )
    for name in ["layout.gpkg", "layout.geojson", "layout.kml", "layout-csv.zip", "layout-map.html"]:
        url = f"/downloads/{name}"
        response, body, median = measure(client, url, repeat=3)
        print(f"{url:60} {kb(len(body))} {kb(len(gzip.compress(body)))} {median * 1000:7.1f} ms")
    _response, html, _median = measure(client, "/zh-hans/")
    total, total_gz = len(html), len(gzip.compress(html))
    # Every same-host asset the page loads, ES modules' own imports included.
    queue, seen = sorted(set(ASSET.findall(html.decode()))), set()
    while queue:
        asset = queue.pop()
        if asset in seen:
            continue
        seen.add(asset)
        response = client.get(asset)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        total += len(body)
        total_gz += len(gzip.compress(body))
        if asset.endswith(".js"):
            base = asset.rsplit("/", 1)[0]
            queue += [f"{base}/{name}" for name in IMPORT.findall(body.decode())]
    print(f"{'page weight of /zh-hans/ (HTML + every asset it loads)':60} {kb(total)} {kb(total_gz)}")


if __name__ == "__main__":
    main()
