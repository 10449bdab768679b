"""PostgreSQL: a GIN index over the characters of a person's name, for the name search.

``name LIKE '%朱海%'`` cannot use a B-tree, and pg_trgm extracts no trigram from a 2-character pattern, so
a 2-character Chinese query (surname + given name) read every row in the actor's scope: 0.9 s for a
district of 840,000 persons, 4 s for a city of 10 million (bench/city.py, docs/performance.md). The
selector adds ``regexp_split_to_array(name, '') @> ARRAY[chars]`` (PostgreSQL only) beside the LIKE:
the index finds the few rows holding both characters, the LIKE keeps the meaning. SQLite: nothing.
"""

from django.db import migrations

INDEX = "person_name_chars_gin"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person USING gin (regexp_split_to_array(name, ''))"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_populationimport")]

    operations = [migrations.RunPython(forward, backward)]
