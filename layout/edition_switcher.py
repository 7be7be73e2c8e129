"""The edition switcher: the published years, each linking to the same page in that year, the one shown marked."""

from django.urls import reverse

from layout.models import Edition


def switcher(current_year, link, preview_year=None, keeps_map_state=False):
    """[{year, url, current}] for the published editions, latest first; `link(year)` is the page's address in
    that year. A staff preview of an unpublished edition lists it too (`preview_year`), never the public's.
    `keeps_map_state`: the links carry the map's view along (static/layout/edition-switch.js)."""
    years = list(Edition.objects.published().order_by("-year").values_list("year", flat=True))
    if preview_year is not None and preview_year not in years:
        years = sorted([*years, preview_year], reverse=True)
    if len(years) < 2 and current_year in years:
        return []  # one edition: nothing to switch to
    return [
        {"year": year, "url": link(year), "current": year == current_year, "keeps_map_state": keeps_map_state}
        for year in years
    ]


def _preview_year(edition, preview):
    return edition.year if preview and not edition.is_published else None


def map_switcher(edition, preview=None):
    """The map page's switcher: each year's map (the view state follows with the script)."""
    suffix = "?preview=1" if preview else ""
    return switcher(
        edition.year,
        lambda year: reverse("cluster_map", kwargs={"year": year}) + suffix,
        preview_year=_preview_year(edition, preview),
        keeps_map_state=True,
    )


def cluster_switcher(cluster, elsewhere, preview=None):
    """A cluster page's switcher: the same cluster in each year that lists it (`elsewhere`, from
    edition_changes.same_cluster_elsewhere), else that year's map."""
    by_year = {other.edition.year: other for other in elsewhere}
    edition = cluster.edition

    def link(year):
        if year == edition.year:
            return reverse("cluster_detail", kwargs={"year": year, "slug": cluster.slug})
        other = by_year.get(year)
        if other is not None:
            return reverse("cluster_detail", kwargs={"year": year, "slug": other.slug})
        return reverse("cluster_map", kwargs={"year": year})

    return switcher(edition.year, link, preview_year=_preview_year(edition, preview))


def changes_link(switcher_items, edition, preview=None):
    """The address of the edition's "what changed" page when the switcher offers an earlier year to compare with."""
    if not any(item["year"] < edition.year for item in switcher_items):
        return None
    return reverse("edition_changes", kwargs={"year": edition.year}) + ("?preview=1" if preview else "")
