"""Counters in the cache, flushed to DailyCount (layout.analytics): added, never lost or counted twice by a flush,
a cluster's count in its district, and a flood of made-up keys bounded."""

import pytest

from layout import analytics
from layout.models import Cluster, DailyCount
from tests.unit.counting import stored

pytestmark = pytest.mark.django_db


def test_counts_add_up_across_flushes(layout_data, counts):
    analytics.count("view", "map")
    analytics.count("view", "map")
    assert stored() == {("view", "map"): 2}
    analytics.count("view", "map")
    assert stored() == {("view", "map"): 3}
    assert analytics.flush() == 0  # nothing new: nothing written again
    assert DailyCount.objects.get(kind="view").count == 3


def test_an_enquiry_is_counted_for_its_cluster_and_district(layout_data, counts):
    cluster = Cluster.objects.filter(is_published=True).first()
    analytics.count("enquiry", cluster=cluster)
    analytics.count("enquiry", cluster=cluster.slug)
    assert stored() == {("enquiry", cluster.slug): 2}
    assert DailyCount.objects.get().district == cluster.district.adcode


def test_a_failed_write_gives_the_counts_back_for_the_next_flush(layout_data, counts, monkeypatch):
    analytics.count("view", "map")

    def broken(day, taken):
        raise RuntimeError("database away")

    monkeypatch.setattr(analytics, "_write", broken)
    with pytest.raises(RuntimeError):
        analytics.flush()
    monkeypatch.undo()
    assert stored() == {("view", "map"): 1}


def test_unknown_kinds_are_refused(counts):
    with pytest.raises(ValueError):
        analytics.count("visitor", "someone")


def test_past_the_days_limit_new_keys_are_not_counted(layout_data, counts, monkeypatch):
    monkeypatch.setattr(analytics, "MAX_KEYS_PER_DAY", 3)
    for text in ("a", "b", "c", "d", "e"):
        analytics.count("search_none", text)
    analytics.count("search_none", "a")
    assert stored() == {("search_none", "a"): 2, ("search_none", "b"): 1, ("search_none", "c"): 1}


def test_a_flush_is_due_only_every_few_seconds(layout_data, counts, monkeypatch, settings):
    settings.LAYOUT_COUNT_FLUSH_SECONDS = 3600
    monkeypatch.setattr(analytics, "_next_flush", 0.0)
    analytics.count("view", "map")
    analytics.flush_when_due()
    assert DailyCount.objects.get(kind="view").count == 1
    analytics.count("view", "map")
    analytics.flush_when_due()  # within the hour: stays in the cache
    assert DailyCount.objects.get(kind="view").count == 1


def test_the_flush_counts_command_writes_what_the_cache_holds(layout_data, counts):
    from io import StringIO

    from django.core.management import call_command

    analytics.count("download", "layout.gpkg", amount=3)
    out = StringIO()
    call_command("flush_counts", stdout=out)
    assert out.getvalue().startswith("3 ")
    assert DailyCount.objects.get(kind="download").count == 3
