"""Every change is recorded field by field with who made it, and can be reverted."""

from html import unescape

from django.urls import reverse

from layout import drafts
from layout.models import Cluster, IndustryChain
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    cluster_in,
    errors_shown,
    history_shown,
    save_change_form,
    shown_in_form,
    source,
)


def history_url(obj):
    return reverse("admin:layout_cluster_history", args=[obj.pk])


def test_history_shows_who_changed_which_field_from_what_to_what(officials):
    cluster = cluster_in(XUHUI)
    save_change_form(officials["reviewer"], cluster, name_en="Xuhui AI cluster", space_m2="120000")
    page = unescape(officials["city"].get(history_url(cluster)).content.decode())
    assert "reviewer" in page
    assert f"{cluster.name_en}" in page and "Xuhui AI cluster" in page
    changes = history_shown(officials["city"].get(history_url(cluster)))[0]["changes"]
    assert changes["English name"] == (cluster.name_en, "Xuhui AI cluster")
    assert changes["Space (m²)"] == ("100000", "120000")
    assert set(changes) == {"English name", "Space (m²)"}  # no version: bookkeeping, not a change an official made


def test_history_shows_a_proposed_draft_and_who_proposed_it(officials):
    cluster = cluster_in(XUHUI)
    save_change_form(officials["city"], cluster, name_en="Proposed name")
    latest = history_shown(officials["city"].get(history_url(cluster)))[0]
    assert latest["by"] == "city-editor" and latest["reason"] == "draft proposed"
    [(field, (_before, after))] = latest["changes"].items()
    assert field == "unpublished changes (draft)"
    assert "English name: Proposed name" in after and "city-editor" in after


def test_revert_restores_an_earlier_version_many_to_many_included(officials):
    cluster = cluster_in(JIADING)
    chains_before = set(cluster.other_chains.values_list("pk", flat=True))
    original = cluster.history.order_by("-history_date", "-history_id").first()
    other = IndustryChain.objects.exclude(pk__in=chains_before).exclude(pk=cluster.primary_chain_id).first()
    save_change_form(
        officials["admin"],
        cluster,
        name_en="Wrongly renamed",
        space_m2="50000",
        space_source=str(source().pk),
        other_chains=[str(pk) for pk in chains_before | {other.pk}],
    )
    changed = Cluster.objects.get(pk=cluster.pk)
    assert changed.name_en == "Wrongly renamed" and other.pk in set(changed.other_chains.values_list("pk", flat=True))

    revert_url = reverse("admin:layout_cluster_simple_history", args=[cluster.pk, original.history_id])
    form_page = officials["admin"].get(revert_url)
    assert form_page.status_code == 200
    assert shown_in_form(form_page, "name_en") == cluster.name_en
    data = change_form_data(form_page)
    response = officials["admin"].post(revert_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    reverted = Cluster.objects.get(pk=cluster.pk)
    assert (reverted.name_en, reverted.space_m2, reverted.space_source_id) == (cluster.name_en, None, None)
    assert set(reverted.other_chains.values_list("pk", flat=True)) == chains_before
    assert reverted.boundary == cluster.boundary


def test_district_editor_cannot_read_another_districts_history_or_revert_it(officials):
    xuhui = cluster_in(XUHUI)
    record = xuhui.history.first()
    assert officials["jiading"].get(history_url(xuhui)).status_code == 403
    revert_url = reverse("admin:layout_cluster_simple_history", args=[xuhui.pk, record.history_id])
    assert officials["jiading"].get(revert_url).status_code == 403


def test_a_district_editors_revert_of_a_published_record_is_a_draft(officials):
    cluster = cluster_in(JIADING)
    original = cluster.history.order_by("-history_date", "-history_id").first()
    save_change_form(officials["admin"], cluster, name_en="Published rename")
    revert_url = reverse("admin:layout_cluster_simple_history", args=[cluster.pk, original.history_id])
    data = change_form_data(officials["jiading"].get(revert_url))
    assert officials["jiading"].post(revert_url, data).status_code == 302
    live = Cluster.objects.get(pk=cluster.pk)
    assert live.name_en == "Published rename" and live.draft["values"]["name_en"] == cluster.name_en


def revert(client, obj, record):
    """Open a version's Revert page and press its button, as the official would."""
    url = reverse(f"admin:layout_{obj._meta.model_name}_simple_history", args=[obj.pk, record.history_id])
    return client.post(url, change_form_data(client.get(url)))


def test_a_revert_by_an_editor_does_not_publish_a_record(officials):
    cluster = cluster_in(JIADING)
    published_version = cluster.history.order_by("-history_date", "-history_id").first()
    assert published_version.is_published
    drafts.unpublish(cluster, officials["users"]["reviewer"])
    for editor in ("city", "jiading"):
        response = revert(officials[editor], cluster, published_version)
        assert response.status_code == 200
        assert "Only a reviewer may publish" in " ".join(errors_shown(response))
        assert not Cluster.objects.get(pk=cluster.pk).is_published
    assert revert(officials["reviewer"], cluster, published_version).status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).is_published


def test_a_revert_numbers_a_new_version_so_a_form_opened_before_it_is_refused(officials):
    cluster = cluster_in(XUHUI)
    original = cluster.history.order_by("-history_date", "-history_id").first()
    save_change_form(officials["admin"], cluster, name_en="Renamed once")
    opened = change_form_data(officials["reviewer"].get(change_url(cluster)))
    version_opened = Cluster.objects.get(pk=cluster.pk).version
    assert revert(officials["admin"], cluster, original).status_code == 302
    reverted = Cluster.objects.get(pk=cluster.pk)
    assert reverted.name_en == cluster.name_en and reverted.version > version_opened
    opened["name_en"] = "Saved over the revert"
    response = officials["reviewer"].post(change_url(cluster), opened)
    assert response.status_code == 200
    assert "changed while you were editing" in " ".join(errors_shown(response))
    assert Cluster.objects.get(pk=cluster.pk).name_en == cluster.name_en
