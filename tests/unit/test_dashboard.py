"""The admin's dashboard of what investors look at (layout.dashboard): city-wide for city editors, reviewers and
superusers; a district editor sees only their district's clusters and no city-wide figure; the CSV is
formula-safe; the charts are inline SVG."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from layout import analytics
from layout.models import Cluster, DailyCount
from tests.unit.conftest import JIADING, signed_in
from tests.unit.import_files import downloaded_csv_rows

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("admin:layout_dailycount_changelist")
EXPORT = reverse("admin:layout_dailycount_export")


@pytest.fixture
def looked_at(layout_data, counts):
    """Counts of a Jiading cluster, another district's cluster, and city-wide things (some still in the cache)."""
    jiading = Cluster.objects.filter(district__adcode=JIADING).first()
    other = Cluster.objects.exclude(district__adcode=JIADING).filter(is_published=True).first()
    for _ in range(3):
        analytics.count("cluster", jiading.slug)
    analytics.count("popup", jiading.slug)
    analytics.count("cluster", other.slug)
    analytics.count("view", "map")
    analytics.count("search_none", '=HYPERLINK("http://evil.example")')
    analytics.count("search", "zhangjiang")
    analytics.flush()
    analytics.count("popup", other.slug)  # not flushed yet: the dashboard flushes before it reads
    return jiading, other


def test_city_editors_see_everything(officials, looked_at):
    jiading, other = looked_at
    for role in ("city", "reviewer", "admin"):
        page = officials[role].get(DASHBOARD)
        assert page.status_code == 200, role
        text = page.content.decode()
        assert jiading.name_en in text and other.name_en in text
        assert "Searches that found nothing" in text
        assert "=hyperlink" in text.lower()
        assert "<svg" in text
    assert DailyCount.objects.get(kind="popup", key=other.slug).count == 1


def test_a_district_editor_sees_only_their_districts_clusters(officials, looked_at):
    jiading, other = looked_at
    page = officials["jiading"].get(DASHBOARD)
    assert page.status_code == 200
    text = page.content.decode()
    assert jiading.name_en in text
    assert other.name_en not in text
    assert "Searches that found nothing" not in text and "hyperlink" not in text.lower()
    assert "Pages viewed" not in text
    rows = downloaded_csv_rows(officials["jiading"].get(EXPORT))
    assert {row[2] for row in rows[1:]} == {jiading.slug}
    assert {row[3] for row in rows[1:]} == {JIADING}


def test_the_csv_is_formula_safe_and_follows_the_range(officials, looked_at):
    response = officials["city"].get(EXPORT)
    assert response["Content-Type"].startswith("text/csv")
    rows = downloaded_csv_rows(response)
    assert rows[0] == ["day", "kind", "key", "district", "count"]
    keys = [row[2] for row in rows[1:]]
    assert '\'=hyperlink("http://evil.example")' in keys
    assert not any(key.startswith(("=", "+", "-", "@")) for key in keys)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    before = officials["city"].get(EXPORT, {"start": yesterday, "end": yesterday})
    assert len(downloaded_csv_rows(before)) == 1


def test_a_wrong_range_says_so_and_shows_the_last_30_days(officials, looked_at):
    page = officials["city"].get(DASHBOARD, {"start": "2026-05-02", "end": "2026-05-01"})
    assert page.status_code == 200
    assert "The first day comes after the last." in page.content.decode()
    assert looked_at[0].name_en in page.content.decode()


def test_in_chinese(officials, looked_at):
    client = officials["city"]
    page = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "未找到结果的搜索" in text
    assert looked_at[0].name_zh in text


def test_nobody_else_opens_it(layout_data, django_user_model, counts):
    assert Client().get(DASHBOARD).status_code == 302  # to the sign-in
    staff = django_user_model.objects.create_user("no-role", "n@example.org", "pw", is_staff=True)
    assert signed_in(staff).get(DASHBOARD).status_code == 403


def test_the_admin_index_links_to_it(officials):
    assert DASHBOARD in officials["jiading"].get(reverse("admin:index")).content.decode()


def test_the_charts_need_no_script_and_no_style_attribute(officials, looked_at):
    text = officials["city"].get(DASHBOARD).content.decode()
    dashboard = text.split('<div id="content-main" class="dashboard">')[1].split("<footer")[0]
    assert dashboard.count("<svg") >= 3
    assert "<script" not in dashboard and "style=" not in dashboard
