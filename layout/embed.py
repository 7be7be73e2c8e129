"""Embedding: the map without site chrome for other sites (/embed/), who may frame it, its dialog, oEmbed."""

import re
from dataclasses import dataclass
from functools import wraps
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from layout import answer_cache, editions, formats, map_data, pages
from layout.context_processors import LANGUAGE_SELF_NAMES, site_title
from layout.filters import FilterError, edition_chains, single_value
from layout.models import Cluster, District, ScenarioCategory

# The map's address parameters are named in one file, static/layout/map-parameters.js, read here.
MAP_PARAMETERS_SCRIPT = settings.BASE_DIR / "static" / "layout" / "map-parameters.js"


def map_parameters(name):
    """The names of the list `name` of static/layout/map-parameters.js."""
    script = MAP_PARAMETERS_SCRIPT.read_text(encoding="utf-8")
    found = re.search(rf"export const {name} = Object\.freeze\(\[([^\]]*)\]\);", script)
    if found is None:
        raise RuntimeError(f"{MAP_PARAMETERS_SCRIPT} has no list {name}.")
    return tuple(re.findall(r'"([^"]+)"', found.group(1)))


# The controls an embed may show, in the order the dialog offers them; all of them unless ?controls= says.
CONTROLS = ("zoom", "home", "locate", "fullscreen", "layers", "search", "filters", "list")
# These live in the panel beside the map (a drawer in a narrow frame): without any of them, no panel.
PANEL_CONTROLS = ("search", "filters", "list")
# The map's own state (static/layout/map-state.js), passed through to the embed as the map reads it:
# a value that names nothing published is dropped by the map, not refused, because data changes
# under a portal's page and its map must keep working.
STATE_PARAMETERS = map_parameters("EMBED_STATE_PARAMETERS")
# The embed's own options, kept in its address when the map updates it (a reload keeps them).
OPTION_PARAMETERS = ("lang", "controls", "legend", "parentOrigin")

# oEmbed's default size (4:3) and the preview picture offered as its thumbnail.
OEMBED_SIZE = (640, 480)
IFRAME_ALLOW = "fullscreen; geolocation"
# The embed learns its host's origin from the referrer where the browser has no ancestorOrigins:
# the snippet asks for the origin only, whatever the host page's own policy.
IFRAME_REFERRER_POLICY = "strict-origin"
HOSTNAME = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
DEFAULT_PORTS = {"http": 80, "https": 443}


# ---- Who may frame the embed and talk to it ----


def normalise_origin(value):
    """An origin as browsers write it ("https://portal.gov.cn", "http://127.0.0.1:8080"), or a pattern
    for its subdomains ("https://*.gov.cn"); None when the value is neither."""
    try:
        parts = urlsplit(str(value).strip())
    except ValueError:  # "http://[": not even an address
        return None
    if parts.scheme not in DEFAULT_PORTS or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    if "@" in parts.netloc or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if ":" in host:  # IPv6
        host = f"[{host}]"
    elif not HOSTNAME.match(host):
        return None
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}:{port}"
    return f"{parts.scheme}://{host}"


def configured_origins():
    """settings.LAYOUT_EMBED_ALLOWED_ORIGINS as written: "*" (any origin) or origins."""
    value = getattr(settings, "LAYOUT_EMBED_ALLOWED_ORIGINS", ["*"])
    if isinstance(value, str):
        value = value.split(",")
    return [item.strip() for item in value if item and item.strip()]


def allowed_origins():
    """["*"], or the valid origins of the setting (the system check names the invalid ones)."""
    configured = configured_origins()
    if "*" in configured:
        return ["*"]
    return [origin for origin in (normalise_origin(item) for item in configured) if origin]


