"""Start and stop `make serve`'s server (gunicorn) on loopback for the measurements in bench/."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_address(variable):
    """The address in the environment variable `variable`, else a free loopback port."""
    if os.environ.get(variable):
        return os.environ[variable]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


def start_gunicorn(address, env, log_path, workers):
    """gunicorn on `address` with `env`; returns the process once it answers (exits the script if it cannot)."""
    host, port = address.rsplit(":", 1)
    with socket.socket() as probe:
        # Another server already there would answer in gunicorn's place and be measured instead.
        if probe.connect_ex((host.strip("[]"), int(port))) == 0:
            sys.exit(f"{address} is already in use by another server: choose another address.")
    command = [sys.executable, "-m", "gunicorn", "layout.wsgi", f"--bind={address}", f"--workers={workers}"]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited:\n{Path(log_path).read_text()}")
        try:
            with urllib.request.urlopen(f"http://{address}/api/v1/", timeout=30):
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit(f"gunicorn did not answer on {address} within 120 s:\n{Path(log_path).read_text()}")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
