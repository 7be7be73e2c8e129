"""`manage.py export_map`: one HTML file with everything inside it, nothing fetched, every published cluster listed."""

import pytest
from django.core.management import CommandError, call_command

from layout import offline_map
from layout.models import Cluster

pytestmark = pytest.mark.usefixtures("layout_data")


def export(tmp_path, *args):
    path = tmp_path / "map.html"
    call_command("export_map", "--output", str(path), *args, verbosity=0)
    return path.read_text(encoding="utf-8")


def test_the_file_carries_leaflet_its_styles_and_the_data_inside_it(tmp_path):
    html = export(tmp_path)
    assert offline_map.fetched_addresses(html) == []
    assert "Leaflet 1.9" in html  # the library itself, inlined
    assert ".leaflet-container" in html  # its stylesheet
    assert "url(images/" not in html  # its control images as data: URIs
    assert 'id="offline-map-config"' in html


def test_the_file_lists_every_published_cluster_and_says_which_have_no_published_location(tmp_path):
    html = export(tmp_path, "--lang", "zh-hans")
    assert '<html lang="zh-hans">' in html
    for cluster in Cluster.objects.all():
        assert f'data-slug="{cluster.slug}"' in html, cluster.slug
        assert cluster.name_zh.replace('"', "&quot;") in html, cluster.slug
    unlocated = Cluster.objects.filter(boundary__isnull=True)
    assert unlocated.exists()
    for cluster in unlocated:
        assert f'data-slug="{cluster.slug}" data-located="false"' in html


def test_the_file_follows_the_language_and_states_licence_and_indicative_areas(tmp_path):
    html = export(tmp_path, "--lang", "en")
    assert "Zhangjiang + Jinqiao New-Generation Electronic Information Cluster" in html
    assert "50.9 billion CNY" in html
    assert "CC BY-SA" in html and "indicative" in html and "审图号" in html


def test_a_draft_cluster_is_left_out(tmp_path):
    cluster = Cluster.objects.get(slug="zhangjiang-jinqiao-electronic-information")
    cluster.is_published = False
    cluster.save()
    assert f'data-slug="{cluster.slug}"' not in export(tmp_path)


def test_markup_typed_into_a_name_stays_text(tmp_path):
    cluster = Cluster.objects.get(slug="zhangjiang-jinqiao-electronic-information")
    cluster.name_zh = "</script><script>alert(1)</script>"
    cluster.save()
    html = export(tmp_path)
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html


def test_a_missing_folder_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        call_command("export_map", "--output", str(tmp_path / "missing" / "map.html"), verbosity=0)


def test_any_reference_that_would_fetch_is_found():
    html = (
        '<link rel="stylesheet" href="https://cdn.example/x.css"><style>a{background:url(img/a.png)}</style>'
        '<script src="//cdn.example/x.js"></script><img src="data:image/png;base64,AAAA">'
        "<div style=\"background:url('#frag')\"></div>"
    )
    assert offline_map.fetched_addresses(html) == ["https://cdn.example/x.css", "img/a.png", "//cdn.example/x.js"]


def test_the_download_link_serves_the_same_map(client):
    response = client.get("/downloads/layout-map.html", {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert offline_map.fetched_addresses(html) == []
    assert html.count('class="offline-cluster"') == Cluster.objects.published().count() == 14
