"""How figures read: base units (m², CNY) shown as readers expect, unknown as "not published"."""
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _


def is_chinese(language=None):
    return (language or translation.get_language() or "zh-hans").lower().startswith("zh")


def not_published(language=None):
    # Spelled out for Chinese so the page never depends on a compiled catalogue for this one.
    return "未公布" if is_chinese(language) else _("not published")


def _trim(number, places, grouping=True):
    """At most `places` decimals, no trailing zeros: 50.90 → 50.9, 375.0 → 375."""
    text = f"{Decimal(number):,.{places}f}" if grouping else f"{Decimal(number):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_space(m2, language=None):
    """15000000 → "1500万平方米" / "15,000,000 m²"; None → not published."""
    if m2 is None:
        return not_published(language)
    if is_chinese(language):
        if m2 >= 10_000:
            return f"{_trim(Decimal(m2) / 10_000, 2, grouping=False)}万平方米"
        return f"{m2:,}平方米"
    return f"{m2:,} m²"


def format_investment(cny, language=None):
    """50900000000 → "509亿元" / "50.9 billion CNY"; None → not published."""
    if cny is None:
        return not_published(language)
    cny = Decimal(cny)
    if is_chinese(language):
        if cny >= 100_000_000:
            return f"{_trim(cny / 100_000_000, 2, grouping=False)}亿元"
        if cny >= 10_000:
            return f"{_trim(cny / 10_000, 2, grouping=False)}万元"
        return f"{_trim(cny, 2)}元"
    if cny >= 1_000_000_000:
        return f"{_trim(cny / 1_000_000_000, 3)} billion CNY"
    if cny >= 1_000_000:
        return f"{_trim(cny / 1_000_000, 3)} million CNY"
    return f"{_trim(cny, 2)} CNY"


def format_count(n, language=None):
    if n is None:
        return not_published(language)
    return f"{n:,}"


def format_scenarios(published, named, language=None):
    """A cluster's scenarios: the published number, and how many of them the sources name."""
    if is_chinese(language):
        total = f"{published}个" if published is not None else not_published()
        return f"{total}（已公布名称{named}个）"
    total = f"{published:,}" if published is not None else not_published()
    return f"{total} ({named} named)"


def format_headline(figure, language=None):
    """A HeadlineFigure's value in its unit, with "over" where the source says 超过."""
    if figure.value is None:
        return not_published(language)
    value = int(figure.value) if figure.value == int(figure.value) else figure.value
    text = {"m2": format_space, "cny": format_investment}.get(figure.unit, format_count)(value, language)
    if figure.qualifier == "over":
        return f"超过{text}" if is_chinese(language) else f"over {text}"
    return text


def bilingual(obj, field, language=None):
    """The field in the reader's language, falling back to the other one when empty."""
    first, second = ("zh", "en") if is_chinese(language) else ("en", "zh")
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "")
