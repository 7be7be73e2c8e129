"""A public page read as a reader's browser reads it: its elements, what it fetches, its text by class, its data."""

import json
from html.parser import HTMLParser

# The elements whose content is never shown: an element of theirs adds nothing to the text by class.
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """The elements of a page by tag with their attributes, its ids and language, the addresses a browser fetches,
    the text of each class, and the JSON of its json_script elements."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.json = {}
        self.ids = set()
        self.html_lang = None
        self.fetched = []  # (tag, address)
        self.text_by_class = {}
        self._open = []  # (tag, classes) of the open elements
        self._script_id = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in ("script", "img", "iframe") and attrs.get("src"):
            self.fetched.append((tag, attrs["src"]))
        # Only links a browser fetches: alternate and canonical addresses are absolute but never loaded.
        if (
            tag == "link"
            and attrs.get("href")
            and attrs.get("rel") in ("stylesheet", "icon", "preload", "modulepreload")
        ):
            self.fetched.append((tag, attrs["href"]))
        self._script_id = attrs.get("id") if tag == "script" and attrs.get("type") == "application/json" else None
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, (attrs.get("class") or "").split()))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._script_id:
            self.json[self._script_id] = json.loads(data)
            self._script_id = None
        for _tag, classes in self._open:
            for name in classes:
                self.text_by_class.setdefault(name, []).append(data)

    def find(self, tag, **wanted):
        """The attributes of each `tag` element having every wanted value (`class_` for class) among its own."""
        return [
            attrs
            for t, attrs in self.elements
            if t == tag and all(wanted[name] in (attrs.get(name.rstrip("_")) or "").split() for name in wanted)
        ]

    def texts(self, class_name):
        """Text of each element of a class, whitespace collapsed (one entry per text run)."""
        return [" ".join(t.split()) for t in self.text_by_class.get(class_name, []) if t.strip()]


def read_page(response):
    """The answer's page, read (see Page)."""
    return Page(response.content.decode())


def page_json(response, element_id):
    """The data a page hands its scripts in <script id=element_id type="application/json"> (json_script)."""
    data = read_page(response).json
    assert element_id in data, f"no #{element_id} data on the page"
    return data[element_id]
