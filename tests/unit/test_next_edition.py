"""Preparing the next edition: start it as a copy, publish it whole, withdraw it; who may, and what the public sees."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from layout import data_version, edits, next_edition
from layout.models import Cluster, Edition, HeadlineFigure, Project, Scenario, SecurityEvent
from tests.unit.conftest import JIADING, changelist_url, messages_of


def start(officials, who="reviewer"):
    return next_edition.start_next_edition(officials["users"][who])


def test_the_copy_should_hold_the_latest_editions_clusters_and_scenarios_unpublished_and_linked(officials):
    latest = Edition.objects.get(year=2025)
    edition = start(officials)
    assert (edition.year, edition.is_published, edition.announced_on) == (2026, False, None)
    assert edition.title_zh == "上海2026重点产业布局图" and "2026" in edition.title_en
    assert set(edition.chains.all()) == set(latest.chains.all())
    assert not edition.sources.exists()
    originals = Cluster.objects.filter(edition=latest).published()
    copies = Cluster.objects.filter(edition=edition)
    assert copies.count() == originals.count() == 14
    for original in originals:
        copy = copies.get(copied_from=original)
        assert not copy.is_published and copy.draft == {} and copy.version == 1
        assert (copy.slug, copy.number, copy.name_zh, copy.district_id) == (
            original.slug,
            original.number,
            original.name_zh,
            original.district_id,
        )
        assert (copy.boundary, copy.anchor, copy.anchor_source_id, copy.description_en) == (
            original.boundary,
            original.anchor,
            original.anchor_source_id,
            original.description_en,
        )
        assert set(copy.other_chains.all()) == set(original.other_chains.all())
        assert set(copy.sources.all()) == set(original.sources.all())
        # Next year's figures are not known: empty, with no source (nothing unsourced is ever published).
        for name in next_edition.CLUSTER_FIGURES:
            assert getattr(copy, name) in (None, ""), name
        assert copy.history.first().history_user == officials["users"]["reviewer"]
    pudong = copies.get(number=1)
    assert pudong.copied_from.space_m2 == 3_750_000 and pudong.space_m2 is None
    scenarios = Scenario.objects.filter(edition=edition)
    assert scenarios.count() == Scenario.objects.filter(edition=latest).published().count()
    assert not scenarios.filter(is_published=True).exists()
    for scenario in scenarios.exclude(cluster=None).select_related("cluster", "copied_from__cluster"):
        assert scenario.cluster.edition == edition and scenario.cluster.copied_from == scenario.copied_from.cluster
    # Projects and headline figures are announced anew each year.
    assert not Project.objects.filter(edition=edition).exists()
    assert not HeadlineFigure.objects.filter(edition=edition).exists()


@pytest.mark.parametrize("who", ["jiading", "city"])
def test_only_a_reviewer_or_superuser_should_start_publish_or_withdraw_an_edition(officials, who):
    user = officials["users"][who]
    with pytest.raises(edits.Refused):
        next_edition.start_next_edition(user)
    assert not Edition.objects.filter(year=2026).exists()
    edition = start(officials, "admin")
    with pytest.raises(edits.Refused):
        next_edition.publish_edition(user, edition)
    with pytest.raises(edits.Refused):
        next_edition.withdraw_edition(user, Edition.objects.get(year=2025))
    response = officials[who].post(reverse("admin:layout_edition_publish", args=[edition.pk]))
    assert response.status_code == 403
    assert not Edition.objects.get(year=2026).is_published


def test_a_second_edition_should_not_be_started_while_the_latest_is_unpublished(officials):
    start(officials)
    with pytest.raises(edits.Refused) as refused:
        start(officials)
    assert "2026" in str(refused.value) and not Edition.objects.filter(year=2027).exists()
    response = officials["reviewer"].post(reverse("admin:layout_edition_start_next"), follow=True)
    assert "not published yet" in " ".join(messages_of(response))
    assert "Start the 2027 edition" not in response.content.decode()


def test_a_district_editor_should_edit_only_their_districts_records_of_the_unpublished_edition(officials):
    edition = start(officials)
    editor = officials["users"]["jiading"]
    ours = Cluster.objects.get(edition=edition, district__adcode=JIADING)
    ours.name_en = "Jiading 2026"
    assert edits.save(editor, ours) == edits.SAVED  # unpublished: saved, not a draft
    theirs = Cluster.objects.filter(edition=edition).exclude(district__adcode=JIADING).first()
    theirs.name_en = "Not mine"
    with pytest.raises(edits.Refused):
        edits.save(editor, theirs)


def test_publishing_should_publish_the_edition_and_its_records_at_once_and_change_the_data_version(officials):
    edition = start(officials)
    before = data_version.current().token
    next_edition.publish_edition(officials["users"]["reviewer"], edition)
    edition.refresh_from_db()
    assert edition.is_published and edition.published_at is not None
    assert not Cluster.objects.filter(edition=edition, is_published=False).exists()
    assert not Scenario.objects.filter(edition=edition, is_published=False).exists()
    assert data_version.current().token != before
    assert edition.history.first().history_change_reason == "edition published"
    assert edition.history.first().history_user == officials["users"]["reviewer"]
    history = officials["admin"].get(reverse("admin:layout_edition_history", args=[edition.pk])).content.decode()
    assert "edition published" in history and "started from the 2025 edition" in history


def test_a_record_that_no_longer_validates_should_refuse_the_whole_publication(officials):
    edition = start(officials)
    broken = Cluster.objects.get(edition=edition, number=2)
    # A figure without its source, written past the form (as a bad import would have).
    Cluster.objects.filter(pk=broken.pk).update(space_m2=1000)
    with pytest.raises(edits.Refused) as refused:
        next_edition.publish_edition(officials["users"]["reviewer"], edition)
    assert broken.name_zh in str(refused.value)
    assert not Edition.objects.get(pk=edition.pk).is_published
    assert not Cluster.objects.filter(edition=edition, is_published=True).exists()


def test_withdrawing_should_hide_the_edition_and_keep_the_last_published_one(officials):
    reviewer = officials["users"]["reviewer"]
    edition = start(officials)
    next_edition.publish_edition(reviewer, edition)
    next_edition.withdraw_edition(reviewer, edition)
    assert list(Edition.objects.published().values_list("year", flat=True)) == [2025]
    with pytest.raises(edits.Refused):
        next_edition.withdraw_edition(reviewer, Edition.objects.get(year=2025))
    assert Edition.objects.get(year=2025).is_published


def test_the_admin_should_start_and_publish_the_next_edition_from_its_buttons(officials):
    client = officials["reviewer"]
    page = client.get(changelist_url(Edition))
    assert "Start the 2026 edition" in page.content.decode()
    response = client.post(reverse("admin:layout_edition_start_next"), follow=True)
    edition = Edition.objects.get(year=2026)
    said = " ".join(messages_of(response))
    assert "14 clusters" in said and "NOT copied" in said
    assert "Publish edition" in response.content.decode()
    response = client.post(reverse("admin:layout_edition_publish", args=[edition.pk]), follow=True)
    assert "is published" in " ".join(messages_of(response))
    assert Edition.objects.get(year=2026).is_published
    assert "Withdraw edition" in response.content.decode()
    # The list actions do the same.
    action = {"action": "withdraw_editions", "_selected_action": [str(edition.pk)]}
    response = client.post(changelist_url(Edition), action, follow=True)
    assert "withdrawn" in " ".join(messages_of(response)) and not Edition.objects.get(year=2026).is_published
    action = {"action": "publish_editions", "_selected_action": [str(edition.pk)]}
    client.post(changelist_url(Edition), action)
    assert Edition.objects.get(year=2026).is_published


def test_the_admin_start_action_should_be_offered_only_to_reviewers(officials):
    assert "start_next_edition" in officials["reviewer"].get(changelist_url(Edition)).content.decode()
    page = officials["city"].get(changelist_url(Edition)).content.decode()
    assert "start_next_edition" not in page and "Start the 2026 edition" not in page


def test_a_city_editor_should_not_change_a_published_edition(officials):
    edition = Edition.objects.get(year=2025)
    url = reverse("admin:layout_edition_change", args=[edition.pk])
    page = officials["city"].get(url).content.decode()
    assert 'name="title_en"' not in page
    assert 'name="title_en"' in officials["reviewer"].get(url).content.decode()


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def test_the_public_should_see_the_new_edition_only_once_published_and_the_default_should_move(officials):
    reviewer = officials["users"]["reviewer"]
    edition = start(officials)
    pudong = Cluster.objects.get(edition=edition, number=1)
    pudong.name_en = "Pudong 2026 name"
    pudong.save()
    public = Client()
    assert public.get(en("cluster_map", year=2026)).status_code == 404
    assert public.get(en("cluster_detail", year=2026, slug=pudong.slug)).status_code == 404
    assert "Pudong 2026 name" not in public.get(en("cluster_map")).content.decode()
    assert public.get(reverse("cluster_geojson", kwargs={"year": 2026})).status_code == 404
    assert "Pudong 2026 name" not in public.get(reverse("cluster_geojson")).content.decode()
    assert public.get(reverse("download", kwargs={"year": 2026, "name": "layout.geojson"})).status_code == 404
    next_edition.publish_edition(reviewer, edition)
    # The same addresses, asked again: the answer cache is keyed on the data version, never an old page.
    assert "Pudong 2026 name" in public.get(en("cluster_map")).content.decode()
    assert public.get(en("cluster_map", year=2026)).status_code == 200
    assert "Pudong 2026 name" in public.get(reverse("cluster_geojson")).content.decode()
    assert "Pudong 2026 name" not in public.get(en("cluster_map", year=2025)).content.decode()
    next_edition.withdraw_edition(reviewer, edition)
    assert "Pudong 2026 name" not in public.get(en("cluster_map")).content.decode()
    assert public.get(en("cluster_map", year=2026)).status_code == 404


def test_staff_should_preview_an_unpublished_edition_on_the_real_map_never_cached(officials):
    edition = start(officials)
    pudong = Cluster.objects.get(edition=edition, number=1)
    pudong.name_en = "Pudong 2026 name"
    pudong.save()
    preview = officials["reviewer"].get(en("cluster_map", year=2026) + "?preview=1")
    assert preview.status_code == 200 and "Pudong 2026 name" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert Client().get(en("cluster_map", year=2026) + "?preview=1").status_code == 404
    assert Client().get(en("cluster_map", year=2026)).status_code == 404


def switcher_links(page):
    nav = re.search(r'<nav class="edition-switcher".*?</nav>', page, re.S)
    return re.findall(r'<a href="([^"]*)"( aria-current="page")?', nav[0]) if nav else []


def test_the_switcher_should_link_each_published_year_and_mark_the_one_shown(officials):
    edition = start(officials)
    assert switcher_links(Client().get(en("cluster_map")).content.decode()) == []  # one edition: no switcher
    next_edition.publish_edition(officials["users"]["reviewer"], edition)
    page = Client().get(en("cluster_map", year=2025)).content.decode()
    assert switcher_links(page) == [("/en/2026/", ""), ("/en/2025/", ' aria-current="page"')]
    assert 'data-edition-switch="map"' in page and "edition-switch" in page
    assert "/en/2025/changes/" not in page  # nothing earlier to compare 2025 with
    assert 'class="edition-changes-link" href="/en/2026/changes/"' in Client().get(en("cluster_map")).content.decode()


def test_a_cluster_page_should_link_the_same_cluster_in_other_editions_both_ways(officials):
    edition = start(officials)
    next_edition.publish_edition(officials["users"]["reviewer"], edition)
    pudong_2025 = Cluster.objects.get(edition__year=2025, number=1)
    pudong_2026 = pudong_2025.copies.get()
    Cluster.objects.filter(pk=pudong_2026.pk).update(slug="pudong-2026", name_en="Pudong renamed")
    old = Client().get(en("cluster_detail", year=2025, slug=pudong_2025.slug)).content.decode()
    assert '<a href="/en/2026/clusters/pudong-2026/">2026: <span lang="en">Pudong renamed</span></a>' in old
    assert ("/en/2026/clusters/pudong-2026/", "") in switcher_links(old)
    new = Client().get(en("cluster_detail", year=2026, slug="pudong-2026")).content.decode()
    assert f'<a href="/en/2025/clusters/{pudong_2025.slug}/">2025: ' in new
    # A cluster the other year does not list: the switcher leads to that year's map.
    jiading = Cluster.objects.get(edition=edition, district__adcode=JIADING)
    jiading.delete()
    page = Client().get(en("cluster_detail", year=2025, slug=jiading.slug)).content.decode()
    assert ("/en/2026/", "") in switcher_links(page)
    assert "This cluster in other editions" not in page


def edition_events():
    return list(
        SecurityEvent.objects.filter(kind__startswith="edition-")
        .order_by("pk")
        .values_list("kind", "username", "actor", "detail")
    )


def test_starting_publishing_and_withdrawing_an_edition_should_be_security_events(officials):
    client = Client(REMOTE_ADDR="10.9.8.7", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies = officials["reviewer"].cookies
    client.post(reverse("admin:layout_edition_start_next"))
    edition = Edition.objects.get(year=2026)
    client.post(reverse("admin:layout_edition_publish", args=[edition.pk]))
    client.post(reverse("admin:layout_edition_withdraw", args=[edition.pk]))
    assert edition_events() == [
        ("edition-started", "reviewer", "reviewer", "2025 → 2026"),
        ("edition-published", "reviewer", "reviewer", "2026"),
        ("edition-withdrawn", "reviewer", "reviewer", "2026"),
    ]
    assert set(SecurityEvent.objects.filter(kind__startswith="edition-").values_list("ip_address", flat=True)) == {
        "10.9.8.7"
    }
    # What did not happen is not recorded: a refusal, or withdrawing what is not published.
    with pytest.raises(edits.Refused):
        next_edition.publish_edition(officials["users"]["city"], edition)
    next_edition.withdraw_edition(officials["users"]["reviewer"], edition)
    assert len(edition_events()) == 3
    # Outside a request (a command, a shell) the official is still named.
    next_edition.publish_edition(officials["users"]["admin"], edition)
    assert edition_events()[-1] == ("edition-published", "admin", "admin", "2026")
    events = reverse("admin:layout_securityevent_changelist")
    english = officials["admin"].get(events).content.decode()
    assert "next edition started" in english and "edition published" in english and "edition withdrawn" in english
    chinese = officials["admin"].get(events, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "开始下一年度版本" in chinese and "年度版本发布" in chinese and "年度版本撤回" in chinese
