"""The admin in the official's language: the language switch, and what Django and the third-party apps leave in English.

How an official's language is chosen: the admin is not under a language prefix, so Django's LocaleMiddleware picks
it from the language cookie, else the browser's Accept-Language (a Chinese browser gets Chinese with no setting),
else LANGUAGE_CODE (Chinese). The switch in the admin's header posts to Django's set_language view, which sets the
cookie: an official on a borrowed English browser changes it once, on that browser. No per-user setting: the
language belongs with the screen the official reads, and one cookie serves the sign-in page before anyone is
known as well as the public pages' unprefixed addresses.
"""

import contextlib

from django.apps import apps
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

# Apps (by label) whose own catalogues name them in English only: axes has no zh_Hans catalogue.
APP_NAMES = {
    "axes": gettext_lazy("Sign-in lock-out"),
}

BOOLEAN_ICONS = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(value):
    """Django's yes/no icon with its text alternative in the reader's language (Django's says "True"/"False")."""
    alternative = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html(
        '<img src="{}" alt="{}" title="{}">',
        static(f"admin/img/icon-{BOOLEAN_ICONS[value]}.svg"),
        alternative,
        alternative,
    )


def install():
    """Called once at start (LayoutConfig.ready)."""
    for label, name in APP_NAMES.items():
        with contextlib.suppress(LookupError):  # not installed
            apps.get_app_config(label).verbose_name = name
    # Every caller imports it from this module when it draws an icon, so the replacement is seen everywhere.
    admin_list._boolean_icon = boolean_icon