def origin_allowed(origin, allowed, own_origin=None):
    """Whether a page of this origin may frame the embed and talk to it: our own pages always may."""
    origin = normalise_origin(origin) if origin else None
    if origin is None:
        return False
    if "*" in allowed or origin == own_origin:
        return True
    for pattern in allowed:
        if "://*." in pattern:
            scheme, suffix = pattern.split("://*.", 1)
            origin_scheme, rest = origin.split("://", 1)
            if origin_scheme == scheme and rest.endswith("." + suffix):
                return True
        elif origin == pattern:
            return True
    return False


def frame_ancestors(allowed):
    """The sources of the embed's Content-Security-Policy frame-ancestors directive."""
    if "*" in allowed:
        return ["*"]
    # 'self': the embed dialog's preview frames the embed on our own pages.
    return ["'self'", *allowed]


def embeddable(view):
    """Lets the view's answers, error pages included, be framed by the allowed origins only: no
    X-Frame-Options (DENY everywhere else), django-csp's frame-ancestors widened instead."""

    @xframe_options_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # Read at each answer, not at import, so that a change of the setting takes effect at once.
        response._csp_replace = {"frame-ancestors": frame_ancestors(allowed_origins())}
        return response

    return wrapped


def own_origin(request):
    return normalise_origin(f"{request.scheme}://{request.get_host()}")


# ---- The embed's options ----


