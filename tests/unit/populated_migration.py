"""Run in a process of its own on a throwaway database (DATABASE_URL): a database of before the editions, with the
2025 layout and an official's edits, migrated to editions; prints what survived as JSON for test_migrations.py."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layout.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

from layout.management.commands.load_layout import KINDS, SEEDS_DIR, Loader, normal  # noqa: E402

BEFORE = [("layout", "0005_data_version")]
KEYS = {"Source": "key", "District": "adcode", "IndustryChain": "slug", "Cluster": "number"}
EDITED_CLUSTER = 9  # Jiading: an official renamed it in English
DRAFTED_CLUSTER = 3  # Xuhui: an editor's change waits for a reviewer
EDITED_NAME = "Jiading Smart Car Cluster (renamed by an official)"


def migrate_to(targets):
    """Migrate the database to `targets` ([(app, migration)]) and give the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def load_seeds_as_before(apps):
    """The seeds written as `load_layout` wrote them before editions: each record with its seed values and a
    creation in its history, through the models of migration 0005."""
    loader = Loader(SEEDS_DIR, loader_geodata(), overwrite=False)
    found = {}
    for kind in KINDS:
        if kind.model.__name__ == "Edition":
            continue
        model = apps.get_model("layout", kind.model.__name__)
        history = apps.get_model("layout", f"Historical{kind.model.__name__}")
        for _path, _index, record in loader.records(kind):
            values, many, seeded = {}, {}, {}
            for name, raw in record.items():
                if name == "edition" or name in kind.seed_only or name.endswith("_note"):
                    continue
                if name == "note" and kind.model.__name__ != "Source":
                    continue
                field = model._meta.get_field(name)
                if field.many_to_many:
                    target = field.related_model.__name__
                    many[name] = [found[target][key] for key in raw]
                    seeded[name] = sorted(str(key) for key in raw)
                elif field.is_relation:
                    target = field.related_model.__name__
                    values[name] = None if raw is None else found[target][raw]
                    seeded[name] = None if raw is None else str(raw)
                else:
                    values[name] = field.to_python(raw)
                    seeded[name] = normal(field, values[name])
            obj = model.objects.create(**values, seed_values=seeded, version=1)
            for name, related in many.items():
                getattr(obj, name).set(related)
            record_history(history, obj, "+")
            if kind.model.__name__ in KEYS:
                found.setdefault(kind.model.__name__, {})[getattr(obj, KEYS[kind.model.__name__])] = obj
    return found


def loader_geodata():
    from layout.management.commands.load_layout import GEODATA_DIR

    return GEODATA_DIR


def record_history(history, obj, kind, reason=None):
    from django.utils import timezone

    values = {
        f.attname: getattr(obj, f.attname)
        for f in history._meta.concrete_fields
        if not f.name.startswith("history_") and hasattr(obj, f.attname)
    }
    history.objects.create(**values, history_date=timezone.now(), history_type=kind, history_change_reason=reason)


def officials_edits(apps):
    """An official's saved edit (with its history row) and an editor's pending draft."""
    Cluster = apps.get_model("layout", "Cluster")
    HistoricalCluster = apps.get_model("layout", "HistoricalCluster")
    edited = Cluster.objects.get(number=EDITED_CLUSTER)
    edited.name_en = EDITED_NAME
    edited.version += 1
    edited.save()
    record_history(HistoricalCluster, edited, "~", "renamed")
    drafted = Cluster.objects.get(number=DRAFTED_CLUSTER)
    drafted.draft = {
        "values": {"name_en": "Xuhui AI Cluster (proposed)", "space_m2": 120000},
        "by": "xuhui-editor",
        "at": "2026-03-01T09:00:00+00:00",
    }
    drafted.version += 1
    drafted.save()
    record_history(HistoricalCluster, drafted, "~", "draft proposed")


def every_row(apps):
    """Every layout row's values (drafts, versions, seed values, boundaries) and every history row."""
    rows = {}
    for name in ("Source", "District", "IndustryChain", "Cluster", "Scenario", "Project", "HeadlineFigure"):
        model = apps.get_model("layout", name)
        rows[name] = {
            str(o.pk): {f.attname: _plain(getattr(o, f.attname)) for f in model._meta.concrete_fields}
            for o in model.objects.all()
        }
        history = apps.get_model("layout", f"Historical{name}")
        rows[f"Historical{name}"] = {
            str(o.pk): {f.attname: _plain(getattr(o, f.attname)) for f in history._meta.concrete_fields}
            for o in history.objects.all()
        }
    return rows


def _plain(value):
    if value is None or isinstance(value, (bool, int, str, dict, list)):
        return value
    return str(value)


def main():
    from layout import drafts
    from layout.models import Cluster, Edition

    before_apps = migrate_to(BEFORE)
    load_seeds_as_before(before_apps)
    officials_edits(before_apps)
    before = every_row(before_apps)
    call_command("migrate", verbosity=0)
    after_apps = migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes("layout"))
    after = every_row(after_apps)
    edition = Edition.objects.get(year=2025)
    drafted = drafts.apply_draft(Cluster.objects.get(number=DRAFTED_CLUSTER))
    facts = {
        "before": before,
        "after": after,
        "edition": {
            "pk": edition.pk,
            "title_zh": edition.title_zh,
            "published": edition.is_published,
            "announced_on": str(edition.announced_on),
            "chains": edition.chains.count(),
            "sources": list(edition.sources.values_list("key", flat=True)),
        },
        "draft_applied": {"name_en": drafted.name_en, "space_m2": drafted.space_m2},
        "cluster_history": Cluster.history.filter(number=EDITED_CLUSTER).count(),
    }
    out = __import__("io").StringIO()
    call_command("load_layout", stdout=out)
    facts["load_layout"] = out.getvalue()
    facts["edited_name_after_load"] = Cluster.objects.get(number=EDITED_CLUSTER).name_en
    facts["clusters_after_load"] = Cluster.objects.filter(edition=edition).count()
    json.dump(facts, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
