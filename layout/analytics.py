"""What investors look at, counted per day: counters in the cache (no database write per request), flushed to
DailyCount every few seconds, read by the admin's dashboard. Counts only: nothing about the visitor."""

import hashlib
import re
import time
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

# What is counted, and what its key is.
KINDS = (
    "view",  # a page, by kind (map, cluster, scenarios, projects, compare, embed, downloads)
    "cluster",  # a cluster's page, by slug
    "compare",  # a cluster in a comparison, by slug
    "popup",  # a cluster's popup opened on the map, by slug
    "search",  # a search on the map that found something, by its text
    "search_none",  # a search on the map that found nothing, by its text
    "filter",  # a filter chosen on the map: "chain:<slug>", "category:<value>", "district:<adcode>"
    "download",  # a file of /downloads/, by name
    "api",  # an open-data API call, by endpoint
    "embed",  # the map embedded in another site, by that site's origin
    "enquiry",  # an enquiry sent about a cluster, by slug
)
# Keys that are cluster slugs: their count belongs to the cluster's district (and is dropped for a slug that
# names no cluster, so made-up slugs sent to the beacon fill nothing).
CLUSTER_KINDS = {"cluster", "compare", "popup", "enquiry"}
# What the map's script may report (layout.beacon); the server counts the rest itself.
BROWSER_KINDS = {"popup", "search", "search_none", "filter"}
SEARCH_KINDS = {"search", "search_none"}

COUNTS_CACHE = "counts"
MAX_KEY = 120
# A search's text is kept only up to this many characters (it is what investors look for, not a message).
MAX_SEARCH = 64
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
FILTER = re.compile(r"^(chain|category|district):[-\w]{1,60}$")
# Searches rarely hold personal data; a phone number or an email address is not kept as typed.
LONG_NUMBER = re.compile(r"\d[\d\s\-]{5,}\d")
EMAIL = re.compile(r"\S+@\S+")
# A flood of made-up keys (searches sent by a script) must not fill the cache or the database: past this many
# different keys in a day, new keys are not counted (those already seen still are).
MAX_KEYS_PER_DAY = 5000
# Counters outlive the days they count by this much, so a flush that came late still finds them.
COUNTER_DAYS = 3
LOCK = "layout:counts:flush-lock"
LOCK_SECONDS = 60

_next_flush = 0.0


def counts_cache():
    return caches[COUNTS_CACHE] if COUNTS_CACHE in settings.CACHES else caches["default"]


def normalised_search(text):
    """A search as kept: compatibility forms folded (full-width letters), lower case, spaces collapsed, no
    control characters, numbers that could be a phone and email addresses masked, at most MAX_SEARCH long."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in " \t\n")
    text = EMAIL.sub("[email]", " ".join(text.split()))
    text = LONG_NUMBER.sub("[number]", text)
    return text[:MAX_SEARCH].strip()


def clean_key(kind, key):
    """The key as stored, or ValueError for an unknown kind or a key that kind cannot have."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    key = "" if key is None else str(key)
    if kind in SEARCH_KINDS:
        if len(key.strip()) > MAX_SEARCH:
            raise ValueError(f"a search is kept up to {MAX_SEARCH} characters")
        key = normalised_search(key)
        if not key:
            raise ValueError("an empty search")
        return key
    if kind in CLUSTER_KINDS and not SLUG.match(key):
        raise ValueError("not a cluster's slug")
    if kind == "filter" and not FILTER.match(key):
        raise ValueError("not a filter (chain:, category: or district: and a value)")
    if len(key) > MAX_KEY:
        raise ValueError(f"longer than {MAX_KEY} characters")
    return key


def _day_prefix(day):
    return f"layout:counts:{day.isoformat()}"


_counters = {}


def _counter(day, kind, key, district):
    """The cache key of a counter (remembered: the same few pages are counted all day long)."""
    name = (day, kind, key, district)
    counter = _counters.get(name)
    if counter is None:
        if len(_counters) > 10000:
            _counters.clear()
        digest = hashlib.sha256(f"{kind}\n{key}\n{district}".encode()).hexdigest()[:24]
        counter = _counters[name] = f"{_day_prefix(day)}:c:{digest}"
    return counter


