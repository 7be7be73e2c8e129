"""App configuration: registers the system checks and keeps the officials' roles in step at every migrate."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_roles(sender, **kwargs):
    from layout.roles import ensure_roles

    ensure_roles()


class LayoutConfig(AppConfig):
    name = "layout"
    verbose_name = _("Shanghai key industry layout")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the checks, the event log's receivers and its admin, the enquiries' admin, the dashboard of
        # what investors look at, the admin's words in the official's language; the data version follows every
        # change.
        from layout import admin_language, checks, dashboard, enquiry_admin, security_admin, security_log  # noqa: F401
        from layout.data_version import connect_signals
        from layout.second_factor import hide_device_admins

        hide_device_admins()
        admin_language.install()
        connect_signals()

        # After auth has created this app's permissions, so that the groups can be given them.
        post_migrate.connect(create_roles, sender=self, dispatch_uid="layout.create_roles")


class LayoutAdminConfig(AdminConfig):
    """Django's admin, served by our site: no admin page opens without the second factor."""

    default_site = "layout.second_factor.LayoutAdminSite"
