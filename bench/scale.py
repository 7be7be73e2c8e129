"""What pages cost uncached at 14 and at 1,400 clusters (x100, synthetic copies): `.venv/bin/python bench/scale.py`.

`measure_scale()` returns the numbers for another harness (make bench); `main()` prints them. Targets
(issue #8): a cluster page and a two-cluster comparison at 1,400 within 2x of their time at 14.
"cold": the answer cache empty (first request after a change); "uncached": the answer not cached yet,
the parts many answers share (layout.answer_cache.shared) built already."""

import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DJANGO_SETTINGS_MODULE" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'scale.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "layout.settings"

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from layout.models import Cluster  # noqa: E402
from tests.scaled_layout import multiply_layout  # noqa: E402

REPEAT = 7
CLUSTER = "jiading-intelligent-connected-new-energy-vehicles"
COMPARED = "xuhui-artificial-intelligence"


def pages():
    return {
        "cluster page": f"/en/clusters/{CLUSTER}/",
        "2-cluster comparison": f"/en/compare/?clusters={CLUSTER},{COMPARED}",
        "map page": "/zh-hans/",
        "map clusters (GeoJSON)": "/zh-hans/map/clusters.geojson",
        "embed": "/embed/?lang=en",
    }


def uncached(client, url, cold, repeat=REPEAT):
    """Median build time of `url` not in the answer cache, and its body. Cold: the cache is empty (the
    first request after a change); else only this answer is missing (an address not asked for before:
    parts many pages share, such as the comparison form's list, are built already)."""
    times = []
    for n in range(repeat):
        if cold:
            caches["default"].clear()
        address = url if cold else f"{url}{'&' if '?' in url else '?'}bench={time.perf_counter_ns()}-{n}"
        start = time.perf_counter()
        response = client.get(address)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), response.content


def measure(client):
    results = {}
    for name, url in pages().items():
        cold, body = uncached(client, url, cold=True)
        page, _body = uncached(client, url, cold=False)
        results[name] = {
            "ms": cold * 1000,
            "page_ms": page * 1000,
            "bytes": len(body),
            "gzip_bytes": len(gzip.compress(body)),
        }
    return results


def measure_scale(factor=100, prepare=True):
    """{clusters: {page: {ms, bytes, gzip_bytes}}} at the loaded layout and at `factor` times it."""
    if prepare:
        call_command("migrate", verbosity=0)
        call_command("load_layout", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    results = {Cluster.objects.count(): measure(client)}
    multiply_layout(factor)
    results[Cluster.objects.count()] = measure(client)
    return results


def main():
    results = measure_scale()
    (small, small_results), (large, large_results) = sorted(results.items())
    print(f"{'median of ' + str(REPEAT):34} {small:>9} clusters {large:>9} clusters   ratio")
    for name in pages():
        a, b = small_results[name], large_results[name]
        for key, how in (("ms", "cold"), ("page_ms", "uncached")):
            label = f"{name}, {how}"
            print(f"{label:34} {a[key]:9.1f} ms {b[key]:15.1f} ms {b[key] / a[key]:6.1f}x")
    for name in ("map page", "map clusters (GeoJSON)"):
        a, b = small_results[name], large_results[name]
        print(
            f"{name + ' size':28} {a['bytes'] / 1024:9.1f} KB {b['bytes'] / 1024:15.1f} KB"
            f"   (gzip {a['gzip_bytes'] / 1024:.1f} KB → {b['gzip_bytes'] / 1024:.1f} KB)"
        )


if __name__ == "__main__":
    main()
