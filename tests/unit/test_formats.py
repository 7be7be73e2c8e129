"""How figures read: 万平方米/亿元 in Chinese, m²/billion CNY in English, unknown as not published."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from layout import formats
from layout.models import HeadlineFigure


@pytest.mark.parametrize(
    "m2, zh, en",
    [
        (15_000_000, "1500万平方米", "15,000,000 m²"),
        (3_750_000, "375万平方米", "3,750,000 m²"),
        (100_000, "10万平方米", "100,000 m²"),
        (12_345, "1.23万平方米", "12,345 m²"),
        (800, "800平方米", "800 m²"),
    ],
)
def test_space_reads_in_wan_square_metres_in_chinese_and_square_metres_in_english(m2, zh, en):
    assert formats.format_space(m2, "zh-hans") == zh
    assert formats.format_space(m2, "en") == en


@pytest.mark.parametrize(
    "cny, zh, en",
    [
        (50_900_000_000, "509亿元", "50.9 billion CNY"),
        (2_500_000_000, "25亿元", "2.5 billion CNY"),
        (1_100_000_000_000, "11000亿元", "1,100 billion CNY"),
        (300_000_000, "3亿元", "300 million CNY"),
        (50_000, "5万元", "50,000 CNY"),
    ],
)
def test_investment_reads_in_yi_yuan_in_chinese_and_billion_cny_in_english(cny, zh, en):
    assert formats.format_investment(cny, "zh-hans") == zh
    assert formats.format_investment(cny, "en") == en


@pytest.mark.parametrize("format_figure", [formats.format_space, formats.format_investment, formats.format_count])
def test_unknown_figure_reads_not_published_never_zero(format_figure):
    assert format_figure(None, "zh-hans") == "未公布"
    assert format_figure(None, "en") == "not published"
    assert "0" not in format_figure(None, "en") + format_figure(None, "zh-hans")


def test_language_defaults_to_the_active_one(settings):
    from django.utils import translation

    with translation.override("en"):
        assert formats.format_space(15_000_000) == "15,000,000 m²"
        assert formats.format_space(None) == "not published"
    with translation.override("zh-hans"):
        assert formats.format_space(15_000_000) == "1500万平方米"
        assert formats.format_space(None) == "未公布"


def test_headline_figure_reads_in_its_unit_with_over_where_the_source_says_so():
    space = HeadlineFigure(key="space", value=Decimal("15000000.00"), unit="m2")
    investment = HeadlineFigure(key="investment", value=Decimal("50900000000"), unit="cny")
    total = HeadlineFigure(key="total", value=Decimal("50000000000"), unit="cny", qualifier="over")
    clusters = HeadlineFigure(key="clusters", value=Decimal("14"), unit="count")
    unknown = HeadlineFigure(key="unknown", value=None, unit="count")
    assert formats.format_headline(space, "en") == "15,000,000 m²"
    assert formats.format_headline(space, "zh-hans") == "1500万平方米"
    assert formats.format_headline(investment, "en") == "50.9 billion CNY"
    assert formats.format_headline(investment, "zh-hans") == "509亿元"
    assert formats.format_headline(total, "en") == "over 50 billion CNY"
    assert formats.format_headline(total, "zh-hans") == "超过500亿元"
    assert formats.format_headline(clusters, "en") == "14"
    assert formats.format_headline(unknown, "zh-hans") == "未公布"


def test_bilingual_falls_back_to_the_other_language_when_one_is_empty():
    class Named:
        name_zh = "嘉定区"
        name_en = ""

    assert formats.bilingual(Named, "name", "en") == "嘉定区"
    assert formats.bilingual(Named, "name", "zh-hans") == "嘉定区"
    Named.name_en = "Jiading"
    assert formats.bilingual(Named, "name", "en") == "Jiading"


class Bilingual:
    """A record with one bilingual field, as the models have (name_zh / name_en)."""

    def __init__(self, zh="", en=""):
        self.name_zh = zh
        self.name_en = en


@pytest.mark.parametrize(
    "language, zh, en, text, lang, is_fallback",
    [
        ("en", "嘉定区", "Jiading", "Jiading", "en", False),
        ("zh-hans", "嘉定区", "Jiading", "嘉定区", "zh-Hans", False),
        ("en", "嘉定区", "", "嘉定区", "zh-Hans", True),
        ("zh-hans", "", "Jiading", "Jiading", "en", True),
    ],
)
def test_localized_text_says_its_language_and_whether_it_is_a_fallback(language, zh, en, text, lang, is_fallback):
    shown = formats.localized(Bilingual(zh, en), "name", language)
    assert (shown.text, shown.lang, shown.is_fallback) == (text, lang, is_fallback)
    assert str(shown) == text


def test_localized_text_is_empty_only_when_both_languages_are():
    shown = formats.localized(Bilingual(), "name", "en")
    assert not shown and shown.text == "" and not shown.is_fallback


@pytest.mark.parametrize(
    "language, zh, en, badge",
    [
        ("en", "嘉定区", "", "in Chinese"),
        ("zh-hans", "", "Jiading", "英文"),
        ("en", "嘉定区", "Jiading", ""),
        ("zh-hans", "嘉定区", "", ""),
    ],
)
def test_a_fallback_is_marked_with_its_language_in_the_readers_language(language, zh, en, badge):
    assert formats.fallback_badge(formats.localized(Bilingual(zh, en), "name", language), language) == badge


@pytest.mark.parametrize(
    "value, zh, en",
    [
        (date(2025, 3, 25), "2025年3月25日", "25 March 2025"),
        (date(2024, 12, 1), "2024年12月1日", "1 December 2024"),
    ],
)
def test_dates_read_the_way_each_language_writes_them(value, zh, en):
    assert formats.format_date(value, "zh-hans") == zh
    assert formats.format_date(value, "en") == en


def test_an_unknown_date_reads_not_published():
    assert formats.format_date(None, "en") == "not published"
    assert formats.format_date(None, "zh-hans") == "未公布"


@pytest.mark.parametrize(
    "part, whole, zh, en",
    [
        (5, 37, "37个中的5个", "5 of 37"),
        (2, 21, "21个中的2个", "2 of 21"),
        (1200, 5000, "5,000个中的1,200个", "1,200 of 5,000"),
        (3, None, "3个（总数未公布）", "3 (total not published)"),
    ],
)
def test_share_of_an_announced_total(part, whole, zh, en):
    assert formats.format_share(part, whole, "zh-hans") == zh
    assert formats.format_share(part, whole, "en") == en


def test_scenarios_text_says_not_published_in_the_language_asked_for():
    with translation.override("zh-hans"):
        assert formats.format_scenarios(None, 0, "en") == "not published (0 named)"
    with translation.override("en"):
        assert formats.format_scenarios(None, 1, "zh-hans") == "未公布（已公布名称1个）"


def test_a_count_of_named_records_says_named_so_zero_never_reads_as_none_exist():
    assert formats.format_named(0, "en") == "0 named"
    assert formats.format_named(5, "zh-hans") == "已列名5个"
