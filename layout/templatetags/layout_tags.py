"""Template filters that show figures and names the way layout.formats says they read."""
from django import template

from layout import formats

register = template.Library()


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
