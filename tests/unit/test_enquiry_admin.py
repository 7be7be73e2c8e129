"""Enquiries in the admin: each district's office sees, follows up and exports only its own; reviewers see no sender."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from layout import backup, enquiries
from layout.models import District, Enquiry, EnquiryCount, EnquiryStatus, OutgoingMail
from layout.roles import DISTRICT_EDITOR
from tests.conftest import make_official
from tests.unit.conftest import (
    JIADING,
    XUHUI,
    change_form_data,
    change_url,
    changelist_url,
    cluster_in,
    errors_shown,
    select_options,
    signed_in,
)
from tests.unit.import_files import downloaded_csv_rows


def enquiry_about(cluster, **fields):
    values = {
        "reference": enquiries.new_reference(),
        "cluster": cluster,
        "subject_type": "cluster",
        "subject": enquiries.subject_snapshot(cluster),
        "district": cluster.district,
        "organisation": "Acme Robotics GmbH",
        "contact_name": "Erika Mustermann",
        "email": "erika@acme.example",
        "phone": "+49 30 1234567",
        "country": "Germany",
        "message": '=HYPERLINK("http://evil.example")',
        "language": "en",
        "notice_version": enquiries.NOTICE_VERSION,
        "consented_at": timezone.now(),
    }
    values.update(fields)
    return Enquiry.objects.create(**values)


@pytest.fixture
def two_districts(officials, django_user_model):
    xuhui_editor = make_official(django_user_model, "xuhui-editor", DISTRICT_EDITOR, District.objects.get(adcode=XUHUI))
    return {
        "jiading_enquiry": enquiry_about(cluster_in(JIADING)),
        "xuhui_enquiry": enquiry_about(cluster_in(XUHUI), contact_name="Xu Hui Sender", email="xu@hui.example"),
        "xuhui": signed_in(xuhui_editor),
        **officials,
    }


@pytest.mark.django_db
def test_district_editor_lists_only_their_districts_enquiries(two_districts):
    page = two_districts["jiading"].get(changelist_url(Enquiry)).content.decode()
    assert two_districts["jiading_enquiry"].reference in page
    assert two_districts["xuhui_enquiry"].reference not in page
    city = two_districts["city"].get(changelist_url(Enquiry)).content.decode()
    assert two_districts["jiading_enquiry"].reference in city and two_districts["xuhui_enquiry"].reference in city


@pytest.mark.django_db
def test_another_districts_enquiry_is_refused_by_its_address(two_districts):
    other = two_districts["xuhui_enquiry"]
    client = two_districts["jiading"]
    for url in (
        change_url(other),
        reverse("admin:layout_enquiry_history", args=[other.pk]),
        reverse("admin:layout_enquiry_delete", args=[other.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(change_url(other), {"status": "closed", "outcome": "taken over"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == EnquiryStatus.NEW


@pytest.mark.django_db
def test_district_editor_follows_up_an_enquiry_with_history(two_districts):
    enquiry = two_districts["jiading_enquiry"]
    client = two_districts["jiading"]
    editor = two_districts["users"]["jiading"]
    data = change_form_data(client.get(change_url(enquiry)))
    data.update(status=EnquiryStatus.IN_PROGRESS, assignee=str(editor.pk), internal_notes="called back")
    assert client.post(change_url(enquiry), data).status_code == 302
    data.update(status=EnquiryStatus.CLOSED, outcome="")
    refused = client.post(change_url(enquiry), data)
    assert refused.status_code == 200 and errors_shown(refused, "outcome")
    data.update(outcome="became project Acme Lab")
    assert client.post(change_url(enquiry), data).status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.CLOSED and enquiry.assignee == editor
    statuses = list(enquiry.history.order_by("history_date").values_list("status", "history_user__username"))
    assert statuses[-2:] == [("in-progress", "jiading-editor"), ("closed", "jiading-editor")]
    # What the investor sent is kept as sent.
    assert enquiry.message.startswith("=HYPERLINK")


@pytest.mark.django_db
def test_assignee_is_chosen_among_the_districts_officials(two_districts, django_user_model):
    page = two_districts["jiading"].get(change_url(two_districts["jiading_enquiry"]))
    choices = select_options(page, "assignee")
    jiading, xuhui = (django_user_model.objects.get(username=f"{name}-editor") for name in ("jiading", "xuhui"))
    assert str(jiading.pk) in choices and str(xuhui.pk) not in choices


@pytest.mark.django_db
def test_reviewer_sees_enquiries_but_not_who_sent_them(two_districts):
    client = two_districts["reviewer"]
    enquiry = two_districts["jiading_enquiry"]
    page = client.get(change_url(enquiry)).content.decode()
    assert enquiry.reference in page
    assert "Erika" not in page and "erika@acme.example" not in page
    export = client.get(reverse("admin:layout_enquiry_export_csv")).content.decode("utf-8-sig")
    assert enquiry.reference in export and "erika@acme.example" not in export


@pytest.mark.django_db
def test_csv_export_is_the_editors_district_and_formula_safe(two_districts):
    response = two_districts["jiading"].get(reverse("admin:layout_enquiry_export_csv"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    header, *rows = downloaded_csv_rows(response)
    assert [row[0] for row in rows] == [two_districts["jiading_enquiry"].reference]
    message = rows[0][header.index("message")]
    assert message.startswith("'="), "a formula typed by an investor reaches the spreadsheet as text"
    assert "erika@acme.example" in rows[0]
    assert "xu@hui.example" not in response.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_xlsx_export_writes_formulas_as_text(two_districts):
    response = two_districts["city"].get(reverse("admin:layout_enquiry_export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if str(cell.value or "").startswith("=HYPERLINK")]
    assert len(cells) == 2 and all(cell.data_type == "s" for cell in cells)


@pytest.mark.django_db
def test_export_refused_to_an_official_without_enquiries(two_districts, django_user_model):
    nobody = django_user_model.objects.create_user("no-role", "no-role@example.org", "pw", is_staff=True)
    assert signed_in(nobody).get(reverse("admin:layout_enquiry_export_csv")).status_code == 403


@pytest.mark.django_db
def test_mail_queue_is_the_city_officials(two_districts):
    assert two_districts["jiading"].get(changelist_url(OutgoingMail)).status_code == 403
    assert two_districts["city"].get(changelist_url(OutgoingMail)).status_code == 200


@pytest.mark.django_db
def test_nobody_adds_an_enquiry_in_the_admin(two_districts):
    assert two_districts["admin"].get(reverse("admin:layout_enquiry_add")).status_code == 403


# ---- Retention ----


@pytest.mark.django_db
def test_purge_removes_personal_data_past_retention_and_keeps_counts(two_districts, settings):
    settings.LAYOUT_ENQUIRY_RETENTION_DAYS = 730
    old = two_districts["jiading_enquiry"]
    old_too = enquiry_about(old.cluster, status=EnquiryStatus.CLOSED, outcome="became a project")
    Enquiry.objects.filter(pk__in=[old.pk, old_too.pk]).update(created_at=timezone.now() - timedelta(days=731))
    OutgoingMail.objects.create(enquiry=old, to=old.email, subject="ack", body=old.message)
    recent = two_districts["xuhui_enquiry"]
    call_command("purge_enquiries", verbosity=0)
    assert list(Enquiry.objects.all()) == [recent]
    assert not OutgoingMail.objects.filter(to="erika@acme.example").exists()
    assert not Enquiry.history.filter(id__in=[old.pk, old_too.pk]).exists()
    counts = {(c.cluster_id, c.status, c.count) for c in EnquiryCount.objects.all()}
    assert counts == {(old.cluster_id, "new", 1), (old.cluster_id, "closed", 1)}
    month = timezone.localtime(timezone.now() - timedelta(days=731)).date().replace(day=1)
    assert set(EnquiryCount.objects.values_list("month", flat=True)) == {month}
    # The counts are what a district editor still sees of its old enquiries.
    page = two_districts["jiading"].get(changelist_url(EnquiryCount)).content.decode()
    assert old.cluster.name_zh in page


@pytest.mark.django_db
def test_purge_counts_add_up_over_runs(two_districts):
    cluster = two_districts["jiading_enquiry"].cluster
    for _ in range(2):
        enquiry = enquiry_about(cluster)
        Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - timedelta(days=800))
        call_command("purge_enquiries", verbosity=0)
    assert EnquiryCount.objects.get(cluster=cluster, status="new").count == 2


# ---- Backups ----


@pytest.mark.django_db
def test_backup_leaves_personal_data_out_unless_asked(two_districts, tmp_path):
    plain = backup.write(tmp_path / "plain.json")
    text = plain.read_text()
    assert backup.read(plain)["personal_data"] is False
    assert "erika@acme.example" not in text and "Erika" not in text
    full = backup.write(tmp_path / "full.json", with_personal_data=True)
    assert backup.read(full)["personal_data"] is True
    assert "erika@acme.example" in full.read_text()
    # Restoring either brings back the layout and leaves the enquiries as they are.
    backup.restore(backup.read(full))
    assert Enquiry.objects.count() == 2


@pytest.mark.django_db
def test_deleting_an_enquiry_on_request_erases_its_history_and_counts_it(two_districts):
    enquiry = two_districts["jiading_enquiry"]
    client = two_districts["jiading"]
    data = change_form_data(client.get(change_url(enquiry)))
    client.post(change_url(enquiry), dict(data, status=EnquiryStatus.IN_PROGRESS, internal_notes="Erika's cousin"))
    response = client.post(reverse("admin:layout_enquiry_delete", args=[enquiry.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Enquiry.objects.filter(pk=enquiry.pk).exists()
    assert not Enquiry.history.filter(id=enquiry.pk).exists()
    assert EnquiryCount.objects.get(cluster=enquiry.cluster).status == EnquiryStatus.IN_PROGRESS


@pytest.mark.django_db
def test_export_filtered_to_another_district_gives_nothing_of_it(two_districts):
    other = two_districts["xuhui_enquiry"]
    url = reverse("admin:layout_enquiry_export_csv") + f"?district__id__exact={other.district_id}"
    response = two_districts["jiading"].get(url)
    assert other.reference not in response.content.decode("utf-8-sig")
    assert "xu@hui.example" not in response.content.decode("utf-8-sig")
