"""What changed in an edition: new, dropped and renamed clusters and changed figures, its page, the switcher."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from layout import edition_changes, next_edition
from layout.models import Cluster, Edition
from tests.unit.conftest import JIADING, copy_cluster, source

XUHUI_SPACE_2026 = 200_000


@pytest.fixture
def prepared_2026(officials):
    """2026 as officials prepare it from 2025 (a test's year, never in seeds/): Changxing's cluster dropped,
    Putuo's renamed, Xuhui's space changed (with its source), a new cluster in Jiading, and every other figure
    entered again as it was. Unpublished; `publish()` publishes it."""
    reviewer = officials["users"]["reviewer"]
    edition = next_edition.start_next_edition(reviewer)
    copies = Cluster.objects.filter(edition=edition)
    copies.get(number=14).delete()
    putuo = copies.get(number=5)
    putuo.name_zh, putuo.name_en = "普陀智能软件新集聚区", "Putuo Intelligent Software New Cluster"
    putuo.save()
    for copy in copies.filter(copied_from__space_m2__isnull=False) | copies.filter(
        copied_from__published_scenario_count__isnull=False
    ):
        for name in next_edition.CLUSTER_FIGURES:
            setattr(copy, name, getattr(copy.copied_from, name))
        copy.save()
    xuhui = copies.get(number=3)
    xuhui.space_m2, xuhui.space_source = XUHUI_SPACE_2026, source()
    xuhui.save()
    jiading = Cluster.objects.get(edition__year=2025, district__adcode=JIADING)
    copy_cluster(jiading, edition, copied_from=None, slug="jiading-new-2026", number=15, name_en="Jiading New 2026")

    def publish():
        next_edition.publish_edition(reviewer, edition)

    edition.publish = publish
    return edition


def test_the_comparison_should_list_the_new_dropped_renamed_clusters_and_the_changed_figure(prepared_2026):
    prepared_2026.publish()
    with translation.override("en"):
        changes = edition_changes.compare(prepared_2026)
    assert changes.previous.year == 2025
    assert [c.slug for c in changes.new] == ["jiading-new-2026"]
    assert [c.number for c in changes.dropped] == [14] and changes.dropped[0].edition.year == 2025
    assert [(c.earlier.name_en, c.cluster.name_en) for c in changes.renamed] == [
        ("Putuo Intelligent Software Industry Cluster", "Putuo Intelligent Software New Cluster")
    ]
    [xuhui] = changes.figures
    assert xuhui.cluster.number == 3
    [space] = xuhui.figures
    assert (space.label, space.old, space.new) == ("Space", "100,000 m²", "200,000 m²")
    assert space.old_source.key == space.new_source.key == "article-2025-03-25"


def test_a_figure_not_yet_entered_should_read_as_not_published_not_as_zero(prepared_2026):
    pudong = Cluster.objects.get(edition=prepared_2026, number=1)
    pudong.space_m2 = pudong.space_source = None
    pudong.space_quote = ""
    pudong.save()
    prepared_2026.publish()
    with translation.override("en"):
        change = next(c for c in edition_changes.compare(prepared_2026).figures if c.cluster.number == 1)
    assert [(f.old, f.new, f.new_source) for f in change.figures] == [("3,750,000 m²", "not published", None)]


def test_the_first_edition_should_have_nothing_to_compare_with(layout_data):
    changes = edition_changes.compare(Edition.objects.get(year=2025))
    assert changes.previous is None and changes.nothing


def changes_url(year, language="en"):
    with translation.override(language):
        return reverse("edition_changes", kwargs={"year": year})


def test_the_page_should_show_the_changes_in_both_languages(prepared_2026):
    prepared_2026.publish()
    page = Client().get(changes_url(2026)).content.decode()
    assert "What changed in 2026" in page
    assert "Jiading New 2026" in page and "Changxing" in page
    assert "Putuo Intelligent Software New Cluster" in page
    assert "100,000 m²" in page and "200,000 m²" in page
    chinese = Client().get(changes_url(2026, "zh-hans")).content.decode()
    assert "2026年有何变化" in chinese and "新增集聚区" in chinese
    assert "10万平方米" in chinese and "20万平方米" in chinese
    assert "What changed" not in chinese


def test_the_public_should_not_see_an_unpublished_editions_changes_but_staff_preview_should(prepared_2026, officials):
    assert Client().get(changes_url(2026)).status_code == 404
    assert Client().get(changes_url(2026) + "?preview=1").status_code == 404
    preview = officials["reviewer"].get(changes_url(2026) + "?preview=1")
    assert preview.status_code == 200 and "Jiading New 2026" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert Client().get(changes_url(2026)).status_code == 404  # the preview was not cached for the public
    prepared_2026.publish()
    assert Client().get(changes_url(2026)).status_code == 200


def switcher_years(page):
    nav = re.search(r'<nav class="edition-switcher".*?</nav>', page, re.S)
    if nav is None:
        return []
    return [
        (year, bool(current))
        for current, year in re.findall(r'<a href="[^"]*"( aria-current="page")?>(\d+)</a>', nav[0])
    ]


def test_the_switcher_should_list_a_new_edition_only_once_published_even_on_a_cached_page(prepared_2026, officials):
    client = Client()
    assert switcher_years(client.get(changes_url(2025)).content.decode()) == []  # one edition: no switcher
    prepared_2026.publish()
    page = client.get(changes_url(2025)).content.decode()
    assert switcher_years(page) == [("2026", False), ("2025", True)]
    assert changes_url(2026) in page
    next_edition.withdraw_edition(officials["users"]["reviewer"], prepared_2026)
    assert switcher_years(client.get(changes_url(2025)).content.decode()) == []
