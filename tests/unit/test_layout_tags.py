"""Template filters: a missing translation is shown in the other language and marked; markup stays text."""

import json

import pytest
from django.template import Context, Template
from django.utils import translation


class Record:
    def __init__(self, zh="", en=""):
        self.name_zh = zh
        self.name_en = en


def render(source, language, **context):
    with translation.override(language):
        return Template("{% load layout_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    "language, record, html",
    [
        ("en", Record("嘉定区", "Jiading"), '<span lang="en">Jiading</span>'),
        ("zh-hans", Record("嘉定区", "Jiading"), '<span lang="zh-Hans">嘉定区</span>'),
        (
            "en",
            Record("嘉定区", ""),
            '<span lang="zh-Hans">嘉定区</span> <span class="fallback-badge">(in Chinese)</span>',
        ),
        ("zh-hans", Record("", "Jiading"), '<span lang="en">Jiading</span> <span class="fallback-badge">(英文)</span>'),
        ("en", Record("", ""), ""),
    ],
)
def test_localized_shows_the_readers_language_or_the_other_one_marked(language, record, html):
    assert render('{{ record|localized:"name" }}', language, record=record) == html


def test_localized_keeps_typed_markup_as_text():
    html = render('{{ record|localized:"name" }}', "en", record=Record("", "<b onclick=x>Jiading</b>"))
    assert html == '<span lang="en">&lt;b onclick=x&gt;Jiading&lt;/b&gt;</span>'


@pytest.mark.parametrize(
    "language, record, html",
    [
        ("en", Record("嘉定区", "Jiading"), '<span class="name-other" lang="zh-Hans">嘉定区</span>'),
        ("zh-hans", Record("嘉定区", "Jiading"), '<span class="name-other" lang="en">Jiading</span>'),
        ("en", Record("嘉定区", ""), ""),  # already shown, as the fallback
    ],
)
def test_other_language_adds_the_name_a_reader_may_search_for(language, record, html):
    assert render('{{ record|other_language:"name" }}', language, record=record) == html


def test_english_only_text_is_marked_on_chinese_pages_only():
    assert render("{{ text|english_only }}", "en", text="Indicative") == '<span lang="en">Indicative</span>'
    assert render("{{ text|english_only }}", "zh-hans", text="Indicative") == (
        '<span lang="en">Indicative</span> <span class="fallback-badge">(英文)</span>'
    )
    assert render("{{ text|english_only }}", "zh-hans", text="") == ""


def test_json_ld_is_valid_json_that_cannot_end_its_script_element():
    data = {"name": "</script><!-- & 张江"}
    html = render("{{ data|json_ld }}", "en", data=data)
    assert html.startswith('<script type="application/ld+json">') and html.count("</script>") == 1
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(body) == data


def test_long_date_reads_per_language():
    from datetime import date

    assert render("{{ day|long_date }}", "en", day=date(2025, 3, 25)) == "25 March 2025"
    assert render("{{ day|long_date }}", "zh-hans", day=date(2025, 3, 25)) == "2025年3月25日"
