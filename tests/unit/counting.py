"""Helpers of the tests of what investors look at (layout.analytics): a browser's User-Agent and the counts as
stored after a flush (the `counts` fixture, a clean counter cache, is in tests/unit/conftest.py)."""

from django.db.models import Sum

from layout import analytics
from layout.models import DailyCount

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"


def stored(kind=None):
    """{(kind, key): count} in DailyCount after a flush of the cache."""
    analytics.flush()
    rows = DailyCount.objects.all() if kind is None else DailyCount.objects.filter(kind=kind)
    return {(row["kind"], row["key"]): row["total"] for row in rows.values("kind", "key").annotate(total=Sum("count"))}
