"""Every test run migrates a database from scratch, on SQLite, where adding a constraint, an index or a
foreign key to an existing table rebuilds the table. A migration that creates a model creates it whole:
its constraints, indexes and fields in the `CreateModel` (scripts/fold_migration.py does it)."""

from __future__ import annotations

from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader

FOLDABLE = (ops.AddConstraint, ops.AddIndex, ops.AddField)


def test_a_migration_creates_its_models_whole():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = []
    for (app, name), migration in loader.disk_migrations.items():
        if not migration.__module__.startswith("gongzhi."):
            continue
        created = {o.name_lower for o in migration.operations if isinstance(o, ops.CreateModel)}
        for o in migration.operations:
            if not isinstance(o, FOLDABLE) or o.model_name_lower not in created:
                continue
            if isinstance(o, ops.AddField) and getattr(o.field.remote_field, "through", None):
                continue  # a many-to-many through a model of the app: no column, no rebuild
            found.append(f"{app}.{name}: {type(o).__name__} on {o.model_name_lower}")
    assert found == [], (
        "fold them into the CreateModel: python scripts/fold_migration.py APP NAME\n" + "\n".join(found)
    )
