"""The default category tree, and on PostgreSQL the GIN index the bigram search uses."""

from django.db import migrations


def load_taxonomy(apps, schema_editor):
    from gongzhi.tickets.taxonomy import default_categories

    Category = apps.get_model("tickets", "Category")
    db = schema_editor.connection.alias  # the database being migrated (move_database migrates another)
    by_code = {}
    for row in default_categories():
        parent_code = row.pop("parent")
        parent = by_code.get(parent_code) if parent_code else None
        obj, _ = Category.objects.using(db).get_or_create(
            code=row["code"], defaults={**row, "parent": parent}
        )
        by_code[obj.code] = obj


def search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from gongzhi.core.textsearch import postgres_index_sql

    schema_editor.execute(postgres_index_sql("tickets_ticket")[0])


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from gongzhi.core.textsearch import postgres_index_sql

    schema_editor.execute(postgres_index_sql("tickets_ticket")[1])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        migrations.RunPython(load_taxonomy, migrations.RunPython.noop),
        migrations.RunPython(search_index, drop_search_index),
    ]
