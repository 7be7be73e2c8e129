"""Which edition an answer is about: the one its address names (`/<lang>/2025/…`, `/api/v1/editions/2025/…`), else
the latest published one; one lookup for every public address, so that staff preview can hook in here."""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.http import Http404
from django.urls import NoReverseMatch, reverse

from layout.models import Edition

# The edition of the answer being built, set by `edition_view` for the time of the view: every list the
# answer shows (geojson, pages, api, exports, offline map, search) is of this edition.
_answering = ContextVar("layout_edition", default=None)


def latest_published():
    """The newest edition the public sees, or None while none is published."""
    return Edition.objects.published().order_by("-year").first()


def public_edition(request, year=None):
    """The edition an address names by `year`, or without one the latest published; Http404 when it is unknown
    or not published. A staff preview (answer_cache.staff_preview: ?preview=1 by an official who may edit or
    review) also opens an unpublished edition at its own address, never cached; the public gets 404."""
    from layout import answer_cache

    previewing = year is not None and answer_cache.staff_preview(request) is not None
    editions = Edition.objects.all() if previewing else Edition.objects.published()
    edition = latest_published() if year is None else editions.filter(year=year).first()
    if edition is None:
        raise Http404("No such edition.")
    return edition


def latest_with_cluster(request, slug):
    """The most recent published edition with a published cluster of this slug, else the latest published
    (where the cluster is then not found); Http404 while no edition is published."""
    edition = (
        Edition.objects.published().filter(clusters__slug=slug, clusters__is_published=True).order_by("-year").first()
    )
    return edition or public_edition(request)


def shown():
    """The edition of the answer being built; outside a view (a command, a test), the latest published."""
    return _answering.get() or latest_published()


def year_of(edition_id):
    """An edition's year, without a query when it is the edition of the answer being built."""
    edition = _answering.get()
    if edition is not None and edition.pk == edition_id:
        return edition.year
    return Edition.objects.filter(pk=edition_id).values_list("year", flat=True).get()


def years_published():
    """The years of the published editions, newest first."""
    return list(Edition.objects.published().order_by("-year").values_list("year", flat=True))


@contextmanager
def answering(edition):
    """Build what follows for `edition` (a command writing one edition's files, a test)."""
    token = _answering.set(edition)
    try:
        yield edition
    finally:
        _answering.reset(token)


def edition_view(view):
    """A view of one edition: the `year` of its address resolved by public_edition (none: the latest published;
    unknown or unpublished: 404), passed on as `edition`, and everything the view lists is of that edition."""

    @wraps(view)
    def wrapped(request, *args, year=None, **kwargs):
        edition = public_edition(request, year)
        with answering(edition):
            return view(request, *args, edition=edition, **kwargs)

    return wrapped


def with_year(url_name, edition, **kwargs):
    """The address of `url_name` in `edition`: the year in its path (an address a reader shares keeps its meaning
    when a newer edition is published)."""
    try:
        return reverse(url_name, kwargs={**kwargs, "year": edition.year})
    except NoReverseMatch:
        return reverse(url_name, kwargs=kwargs or None)


def pinned_path(request, edition):
    """The request's path and query with the edition's year in the path (the same address if it has one)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name is None or "year" in match.kwargs:
        return request.get_full_path()
    try:
        path = reverse(match.view_name, kwargs={**match.kwargs, "year": edition.year})
    except NoReverseMatch:
        return request.get_full_path()
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path
