"""Enquiries in the admin: each district's office follows up its own, exports them; the mail queue and the anonymous counts."""

import tablib
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from layout import enquiries, mail_queue, roles
from layout.admin import ReadOnlyAdminMixin, RefuseOutOfScopeMixin
from layout.models import Enquiry, EnquiryCount, EnquiryStatus, OutgoingMail
from layout.resources import SpreadsheetCSV, SpreadsheetXLSX

PERSONAL_FIELDS = ["organisation", "contact_name", "email", "phone", "country", "message", "language"]
SUBJECT_FIELDS = ["reference", "created_at", "subject_type", "subject", "district", "notice_version", "consented_at"]
FOLLOW_UP_FIELDS = ["status", "assignee", "outcome", "internal_notes"]


def attribute(name):
    return lambda enquiry: getattr(enquiry, name)


def export_columns(with_personal_data):
    """(column title, value of an enquiry) in the order of the export; personal data only when allowed."""
    columns = [
        (gettext("reference"), lambda e: e.reference),
        (gettext("received"), lambda e: timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M")),
        (gettext("subject type"), lambda e: e.get_subject_type_display()),
        (gettext("about"), lambda e: e.subject),
        (gettext("district"), lambda e: str(e.district or "")),
        (gettext("status"), lambda e: e.get_status_display()),
        (gettext("assigned to"), lambda e: e.assignee.get_username() if e.assignee else ""),
        (gettext("outcome"), lambda e: e.outcome),
    ]
    if with_personal_data:
        columns += [(str(Enquiry._meta.get_field(name).verbose_name), attribute(name)) for name in PERSONAL_FIELDS]
        columns.append((gettext("internal notes"), lambda e: e.internal_notes))
    return columns


def enquiry_table(enquiries, with_personal_data):
    columns = export_columns(with_personal_data)
    dataset = tablib.Dataset(headers=[title for title, _value in columns])
    for enquiry in enquiries:
        dataset.append([value(enquiry) for _title, value in columns])
    return dataset


@admin.register(Enquiry)
class EnquiryAdmin(RefuseOutOfScopeMixin, SimpleHistoryAdmin):
    # The subject's type is a filter, not a column: the list fits 1366 px beside the admin's menu and filters.
    list_display = ["reference", "received", "subject_name", "status", "assignee"]
    date_hierarchy = "created_at"
    list_select_related = ["district", "assignee"]
    change_list_template = "admin/layout/enquiry/change_list.html"

    # Enquiries come only from the public form.
    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return roles.enquiry_scope(super().get_queryset(request), request.user)

    def _in_scope(self, request, obj):
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def get_list_display(self, request):
        if roles.editor_district(request.user) is None:
            return [*self.list_display[:3], "district_name", *self.list_display[3:]]
        return self.list_display

    @admin.display(description=_("received"), ordering="created_at")
    def received(self, enquiry):
        return timezone.localtime(enquiry.created_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("district"), ordering="district__adcode")
    def district_name(self, enquiry):
        if enquiry.district is None:
            return "-"
        return enquiry.district.name_zh if translation.get_language() == "zh-hans" else enquiry.district.name_en

    @admin.display(description=_("about"), ordering="subject")
    def subject_name(self, enquiry):
        """The subject in the official's language (the snapshot holds "Chinese / English")."""
        chinese, _separator, english = enquiry.subject.partition(" / ")
        return chinese if translation.get_language() == "zh-hans" or not english else english

    def get_list_filter(self, request):
        # A district's office has one district: a choice of sixteen would filter nothing.
        every_district = roles.editor_district(request.user) is None
        return ["status", "subject_type", *(["district"] if every_district else []), "created_at"]

    def get_search_fields(self, request):
        if roles.may_see_enquirer(request.user):
            return ["reference", "subject", "organisation", "contact_name", "email"]
        return ["reference", "subject"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": SUBJECT_FIELDS})]
        if roles.may_see_enquirer(request.user):
            fieldsets.append((_("Sender (personal data)"), {"fields": PERSONAL_FIELDS}))
        fieldsets.append((_("Follow-up"), {"fields": FOLLOW_UP_FIELDS}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        # What the investor sent is kept as sent; officials write only the follow-up.
        return SUBJECT_FIELDS + PERSONAL_FIELDS

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = self.assignees(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def assignees(self, request):
        """Staff who may follow up the enquiry: the city's, and the district's being looked at."""
        district = roles.editor_district(request.user)
        staff = get_user_model().objects.filter(is_active=True, is_staff=True)
        if district is None:
            return staff.order_by("username")
        if district is False:
            return staff.none()
        return staff.filter(Q(editor_profile__district=district) | Q(pk=request.user.pk)).order_by("username")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export.csv", view(self.export), {"file_format": "csv"}, name="layout_enquiry_export_csv"),
            path("export.xlsx", view(self.export), {"file_format": "xlsx"}, name="layout_enquiry_export_xlsx"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "export_csv_url": reverse("admin:layout_enquiry_export_csv"),
            "export_xlsx_url": reverse("admin:layout_enquiry_export_xlsx"),
        }
        return super().changelist_view(request, extra_context)

    def export(self, request, file_format):
        """The enquiries the list shows now (its filters and search, the official's district only), as a
        spreadsheet whose text never runs as a formula; the sender's data only for who may see it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(
                gettext("This filter cannot be used: open the list again and export from there.")
            )
        table = enquiry_table(changelist.get_queryset(request), roles.may_see_enquirer(request.user))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if file_format == "xlsx":
            content = SpreadsheetXLSX().export_data(table)
            content_type = SpreadsheetXLSX().get_content_type()
        else:
            content = "\ufeff" + SpreadsheetCSV().export_data(table)
            content_type = "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="enquiries-{stamp}.{file_format}"'
        response["Cache-Control"] = "private, no-store"
        return response

    # Deleting an enquiry (its sender asked) erases it as the retention period would: history too, counted.
    def delete_model(self, request, obj):
        enquiries.erase(Enquiry.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        enquiries.erase(queryset)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data and obj.status == EnquiryStatus.CLOSED:
            self.message_user(request, gettext("Enquiry %(reference)s closed.") % {"reference": obj.reference})


@admin.register(EnquiryCount)
class EnquiryCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What remains of enquiries past the retention period: how many, about what, per month."""

    list_display = ["month", "subject", "district", "status", "count"]
    list_filter = ["status", "district"]

    def get_queryset(self, request):
        return roles.enquiry_scope(super().get_queryset(request), request.user)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The mail queue: what was sent, what waits and why (city officials only: it holds senders' addresses)."""

    list_display = ["created_at", "subject", "to", "attempts", "sent_at", "next_attempt_at", "last_error"]
    list_filter = ["sent_at"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
    actions = ["send_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and roles.editor_district(request.user) is None

    @admin.action(description=_("Try sending the selected emails now"))
    def send_now(self, request, queryset):
        mails = list(queryset.filter(sent_at__isnull=True))
        for mail in mails:
            mail.next_attempt_at = mail.next_attempt_at or timezone.now()
            OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=mail.next_attempt_at)
        sent, failed = mail_queue.send(mails)
        self.message_user(
            request,
            gettext("Sent: %(sent)s; failed (will be retried): %(failed)s.") % {"sent": sent, "failed": failed},
            messages.SUCCESS if not failed else messages.WARNING,
        )
