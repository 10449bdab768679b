"""The ledger's rules held by the database itself.

PostgreSQL: a deferred constraint trigger checks, at commit, that every posting given legs has exactly
``leg_count`` legs summing to zero; row triggers refuse any UPDATE or DELETE of a posting or a leg
(TRUNCATE, which only tests' flushes use, is not a row event).

SQLite (no deferred triggers): the leg that makes a posting's legs reach ``leg_count`` must bring their sum
to zero, and a leg past ``leg_count`` is refused — so a posting with all its legs is balanced; UPDATE is
refused. DELETE stays possible on SQLite because Django's test flush deletes rows; the hash chain check
(``points_verify``) finds a removed row.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION points_leg_balanced() RETURNS trigger AS $$
DECLARE total bigint; n integer; expected integer;
BEGIN
  SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, n FROM points_leg WHERE posting_id = NEW.posting_id;
  SELECT leg_count INTO expected FROM points_posting WHERE id = NEW.posting_id;
  IF total <> 0 OR n <> expected THEN
    RAISE EXCEPTION 'points: posting % is unbalanced (sum %, legs % of %)', NEW.posting_id, total, n, expected
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER points_leg_balanced AFTER INSERT ON points_leg
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION points_leg_balanced();
CREATE OR REPLACE FUNCTION points_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'points: % of the ledger is refused (a correction is a reversing posting)', TG_OP
    USING ERRCODE = '23514';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER points_posting_append_only BEFORE UPDATE OR DELETE ON points_posting
  FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();
CREATE TRIGGER points_leg_append_only BEFORE UPDATE OR DELETE ON points_leg
  FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS points_leg_balanced ON points_leg;
DROP TRIGGER IF EXISTS points_posting_append_only ON points_posting;
DROP TRIGGER IF EXISTS points_leg_append_only ON points_leg;
DROP FUNCTION IF EXISTS points_leg_balanced();
DROP FUNCTION IF EXISTS points_ledger_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER points_leg_balanced AFTER INSERT ON points_leg
    WHEN (SELECT COUNT(*) FROM points_leg WHERE posting_id = NEW.posting_id)
         > (SELECT leg_count FROM points_posting WHERE id = NEW.posting_id)
      OR ((SELECT COUNT(*) FROM points_leg WHERE posting_id = NEW.posting_id)
         = (SELECT leg_count FROM points_posting WHERE id = NEW.posting_id)
         AND (SELECT SUM(amount) FROM points_leg WHERE posting_id = NEW.posting_id) <> 0)
    BEGIN SELECT RAISE(ABORT, 'points: unbalanced posting'); END""",
    """CREATE TRIGGER points_posting_no_update BEFORE UPDATE ON points_posting
    BEGIN SELECT RAISE(ABORT, 'points: UPDATE of the ledger is refused'); END""",
    """CREATE TRIGGER points_leg_no_update BEFORE UPDATE ON points_leg
    BEGIN SELECT RAISE(ABORT, 'points: UPDATE of the ledger is refused'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS points_leg_balanced",
    "DROP TRIGGER IF EXISTS points_posting_no_update",
    "DROP TRIGGER IF EXISTS points_leg_no_update",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
