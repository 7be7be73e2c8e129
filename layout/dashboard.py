"""The admin's dashboard of what investors look at (layout.analytics): city-wide for city editors, reviewers and
superusers, own district's clusters for district editors; a date range, charts drawn as inline SVG, CSV export."""

import csv
import io
from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layout import analytics, charts, formats, roles
from layout.admin import ReadOnlyAdminMixin
from layout.exports import spreadsheet_text
from layout.models import Cluster, DailyCount, District, IndustryChain, ScenarioCategory

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP = 20
CSV_COLUMNS = ["day", "kind", "key", "district", "count"]

PAGE_NAMES = {
    "map": _("Map"),
    "cluster": _("Cluster pages"),
    "scenarios": _("Scenarios list"),
    "projects": _("Projects list"),
    "compare": _("Comparisons"),
    "embed": _("Embedded map"),
    "downloads": _("Downloads page"),
}
FILTER_NAMES = {
    "chain": _("Industry chain"),
    "category": _("Scenario category"),
    "district": _("District"),
}

# The first columns of each table of the dashboard (then the count and its bar).
HEADINGS = {
    "page": [_("Page")],
    "search": [_("Search")],
    "filter": [_("Filter")],
    "download": [_("File")],
    "api": [_("Address")],
    "embed": [_("Site")],
}


class RangeForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("The first day comes after the last."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("Choose at most %(days)d days.") % {"days": MAX_DAYS})
        data["start"], data["end"] = start, end
        return data


def chosen_range(request):
    """The form and the days it chose (the last 30 days when none or a wrong range was given)."""
    form = RangeForm(request.GET or None)
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, *default_range()


def default_range():
    end = timezone.localdate()
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def scope_of(user):
    """(district adcode or None for city-wide, District or None); PermissionDenied for an account with no
    district to see."""
    district = roles.editor_district(user)
    if district is None:
        return None, None
    if district is False:
        raise PermissionDenied
    return district.adcode, district


def cluster_rows(rows):
    """A row per cluster with any count: name, district, page views, popups, comparisons, enquiries; by total."""
    per = {}
    for kind in ("cluster", "popup", "compare", "enquiry"):
        for key, value in analytics.totals_by_key(rows, kind):
            per.setdefault(key, {})[kind] = value
    clusters = {c.slug: c for c in Cluster.objects.filter(slug__in=per).select_related("district")}
    found = []
    for slug, values in per.items():
        cluster = clusters.get(slug)
        name = str(formats.localized(cluster, "name")) if cluster else slug
        district = str(formats.localized(cluster.district, "name")) if cluster else ""
        numbers = [values.get(kind, 0) for kind in ("cluster", "popup", "compare", "enquiry")]
        found.append((name, district, *numbers, sum(numbers)))
    found.sort(key=lambda row: (-row[-1], row[0]))
    return charts.with_bars(found)


def named(rows, names):
    return [(str(names.get(key, key)), value) for key, value in rows]


def filter_names():
    """{"chain:<slug>": name, …} of the choices the map's filters offer, in the reader's language."""
    names = {f"district:{d.adcode}": formats.localized(d, "name") for d in District.objects.all()}
    names |= {f"chain:{c.slug}": formats.localized(c, "name") for c in IndustryChain.objects.all()}
    names |= {f"category:{value}": label for value, label in ScenarioCategory.choices}
    return names


def filter_label(key, names):
    field, _sep, value = key.partition(":")
    return f"{FILTER_NAMES.get(field, field)}: {names.get(key, value)}"


def dashboard_context(start, end, adcode):
    rows = analytics.counted(start, end, adcode)
    cluster_kinds = ("cluster", "popup", "compare", "enquiry")
    context = {
        "clusters": cluster_rows(rows),
        "cluster_daily": charts.daily_columns(analytics.totals_by_day(rows, cluster_kinds), start, end),
        "city_wide": adcode is None,
    }
    if adcode is not None:
        return context
    names = filter_names()
    searches = analytics.totals_by_key(rows, "search", TOP)
    unfound = analytics.totals_by_key(rows, "search_none", 50)
    context.update(
        {
            "daily": charts.daily_columns(analytics.totals_by_day(rows, ["view"]), start, end),
            "pages": charts.with_bars(named(analytics.totals_by_key(rows, "view"), PAGE_NAMES)),
            "search_total": analytics.total(rows, ["search", "search_none"]),
            "search_none_total": analytics.total(rows, ["search_none"]),
            "searches": charts.with_bars(searches),
            "unfound": charts.with_bars(unfound),
            "filters": charts.with_bars(
                [(filter_label(key, names), value) for key, value in analytics.totals_by_key(rows, "filter", TOP)]
            ),
            "downloads": charts.with_bars(analytics.totals_by_key(rows, "download")),
            "api": charts.with_bars(analytics.totals_by_key(rows, "api")),
            "embeds": charts.with_bars(
                [(key or str(_("(not told)")), value) for key, value in analytics.totals_by_key(rows, "embed", TOP)]
            ),
        }
    )
    return context


def write_csv(rows, stream):
    """The counts as CSV (UTF-8 with BOM for Excel); a search's text is a visitor's: formula-safe."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for row in rows.order_by("day", "kind", "key", "district"):
        writer.writerow(
            [row.day.isoformat(), row.kind, spreadsheet_text(row.key), spreadsheet_text(row.district), row.count]
        )


@admin.register(DailyCount)
class DashboardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """No list of rows: the model's admin page is the dashboard (view permission: layout.roles)."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.dashboard), name="layout_dailycount_changelist"),
            path("export.csv", view(self.export_csv), name="layout_dailycount_export"),
        ]

    def dashboard(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        adcode, district = scope_of(request.user)
        # What the cache holds is read too, not only what reached the database at the last flush.
        analytics.flush()
        form, start, end = chosen_range(request)
        context = {
            **self.admin_site.each_context(request),
            "title": _("What investors look at"),
            "opts": self.model._meta,
            "form": form,
            "start": start,
            "end": end,
            "district": district,
            "district_name": str(formats.localized(district, "name")) if district else "",
            "headings": HEADINGS,
            "export_query": f"start={start.isoformat()}&end={end.isoformat()}",
            **dashboard_context(start, end, adcode),
        }
        return TemplateResponse(request, "admin/layout/dailycount/dashboard.html", context)

    def export_csv(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        adcode, _district = scope_of(request.user)
        analytics.flush()
        form, start, end = chosen_range(request)
        stream = io.StringIO()
        write_csv(analytics.counted(start, end, adcode), stream)
        response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
        name = f"counts-{start.isoformat()}-{end.isoformat()}" + (f"-{adcode}" if adcode else "")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