def count(kind, key="", *, cluster=None, district="", amount=1, day=None):
    """Count one (or `amount`) of `kind` today. `cluster`: a Cluster or its slug (enquiries call
    count("enquiry", cluster=…)). Raises ValueError for a kind or key that cannot be counted.

    Two cache operations in the usual case (no database): the counter's increment; a key seen for the first
    time today is registered under a numbered slot, so that a flush can find it."""
    if cluster is not None:
        key = getattr(cluster, "slug", cluster)
    key = clean_key(kind, key)
    if not settings.LAYOUT_COUNT_VISITS:
        return
    day = day or timezone.localdate()
    counter = _counter(day, kind, key, district or "")
    cache = counts_cache()
    try:
        cache.incr(counter, amount)
        return
    except ValueError:  # not there yet today (or the cache lost it)
        pass
    ttl = COUNTER_DAYS * 24 * 3600
    if cache.add(counter, 0, ttl):
        prefix = _day_prefix(day)
        cache.add(f"{prefix}:slots", 0, ttl)
        try:
            slot = cache.incr(f"{prefix}:slots")
        except ValueError:  # a dummy cache: nothing can be counted
            return
        if slot > MAX_KEYS_PER_DAY:
            cache.delete(counter)
            return
        cache.set(f"{prefix}:slot:{slot}", (counter, kind, key, district or ""), ttl)
    try:
        cache.incr(counter, amount)
    except ValueError:
        return


def flush_when_due(**kwargs):
    """Flush at most every LAYOUT_COUNT_FLUSH_SECONDS per process, by whichever request passes the mark
    (connected to request_finished: after the answer has been sent)."""
    global _next_flush
    now = time.monotonic()
    if now < _next_flush:
        return
    _next_flush = now + settings.LAYOUT_COUNT_FLUSH_SECONDS
    flush()


def flush():
    """Move the counts from the cache to DailyCount; returns how many were moved. One flusher at a time
    (a lock in the cache); what is counted meanwhile stays in the cache for the next flush."""
    cache = counts_cache()
    if not cache.add(LOCK, 1, LOCK_SECONDS):
        return 0
    moved = 0
    try:
        today = timezone.localdate()
        for back in range(COUNTER_DAYS - 1, -1, -1):
            moved += _flush_day(cache, today - timedelta(days=back))
    finally:
        cache.delete(LOCK)
    return moved


def _flush_day(cache, day):
    prefix = _day_prefix(day)
    slots = cache.get(f"{prefix}:slots") or 0
    if not slots:
        return 0
    registered = {}
    names = [f"{prefix}:slot:{n}" for n in range(1, min(slots, MAX_KEYS_PER_DAY) + 1)]
    for start in range(0, len(names), 500):
        for counter, kind, key, district in cache.get_many(names[start : start + 500]).values():
            registered[counter] = (kind, key, district)
    taken = {}
    counters = list(registered)
    for start in range(0, len(counters), 500):
        for counter, value in cache.get_many(counters[start : start + 500]).items():
            if value:
                # Taken away, not reset: what other requests add meanwhile stays for the next flush.
                cache.decr(counter, value)
                taken[registered[counter]] = taken.get(registered[counter], 0) + value
    if not taken:
        return 0
    try:
        _write(day, taken)
    except Exception:
        for (kind, key, district), value in taken.items():  # given back, for the next flush
            cache.incr(_counter(day, kind, key, district), value)
        raise
    return sum(taken.values())


def _write(day, taken):
    from layout.models import Cluster, DailyCount

    slugs = {key for (kind, key, _district) in taken if kind in CLUSTER_KINDS}
    district_of = dict(Cluster.objects.filter(slug__in=slugs).values_list("slug", "district__adcode")) if slugs else {}
    with transaction.atomic():
        for (kind, key, district), value in taken.items():
            if kind in CLUSTER_KINDS:
                if key not in district_of:
                    continue
                district = district_of[key]
            rows = DailyCount.objects.filter(day=day, kind=kind, key=key, district=district)
            if rows.update(count=F("count") + value):
                continue
            try:
                with transaction.atomic():
                    DailyCount.objects.create(day=day, kind=kind, key=key, district=district, count=value)
            except IntegrityError:  # created meanwhile by another process's flush
                rows.update(count=F("count") + value)


def counted(start, end, district=None):
    """DailyCount rows from `start` to `end` (dates, inclusive); `district` (an adcode) keeps that district's."""
    from layout.models import DailyCount

    rows = DailyCount.objects.filter(day__gte=start, day__lte=end)
    if district is not None:
        rows = rows.filter(district=district)
    return rows


def totals_by_key(rows, kind, limit=None):
    """[(key, count)] of one kind, most counted first."""
    found = rows.filter(kind=kind).values("key").annotate(total=Sum("count")).order_by("-total", "key")
    return [(row["key"], row["total"]) for row in (found[:limit] if limit else found)]


def totals_by_day(rows, kinds):
    """{day: count} of the given kinds."""
    found = rows.filter(kind__in=kinds).values("day").annotate(total=Sum("count"))
    return {row["day"]: row["total"] for row in found}


def total(rows, kinds):
    return rows.filter(kind__in=kinds).aggregate(total=Sum("count"))["total"] or 0
