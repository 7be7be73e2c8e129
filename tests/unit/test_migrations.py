"""Migration 0006: a database holding the 2025 layout and officials' edits becomes the 2025 edition, nothing lost."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

EDITION_MODELS = ("Cluster", "Scenario", "Project", "HeadlineFigure")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """tests/unit/populated_migration.py run on a throwaway SQLite database: before, after and what followed."""
    database = tmp_path_factory.mktemp("populated") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "layout.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.unit.populated_migration"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_value_and_history_row_should_survive_the_migration(migrated):
    before, after = migrated["before"], migrated["after"]
    for table, rows in before.items():
        assert set(after[table]) == set(rows), table
        for pk, values in rows.items():
            # Every column that existed keeps its value: drafts, versions, seed values, boundaries, history.
            assert {name: after[table][pk][name] for name in values} == values, (table, pk)


def test_every_record_and_history_row_should_belong_to_2025(migrated):
    edition = migrated["edition"]["pk"]
    for name in EDITION_MODELS:
        for table in (name, f"Historical{name}"):
            assert migrated["after"][table], table
            assert {row["edition_id"] for row in migrated["after"][table].values()} == {edition}, table


def test_the_2025_edition_should_be_what_the_sources_publish(migrated):
    assert migrated["edition"] == {
        "pk": migrated["edition"]["pk"],
        "title_zh": "上海2025重点产业布局图",
        "published": True,
        "announced_on": "2025-03-25",
        "chains": 10,
        "sources": ["article-2025-03-25"],
    }


def test_a_pending_draft_should_still_apply(migrated):
    assert migrated["draft_applied"] == {"name_en": "Xuhui AI Cluster (proposed)", "space_m2": 120000}


def test_load_layout_should_keep_the_officials_edit_on_a_migrated_database(migrated):
    assert "0 created, 0 updated" in migrated["load_layout"]
    assert "kept 1 edited records" in migrated["load_layout"]
    assert migrated["edited_name_after_load"] == "Jiading Smart Car Cluster (renamed by an official)"
    assert migrated["clusters_after_load"] == 14
    assert migrated["cluster_history"] == 2
