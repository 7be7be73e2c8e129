"""The map's beacon (navigator.sendBeacon to our own origin): popups opened, searches and filters, counted by
layout.analytics. It takes a kind and a key, sets no cookie and is never cached."""

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from layout import analytics, visits

# A beacon is two short fields; anything larger is not one of ours.
MAX_BODY = 1024


@csrf_exempt  # nothing of the visitor's is changed: it only counts, and it reads no cookie for that
@never_cache
@require_POST
def noted(request):
    if len(request.body) > MAX_BODY:
        return HttpResponseBadRequest("too long", content_type="text/plain")
    kind = request.POST.get("kind", "")
    if kind not in analytics.BROWSER_KINDS:
        return HttpResponseBadRequest(
            "kind: one of " + ", ".join(sorted(analytics.BROWSER_KINDS)), content_type="text/plain"
        )
    try:
        key = analytics.clean_key(kind, request.POST.get("key", ""))
    except ValueError as exc:
        return HttpResponseBadRequest(f"key: {exc}", content_type="text/plain")
    if visits.counted_visitor(request):
        analytics.count(kind, key)
    return HttpResponse(status=204)
