"""At a hundred times the data (1,400 synthetic clusters, copies made here), pages ask the database as many
questions as at 14, and a page about one or two clusters reads only those."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layout.models import Cluster
from tests.scaled_layout import multiply_layout

JIADING = "jiading-intelligent-connected-new-energy-vehicles"
XUHUI = "xuhui-artificial-intelligence"
ONE_CLUSTER = f"/en/clusters/{JIADING}/"
TWO_CLUSTERS = f"/en/compare/?clusters={JIADING},{XUHUI}"
URLS = [
    ONE_CLUSTER,
    TWO_CLUSTERS,
    # At 1,400 clusters the comparison's form finds clusters instead of listing them all.
    f"{TWO_CLUSTERS}&find=Jiading",
    "/zh-hans/",
    "/zh-hans/map/clusters.geojson",
    "/en/scenarios/",
    "/en/projects/",
    "/api/v1/clusters.geojson",
]


def queries(client, url):
    caches["default"].clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def clusters_read(monkeypatch):
    """How many cluster records the code under test loads from the database."""
    count = {"n": 0}
    from_db = Cluster.from_db.__func__

    def counting(cls, db, field_names, values):
        count["n"] += 1
        return from_db(cls, db, field_names, values)

    monkeypatch.setattr(Cluster, "from_db", classmethod(counting))
    return count


def test_query_counts_stay_constant_at_a_hundred_times_the_clusters(client, layout_data, django_assert_max_num_queries):
    at_14 = {url: queries(client, url) for url in URLS}
    assert multiply_layout(100) == 1400
    for url in URLS:
        caches["default"].clear()
        with django_assert_max_num_queries(at_14[url], info=url):
            assert client.get(url).status_code == 200


def test_a_page_about_one_or_two_clusters_reads_only_those(client, layout_data, clusters_read):
    multiply_layout(100)
    for url, most in ((ONE_CLUSTER, 1), (TWO_CLUSTERS, 2)):
        caches["default"].clear()
        client.get(url)  # the form's list of every cluster is built once per data version, by the first
        clusters_read["n"] = 0
        assert client.get(url + "&again=1" if "?" in url else url + "?again=1").status_code == 200
        assert clusters_read["n"] <= most, url
