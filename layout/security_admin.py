"""The security event log in the admin: superusers read it (nothing can change it) and export it as CSV."""

import io

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from layout.admin import ReadOnlyAdminMixin
from layout.models import SecurityEvent
from layout.security_log import write_csv


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # a log that can be edited proves nothing
    list_display = ["at", "kind", "username", "actor", "ip_address", "detail"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "actor", "ip_address", "detail"]
    date_hierarchy = "at"
    list_per_page = 100
    change_list_template = "admin/layout/securityevent/change_list.html"

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_urls(self):
        return [
            path("export.csv", self.admin_site.admin_view(self.export_csv), name="layout_securityevent_export"),
            *super().get_urls(),
        ]

    def export_csv(self, request):
        """The events the list shows now (its filters and search), as CSV."""
        if not self.has_view_permission(request):
            return HttpResponseForbidden()
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(_("This filter cannot be used: open the list again and export from there."))
        stream = io.StringIO()
        write_csv(changelist.get_queryset(request), stream)
        response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="security-events-{stamp}.csv"'
        return response