def languages():
    return [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class EmbedOptions:
    """?lang=&controls=&legend=&parentOrigin=, checked: a value the embed cannot use is refused (400),
    so that whoever writes the snippet sees the mistake at once, in the dialog's preview too."""

    language: str
    controls: tuple
    legend: bool
    parent_origin: str | None

    @classmethod
    def from_query(cls, query, allowed, own):
        """Raises FilterError (parameter, value, message, allowed values)."""
        language = single_value(query, "lang")
        if language in (None, ""):
            # No ?lang=: the visitor's language as LocaleMiddleware found it (cookie, Accept-Language).
            language = translation.get_language()
            if language not in languages():
                language = settings.LANGUAGE_CODE
        elif language.lower() in languages():
            language = language.lower()
        else:
            raise FilterError("lang", language, _("Unknown language."), languages())

        controls = single_value(query, "controls")
        if controls in (None, ""):
            chosen = CONTROLS
        elif controls == "none":
            chosen = ()
        else:
            names = [name.strip() for name in controls.split(",") if name.strip()]
            unknown = [name for name in names if name not in CONTROLS]
            if unknown:
                raise FilterError(
                    "controls",
                    controls,
                    _("Unknown control: %(names)s.") % {"names": ", ".join(unknown)},
                    [*CONTROLS, "none"],
                )
            chosen = tuple(name for name in CONTROLS if name in names)

        legend = single_value(query, "legend")
        if legend not in (None, "", "0", "1"):
            raise FilterError("legend", legend, _("The legend is shown (1) or not (0)."), ["0", "1"])

        parent = single_value(query, "parentOrigin")
        parent_origin = None
        if parent not in (None, ""):
            parent_origin = normalise_origin(parent)
            if parent_origin is None or "://*." in parent_origin:
                raise FilterError("parentOrigin", parent, _("Not an origin: write scheme://host[:port]."))
            if not origin_allowed(parent_origin, allowed, own):
                raise FilterError("parentOrigin", parent, _("This origin may not embed the map."), allowed)
        return cls(language=language, controls=chosen, legend=legend != "0", parent_origin=parent_origin)

    @property
    def panel(self):
        return any(name in self.controls for name in PANEL_CONTROLS)

    def for_template(self):
        return {
            "controls": {name: name in self.controls for name in CONTROLS},
            "legend": self.legend,
            "panel": self.panel,
        }

    def for_script(self, allowed, cluster_slug=""):
        return {
            "controls": list(self.controls),
            "cluster": cluster_slug,
            "keep": list(OPTION_PARAMETERS),
            "language": self.language,
            "languages": languages(),
            "allowedOrigins": allowed,
            "parentOrigin": self.parent_origin or "",
        }


# ---- Views ----


def embed_error(request, status, message, error=None):
    return render(
        request, "layout/embed_error.html", {"status": status, "message": message, "error": error}, status=status
    )


@embeddable
@require_safe
@answer_cache.cached_answer
def embed_map(request, slug=None, year=None):
    allowed = allowed_origins()
    try:
        options = EmbedOptions.from_query(request.GET, allowed, own_origin(request))
    except FilterError as error:
        return embed_error(request, 400, error.message, error)
    # The embed's language for everything after this, Content-Language included.
    translation.activate(options.language)
    request.LANGUAGE_CODE = options.language
    try:
        edition = embed_edition(request, year, slug)
    except Http404:
        return embed_error(request, 404, _("No published edition of the layout is from %(year)s.") % {"year": year})
    with editions.answering(edition):
        return embed_page(request, options, allowed, slug, edition)


def embed_edition(request, year, slug):
    """The edition an embed's address names; without a year, the latest published (for a cluster: the latest
    published that has it)."""
    if year is None and slug is not None:
        return editions.latest_with_cluster(request, slug)
    return editions.public_edition(request, year)


def embed_page(request, options, allowed, slug, edition):
    clusters = Cluster.objects.published().filter(edition=edition)
    if slug is not None and not clusters.filter(slug=slug).exists():
        return embed_error(request, 404, _("No published cluster is called “%(slug)s”.") % {"slug": slug})
    context = pages.cluster_map_context()
    # The comparison is a page of the full site, not a step inside someone else's page.
    context["map_config"] = {
        **context["map_config"],
        "compareUrl": None,
        "embed": options.for_script(allowed, slug or ""),
    }
    context["embed"] = options.for_template()
    if slug is not None:
        context["embed_cluster"] = clusters.get(slug=slug)
    # One address whatever the language: no hreflang alternates to offer.
    context["alternate_links"] = []
    return render(request, "layout/embed.html", context)


# ---- oEmbed (https://oembed.com): a pasted map or cluster address becomes an embed ----

PAGE_NAMES = {"cluster_map", "cluster_detail", "embed_map", "embed_cluster"}


def same_host(url_parts, request):
    """Whether an address names this site (as the request reached it)."""
    theirs = normalise_origin(f"{url_parts.scheme}://{url_parts.netloc}")
    ours = own_origin(request)
    return theirs is not None and ours is not None and theirs.split("://", 1)[1] == ours.split("://", 1)[1]


def resolve_page(path):
    """(url name, kwargs, language from the path or None) of one of our map pages; Resolver404 otherwise."""
    language = translation.get_language_from_path(path)
    with translation.override(language or translation.get_language()):
        try:
            match = resolve(path)
        except Resolver404:
            if language:
                raise
            # An address without its language (such as /), which LocaleMiddleware would redirect.
            match = resolve(f"/{translation.get_language()}{path}")
    if match.url_name not in PAGE_NAMES:
        raise Resolver404(path)
    return match.url_name, match.kwargs, language


def embed_address(request, slug, query, edition=None):
    """The embed of a page: pinned to `edition` when given, else always the latest published edition."""
    kwargs = {"slug": slug} if slug else {}
    name = "embed_cluster" if slug else "embed_map"
    path = editions.with_year(name, edition, **kwargs) if edition is not None else reverse(name, kwargs=kwargs)
    return request.build_absolute_uri(path) + ("?" + urlencode(query) if query else "")


def iframe_html(src, title, width, height):
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" allow="{}" allowfullscreen '
        'referrerpolicy="{}" style="border:0;max-width:100%"></iframe>',
        src,
        width,
        height,
        title,
        IFRAME_ALLOW,
        IFRAME_REFERRER_POLICY,
    )


