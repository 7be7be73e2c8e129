"""Who may do what: a district editor keeps to their district in every path the admin offers."""

import pytest
import tablib
from django.urls import reverse

from layout.models import Cluster, Project, Scenario
from layout.roles import CITY_EDITOR, DISTRICT_EDITOR, REVIEWER, can_publish, ensure_roles
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    changelist_url,
    cluster_in,
    errors_shown,
    listed,
    select_options,
)
from tests.unit.import_files import CSV, dry_run, offers_to_confirm, typed_table


def test_the_three_roles_exist_with_their_permissions(db):
    groups = ensure_roles()
    assert set(groups) == {CITY_EDITOR, DISTRICT_EDITOR, REVIEWER}
    perms = {name: set(group.permissions.values_list("codename", flat=True)) for name, group in groups.items()}
    assert "publish_cluster" in perms[REVIEWER] and "publish_cluster" not in perms[DISTRICT_EDITOR]
    assert "publish_cluster" not in perms[CITY_EDITOR]
    assert "change_district" in perms[CITY_EDITOR] and "change_district" not in perms[DISTRICT_EDITOR]
    assert "edit_every_district" in perms[CITY_EDITOR] and "edit_every_district" not in perms[DISTRICT_EDITOR]


def test_district_editor_lists_only_their_districts_records(officials):
    jiading = officials["jiading"]
    clusters = Cluster.objects.filter(pk__in=listed(jiading.get(changelist_url(Cluster))))
    assert [c.district.adcode for c in clusters] == [JIADING]
    projects = Project.objects.filter(pk__in=listed(jiading.get(changelist_url(Project))))
    assert all(
        JIADING in {p.district.adcode if p.district else None, p.cluster.district.adcode if p.cluster else None}
        for p in projects
    )
    city = listed(officials["city"].get(changelist_url(Cluster)))
    assert len(city) == Cluster.objects.count() == 14


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_district_editor_is_refused_another_districts_record_by_url(officials, view):
    xuhui = cluster_in(XUHUI)
    url = reverse(f"admin:layout_cluster_{view}", args=[xuhui.pk])
    assert officials["jiading"].get(url).status_code == 403
    assert officials["admin"].get(url).status_code == 200


def test_district_editor_is_refused_a_post_to_another_districts_record(officials):
    xuhui = cluster_in(XUHUI)
    data = change_form_data(officials["city"].get(change_url(xuhui)))
    data["name_en"] = "Renamed by Jiading"
    assert officials["jiading"].post(change_url(xuhui), data).status_code == 403
    assert Cluster.objects.get(pk=xuhui.pk).name_en == xuhui.name_en


def test_district_editor_cannot_move_their_cluster_to_another_district(officials):
    jiading_cluster = cluster_in(JIADING)
    xuhui = cluster_in(XUHUI)
    response = officials["jiading"].get(change_url(jiading_cluster))
    assert select_options(response, "district") == [str(jiading_cluster.district_id)]
    data = change_form_data(response)
    data["district"] = str(xuhui.district_id)
    refused = officials["jiading"].post(change_url(jiading_cluster), data)
    assert refused.status_code == 200
    assert "Select a valid choice" in " ".join(errors_shown(refused, "district"))
    assert Cluster.objects.get(pk=jiading_cluster.pk).district_id == jiading_cluster.district_id


def test_district_editor_scenario_choices_are_their_clusters_only(officials):
    response = officials["jiading"].get(reverse("admin:layout_scenario_add"))
    assert select_options(response, "cluster") == [str(cluster_in(JIADING).pk)]


