"""Production static files (collectstatic, as `make serve` runs it): hashed names down to the ES modules'
own imports, gzip and Brotli copies, and a year of immutable caching."""

import re

import pytest
from django.conf import settings
from django.test import Client

IMPORT = re.compile(r'(?:import|export)\b[^;]*?\bfrom\s*"(\./[^"]+)"|import\s*"(\./[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.(js|css|svg|png)$")


@pytest.fixture
def collected(collected_static):
    return collected_static


def test_every_es_module_import_names_a_hashed_file_that_exists(collected):
    modules = [path for path in (collected / "layout").glob("*.js") if HASHED.search(path.name)]
    assert len(modules) >= len(list((settings.BASE_DIR / "static" / "layout").glob("*.js")))
    imports = 0
    for module in modules:
        for match in IMPORT.finditer(module.read_text()):
            target = match.group(1) or match.group(2)
            imports += 1
            assert HASHED.search(target), f"{module.name} imports {target} by its unhashed name"
            assert (module.parent / target).exists(), f"{module.name} imports {target}, which was not collected"
    assert imports >= 10  # cluster-map.js alone imports seven modules


def test_every_hashed_file_has_gzip_and_brotli_copies(collected):
    hashed = [path for path in (collected / "layout").iterdir() if HASHED.search(path.name)]
    assert hashed
    for path in hashed:
        if path.suffix in {".js", ".css", ".svg"}:
            assert path.with_name(path.name + ".gz").exists() and path.with_name(path.name + ".br").exists(), path


def test_a_hashed_module_is_served_compressed_and_cached_for_a_year(collected, settings):
    settings.STATIC_ROOT = collected
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "layout.static_files.HashedStaticFilesStorage"},
    }
    module = next(path for path in (collected / "layout").glob("cluster-map.*.js") if HASHED.search(path.name))
    hashed = Client().get(f"/static/layout/{module.name}", HTTP_ACCEPT_ENCODING="gzip, br")
    assert hashed.status_code == 200
    assert hashed["Cache-Control"] == "max-age=31536000, public, immutable"
    assert hashed["Content-Encoding"] == "br"
    # The unhashed name still answers (an old page, a bookmark), but only for a minute.
    plain = Client().get("/static/layout/cluster-map.js")
    assert plain.status_code == 200 and "immutable" not in plain["Cache-Control"]