def oembed_size(query):
    """(width, height) at 4:3 within ?maxwidth= and ?maxheight=; raises FilterError for a bad value."""
    width, height = OEMBED_SIZE
    limits = {}
    for name in ("maxwidth", "maxheight"):
        value = single_value(query, name)
        if value in (None, ""):
            continue
        # ASCII digits only ("²" is a digit to Python), and few of them (5,000 digits are no size).
        if not re.fullmatch(r"[0-9]{1,6}", value) or int(value) < 1:
            raise FilterError(name, value, _("A width or height is a whole number of pixels."))
        limits[name] = int(value)
    if "maxwidth" in limits and width > limits["maxwidth"]:
        width, height = limits["maxwidth"], round(limits["maxwidth"] * 3 / 4)
    if "maxheight" in limits and height > limits["maxheight"]:
        width, height = round(limits["maxheight"] * 4 / 3), limits["maxheight"]
    return max(width, 1), max(height, 1), limits


def embed_query(name, page_query, path_language):
    """The embed's query for a page's address: its language (from /en/…, an embed's ?lang=, else the
    reader's), what the page shows, and an embed's own options."""
    language = path_language or page_query.get("lang", "").lower()
    if language not in languages():
        language = translation.get_language() if translation.get_language() in languages() else settings.LANGUAGE_CODE
    query = {"lang": language}
    if name.startswith("embed_"):
        query.update({k: v for k, v in page_query.items() if k in OPTION_PARAMETERS and k != "lang"})
    query.update({k: v for k, v in page_query.items() if k in STATE_PARAMETERS and v})
    return query


