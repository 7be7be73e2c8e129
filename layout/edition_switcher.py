"""The edition switcher: the published years, each linking to the same page in that year, the one shown marked."""

from layout.models import Edition


def switcher(current_year, link, preview_year=None):
    """[{year, url, current}] for the published editions, latest first; `link(year)` is the page's address in
    that year. A staff preview of an unpublished edition lists it too (`preview_year`), never the public."""
    years = list(Edition.objects.published().order_by("-year").values_list("year", flat=True))
    if preview_year is not None and preview_year not in years:
        years = sorted([*years, preview_year], reverse=True)
    if len(years) < 2 and current_year in years:
        return []  # one edition: nothing to switch to
    return [{"year": year, "url": link(year), "current": year == current_year} for year in years]
