"""The Chinese catalogue: complete, well-formed, and compiled by polib into what Django reads."""

import ast
import gettext
import re
import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

from layout.management.commands.compile_catalogues import compile_catalogues

CATALOGUE = Path(settings.BASE_DIR) / "layout" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
TRANSLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")


def entries():
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


def source_messages():
    """Messages marked in our Python modules and {% translate %} tags (block translations are
    collected by makemessages; these are the ones easy to add and forget)."""
    found = set()
    for path in (Path(settings.BASE_DIR) / "layout").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None) and getattr(node.func, "id", getattr(node.func, "attr", None))
            # pgettext's message is its second argument (the first is its context).
            index = 1 if name in ("pgettext", "pgettext_lazy") else 0
            if (
                isinstance(node, ast.Call)
                and name in GETTEXT_CALLS
                and len(node.args) > index
                and isinstance(node.args[index], ast.Constant)
                and isinstance(node.args[index].value, str)
            ):
                found.add((node.args[index].value, path.name))
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found.add((match.group(2), path.name))
    return found


def test_every_message_has_a_chinese_translation_and_none_is_fuzzy():
    untranslated = [e.msgid for e in entries() if not e.translated()]
    assert untranslated == []
    assert [e.msgid for e in entries() if "fuzzy" in e.flags] == []


def test_every_message_marked_in_the_code_is_in_the_catalogue():
    known = {entry.msgid for entry in entries()}
    missing = sorted(f"{where}: {message}" for message, where in source_messages() if message not in known)
    assert missing == [], "run `make messages` and translate the new strings"


def test_translations_keep_every_placeholder():
    for entry in entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid


def test_compiled_catalogue_is_what_django_reads(tmp_path):
    locale = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(CATALOGUE, locale / "django.po")
    written = compile_catalogues([tmp_path / "locale"])
    assert written == [locale / "django.mo"]
    with open(locale / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("Back to the map") == "返回地图"
    assert compiled.ngettext("%(counter)s named project", "%(counter)s named projects", 2) == "已列名项目%(counter)s个"
    # A second run leaves an up-to-date catalogue alone.
    assert compile_catalogues([tmp_path / "locale"]) == []


def test_the_running_site_reads_chinese_from_the_catalogue():
    with translation.override("zh-hans"):
        assert translation.gettext("Compare clusters") == "集聚区对比"
    with translation.override("en"):
        assert translation.gettext("Compare clusters") == "Compare clusters"
