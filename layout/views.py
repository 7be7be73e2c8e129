"""Public pages (the API is in layout.api). Thin: data comes from layout.pages and layout.geojson."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from layout import embed, geojson, pages, roles


def cluster_map(request):
    # ?preview=1 shows an official the drafts they may edit or review on the real map; anyone else gets
    # the public map.
    preview = request.user if request.GET.get("preview") == "1" and roles.may_preview(request.user) else None
    context = pages.cluster_map_context(preview=preview)
    context["embed_dialog"] = embed.dialog_context(request, request.build_absolute_uri())
    response = render(request, "layout/cluster_map.html", context)
    if preview:
        response["Cache-Control"] = "private, no-store"
    return response


def cluster_detail(request, slug):
    cluster = get_object_or_404(geojson.clusters_for_map(), slug=slug)
    context = pages.cluster_detail_context(cluster)
    context["share"] = pages.cluster_share(cluster, request.build_absolute_uri)
    context["embed_dialog"] = embed.dialog_context(request, context["share"]["url"], cluster)
    return render(request, "layout/cluster_detail.html", context)


def scenario_list(request):
    return render(request, "layout/scenario_list.html", pages.scenarios_context())


def project_list(request):
    return render(request, "layout/project_list.html", pages.projects_context())


def cluster_compare(request):
    values = request.GET.getlist("clusters")
    slugs = pages.requested_slugs(values)
    # The form sends ?clusters=a&clusters=b: answer with the short address a reader can share.
    if len(values) > 1 or any(value != value.strip() for value in values):
        return redirect(reverse("cluster_compare") + pages.compare_query(slugs))
    context = pages.compare_context(slugs)
    # Fewer than two is a step on the way (the form is there to add more); more than four or an
    # unknown cluster is a request that cannot be answered.
    return render(request, "layout/cluster_compare.html", context, status=400 if context["refused"] else 200)
