"""Public pages (the API is in layout.api). Thin: data comes from layout.pages and layout.geojson; each answer
is built once per data version (layout.answer_cache)."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from layout import answer_cache, edition_changes, edition_switcher, editions, embed, enquiries, geojson, pages


@answer_cache.cached_answer
@editions.edition_view
def cluster_map(request, edition):
    # ?preview=1 shows an official the drafts they may edit or review on the real map; anyone else gets
    # the public map.
    preview = answer_cache.staff_preview(request)
    context = pages.cluster_map_context(preview=preview)
    context["edition_switcher"] = edition_switcher.map_switcher(edition, preview)
    context["edition_changes_url"] = edition_switcher.changes_link(context["edition_switcher"], edition, preview)
    context["embed_dialog"] = embed.dialog_context(
        request, request.build_absolute_uri(editions.pinned_path(request, edition)), edition=edition
    )
    response = render(request, "layout/cluster_map.html", context)
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response


@answer_cache.cached_answer
@editions.edition_view
def map_cluster_geojson(request, edition):
    """The clusters the map page draws, in its language, simplified for its zoom (the API has full detail)."""
    preview = answer_cache.staff_preview(request)
    clusters = pages.map_clusters(preview)
    response = JsonResponse(
        geojson.cluster_feature_collection(clusters, zoom=pages.MAP_DETAIL_ZOOM, edition=edition),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response


@answer_cache.cached_answer
def map_district_geojson(request):
    """The district geography when officials have changed it since the release (else a static file)."""
    return JsonResponse(
        geojson.district_geography(), content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
    )


@answer_cache.cached_answer
def cluster_detail(request, slug, year=None):
    # Without a year: the most recent published edition that has the cluster, so that a link to a cluster
    # no longer listed keeps answering with the last edition that listed it.
    if year is None:
        edition = editions.latest_with_cluster(request, slug)
    else:
        edition = editions.public_edition(request, year)
    with editions.answering(edition):
        cluster = get_object_or_404(geojson.clusters_for_map(), slug=slug)
        context = pages.cluster_detail_context(cluster)
        context["share"] = pages.cluster_share(cluster, request.build_absolute_uri)
        context["embed_dialog"] = embed.dialog_context(request, context["share"]["url"], cluster, edition=edition)
        elsewhere = edition_changes.same_cluster_elsewhere(cluster)
        context["edition_switcher"] = edition_switcher.cluster_switcher(cluster, elsewhere)
        context["edition_changes_url"] = edition_switcher.changes_link(context["edition_switcher"], edition)
        context["other_editions"] = edition_changes.other_editions(elsewhere)
        return render(request, "layout/cluster_detail.html", context)


@answer_cache.cached_answer
@editions.edition_view
def scenario_list(request, edition):
    return render(request, "layout/scenario_list.html", pages.scenarios_context())


@answer_cache.cached_answer
@editions.edition_view
def project_list(request, edition):
    return render(request, "layout/project_list.html", pages.projects_context())


@answer_cache.cached_answer
@editions.edition_view
def cluster_compare(request, edition):
    values = request.GET.getlist("clusters")
    slugs = pages.requested_slugs(values)
    find = request.GET.get("find", "")
    # The form sends ?clusters=a&clusters=b: answer with the short address a reader can share.
    if len(values) > 1 or any(value != value.strip() for value in values) or find != find.strip():
        return redirect(request.path + pages.compare_query(slugs, find.strip()))
    context = pages.compare_context(slugs, find)
    # Fewer than two is a step on the way (the form is there to add more); more than four or an
    # unknown cluster is a request that cannot be answered.
    return render(request, "layout/cluster_compare.html", context, status=400 if context["refused"] else 200)


# The enquiry form is never cached: it carries the visitor's CSRF token and a fresh "form opened at" time.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_new(request):
    record = enquiries.subject_from(request.GET)
    if request.method != "POST":
        form = enquiries.EnquiryForm()
    else:
        if is_ratelimited(
            request, group="enquiry", key=enquiries_address, rate=settings.LAYOUT_ENQUIRY_RATE, increment=True
        ):
            return render(request, "layout/enquiry_refused.html", {"too_many": True}, status=429)
        form = enquiries.EnquiryForm(request.POST)
        if form.is_robot():
            return render(request, "layout/enquiry_refused.html", {"too_many": False}, status=400)
        if form.is_valid():
            enquiry = enquiries.submit(form, record, request)
            return redirect(reverse("enquiry_sent") + "?" + urlencode({"r": enquiries.sent_token(enquiry)}))
        form = enquiries.fresh_form(form)
    context = {
        "form": form,
        "subject": enquiries.subject_context(record),
        "notice": enquiries.notice(record),
        "notice_version": enquiries.NOTICE_VERSION,
    }
    return render(request, "layout/enquiry_form.html", context, status=400 if form.errors else 200)


def enquiries_address(group, request):
    return enquiries.client_address(request)


@never_cache
def enquiry_sent(request):
    return render(request, "layout/enquiry_sent.html", {"sent": enquiries.sent_from(request.GET.get("r", ""))})


@answer_cache.cached_answer
def edition_changes_page(request, year):
    """What changed in an edition since the previous published one; an unpublished edition only in a staff preview."""
    preview = answer_cache.staff_preview(request)
    edition = editions.public_edition(request, year)
    with editions.answering(edition):
        response = render(request, "layout/edition_changes.html", edition_changes.changes_context(edition, preview))
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response
