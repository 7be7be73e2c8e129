"""Time the test suite as `make test` runs it: `.venv/bin/python bench/suite.py [--issue-13] [--workers N]`.

Prints the wall time, pytest's own time and the whole machine's busy CPU seconds while it ran (chromium's
renderers included, which a parent's `time` does not always see): run it on a quiet machine.
--issue-13 runs only the 477 tests of the day issue #13 measured the suite (210–220 s in pytest, 2 cores),
by the names they have today (bench/issue-13-tests.txt: 475 ids: two of them were folded into tests that already existed)."""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISSUE_13_TESTS = ROOT / "bench" / "issue-13-tests.txt"


def busy_cpu_seconds():
    """CPU seconds the whole machine spent not idle since boot."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--issue-13", action="store_true", help="only the tests of the day issue #13 was filed")
    parser.add_argument("--workers", default=os.environ.get("TEST_WORKERS", "2"))
    options = parser.parse_args()
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        options.workers,
        "--dist",
        "loadgroup",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    if options.issue_13:
        command.append(f"@{ISSUE_13_TESTS}")
    subprocess.run([sys.executable, "manage.py", "compile_catalogues"], cwd=ROOT, check=True, capture_output=True)
    started, cpu = time.monotonic(), busy_cpu_seconds()
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.monotonic() - started, busy_cpu_seconds() - cpu
    summary = run.stdout.strip().rsplit("\n", 1)[-1]
    print(summary)
    in_pytest = re.search(r" in ([\d.]+)s", summary)
    print(f"wall {wall:.0f} s, pytest {in_pytest.group(1) if in_pytest else '?'} s, machine CPU {cpu:.0f} s")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
