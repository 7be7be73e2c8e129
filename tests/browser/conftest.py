"""Browser fixtures: one headless Debian chromium per session, a page that records what went wrong."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.browser.policy import REPORT_VIOLATIONS

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium phones home at start, which this
# offline machine refuses noisily.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def layout_data(transactional_db):
    """The 2025 layout, committed so that the live server's thread sees it."""
    call_command("load_layout", verbosity=0)


@dataclass
class Visit:
    """A browser page on the live server, with everything that went wrong while it was open."""

    page: object
    base_url: str
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    foreign_requests: list = field(default_factory=list)

    def goto(self, path):
        self.page.goto(self.base_url + path)
        # The map scripts mark their container once every layer is drawn.
        self.page.wait_for_selector("[data-ready=true]", state="attached", timeout=10_000)

    def assert_clean(self):
        assert self.console_errors == [], "console errors"
        assert self.failed_requests == [], "failed requests"
        assert self.foreign_requests == [], "requests to another host"


@pytest.fixture
def visit(browser, live_server, layout_data):
    live_host = urlsplit(live_server.url).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    # A Content-Security-Policy violation is a console error, so assert_clean() fails on it.
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    record = Visit(page=page, base_url=live_server.url)

    def route(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != live_host:
            record.foreign_requests.append(url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", route)
    page.on("console", lambda message: message.type == "error" and record.console_errors.append(message.text))
    page.on("pageerror", lambda error: record.console_errors.append(str(error)))
    page.on(
        "requestfailed",
        lambda request: (
            urlsplit(request.url).netloc == live_host
            and record.failed_requests.append(f"{request.url}: {request.failure}")
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and record.failed_requests.append(f"{response.url}: HTTP {response.status}")
        ),
    )
    yield record
    context.close()