def oembed_error(status, message, parameter=None):
    error = {"status": status, "message": str(message)}
    if parameter is not None:
        # Which parameter is wrong, in the message too, for a portal's editor who reads only that.
        error.update(parameter=parameter, message=f"{parameter}: {message}")
    response = JsonResponse({"error": error}, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@answer_cache.cached_answer
def oembed(request):
    """?url=<one of our map or cluster pages>&format=json&maxwidth=&maxheight= → a "rich" embed."""
    try:
        fmt = single_value(request.GET, "format") or "json"
        url = single_value(request.GET, "url") or ""
        width, height, limits = oembed_size(request.GET)
    except FilterError as error:
        return oembed_error(400, error.message, error.parameter)
    if fmt != "json":
        return oembed_error(501, _("Only the JSON format is served."))
    if not url:
        return oembed_error(400, _("Give the address of the map or of a cluster's page as ?url=."), "url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 raises ValueError for a port that is not a number
    except ValueError:
        return oembed_error(400, _("This is not a web address."), "url")
    if not same_host(parts, request):
        return oembed_error(404, _("This address is not one of our map's pages."))
    try:
        name, kwargs, path_language = resolve_page(parts.path or "/")
    except Resolver404:
        return oembed_error(404, _("This address is not one of our map's pages."))

    if name.startswith("embed_"):
        try:
            EmbedOptions.from_query(QueryDict(parts.query), allowed_origins(), own_origin(request))
        except FilterError as error:
            return oembed_error(400, error.message, f"url ({error.parameter})")
    query = embed_query(name, dict(parse_qsl(parts.query)), path_language)
    slug = kwargs.get("slug")
    # The edition the given address names: an address with a year gets an embed pinned to it, one without
    # an embed of the latest published edition (what the address itself shows).
    try:
        edition = embed_edition(request, kwargs.get("year"), slug)
    except Http404:
        return oembed_error(404, _("This address is not one of our map's pages."))
    cluster = None
    if slug is not None:
        cluster = (
            Cluster.objects.published().filter(edition=edition).select_related("district").filter(slug=slug).first()
        )
        if cluster is None:
            return oembed_error(404, _("No published cluster is called “%(slug)s”.") % {"slug": slug})
    pinned = edition if "year" in kwargs else None
    with translation.override(query["lang"]):
        site = site_title(edition)
        title = f"{formats.bilingual(cluster, 'name')} · {site}" if cluster else site
        iframe_title = map_title(edition)
        answer = {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": site,
            "provider_url": request.build_absolute_uri("/"),
            "html": iframe_html(embed_address(request, slug, query, pinned), iframe_title, width, height),
            "width": width,
            "height": height,
            "cache_age": 86400,
        }
    thumbnail_width, thumbnail_height = pages.PREVIEW_SIZE
    # A thumbnail must fit the sizes asked for as well; ours is one picture, so none when it does not.
    if thumbnail_width <= limits.get("maxwidth", thumbnail_width) and thumbnail_height <= limits.get(
        "maxheight", thumbnail_height
    ):
        answer.update(
            thumbnail_url=request.build_absolute_uri(static(pages.PREVIEW_IMAGE)),
            thumbnail_width=thumbnail_width,
            thumbnail_height=thumbnail_height,
        )
    response = JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def oembed_discovery_url(request, page_url):
    return request.build_absolute_uri(reverse("oembed")) + "?" + urlencode({"url": page_url, "format": "json"})


# ---- The "Embed this map" dialog of the map and cluster pages ----


def choice(value, label, selected=False):
    return {"value": value, "label": label, "selected": selected}


def control_labels():
    return {
        "zoom": _("Zoom buttons"),
        "home": _("All of Shanghai button"),
        "locate": _("Locate me button"),
        "fullscreen": _("Full screen button"),
        "layers": _("Map layers (basemap, projects)"),
        "search": _("Search"),
        "filters": _("Filters and totals"),
        "list": _("List of clusters"),
    }


def map_title(edition):
    return _("Map of Shanghai's %(year)s key industry layout") % {"year": edition.year}


def dialog_context(request, page_url, cluster=None, edition=None):
    """What the dialog offers (published records of the page's edition) and what its script needs. The snippet
    pins the edition shown (`embedUrl`); `latestEmbedUrl` is the embed that always shows the latest edition."""
    edition = edition or editions.shown()
    current = translation.get_language()
    labels = control_labels()
    titles = {}
    for code in languages():
        with translation.override(code):
            titles[code] = map_title(edition)
    # A cluster's page offers its own cluster (its dialog costs what one cluster costs); the map offers all.
    if cluster is not None:
        clusters = [cluster]
    else:
        clusters = (
            Cluster.objects.published()
            .filter(edition=edition)
            .only("slug", "number", "name_zh", "name_en")
            .order_by("number", "slug")
        )
    return {
        "head": {
            "oembed_url": oembed_discovery_url(request, page_url),
            "title": _("Embed this map (oEmbed)"),
        },
        "languages": [choice(code, LANGUAGE_SELF_NAMES.get(code, code), code == current) for code in languages()],
        "clusters": [
            choice(c.slug, formats.bilingual(c, "name"), cluster is not None and c.pk == cluster.pk) for c in clusters
        ],
        "chains": [
            choice(c.slug, formats.bilingual(c, "name"))
            for c in edition_chains(Cluster.objects.published().filter(edition=edition), edition)
        ],
        "categories": [choice(c.value, str(c.label)) for c in ScenarioCategory],
        "districts": [
            choice(d.adcode, formats.bilingual(d, "name"))
            for d in District.objects.only("adcode", "name_zh", "name_en").order_by("adcode")
        ],
        "basemaps": [choice("", _("Districts only (works offline)"))]
        + [choice(b["id"], b["name"]) for b in map_data.basemaps()],
        "controls": [{"value": name, "label": labels[name]} for name in CONTROLS],
        "config": {
            "embedUrl": request.build_absolute_uri(editions.with_year("embed_map", edition)),
            "latestEmbedUrl": request.build_absolute_uri(reverse("embed_map")),
            "edition": edition.year,
            "titles": titles,
            "controls": list(CONTROLS),
            "allow": IFRAME_ALLOW,
            "referrerPolicy": IFRAME_REFERRER_POLICY,
            "text": {
                "copied": _("Copied. Paste it into your page's HTML."),
                "copyFailed": _("Copying is not allowed here: the code is selected, press Ctrl+C (⌘C on a Mac)."),
            },
        },
    }
