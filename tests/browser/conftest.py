"""Browser fixtures: one Debian chromium per session, and the one way to open a page on it, which fails the story
on any console error, page error, failed request or request to another host."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.policy import REPORT_VIOLATIONS
from tests.conftest import SEEDS

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# HEADED=1 shows the browser (on a desktop, or under xvfb-run); HEADED=500 also slows each step by 500 ms.
HEADED = os.environ.get("HEADED", "")
# Debian's chromium when a story is watched; otherwise Debian's build of the same chromium as the old headless
# shell (the one Playwright itself runs headless): same Blink and V8 without the desktop browser around them,
# it takes half the CPU time per page (a new context and a map page: 0.8 s instead of 2 s), which is most of
# what the browser stories cost.
CHROMIUM = Path("/usr/bin/chromium" if HEADED else "/usr/bin/chromium-headless-shell")
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
# What a laptop visitor's browser is, unless a story says otherwise. Motion is reduced so that what a story
# measures (colours, positions) is the final state, not a frame of a fade or a slide.
DEFAULT_CONTEXT = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB", "reduced_motion": "reduce"}
# Chromium cancels what a page still loads (its favicon, a superseded fetch) when it navigates away or
# the script aborts it: nothing went wrong on the server.
ABORTED = "net::ERR_ABORTED"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's {CHROMIUM.name} (apt-get install {CHROMIUM.name}).")
    from playwright.sync_api import sync_playwright

    slow_mo = int(HEADED) if HEADED.isdigit() and int(HEADED) > 1 else 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=not HEADED, slow_mo=slow_mo, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def layout_data(transactional_db):
    """The 2025 layout, committed so that the live server's thread sees it (written again after each flush)."""
    SEEDS.ensure_present()


@dataclass
class Visit:
    """A browser page of its own context (own cookies), with everything that went wrong while it was open."""

    page: object
    base_url: str
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    foreign_requests: list = field(default_factory=list)
    allowed_origins: set = field(default_factory=set)
    stop_foreign_requests: object = None  # (re)routes the requests to origins not allowed (open_page)

    def goto(self, path):
        self.page.goto(self.base_url + path)
        # The map scripts mark their container once every layer is drawn.
        self.page.wait_for_selector("[data-ready=true]", state="attached", timeout=10_000)

    def allow(self, origin):
        """Let the page reach another origin the story itself serves (a portal embedding the map, say)."""
        self.allowed_origins.add(urlsplit(origin).netloc)
        if self.stop_foreign_requests:
            self.stop_foreign_requests()

    def problems(self):
        return {
            name: found
            for name, found in (
                ("console errors", self.console_errors),
                ("failed requests", self.failed_requests),
                ("requests to another host", self.foreign_requests),
            )
            if found
        }

    def assert_clean(self):
        assert self.problems() == {}

    def take_problems(self):
        """The problems recorded so far, forgotten: a story that provokes one on purpose (a tile server down)
        asserts what it got, and the page is clean again for the rest of the story."""
        found = {name: list(recorded) for name, recorded in self.problems().items()}
        for recorded in (self.console_errors, self.failed_requests, self.foreign_requests):
            recorded.clear()
        return found


def open_page(browser, base_url, **context_options):
    """A page in a new browser context that may reach only base_url's host (or, for base_url None, only
    file: and data: addresses), recording console errors, page errors, failed and foreign requests."""
    context = browser.new_context(**(DEFAULT_CONTEXT | context_options))
    # A Content-Security-Policy violation becomes a console error, so the story fails on it.
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    visit = Visit(page=page, base_url=base_url or "")

    def ours(url):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss"):
            return parts.netloc in visit.allowed_origins
        return bool(base_url) or parts.scheme in ("file", "data", "blob", "about")

    def refuse(route):
        visit.foreign_requests.append(route.request.url)
        route.abort()

    def stop_foreign_requests():
        """Route only what goes to an origin not allowed: Playwright then leaves every request of our own to the
        browser, instead of handing each to this process and back (7 % of a map page's time)."""
        context.unroute_all()
        allowed = "|".join(re.escape(origin) for origin in sorted(visit.allowed_origins))
        others = rf"(?!(?:{allowed})(?:[/?#]|$))" if allowed else ""
        context.route(re.compile(rf"^(?:https?|wss?)://{others}"), refuse)
        if not base_url:
            # A page opened from a file may read files and data: addresses, and nothing else.
            context.route(re.compile(r"^(?!(?:https?|wss?|file|data|blob|about):)"), refuse)

    visit.stop_foreign_requests = stop_foreign_requests
    if base_url:
        visit.allow(base_url)
    else:
        stop_foreign_requests()

    def request_failed(request):
        if ours(request.url) and request.failure != ABORTED:
            visit.failed_requests.append(f"{request.url}: {request.failure}")

    page.on("console", lambda message: message.type == "error" and visit.console_errors.append(message.text))
    page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
    page.on("requestfailed", request_failed)
    page.on(
        "response",
        lambda response: response.status >= 400 and visit.failed_requests.append(f"{response.url}: {response.status}"),
    )
    return visit


@pytest.fixture
def open_visit(browser, live_server, layout_data):
    """open_visit(**context_options) -> Visit: a page on the live server, in its own browser context
    (Playwright's new_context options override DEFAULT_CONTEXT; base_url=None for file: pages). Every page
    opened is closed before the live server stops, and the story fails if any of them met a problem."""
    visits = []

    def opener(base_url=live_server.url, **context_options):
        visits.append(open_page(browser, base_url, **context_options))
        return visits[-1]

    yield opener
    for visit in visits:
        visit.page.context.close()
    problems = [visit.problems() for visit in visits if visit.problems()]
    assert problems == [], "the browser met problems while the story ran"


@pytest.fixture
def visit(open_visit):
    """A laptop visitor's page on the live server (see open_visit)."""
    return open_visit()


# The password of the officials the stories make (official_who_signs_in).
PASSWORD = "a-long-enough-password"


def official_who_signs_in(django_user_model, username, role, district=None):
    """An official in the role (editing `district` when given) whom a story signs in through the admin's pages
    (sign_in): the password PASSWORD, the second factor already set up."""
    from layout.roles import ensure_roles
    from tests.conftest import make_official
    from tests.unit.conftest import authenticator

    ensure_roles()
    official = make_official(django_user_model, username, role, district, password=PASSWORD)
    authenticator(official)
    return official


def sign_in(page, base_url, username, next_path):
    """Sign an official in through the admin's form and the second factor (the code their authenticator app
    shows: tests.unit.conftest.authenticator), ending on `next_path`."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from tests.unit.conftest import authenticator, current_code

    page.goto(f"{base_url}{reverse('admin:login')}?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#second-factor-form")
    official = get_user_model().objects.get(username=username)
    page.fill("#id_token", current_code(authenticator(official)))
    page.click("#second-factor-form input[type=submit]")
    page.wait_for_url(f"**{next_path}")
