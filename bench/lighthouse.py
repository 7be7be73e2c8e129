"""Lighthouse scores of the map page and a cluster page as `make serve` serves them: `make lighthouse`.

Serves the project's database (set up by `make setup`) with gunicorn on loopback (LIGHTHOUSE_HOST, default a
free port), runs the `lighthouse` npm package (bench/lighthouse/) in Debian's chromium (CHROME_PATH) with its
default mobile profile, and prints the four category scores and the top opportunities of each page, in Chinese
and in English. The full reports stay in a temporary folder, named at the end."""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import ROOT, free_address, start_gunicorn, stop  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 95
# Each page in both languages: the Chinese pages carry other text, and fonts, than the English ones.
LANGUAGES = ["zh-hans", "en"]
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"


def a_cluster_slug(base):
    with urllib.request.urlopen(f"{base}/api/v1/clusters.geojson", timeout=60) as response:
        return json.load(response)["features"][0]["properties"]["slug"]


def audit(url, report_path):
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report_path}", "--quiet"]
    command += [f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}"]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # Lighthouse sometimes loses the trace of a load on a busy machine (NO_NAVSTART): one more try.
    if subprocess.run(command, env=env, timeout=300).returncode != 0:
        subprocess.run(command, env=env, check=True, timeout=300)
    return json.loads(Path(report_path).read_text())


def saving(audit_result):
    """What fixing an audit would save, as Lighthouse estimates it (ms of FCP + LCP + TBT)."""
    savings = audit_result.get("metricSavings") or {}
    return sum(savings.get(metric) or 0 for metric in ("FCP", "LCP", "TBT"))


def summary(path, report):
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    line = "  ".join(
        f"{name} {score}{'' if score >= TARGET else ' (<' + str(TARGET) + ')'}" for name, score in scores.items()
    )
    audits = report["audits"]
    metrics = ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift"]
    print(f"\n{path}\n  {line}\n  " + ", ".join(f"{audits[m]['title']} {audits[m]['displayValue']}" for m in metrics))
    opportunities = sorted(
        (a for a in audits.values() if (a.get("score") is not None and a["score"] < 0.9) and saving(a) > 0),
        key=saving,
        reverse=True,
    )
    for item in opportunities[:5]:
        print(f"  opportunity: {item['title']} (FCP+LCP+TBT ~{saving(item):.0f} ms) {item.get('displayValue', '')}")
    failed = [a for a in audits.values() if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0]
    for item in failed[:8]:
        print(f"  failed: {item['title']}")
    return scores


def main():
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse is missing: cd bench/lighthouse && npm install (`make lighthouse` does).")
    address = free_address("LIGHTHOUSE_HOST")
    base = f"http://{address}"
    env = {**os.environ, "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "false")}
    work = Path(tempfile.mkdtemp(prefix="layout-lighthouse-"))
    server = start_gunicorn(address, env, work / "gunicorn.log", workers=int(os.environ.get("WEB_CONCURRENCY", "2")))
    try:
        below = []
        slug = a_cluster_slug(base)
        paths = [f"/{language}/{page}" for language in LANGUAGES for page in ("", f"clusters/{slug}/")]
        for number, path in enumerate(paths, 1):
            # As visitors get it: built once per data version, then from the cache (layout.answer_cache).
            # Each gunicorn worker has its own local-memory cache unless CACHE_URL says otherwise.
            for _ in range(4):
                urllib.request.urlopen(base + path, timeout=120).close()
            scores = summary(path, audit(base + path, work / f"report-{number}.json"))
            below += [f"{path} {name} {score}" for name, score in scores.items() if score < TARGET]
    finally:
        stop(server)
    print(f"\nReports (report-1.json … in the order above): {work}")
    print(f"Target ≥{TARGET} in each category: " + ("met" if not below else "NOT met: " + "; ".join(below)))


if __name__ == "__main__":
    main()
