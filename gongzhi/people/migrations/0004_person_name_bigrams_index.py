"""PostgreSQL: a GIN index over the adjacent character pairs (bigrams) of a person's name.

The characters index of 0003 answers "every character of the query is in the name": for 朱海 in the city
of 10 million that is 4,750 rows, half of them 海朱… or 朱X海, and within a district PostgreSQL ANDed them
with the district's 840,000-row bitmap (61.8 ms p95, docs/performance.md). A name containing the query
contains each of its adjacent pairs, so ``gongzhi_bigrams(name) @> gongzhi_bigrams(query)`` never loses
a match and leaves about the matches only; the selector keeps the LIKE beside it for the exact meaning
(a pair can repeat: 朱海朱 holds both pairs of 海朱海 without containing it).

``gongzhi_bigrams`` is PL/pgSQL: 2 µs a name here, where the same in one SQL statement (not inlined
into an index expression) took 5 µs and a regexp form 8 µs. It calls only pg_catalog functions, so no
search_path can change it, which an index expression needs (IMMUTABLE).

0003 stays: a single-character query has no pair, and the characters index answers it.

A plain CREATE INDEX inside the migration's transaction (it blocks writes to the table while it runs:
4–15 s for the 500,000 persons of the 0.05 city on this loaded machine, so a few minutes for 10
million), with
more maintenance_work_mem for the build than the server's default, then ANALYZE so the planner has the
statistics of the new expression. SQLite: nothing.
"""

from django.db import migrations

INDEX = "person_name_bigrams_gin"

FUNCTION = """
CREATE OR REPLACE FUNCTION gongzhi_bigrams(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    pairs text[] := '{}';
BEGIN
    FOR i IN 1 .. char_length(value) - 1 LOOP
        pairs := pairs || substr(value, i, 2);
    END LOOP;
    RETURN pairs;
END
$$
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person USING gin (gongzhi_bigrams(name))"
    )
    schema_editor.execute("ANALYZE people_person")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("DROP FUNCTION IF EXISTS gongzhi_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_person_name_chars_index")]

    operations = [migrations.RunPython(forward, backward)]
