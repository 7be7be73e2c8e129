"""App configuration: registers the system checks."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayoutConfig(AppConfig):
    name = "layout"
    verbose_name = _("Shanghai 2025 industry layout")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from layout import checks  # noqa: F401  (registers the checks)
