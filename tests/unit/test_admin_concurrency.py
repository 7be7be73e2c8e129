"""Two officials edit the same record: the second save is refused with what changed meanwhile."""
from html import unescape

from layout.models import Cluster, Project
from tests.unit.officials import (XUHUI, change_form_data, change_url, cluster_in, fast_password_hashing,  # noqa: F401
                                  officials)


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
    errors = unescape(str(refused.context["adminform"].form.non_field_errors()))
    assert "changed while you were editing it (by admin at" in errors
    assert "NOT been saved" in errors
    assert "Space (m²): 100000 → 120000" in errors
    assert "English name: Xuhui Artificial Intelligence Industry Cluster → Xuhui AI cluster (first)" in errors
    # The second official's text stays in the form for them to copy, and nothing of it is saved.
    assert refused.context["adminform"].form["description_en"].value() == "Edited by the second official."
    saved = Cluster.objects.get(pk=cluster.pk)
    assert saved.name_en == "Xuhui AI cluster (first)" and saved.description_en == cluster.description_en

    # Reloading gives the current version, which saves.
    again = change_form_data(second.get(change_url(cluster)))
    again.update(description_en="Edited by the second official.")
    assert second.post(change_url(cluster), again).status_code == 302
    saved = Cluster.objects.get(pk=cluster.pk)
    assert (saved.name_en, saved.description_en) == ("Xuhui AI cluster (first)", "Edited by the second official.")


def test_a_draft_proposed_meanwhile_also_refuses_the_second_save(officials):
    project = Project.objects.create(name_zh="嘉定测试项目", name_en="Jiading test project",
                                     district=cluster_in("310114").district, is_published=True)
    reviewer_form = change_form_data(officials["reviewer"].get(change_url(project)))
    editor_form = change_form_data(officials["jiading"].get(change_url(project)))
    editor_form.update(name_en="Proposed by Jiading")
    assert officials["jiading"].post(change_url(project), editor_form).status_code == 302
    reviewer_form.update(name_en="Overwritten by the reviewer")
    refused = officials["reviewer"].post(change_url(project), reviewer_form)
    assert refused.status_code == 200
    errors = unescape(str(refused.context["adminform"].form.non_field_errors()))
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
    errors = unescape(str(refused.context["adminform"].form.non_field_errors()))
    assert "an import or a command" in errors and "changed by an import" in errors
    assert Cluster.objects.get(pk=cluster.pk).name_en == cluster.name_en
