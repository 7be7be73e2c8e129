"""axe-core run inside a page: the copy of axe.min.js (MPL-2.0) that axe-playwright-python ships."""

from functools import cache
from importlib import resources

# What axe-core checks: WCAG 2.0/2.1 A and AA, and its own best practices (landmarks, headings).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def axe_source():
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page):
    """Every violation on the page as it is now: rule, impact and the first few elements, readable in
    an assertion message."""
    # Evaluated, not added as an inline <script> tag: the page's Content-Security-Policy refuses those.
    page.evaluate(axe_source())
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, { runOnly: { type: "tag", values: tags },
                                                     resultTypes: ["violations"] });
            return result.violations.map((v) => ({
                rule: v.id, impact: v.impact, help: v.help,
                elements: v.nodes.slice(0, 5).map((node) => node.target.join(" ")),
            }));
        }""",
        TAGS,
    )
    return violations
