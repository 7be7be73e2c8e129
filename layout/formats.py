"""How figures read: base units (m², CNY) shown as readers expect, unknown as "not published"."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation


def is_chinese(language=None):
    return (language or translation.get_language() or "zh-hans").lower().startswith("zh")


def not_published(language=None):
    # Spelled out in both languages: the words follow the language asked for, whichever
    # catalogue is active (an API answer in ?lang=en on a Chinese request, say).
    return "未公布" if is_chinese(language) else "not published"


def category_label(category):
    """A scenario category in the reader's language only: its English label carries the Chinese name
    after " · " for officials, which the public pages leave out."""
    return str(category.label).split(" · ")[0]


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
        total = f"{published}个" if published is not None else not_published(language)
        return f"{total}（已公布名称{named}个）"
    total = f"{published:,}" if published is not None else not_published(language)
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


# BCP 47 tags for the lang attribute of text shown in a language other than the page's.
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Localized:
    """A content field as shown: its text, the language it is in, and whether that is a fallback."""

    text: str
    lang: str  # "zh-Hans" or "en"
    is_fallback: bool

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


def localized(obj, field, language=None):
    """Like bilingual(), but says when the text is the other language's, so pages can mark it."""
    first, second = ("zh", "en") if is_chinese(language) else ("en", "zh")
    text = getattr(obj, f"{field}_{first}", "") or ""
    if text:
        return Localized(text, HTML_LANG[first], False)
    text = getattr(obj, f"{field}_{second}", "") or ""
    return Localized(text, HTML_LANG[second], bool(text))


def fallback_badge(localized_text, language=None):
    """The mark beside a fallback: the language the text is in, named in the reader's language."""
    if not localized_text.is_fallback:
        return ""
    if is_chinese(language):
        return "英文" if localized_text.lang == "en" else "中文"
    return "in English" if localized_text.lang == "en" else "in Chinese"


def format_named(n, language=None):
    """How many records the sources name (never "0 scenarios": only 0 named)."""
    return f"已列名{n}个" if is_chinese(language) else f"{n:,} named"


def format_date(value, language=None):
    """2025-03-25 → "2025年3月25日" / "25 March 2025"; None → not published."""
    if value is None:
        return not_published(language)
    if is_chinese(language):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"


def format_share(part, whole, language=None):
    """How many of an announced total our data holds: "5 / 37" reads "37个中的5个" / "5 of 37"."""
    if whole is None:
        return f"{part}个（总数未公布）" if is_chinese(language) else f"{part:,} (total not published)"
    if is_chinese(language):
        return f"{format_count(whole, language)}个中的{format_count(part, language)}个"
    return f"{format_count(part, language)} of {format_count(whole, language)}"
