"""Measure serving as `make serve` serves: `make bench` (or .venv/bin/python bench/run.py).

1. requests/s of gunicorn on loopback under many concurrent connections (wrk), for the public answers, each as
   a ratio to a static file of similar size served by WhiteNoise (measured just before and just after it);
2. a cached page with its visit counted and with counting off (LAYOUT_COUNT_VISITS=false);
3. the uncached build time of a cluster page and of a two-cluster comparison at 14 clusters and at 1,400
   (synthetic clusters in a throwaway database).

Everything runs on a throwaway SQLite database; the project's own database is never touched. Settings:
BENCH_HOST (default a free loopback port), BENCH_SECONDS per URL (default 5), BENCH_CONNECTIONS (default 32),
WEB_CONCURRENCY (gunicorn workers, default 2), CACHE_URL (default local memory, per worker)."""

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="layout-bench-"))
os.environ.update(
    DATABASE_URL=f"sqlite:///{WORK / 'bench.sqlite3'}",
    DJANGO_SETTINGS_MODULE="layout.settings",
    DJANGO_DEBUG="false",
    DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
    DJANGO_STATIC_ROOT=str(WORK / "static"),
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.server import free_address, start_gunicorn, stop  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "2"))
ACCEPT = "gzip, br"
# (what, target ratio to the static file): the targets.
API_TARGET, PAGE_TARGET = 0.5, 0.25
SYNTHETIC_CLUSTERS = 1_400
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')
IMPORT = re.compile(r'from\s*"(\./[^"]+\.js)"')


