"""Any value in any query parameter of a public page, the embed or oEmbed is answered, never with a 5xx."""

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.models import Cluster

# What the pages read from their address (the API is covered by schemathesis in test_openapi.py).
MAP = ["chain", "category", "district", "cluster", "compare", "projects", "basemap", "view", "preview", "lang"]
EMBED = [*MAP, "controls", "legend", "parentOrigin"]
PAGES = {
    "/en/": MAP,
    "/zh-hans/": MAP,
    "/en/clusters/{slug}/": ["basemap", "lang"],
    "/en/scenarios/": ["lang"],
    "/en/projects/": ["lang"],
    "/en/compare/": ["clusters"],
    "/en/2025/changes/": ["preview", "lang"],
    "/downloads/": ["lang"],
    "/embed/": EMBED,
    "/embed/clusters/{slug}/": EMBED,
    "/oembed/": ["url", "format", "maxwidth", "maxheight"],
}
# Any text a URL can carry (no lone surrogates: they are not characters a browser can send).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["http://[", "http://%5B", "²", "9" * 5000, "-1", "0", "1", "/en/", "http://testserver/en/", "https://*.x"]
)


def requests():
    """(address, query): a page and arbitrary values for some of its parameters, one given twice at times."""
    return st.sampled_from(sorted(PAGES)).flatmap(
        lambda path: st.tuples(
            st.just(path),
            st.dictionaries(st.sampled_from(PAGES[path]), TEXT | st.lists(TEXT, min_size=2, max_size=2), max_size=4),
        )
    )


def test_no_query_value_makes_a_public_page_fail(layout_data):
    client = Client()
    slug = Cluster.objects.published().first().slug

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(requests())
    def answers(request):
        path, query = request
        address = path.format(slug=slug)
        response = client.get(address, query)
        # oEmbed's answer to a format it does not serve (xml): 501, as its specification says.
        other_format = path == "/oembed/" and query.get("format") not in (None, "", "json")
        assert response.status_code < 500 or (other_format and response.status_code == 501), (address, query)

    answers()