def test_bulk_action_cannot_reach_another_districts_records(officials):
    xuhui_scenario = Scenario.objects.filter(cluster__district__adcode=XUHUI).first()
    xuhui_scenario.is_published = False
    xuhui_scenario.save()  # a draft, which a district editor could delete if it were theirs
    response = officials["jiading"].post(
        changelist_url(Scenario),
        {"action": "delete_selected", "_selected_action": [str(xuhui_scenario.pk)], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Scenario.objects.filter(pk=xuhui_scenario.pk).exists()


def test_district_editor_may_not_publish_nor_delete_published_records(officials):
    jiading_cluster = cluster_in(JIADING)
    users = officials["users"]
    assert not can_publish(users["jiading"], Cluster) and not can_publish(users["city"], Cluster)
    assert can_publish(users["reviewer"], Cluster) and can_publish(users["admin"], Cluster)
    listing = officials["jiading"].get(changelist_url(Cluster))
    assert "publish_selected" not in select_options(listing, "action")
    Cluster.objects.filter(pk=jiading_cluster.pk).update(is_published=False)
    officials["jiading"].post(
        changelist_url(Cluster), {"action": "publish_selected", "_selected_action": [str(jiading_cluster.pk)]}
    )
    assert not Cluster.objects.get(pk=jiading_cluster.pk).is_published  # the action is not theirs
    Cluster.objects.filter(pk=jiading_cluster.pk).update(is_published=True)
    delete = officials["jiading"].get(reverse("admin:layout_cluster_delete", args=[jiading_cluster.pk]))
    assert delete.status_code == 403
    assert Cluster.objects.filter(pk=jiading_cluster.pk).exists()


def test_import_of_another_districts_record_is_refused_and_nothing_changes(officials):
    jiading_cluster, xuhui = cluster_in(JIADING), cluster_in(XUHUI)
    table = typed_table(
        ["slug", "name_en"], [jiading_cluster.slug, "Jiading renamed"], [xuhui.slug, "Xuhui renamed by Jiading"]
    )
    response = dry_run(officials["jiading"], Cluster, table, CSV)
    html = response.content.decode()
    assert "another district" in html
    assert not offers_to_confirm(response)
    assert Cluster.objects.get(pk=xuhui.pk).name_en == xuhui.name_en
    assert Cluster.objects.get(pk=jiading_cluster.pk).name_en == jiading_cluster.name_en


def test_import_may_not_create_a_record_in_another_district(officials):
    table = typed_table(
        ["slug", "number", "name_zh", "name_en", "district"], ["new-xuhui", "99", "新集聚区", "New cluster", XUHUI]
    )
    response = dry_run(officials["jiading"], Cluster, table, CSV)
    assert "another district" in response.content.decode()
    assert not Cluster.objects.filter(slug="new-xuhui").exists()


def test_export_holds_only_the_district_editors_records(officials):
    response = officials["jiading"].post(
        reverse("admin:layout_cluster_export"),
        {"format": CSV, "resource": "0", **{f"clusterresource_{name}": "on" for name in ["slug", "district"]}},
    )
    assert response.status_code == 200
    rows = tablib.Dataset().load(response.content.decode("utf-8"), format="csv")
    assert rows["district"] == [JIADING]


def test_setup_roles_command_is_idempotent(db):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("setup_roles", verbosity=0)
    call_command("setup_roles", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) >= {CITY_EDITOR, DISTRICT_EDITOR, REVIEWER}


def test_a_superuser_gives_a_district_editor_their_district_on_the_user_page(officials):
    from layout.models import District, EditorProfile

    user = officials["users"]["city"]
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = officials["admin"].get(url)
    assert page.status_code == 200 and "district (for a district editor)" in page.content.decode().lower()
    xuhui = District.objects.get(adcode=XUHUI)
    data = {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(g.pk) for g in user.groups.all()],
        "date_joined_0": "2025-03-25",
        "date_joined_1": "09:00:00",
        "editor_profile-TOTAL_FORMS": "1",
        "editor_profile-INITIAL_FORMS": "0",
        "editor_profile-MIN_NUM_FORMS": "0",
        "editor_profile-MAX_NUM_FORMS": "1",
        "editor_profile-0-district": str(xuhui.pk),
        "editor_profile-0-user": str(user.pk),
    }
    response = officials["admin"].post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert EditorProfile.objects.get(user=user).district == xuhui


def test_district_editors_new_scenario_or_project_must_be_in_their_district(officials):
    from layout.models import Project

    url = reverse("admin:layout_scenario_add")
    data = change_form_data(officials["jiading"].get(url))
    data.update(title_zh="无集聚区的场景")
    response = officials["jiading"].post(url, data)
    assert response.status_code == 200
    assert "must belong to your district" in " ".join(errors_shown(response))
    data["cluster"] = str(cluster_in(JIADING).pk)
    assert officials["jiading"].post(url, data).status_code == 302
    url = reverse("admin:layout_project_add")
    data = change_form_data(officials["jiading"].get(url))
    data.update(name_zh="无区项目")
    assert officials["jiading"].post(url, data).status_code == 200
    assert not Project.objects.filter(name_zh="无区项目").exists()
