"""The suite's own story: a page opened the one way the stories open pages records every problem a visitor's
browser would meet (and nothing for a request the page itself cancelled), so a story cannot pass over one."""

import pytest

from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser


def test_should_catch_what_goes_wrong_in_the_browser(browser, live_server, layout_data):
    visit = open_page(browser, live_server.url)
    page = visit.page
    try:
        page.goto(f"{live_server.url}/en/no-such-page/")
        assert visit.take_problems() == {
            "failed requests": [f"{live_server.url}/en/no-such-page/: 404"],
            "console errors": ["Failed to load resource: the server responded with a status of 404 (Not Found)"],
        }
        assert visit.problems() == {}

        # A request the page cancels (as a navigation cancels the favicon) is no failure.
        page.evaluate(
            """async () => { const control = new AbortController();
                             const asked = fetch('/en/', { signal: control.signal }).catch(() => null);
                             control.abort(); await asked; }"""
        )
        # A request to another host: the page's policy refuses a fetch (a console error says so), and an
        # image from a tile host the policy allows is stopped by the story's own rule.
        with page.expect_console_message(lambda message: message.text.startswith("CSP violation: connect-src")):
            page.evaluate("() => fetch('http://tiles.example.org/1/2/3.png').catch(() => null)")
        problems = visit.take_problems()
        assert list(problems) == ["console errors"]
        assert any(error.startswith("CSP violation: connect-src") for error in problems["console errors"])
        page.goto(f"{live_server.url}/en/")
        page.wait_for_selector("[data-ready=true]", state="attached")
        with page.expect_event("requestfailed"):
            page.evaluate("() => { new Image().src = 'https://tile.openstreetmap.org/1/2/3.png'; }")
        page.evaluate("() => console.error('broken')")
        with page.expect_event("pageerror"):
            page.evaluate("() => { setTimeout(() => { throw new Error('thrown'); }); }")
        assert visit.problems() == {
            "console errors": ["Failed to load resource: net::ERR_FAILED", "broken", "thrown"],
            "requests to another host": ["https://tile.openstreetmap.org/1/2/3.png"],
        }
    finally:
        page.context.close()
