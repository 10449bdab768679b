"""Fold an app's new migration into table-creating operations: python scripts/fold_migration.py APP NAME

`makemigrations` writes a new app's constraints, indexes and some foreign keys as operations after the
`CreateModel`s (AddConstraint, AddIndex, AddField). On SQLite each of them rebuilds the table, and every
test run migrates from scratch: an app's 0001 cost 2-3.5 s instead of under half a second. This rewrites
the migration with each of those folded into its model's `CreateModel` and the `CreateModel`s ordered by
their foreign keys inside the app; the end state is the same (`makemigrations --check` says "No changes").
A many-to-many through a model of the app stays an `AddField` after every table (it adds no column).
Only for a migration no database has applied yet in a form that matters (a database that applied the
old form has the same tables). `gongzhi/core/tests/test_migrations.py` asks for it.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections import Counter
from typing import Any


def fold(app: str, name: str) -> tuple[dict[str, int], dict[str, int]]:
    from django.db.migrations import operations as ops
    from django.db.migrations.writer import MigrationWriter

    mod = importlib.import_module(f"gongzhi.{app}.migrations.{name}")
    mig = mod.Migration(name, app)
    before = list(mig.operations)
    creates = {o.name_lower: o for o in before if isinstance(o, ops.CreateModel)}
    rest = []
    for o in before:
        if isinstance(o, ops.CreateModel):
            continue
        if isinstance(o, ops.AddField) and getattr(o.field.remote_field, "through", None):
            rest.append(o)
        elif isinstance(o, ops.AddField) and o.model_name_lower in creates:
            c = creates[o.model_name_lower]
            c.fields = [*c.fields, (o.name, o.field)]
        elif isinstance(o, ops.AddConstraint) and o.model_name_lower in creates:
            c = creates[o.model_name_lower]
            c.options = {**c.options, "constraints": [*c.options.get("constraints", []), o.constraint]}
        elif isinstance(o, ops.AddIndex) and o.model_name_lower in creates:
            c = creates[o.model_name_lower]
            c.options = {**c.options, "indexes": [*c.options.get("indexes", []), o.index]}
        else:
            rest.append(o)

    def in_app(label: Any) -> str | None:
        label = (label if isinstance(label, str) else label._meta.label).lower()
        if "." in label:
            owner, model = label.split(".")
            return model if owner == app and model in creates else None
        return label if label in creates else None

    def deps(c: Any) -> set[str]:
        out = set()
        for _, field in c.fields:
            rel = field.remote_field
            if rel is None:
                continue
            for label in (rel.model, getattr(rel, "through", None)):
                model = in_app(label) if label is not None else None
                if model and model != c.name_lower:
                    out.add(model)
        for base in c.bases:
            model = in_app(base) if isinstance(base, str) else None
            if model:
                out.add(model)
        return out

    order: list[Any] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(model: str) -> None:
        if model in done:
            return
        if model in visiting:
            raise SystemExit(f"{app}.{name}: a foreign-key cycle through {model}; left as it is")
        visiting.add(model)
        for d in sorted(deps(creates[model])):
            visit(d)
        visiting.discard(model)
        done.add(model)
        order.append(creates[model])

    for o in before:
        if isinstance(o, ops.CreateModel):
            visit(o.name_lower)
    mig.operations = order + rest
    # A dependency on the user model stays swappable (the writer knows it by this form).
    from django.conf import settings

    mig.dependencies = [
        ("__setting__", "AUTH_USER_MODEL") if getattr(d, "setting", None) == settings.AUTH_USER_MODEL else d
        for d in mig.dependencies
    ]
    writer = MigrationWriter(mig)
    with open(writer.path, "w", encoding="utf-8") as fh:
        fh.write(writer.as_string())
    kinds = lambda ops_: dict(Counter(type(x).__name__ for x in ops_))  # noqa: E731
    return kinds(before), kinds(mig.operations)


def main() -> None:
    import django

    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    app, name = sys.argv[1], sys.argv[2]
    before, after = fold(app, name)
    print(f"{app}.{name}: {before} -> {after}; now: ruff check --fix, ruff format, makemigrations --check")


if __name__ == "__main__":
    main()
