"""The `layout_data` fixture's fast path: after a flush, the seeds written again are what `load_layout` wrote."""

import pytest

from layout.models import Cluster, District, IndustryChain, Source
from tests.conftest import SEEDS, Seeds
from tests.unit.conftest import every_field


def test_a_test_without_layout_data_sees_the_layout_tables_empty(db):
    assert Cluster.objects.count() == District.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_seeds_written_again_after_a_flush_are_the_loaders():
    SEEDS.ensure_present()
    loaded = every_field(Source, District, IndustryChain, Cluster)
    Seeds.empty(SEEDS.tables)
    assert Cluster.objects.count() == 0
    SEEDS.ensure_present()
    assert every_field(Source, District, IndustryChain, Cluster) == loaded
