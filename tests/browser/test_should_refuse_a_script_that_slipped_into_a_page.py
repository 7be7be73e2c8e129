"""Defence in depth: were markup ever to slip into a page, the Content-Security-Policy would refuse its script."""

import pytest

from tests.browser.map_page import map_address

pytestmark = pytest.mark.browser

SLIP_IN = """(markup) => { const box = document.createElement("div"); box.innerHTML = markup; document.body.append(box);
  const script = document.createElement("script"); script.textContent = "window.ranInline = true;";
  document.body.append(script); }"""


def test_should_refuse_a_script_that_slipped_into_a_page(visit):
    visit.goto(map_address("en"))
    with (
        visit.page.expect_console_message(lambda message: "CSP violation: script-src-attr" in message.text),
        visit.page.expect_console_message(lambda message: "CSP violation: script-src-elem" in message.text),
    ):
        visit.page.evaluate(SLIP_IN, "<img src='data:,' onerror='window.ranHandler = true'>")
    assert visit.page.evaluate("() => [window.ranInline, window.ranHandler]") == [None, None]
    # The story's own record has them: any browser story with a violation fails at its end.
    problems = visit.take_problems()
    assert any("CSP violation" in error for error in problems["console errors"])
