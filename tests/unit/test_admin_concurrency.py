"""Two officials edit the same record: the second save is refused with what changed meanwhile."""

import re
from html import unescape

from django.urls import reverse

from layout.models import Cluster, Project, Scenario
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    cluster_in,
    errors_shown,
    save_change_form,
    shown_in_form,
    shown_text,
)


def test_second_save_is_refused_with_the_fields_changed_meanwhile_and_who_changed_them(officials):
    cluster = cluster_in(XUHUI)
    first, second = officials["admin"], officials["reviewer"]
    first_form = change_form_data(first.get(change_url(cluster)))
    second_form = change_form_data(second.get(change_url(cluster)))

    first_form.update(space_m2="120000", space_wan_m2="12", name_en="Xuhui AI cluster (first)")
    assert first.post(change_url(cluster), first_form).status_code == 302

    second_form.update(description_en="Edited by the second official.")
    refused = second.post(change_url(cluster), second_form)
    assert refused.status_code == 200
    errors = " ".join(errors_shown(refused))
    assert "changed while you were editing it (by admin at" in errors
    assert "NOT been saved" in errors
    assert "Space (m²): 100000 → 120000" in errors
    assert "English name: Xuhui Artificial Intelligence Industry Cluster → Xuhui AI cluster (first)" in errors
    # The second official's text stays in the form for them to copy, and nothing of it is saved.
    assert shown_in_form(refused, "description_en") == "Edited by the second official."
    saved = Cluster.objects.get(pk=cluster.pk)
    assert saved.name_en == "Xuhui AI cluster (first)" and saved.description_en == cluster.description_en

    # Reloading gives the current version, which saves.
    again = change_form_data(second.get(change_url(cluster)))
    again.update(description_en="Edited by the second official.")
    assert second.post(change_url(cluster), again).status_code == 302
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.name_en, saved.description_en) == ("Xuhui AI cluster (first)", "Edited by the second official.")


def test_a_draft_proposed_meanwhile_also_refuses_the_second_save(officials):
    project = Project.objects.create(
        name_zh="嘉定测试项目",
        name_en="Jiading test project",
        district=cluster_in("310114").district,
        is_published=True,
    )
    reviewer_form = change_form_data(officials["reviewer"].get(change_url(project)))
    editor_form = change_form_data(officials["jiading"].get(change_url(project)))
    editor_form.update(name_en="Proposed by Jiading")
    assert officials["jiading"].post(change_url(project), editor_form).status_code == 302
    reviewer_form.update(name_en="Overwritten by the reviewer")
    refused = officials["reviewer"].post(change_url(project), reviewer_form)
    assert refused.status_code == 200
    errors = " ".join(errors_shown(refused))
    assert "jiading-editor" in errors and "English name: Proposed by Jiading" in errors
    assert Project.objects.get(pk=project.pk).name_en == project.name_en


def test_a_save_changed_by_a_command_meanwhile_is_refused_too(officials):
    cluster = cluster_in(XUHUI)
    form = change_form_data(officials["admin"].get(change_url(cluster)))
    changed = Cluster.objects.get(pk=cluster.pk)
    changed.lead_track_en = "changed by an import"
    changed.save()
    form.update(name_en="Mine")
    refused = officials["admin"].post(change_url(cluster), form)
    errors = " ".join(errors_shown(refused))
    assert "an import or a command" in errors and "changed by an import" in errors
    assert Cluster.objects.get(pk=cluster.pk).name_en == cluster.name_en


# ---- Scenarios edited inline on their cluster's page: each row is refused as its own page would be ----


def _scenarios_on(cluster, *titles):
    return [Scenario.objects.create(title_zh=title, cluster=cluster, is_published=True) for title in titles]


def _row(data, scenario):
    """The inline row prefix ("scenarios-0") of a scenario in the POST data of its cluster's page."""
    return next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.startswith("scenarios-") and key.endswith("-id") and value == str(scenario.pk)
    )


def _inline_errors(response):
    """What the official reads above the scenario rows, and on each row ({scenario id: text}, "" for none)."""
    group = re.search(r'<div[^>]*id="scenarios-group".*?</table>', response.content.decode(), re.S)[0]
    summary = re.search(r'<ul class="errorlist nonform">(.*?)</ul>', group, re.S)
    rows, shown = {}, ""
    # The admin writes a row's errors in a row of their own just above it.
    for kind, row in re.findall(r'<tr class="(row-form-errors|form-row[^"]*)"[^>]*>(.*?)</tr>', group, re.S):
        if kind == "row-form-errors":
            shown = shown_text(row)
        else:
            rows[int(re.search(r'name="scenarios-\d+-id" value="(\d+)"', row)[1])], shown = shown, ""
    return shown_text(summary[1]) if summary else "", rows


