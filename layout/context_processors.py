"""What every public page's frame needs: the site navigation and the language switch."""

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _

# Each language's name as its own readers write it: the switch is for someone who cannot read the page.
LANGUAGE_SELF_NAMES = {"zh-hans": "中文", "en": "English"}
HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}


def navigation_labels():
    """The pages the navigation links, by URL name, in order."""
    return {
        "cluster_map": _("Map"),
        "scenario_list": _("Scenarios"),
        "project_list": _("Projects"),
        "cluster_compare": _("Compare clusters"),
    }


def site_frame(request):
    """language_links: the same address in each language (path and query kept; the script adds the
    #fragment); navigation: the public pages; alternate_links for search engines."""
    current = translation.get_language()
    full_path = request.get_full_path()
    language_links = [
        {
            "code": code,
            "name": LANGUAGE_SELF_NAMES.get(code, code),
            "html_lang": HTML_LANG.get(code, code),
            "url": translate_url(full_path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match else None
    navigation = [
        {"url": reverse(name), "label": label, "current": name == url_name}
        for name, label in navigation_labels().items()
    ]
    return {
        "language_links": language_links,
        "navigation": navigation,
        "absolute_page_url": request.build_absolute_uri(request.path),
        "alternate_links": [
            {"hreflang": link["html_lang"], "url": request.build_absolute_uri(link["url"])} for link in language_links
        ],
    }
