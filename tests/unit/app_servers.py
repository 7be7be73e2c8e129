"""Real app servers for tests: gunicorn processes as `make serve` runs them, and a plain HTTP browser for them."""

import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

TEST_SECRET_KEY = "test-only-key-shared-by-every-app-server-of-one-test-0123456789abcdef"


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def process_environment(**env):
    """This process's environment for a server or command of the project's own, less what only the browser
    stories' thread needs (DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses)."""
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**inherited, **env}


def server_environment(**env):
    """The environment of an app server: a fixed shared key; DEBUG on so that static files come from the
    finders (collecting them, as `make serve` does, takes half a minute; nothing else differs)."""
    # These servers measure concurrency and sharing, signing officials in by password many times a minute; an
    # authenticator code works once per 30 s, and the second factor has its own tests (test_second_factor.py).
    defaults = {"DJANGO_DEBUG": "true", "DJANGO_SECRET_KEY": TEST_SECRET_KEY, "LAYOUT_SECOND_FACTOR_ROLES": ""}
    return process_environment(**{**defaults, **env})


def start_gunicorn(env, workers=2, threads=1, timeout=90):
    """Start gunicorn (`make serve`'s server) on a free loopback port; return once it answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    log = Path(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "layout.wsgi",
        f"--bind=fd://{listener.fileno()}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--preload",
        "--graceful-timeout=5",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            pass_fds=[listener.fileno()],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    server = AppServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(server.url + "/api/v1/", timeout=5) as response:
                if response.status == 200:
                    return server
        except urllib.error.HTTPError:
            # An answer, even a 404 (no edition published yet in a database another test emptied): it serves.
            return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{log.read_text()}")
        time.sleep(0.1)  # polling for the state "answers", not waiting for a time


def prepare_sqlite_site(directory, officials, template):
    """A SQLite database file with the 2025 layout (a copy of `template`: the sqlite_site_template fixture) and
    superusers {username: password}; its DATABASE_URL."""
    database = Path(directory) / "db.sqlite3"
    shutil.copyfile(template, database)
    database_url = f"sqlite:///{database}"
    if not officials:
        return database_url
    script = (
        "import django, sys; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        f"for name, password in {officials!r}.items():\n"
        "    get_user_model().objects.create_superuser(name, name + '@example.org', password)\n"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=server_environment(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="layout.settings"),
        check=True,
        timeout=300,
    )
    return database_url


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after a save is an answer to check, not to follow


class Browser:
    """Cookies and forms over plain HTTP, as a browser would; answers 4xx/5xx instead of raising."""

    def __init__(self, base_url, language="en"):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects)
        self.opener.addheaders = [("Accept-Language", language)]

    def request(self, path, data=None):
        body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode(errors="replace"))

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, data)

    def sign_in(self, username, password):
        form = form_fields(self.get("/admin/login/").text, "login-form")
        return self.post("/admin/login/?next=/admin/", {**form, "username": username, "password": password})

    def session_cookie(self):
        return next((cookie.value for cookie in self.cookies if cookie.name == "sessionid"), None)


class _FormReader(HTMLParser):
    """The fields a browser would submit from one form: text, hidden, checked boxes, selected options."""

    def __init__(self, form_id, action):
        super().__init__(convert_charrefs=True)
        self.form_id, self.action, self.inside, self.fields = form_id, action, False, []
        self.select = self.textarea = None
        self.select_options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id if self.action is None else attrs.get("action") == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self.select, self.select_options = (name, "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.select_options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            # The HTML parser keeps the newline a browser drops right after <textarea>.
            name, text = self.textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select" and self.select:
            (name, multiple), options = self.select, self.select_options
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self.fields += [(name, value) for value in chosen]
            self.select = None


def form_fields(html, form_id=None, action=None):
    """{name: value or [values]} of the form with this id (or, for a form without one, this action), as a browser
    would post it."""
    reader = _FormReader(form_id, action)
    reader.feed(html)
    fields = {}
    for name, value in reader.fields:
        if name in fields:
            fields[name] = [*fields[name], value] if isinstance(fields[name], list) else [fields[name], value]
        else:
            fields[name] = value
    return fields