def test_a_cluster_page_with_a_scenario_row_changed_meanwhile_is_refused_whole(officials):
    cluster = cluster_in(JIADING)
    changed, untouched = _scenarios_on(cluster, "测试场景甲", "测试场景乙")
    first, second = officials["admin"], officials["reviewer"]
    second_form = change_form_data(second.get(change_url(cluster)))

    save_change_form(first, changed, title_en="Set on its own page", category="incubation")

    # The second official did not touch that row, but its old values would overwrite the first's.
    second_form.update(
        {
            "description_en": "Edited by the second official.",
            f"{_row(second_form, untouched)}-title_en": "Second official's title",
        }
    )
    refused = second.post(change_url(cluster), second_form)
    assert refused.status_code == 200
    summary, rows = _inline_errors(refused)
    assert "Nothing on this page has been saved" in summary
    assert "“测试场景甲” was changed while you were editing this page (by admin at" in rows[changed.pk]
    assert "English title: — → Set on its own page" in rows[changed.pk]
    assert "Category: — → industry incubation" in rows[changed.pk]
    assert rows[untouched.pk] == ""
    page = unescape(refused.content.decode())
    assert "“测试场景甲” was changed while you were editing this page" in page and "Set on its own page" in page
    # Nothing half-saved: neither the cluster, nor the other row, nor the stale row's old values.
    assert Cluster.objects.get(pk=cluster.pk).description_en == cluster.description_en
    assert Scenario.objects.get(pk=untouched.pk).title_en == ""
    assert Scenario.objects.get(pk=changed.pk).title_en == "Set on its own page"

    # Reloading gives the current rows, which save.
    again = change_form_data(second.get(change_url(cluster)))
    again.update(
        {
            "description_en": "Edited by the second official.",
            f"{_row(again, untouched)}-title_en": "Second official's title",
        }
    )
    assert second.post(change_url(cluster), again).status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).description_en == "Edited by the second official."
    assert Scenario.objects.get(pk=untouched.pk).title_en == "Second official's title"
    assert Scenario.objects.get(pk=changed.pk).title_en == "Set on its own page"


def test_a_draft_proposed_meanwhile_on_a_scenario_refuses_its_row(officials):
    cluster = cluster_in(JIADING)
    (scenario,) = _scenarios_on(cluster, "测试场景")
    reviewer_form = change_form_data(officials["reviewer"].get(change_url(cluster)))
    save_change_form(officials["jiading"], scenario, title_en="Proposed by Jiading")
    reviewer_form[f"{_row(reviewer_form, scenario)}-title_en"] = "Overwritten by the reviewer"
    refused = officials["reviewer"].post(change_url(cluster), reviewer_form)
    assert refused.status_code == 200
    _summary, rows = _inline_errors(refused)
    assert "(by jiading-editor at" in rows[scenario.pk] and "Proposed by Jiading" in rows[scenario.pk]
    live = Scenario.objects.get(pk=scenario.pk)
    assert live.title_en == "" and live.draft["values"] == {"title_en": "Proposed by Jiading"}


def test_deleting_a_scenario_row_changed_meanwhile_is_refused(officials):
    cluster = cluster_in(JIADING)
    (scenario,) = _scenarios_on(cluster, "测试场景")
    form = change_form_data(officials["reviewer"].get(change_url(cluster)))
    save_change_form(officials["admin"], scenario, title_en="Worth keeping")
    form[f"{_row(form, scenario)}-DELETE"] = "on"
    refused = officials["reviewer"].post(change_url(cluster), form)
    assert refused.status_code == 200
    summary, rows = _inline_errors(refused)
    assert "Nothing on this page has been saved" in summary and "Worth keeping" in rows[scenario.pk]
    assert Scenario.objects.get(pk=scenario.pk).title_en == "Worth keeping"


def _refused_after_a_row_deleted_and_a_row_moved(officials):
    """The reviewer's save of Jiading's cluster page, refused: meanwhile the first of its three scenario rows was
    deleted and the second moved to Xuhui's cluster; the reviewer typed a title into the third."""
    cluster = cluster_in(JIADING)
    deleted, moved, kept = _scenarios_on(cluster, "已删除的场景", "已移走的场景", "留下的场景")
    form = change_form_data(officials["reviewer"].get(change_url(cluster)))
    officials["admin"].post(reverse("admin:layout_scenario_delete", args=[deleted.pk]), {"post": "yes"})
    save_change_form(officials["admin"], moved, cluster=str(cluster_in(XUHUI).pk))
    assert not Scenario.objects.filter(pk=deleted.pk).exists()
    form.update({"name_en": "Renamed by the reviewer", f"{_row(form, kept)}-title_en": "Kept"})
    refused = officials["reviewer"].post(change_url(cluster), form)
    assert refused.status_code == 200
    return refused, cluster, (deleted, moved, kept)


def test_a_scenario_row_deleted_or_moved_meanwhile_refuses_the_page_and_says_so(officials):
    refused, cluster, (deleted, moved, kept) = _refused_after_a_row_deleted_and_a_row_moved(officials)
    summary, rows = _inline_errors(refused)
    assert "Nothing on this page has been saved" in summary
    assert "“已删除的场景” was deleted while you were editing this page (by admin at" in rows[deleted.pk]
    assert Cluster.objects.get(pk=cluster.pk).name_en == cluster.name_en
    assert Scenario.objects.get(pk=kept.pk).title_en == ""
    assert Scenario.objects.get(pk=moved.pk).cluster == cluster_in(XUHUI)


def test_every_scenario_row_sent_is_shown_again_with_its_message(officials):
    refused, cluster, (deleted, moved, kept) = _refused_after_a_row_deleted_and_a_row_moved(officials)
    _summary, rows = _inline_errors(refused)
    assert set(rows) == {deleted.pk, moved.pk, kept.pk}
    assert "“已移走的场景” was changed while you were editing this page (by admin at" in rows[moved.pk]
    assert f"Cluster: {cluster} → {cluster_in(XUHUI)}" in rows[moved.pk]
    assert 'value="Kept"' in refused.content.decode()  # "Your version is still in the form below"
