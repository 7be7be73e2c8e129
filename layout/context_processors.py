"""What every public page's frame needs: the site's title (with its edition), the navigation and the language switch."""

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _

from layout import editions

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


def site_title(edition):
    if edition is None:
        return _("Shanghai key industry layout")
    return _("Shanghai %(year)s key industry layout") % {"year": edition.year}


def site_frame(request):
    """language_links: the same address in each language (path and query kept; the script adds the
    #fragment); navigation: the public pages; alternate_links for search engines. Every link names the
    edition the page shows (an address without a year gets it), so that a shared link keeps its meaning."""
    current = translation.get_language()
    edition = editions.shown()
    full_path = editions.pinned_path(request, edition) if edition else request.get_full_path()
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
        {
            "url": editions.with_year(name, edition) if edition else reverse(name),
            "label": label,
            "current": name == url_name,
        }
        for name, label in navigation_labels().items()
    ]
    return {
        "edition": edition,
        "layout_title": site_title(edition),
        "home_url": editions.with_year("cluster_map", edition) if edition else reverse("cluster_map"),
        "language_links": language_links,
        "navigation": navigation,
        "absolute_page_url": request.build_absolute_uri(full_path.split("?", 1)[0]),
        "canonical_url": request.build_absolute_uri(full_path),
        "alternate_links": [
            {"hreflang": link["html_lang"], "url": request.build_absolute_uri(link["url"])} for link in language_links
        ],
    }
