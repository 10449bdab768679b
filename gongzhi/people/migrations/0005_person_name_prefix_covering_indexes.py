"""Initials and pinyin prefix searches: one B-tree each with the pattern opclass (``LIKE 'zhq%'``; the
collation is not C) carrying the id and the district, in place of the two indexes each field had
(default opclass, which no query used, and ``_like``). For a district or a city, the selector picks a
page's ids from these alone (index-only scans), so a city-wide ``zhq`` no longer reads and joins all of
its 7,750 matches to show 50.

PostgreSQL: more maintenance_work_mem for the builds than the server's default (plain CREATE INDEX in
the migration's transaction; writes to the table wait while it runs). SQLite: plain indexes.
"""

from django.conf import settings
from django.db import migrations, models


def more_memory(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_person_name_bigrams_index"),
        ("places", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(more_memory, more_memory),
        migrations.AlterField(
            model_name="person",
            name="name_initials",
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AlterField(
            model_name="person",
            name="name_pinyin",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["name_initials"],
                include=("id", "district_code"),
                name="person_initials_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["name_pinyin"],
                include=("id", "district_code"),
                name="person_pinyin_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
