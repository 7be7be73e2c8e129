"""Template filters that show figures and names the way layout.formats says they read."""

import json
from types import SimpleNamespace

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from layout import answer_cache, editions, formats, pages

register = template.Library()

# As django.utils.html.json_script escapes: no "</script>" or "<!--" can close the element early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def space(m2):
    return formats.format_space(m2)


@register.filter
def investment(cny):
    return formats.format_investment(cny)


@register.filter
def count(n):
    return formats.format_count(n)


@register.filter
def headline(figure):
    return formats.format_headline(figure)


@register.filter
def bilingual(obj, field):
    """{{ cluster|bilingual:"name" }}: name_zh or name_en in the reader's language, else the other."""
    return formats.bilingual(obj, field)


@register.filter
def or_not_published(value):
    """The value, or "not published" (未公布) where the sources give none."""
    return value if value not in (None, "") else formats.not_published()


@register.simple_tag
def not_published():
    return formats.not_published()


@register.filter
def localized(obj, field):
    """{{ scenario|localized:"title" }}: the text in the reader's language with its lang attribute;
    where only the other language has it, that one, marked with a badge. Empty when neither has it."""
    return marked(formats.localized(obj, field))


@register.filter
def marked(text):
    """A formats.Localized as HTML: <span lang> and, for a fallback, a badge naming its language."""
    if not text:
        return ""
    badge = formats.fallback_badge(text)
    if not badge:
        return format_html('<span lang="{}">{}</span>', text.lang, text.text)
    return format_html(
        '<span lang="{}">{}</span> <span class="fallback-badge">({})</span>', text.lang, text.text, badge
    )


@register.filter
def english_only(text):
    """A content field the data holds only in English (e.g. how a boundary was drawn): marked as
    English on a Chinese page, so the reader knows why it is not in their language."""
    if text in (None, ""):
        return ""
    return marked(formats.Localized(str(text), "en", formats.is_chinese()))


@register.filter
def text_in_language(obj, field):
    """{{ cluster|text_in_language:"boundary_method" }}: a text held in English (`field`) with a Chinese
    twin (`field`_zh), in the reader's language; the other one, marked, only when the reader's is empty."""
    english = getattr(obj, field, "") or ""
    chinese = getattr(obj, f"{field}_zh", "") or ""
    if formats.is_chinese():
        return marked(formats.Localized(chinese, "zh-Hans", False)) if chinese else english_only(english)
    if english:
        return marked(formats.Localized(english, "en", False))
    return marked(formats.Localized(chinese, "zh-Hans", True)) if chinese else ""


@register.filter
def long_date(value):
    """2025年3月25日 / 25 March 2025."""
    return formats.format_date(value)


@register.filter
def json_ld(data):
    """schema.org data as <script type="application/ld+json">, escaped the way json_script escapes."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def other_language(obj, field):
    """{{ cluster|other_language:"name" }}: the name in the other language too, for a reader who
    searches for it or reads it on a sign; empty when it is the one already shown as a fallback."""
    shown = formats.localized(obj, field)
    if not shown or shown.is_fallback:
        return ""
    other = "en" if shown.lang == formats.HTML_LANG["zh"] else "zh"
    text = getattr(obj, f"{field}_{other}", "") or ""
    if not text:
        return ""
    return format_html('<span class="name-other" lang="{}">{}</span>', formats.HTML_LANG[other], text)


@register.simple_tag
def compare_choices(checked):
    """The comparison form's checkboxes, one per published cluster, those in `checked` ticked. The rows are
    the same on every comparison page but for the ticks: written once per data version and language
    (layout.answer_cache.shared), so that a page about two clusters does not pay for 1,400."""

    def rows():
        return [
            (
                slug,
                str(format_html('<li><input type="checkbox" name="clusters" value="{0}" id="choice-{0}"', slug)),
                str(
                    format_html(
                        '><label for="choice-{}">{} <span class="choice-district">{}</span></label></li>',
                        slug,
                        localized(SimpleNamespace(name_zh=name_zh, name_en=name_en), "name"),
                        district,
                    )
                ),
            )
            for slug, name_zh, name_en, district in pages.compare_choices()
        ]

    # One list per edition: the comparison of 2025 lists 2025's clusters.
    written = answer_cache.shared(f"compare-choice-rows-{editions.shown().year}", rows)
    # Both halves of each row were escaped by format_html when written.
    return mark_safe("\n".join(f"{head}{' checked' if slug in checked else ''}{tail}" for slug, head, tail in written))
