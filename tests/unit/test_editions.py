"""Editions: one layout a year; clusters, scenarios, projects and headline figures belong to one, unique within it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from layout.models import Cluster, Edition, HeadlineFigure, Project, Scenario
from tests.unit.conftest import copy_cluster


def test_the_seeds_should_make_2025_the_one_published_edition(layout_data):
    edition = Edition.objects.get()
    assert (edition.year, edition.is_published, str(edition.announced_on)) == (2025, True, "2025-03-25")
    assert edition.title_zh == "上海2025重点产业布局图"
    assert list(edition.sources.values_list("key", flat=True)) == ["article-2025-03-25"]
    assert edition.chains.count() == 10
    for model in (Cluster, Scenario, Project, HeadlineFigure):
        assert set(model.objects.values_list("edition__year", flat=True)) == {2025}, model


def test_a_cluster_slug_and_number_should_be_unique_within_an_edition_only(second_edition):
    pudong = Cluster.objects.get(edition__year=2025, number=1)
    copy = Cluster.objects.get(edition=second_edition, copied_from=pudong)
    assert copy.number == pudong.number and copy.slug == pudong.slug
    assert list(pudong.copies.all()) == [copy]
    twin = Cluster.objects.get(edition=second_edition, number=3)
    with transaction.atomic(), pytest.raises(IntegrityError):
        copy_cluster(twin, second_edition)


def test_a_headline_key_should_be_unique_within_an_edition_only(second_edition):
    figure = HeadlineFigure.objects.get(edition__year=2025, key="clusters")
    HeadlineFigure.objects.create(
        edition=second_edition, key="clusters", label_zh="集聚区", label_en="Clusters", unit="count"
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        HeadlineFigure.objects.create(edition=figure.edition, key="clusters", label_zh="x", label_en="x", unit="count")


@pytest.mark.parametrize("model", [Scenario, Project])
def test_a_scenario_or_project_should_refuse_a_cluster_of_another_edition(second_edition, model):
    record = model.objects.filter(cluster__isnull=False).first() or model.objects.first()
    record.cluster = Cluster.objects.get(edition=second_edition, number=3)
    record.district = record.cluster.district if model is Project else None
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert "2026" in str(refused.value.message_dict["cluster"])
    record.edition = second_edition
    record.full_clean()


def test_a_new_record_should_belong_to_the_latest_edition_unless_it_names_one(second_edition):
    assert HeadlineFigure(key="new", label_zh="新", label_en="New", unit="count").edition == second_edition