def fetch(url, compressed=True):
    """Status, headers and body as sent (compressed when `compressed`: what travels, not what it reads as)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT} if compressed else {})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, response.headers, response.read()


def wrk(url, idle_probe, seconds=SECONDS, headers=()):
    """Requests/s, and answers that were not 2xx/3xx or never came, of wrk at CONNECTIONS connections."""
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "-H",
        f"Accept-Encoding: {ACCEPT}",
        *(part for header in headers for part in ("-H", header)),
        "--timeout",
        "10s",
    ]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    # gunicorn's sync workers still answer the requests wrk left queued when it stopped: wait until they are
    # done (a request through the same queue answers), so that they do not slow the next measurement.
    fetch(idle_probe)
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))
    failed = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", output)
    return rate, (int(failed.group(1)) if failed else 0) + (int(timeouts.group(1)) if timeouts else 0)


def sent_size(path):
    """Bytes WhiteNoise sends for a collected file to a client accepting ACCEPT: its Brotli copy, else its gzip
    copy, else the file (it keeps a compressed copy only when that is smaller)."""
    for suffix in (".br", ".gz"):
        copy = path.with_name(path.name + suffix)
        if copy.exists():
            return copy.stat().st_size
    return path.stat().st_size


def similar_static_file(size):
    """The collected, hashed static file (script, style or the released district GeoJSON) that travels in the
    number of bytes nearest `size`, and its URL."""
    candidates = []
    for path in Path(settings.STATIC_ROOT).rglob("*"):
        name = path.relative_to(settings.STATIC_ROOT).as_posix()
        if re.search(r"^(layout|leaflet)/.*\.[0-9a-f]{12}\.(js|css|geojson)$", name):
            candidates.append((abs(sent_size(path) - size), name))
    return min(candidates)[1]


def page_weight(base, path):
    """Bytes sent for a page and every same-host asset it names (ES modules' imports included), compressed.
    What its scripts fetch afterwards (API answers) is not counted."""
    total = len(fetch(base + path)[2])
    html = fetch(base + path, compressed=False)[2].decode(errors="replace")
    queue, seen = list(ASSET.findall(html)), set()
    while queue:
        asset = queue.pop()
        if asset in seen:
            continue
        seen.add(asset)
        total += len(fetch(base + asset)[2])
        if asset.endswith(".js"):
            source = fetch(base + asset, compressed=False)[2].decode(errors="replace")
            folder = asset.rsplit("/", 1)[0]
            queue += [f"{folder}/{name[2:]}" for name in IMPORT.findall(source)]
    return total, len(seen)


def serving(base, cluster_slug):
    """Part 1: requests/s of each answer as a ratio to a static file of similar size."""
    targets = [
        ("/api/v1/clusters.geojson", API_TARGET),
        ("/api/v1/districts.geojson", API_TARGET),
        ("/zh-hans/", PAGE_TARGET),
        (f"/zh-hans/clusters/{cluster_slug}/", PAGE_TARGET),
        ("/embed/", PAGE_TARGET),
        ("/downloads/layout.geojson", API_TARGET),
    ]
    sizes = {}
    for path, _target in targets:
        status, headers, body = fetch(base + path)
        sizes[path] = (status, len(body), headers.get("Content-Encoding") or "identity")
    # Each answer against the static file nearest its own size (the "a static file of similar size"):
    # sending 24 KB costs more than sending 5 KB, whoever sends it.
    references = {path: "/static/" + similar_static_file(sizes[path][1]) for path, _target in targets}
    print(f"\n{WORKERS} gunicorn workers, wrk: {CONNECTIONS} connections, {SECONDS} s per address, '{ACCEPT}'")
    print(f"{'address':58} {'sent':>10} {'req/s':>9} {'ratio':>6} {'target':>7}")
    results = []
    # Warm-up, not measured: a fresh gunicorn worker's first second is slower than the rest, whatever it serves.
    for path, _target in targets:
        wrk(base + path, base + references[path], seconds=1)
    # Each answer between two runs of its static file (static, answer, static: the next answer of the same file
    # reuses the run after), its ratio taken to their mean, so that a load that rises or falls during the
    # measurement falls on both sides alike.
    static_files = list(dict.fromkeys(references.values()))
    ordered = sorted(targets, key=lambda target: static_files.index(references[target[0]]))
    after = None
    for path, target in ordered:
        static = references[path]
        if after is None or after[0] != static:
            _status, static_headers, static_body = fetch(base + static)
            before_rate, static_errors = wrk(base + static, base + static)
            print(
                f"{static + ' (static)':58} {len(static_body):7} B {before_rate:9.1f} {'':>6} {'':>7}"
                f"  {static_headers.get('Content-Encoding') or 'identity'}"
                + (f"  {static_errors} failed!" if static_errors else "")
            )
        else:
            before_rate = after[1]
        status, size, encoding = sizes[path]
        rate, errors = wrk(base + path, base + static)
        after_rate, static_errors = wrk(base + static, base + static)
        after = (static, after_rate)
        ratio = rate / statistics.mean([before_rate, after_rate])
        results.append((path, ratio, target))
        mark = "ok" if ratio >= target else "BELOW"
        extra = f"  {encoding}" + (f"  {errors} failed or timed out!" if errors or status != 200 else "")
        print(f"  {path:56} {size:7} B {rate:9.1f} {ratio:6.2f} {'≥' + str(target):>7} {mark}{extra}")
        print(
            f"  {'(static again)':56} {'':9} {after_rate:9.1f}"
            + (f"  {static_errors} failed!" if static_errors else "")
        )
    weight, assets = page_weight(base, "/zh-hans/")
    print(f"{'page weight of /zh-hans/ as sent (HTML + ' + str(assets) + ' assets)':58} {weight / 1024:7.1f} KB")
    return results


# A browser's User-Agent: wrk sends none, and a request without one is not counted (layout.visits).
BROWSER = (
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
)


def counting(address, cluster_slug):
    """Part 2: a cached cluster page, as a browser asks for it, with the visit counted (layout.visits) and with
    counting switched off (LAYOUT_COUNT_VISITS=false), each on a gunicorn of its own."""
    path = f"/zh-hans/clusters/{cluster_slug}/"
    rates = {"counted": [], "not counted": []}
    # Twice each, alternating, so that a change in the machine's load does not fall on one side only.
    for label, switch in (("not counted", "false"), ("counted", "true")) * 2:
        server = start_gunicorn(address, {**os.environ, "LAYOUT_COUNT_VISITS": switch}, WORK / "count.log", WORKERS)
        try:
            base = f"http://{address}"
            fetch(base + path)  # built once, then answered from the cache
            rate, errors = wrk(base + path, base + path, headers=[BROWSER])
            rates[label].append(rate)
        finally:
            stop(server)
        if errors:
            print(f"{path} ({label}): {errors} failed or timed out!")
    print(f"\nCounting visits: a cached cluster page with a browser's User-Agent, {WORKERS} workers")
    for label, found in rates.items():
        runs = ", ".join(f"{rate:.1f}" for rate in found)
        print(f"{path + ' (' + label + ')':58} {statistics.mean(found):9.1f} req/s (runs: {runs})")
    ratio = statistics.mean(rates["counted"]) / statistics.mean(rates["not counted"])
    print(f"{'counted / not counted':58} {ratio:9.2f}")
    counting_in_process(path)
    return ratio


def counting_in_process(path, rounds=10, batch=100):
    """The same page through Django's handler in this process, counted and not, in alternating batches (robust
    to a machine whose load changes between two gunicorn runs): the time counting adds to one answer."""
    from django.test import override_settings

    client = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT=BROWSER.split(": ", 1)[1])
    client.get(path)
    times = {True: [], False: []}
    for _ in range(rounds):
        for switch in (False, True):
            with override_settings(LAYOUT_COUNT_VISITS=switch):
                start = time.perf_counter()
                for _ in range(batch):
                    client.get(path)
                times[switch].append((time.perf_counter() - start) / batch)
    counted, plain = statistics.median(times[True]), statistics.median(times[False])
    print(
        f"{'in process, median of ' + str(rounds) + ' batches of ' + str(batch):58} "
        f"{plain * 1e6:7.0f} µs not counted, {counted * 1e6:7.0f} µs counted ({(counted - plain) * 1e6:+.0f} µs, "
        f"{counted / plain:.2f}×)"
    )


def build_time(client, path, repeat=3):
    """Median time to build an answer with the cache emptied before each request (uncached)."""
    client.get(path)  # templates compiled, libraries loaded: not what is measured
    times = []
    for _ in range(repeat):
        cache.clear()
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def add_synthetic_clusters(total):
    """Copies of the published clusters (same districts, chains, sources and shapes) up to `total` clusters."""
    from django.db import transaction

    from layout.models import Cluster

    originals = list(Cluster.objects.filter(is_published=True).prefetch_related("other_chains", "sources"))
    next_number = max(Cluster.objects.values_list("number", flat=True)) + 1
    copies, links = [], []
    for index in range(total - Cluster.objects.count()):
        original = originals[index % len(originals)]
        copy = Cluster.objects.get(pk=original.pk)
        copy.pk = copy.id = None
        copy.slug = f"synthetic-{index}-{original.slug}"[:50]
        copy.number = next_number + index
        copy.name_en = f"{original.name_en} (synthetic {index})"
        copy.name_zh = f"{original.name_zh}（合成{index}）"
        copies.append(copy)
        links.append(original)
    with transaction.atomic():
        created = Cluster.objects.bulk_create(copies, batch_size=200)
        for copy, original in zip(created, links, strict=True):
            copy.other_chains.set(original.other_chains.all())
            copy.sources.set(original.sources.all())
    return Cluster.objects.count()


def build_times():
    """Part 3: uncached build time of a page about one cluster and of a two-cluster comparison, at ×1 and ×100."""
    from layout.models import Cluster

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    first, second = Cluster.objects.filter(is_published=True).order_by("number")[:2]
    pages = {
        "a cluster page": f"/en/clusters/{first.slug}/",
        "a two-cluster comparison": f"/en/compare/?clusters={first.slug},{second.slug}",
        "the map page (for information)": "/en/",
    }
    small_count = Cluster.objects.count()
    small = {name: build_time(client, path) for name, path in pages.items()}
    large_count = add_synthetic_clusters(SYNTHETIC_CLUSTERS)
    # The map page at ×100 takes seconds: once is enough to read it.
    large = {name: build_time(client, path, repeat=1 if "map" in name else 3) for name, path in pages.items()}
    print("\nUncached build time (cache emptied before each request), median of 3 (the map page at ×100: 1):")
    print(f"{'what':34} {str(small_count) + ' clusters':>13} {str(large_count) + ' clusters':>15} {'ratio':>7} target")
    for name in pages:
        ratio = large[name] / small[name]
        target = "" if "information" in name else ("≤2 ok" if ratio <= 2 else "≤2 ABOVE")
        print(f"{name:34} {small[name] * 1000:10.1f} ms {large[name] * 1000:12.1f} ms {ratio:7.1f} {target}")


def main(parts=("serving", "counting", "build")):
    started = time.monotonic()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (`make bench` installs it).")
    print(f"Throwaway database and setup in {WORK} …")
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_layout", verbosity=0)
    from layout.models import Cluster

    slug = Cluster.objects.filter(is_published=True).order_by("number").first().slug
    address = free_address("BENCH_HOST")
    if "serving" in parts:
        server = start_gunicorn(address, os.environ.copy(), WORK / "gunicorn.log", WORKERS)
        try:
            serving(f"http://{address}", slug)
        finally:
            stop(server)
    if "counting" in parts:
        counting(address, slug)
    if "build" in parts:
        build_times()
    load = os.getloadavg()
    print(f"\n{time.monotonic() - started:.0f} s in all; load average {load[0]:.1f} on {os.cpu_count()} CPUs.")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    # `bench/run.py counting` (or serving, build) measures only those parts.
    main(sys.argv[1:] or ("serving", "counting", "build"))
