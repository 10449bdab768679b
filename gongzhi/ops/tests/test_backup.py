"""Backup and restore against real databases and real files: SQLite always, PostgreSQL when configured.

Every test is transactional: the backup reads the database through its own connection (the SQLite online
backup API, or pg_dump), which cannot see a test's uncommitted transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from PIL import Image

from gongzhi.accounts.models import User
from gongzhi.audit.models import AuditEvent
from gongzhi.ops import backup as ops
from gongzhi.ops.backup.archive import _signature
from gongzhi.ops.models import BackupKind, BackupRecord
from gongzhi.people.models import Person
from gongzhi.testing import build_small_district
from gongzhi.tickets import services as svc
from gongzhi.tickets.models import Ticket, TicketPhoto
from gongzhi.tickets.tests.helpers import G1_POINT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Two tests are engine-specific by nature (pg_dump/pg_restore into a scratch database; SQLite's online
# backup API beside an open writer): each runs in its engine's suite in CI (make test, make test-postgres)
# and is skipped on the other one. The round trip above runs on both.
POSTGRES = connection.vendor == "postgresql"
# Tables the backup or restore itself writes to after its snapshot (its BackupRecord and audit row).
OWN_TABLES = {AuditEvent._meta.db_table, BackupRecord._meta.db_table}


def jpeg(color: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, "JPEG")
    return buf.getvalue()


def report_with_photo(district, color: str = "red") -> TicketPhoto:
    ticket = svc.ticket_report(
        actor=district.user("resident"),
        data=svc.TicketInput(description="楼道路灯不亮", lng=G1_POINT[0], lat=G1_POINT[1]),
        photos=[SimpleUploadedFile("photo.jpg", jpeg(color), content_type="image/jpeg")],
    )
    return TicketPhoto.objects.get(ticket=ticket)


def fingerprints(db: ops.Database | None = None) -> dict:
    db = db or ops.default_database()
    conn = db.connect()
    try:
        return ops.table_fingerprints(db, conn)
    finally:
        conn.close()


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of ``archive`` with members changed by ``change(name, data) -> (name, data) | None``."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            f = src.extractfile(member)
            changed = change(member.name, f.read() if f else b"")
            if changed is None:
                continue
            name, data = changed
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return out


def resigned(manifest: dict) -> tuple[bytes, bytes]:
    data = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()
    return data, _signature(data).encode()


# --- round trips ----------------------------------------------------------------------------------------


def test_round_trip_restores_rows_and_photos(tmp_path):
    district = build_small_district()
    photo = report_with_photo(district)
    photo_path = media_root() / photo.file.name
    photo_bytes = photo_path.read_bytes()
    (media_root() / "notes").mkdir(parents=True)
    (media_root() / "notes" / "说明.txt").write_text("原始内容", encoding="utf-8")
    before = fingerprints()

    result = ops.backup_create(output=tmp_path / "backups")

    assert result.path.name.startswith("gongzhi-backup-") and result.path.name.endswith(".tar.gz")
    assert result.path.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only
    m = result.manifest
    assert m["engine"] == ("postgresql" if POSTGRES else "sqlite")
    assert m["tables"] == before  # the snapshot is the state before the backup's own audit row
    assert m["tables"][Ticket._meta.db_table]["rows"] == 1
    assert m["media"][photo.file.name] == {
        "sha256": hashlib.sha256(photo_bytes).hexdigest(),
        "bytes": len(photo_bytes),
    }
    assert set(m["media"]) == {photo.file.name, "notes/说明.txt"}
    assert "0001_initial" in m["migrations"]["ops"]
    record = BackupRecord.objects.get()
    assert record.kind == BackupKind.BACKUP and record.archive == str(result.path)
    assert AuditEvent.objects.filter(event_type="ops.backup_created", actor=None).count() == 1

    # Damage: rows changed and deleted, the photo deleted, a media file overwritten.
    Ticket.objects.update(title="被改掉的标题")
    Person.objects.filter(pk=district.persons["g1"][0].pk).delete()
    photo_path.unlink()
    (media_root() / "notes" / "说明.txt").write_text("被覆盖", encoding="utf-8")
    assert fingerprints() != before
    # A connection the running server holds (SQLite) sees the restored content, not a stale copy.
    server = None if POSTGRES else sqlite3.connect(connection.settings_dict["NAME"])

    restored = ops.backup_restore(result.path, force=True)

    if server is not None:
        assert server.execute("SELECT title FROM tickets_ticket").fetchone()[0] != "被改掉的标题"
        server.close()

    after = fingerprints()
    assert {t: v for t, v in after.items() if t not in OWN_TABLES} == {
        t: v for t, v in before.items() if t not in OWN_TABLES
    }
    for table in OWN_TABLES:  # what was there, plus the restore's own row
        assert after[table]["rows"] == before[table]["rows"] + 1
    assert photo_path.read_bytes() == photo_bytes
    assert TicketPhoto.objects.get().file.read() == photo_bytes
    assert (media_root() / "notes" / "说明.txt").read_text(encoding="utf-8") == "原始内容"
    assert Ticket.objects.get().title != "被改掉的标题"
    assert Person.objects.filter(pk=district.persons["g1"][0].pk).exists()
    assert restored.rows == sum(t["rows"] for t in before.values())
    # The restored database does not hold the backup's own record (made after the snapshot), only the restore's.
    restore_event = AuditEvent.objects.get(event_type__startswith="ops.")
    assert restore_event.event_type == "ops.restored" and restore_event.actor_id is None
    assert restore_event.data["ok"] is True and restore_event.data["archive"] == str(result.path)


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL: the suite runs on it with make test-postgres")
def test_postgres_restore_into_scratch_database(tmp_path):
    import psycopg

    district = build_small_district()
    photo = report_with_photo(district, "blue")
    photo_bytes = (media_root() / photo.file.name).read_bytes()
    live = fingerprints()
    result = ops.backup_create(output=tmp_path)
    assert result.manifest["tables"] == live

    source = ops.default_database()
    scratch = f"{source.name.removeprefix('test_')[:30]}_restore_{uuid.uuid4().hex[:8]}"
    server = {"host": source.host, "port": source.port, "user": source.user, "password": source.password}
    conninfo = psycopg.conninfo.make_conninfo(dbname="postgres", **{k: v for k, v in server.items() if v})
    admin = psycopg.connect(conninfo, autocommit=True)
    admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        target = dataclasses.replace(source, name=scratch)
        assert ops.database_rows(target) == {}  # a new database: no --force needed
        restored = ops.backup_restore(result.path, database=target, media_root=tmp_path / "media2")
        assert restored.database.endswith("/" + scratch)
        assert fingerprints(target) == result.manifest["tables"]
        assert (tmp_path / "media2" / photo.file.name).read_bytes() == photo_bytes
        # The drill's audit row is in the configured database; the scratch one is the backup's copy.
        event = AuditEvent.objects.get(event_type="ops.restored")
        assert event.data["database"].endswith(scratch) and event.data["ok"] is True
        assert ops.database_rows(target)  # now in use: a second restore would need --force
        with pytest.raises(ops.BackupError, match="已有数据"):
            ops.backup_restore(result.path, database=target, media_root=tmp_path / "media2")
        # A table of a later migration would survive pg_restore --clean: refused before anything is done.
        with psycopg.connect(psycopg.conninfo.make_conninfo(conninfo, dbname=scratch), autocommit=True) as c:
            c.execute("CREATE TABLE later_feature (id bigint PRIMARY KEY)")
        with pytest.raises(ops.BackupError, match="备份里没有的表（later_feature）"):
            ops.backup_restore(result.path, database=target, force=True, restore_media=False)
        untouched = fingerprints(target)
        assert untouched.pop("later_feature")["rows"] == 0 and untouched == result.manifest["tables"]
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()


@pytest.mark.skipif(POSTGRES, reason="SQLite: the online backup API")
def test_sqlite_backup_while_a_writer_holds_a_transaction(tmp_path):
    build_small_district()
    before = fingerprints()
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE tickets_category SET name = name || '（未提交）'")
    try:
        result = ops.backup_create(output=tmp_path, record=False)  # WAL: the reader is not blocked
    finally:
        writer.rollback()
        writer.close()
    assert result.manifest["tables"] == before  # the uncommitted change is not in the snapshot

    # Onto a new server: a database file that does not exist yet, no --force needed.
    new_db = tmp_path / "new" / "gongzhi.sqlite3"
    target = ops.Database(engine="sqlite", name=str(new_db))
    ops.backup_restore(result.path, database=target, restore_media=False)
    assert fingerprints(target) == before
    assert sqlite3.connect(new_db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- refusals -------------------------------------------------------------------------------------------


def test_non_empty_database_refused_without_force(tmp_path):
    district = build_small_district()
    result = ops.backup_create(output=tmp_path)
    person = district.persons["g2"][0]
    Person.objects.filter(pk=person.pk).update(name="备份之后改的名字")

    with pytest.raises(CommandError) as err:
        call_command("restore", str(result.path))
    message = str(err.value)
    assert "已有数据" in message and "--force" in message
    assert Person.objects.get(pk=person.pk).name == "备份之后改的名字"  # untouched
    assert not AuditEvent.objects.filter(event_type="ops.restored").exists()

    out = io.StringIO()
    call_command("restore", str(result.path), "--force", stdout=out)
    assert "恢复完成" in out.getvalue()
    assert Person.objects.get(pk=person.pk).name != "备份之后改的名字"


def test_tampered_archives_refused_before_anything_is_touched(tmp_path):
    district = build_small_district()
    photo = report_with_photo(district)
    result = ops.backup_create(output=tmp_path / "b")
    out = io.StringIO()
    call_command("backup", "--verify", str(result.path), stdout=out)
    assert "检查通过" in out.getvalue()

    # After the backup: a change that a refused restore must leave in place.
    Ticket.objects.update(title="备份之后的标题")
    state = fingerprints()
    photo_bytes = (media_root() / photo.file.name).read_bytes()
    media_name = ops.MEDIA_PREFIX + photo.file.name
    with tarfile.open(result.path) as tar:
        manifest = json.loads(tar.extractfile(ops.MANIFEST).read())  # type: ignore[union-attr]

    def other_photo(name, data):
        return (name, jpeg("green")) if name == media_name else (name, data)

    def more_rows(name, data):
        if name != ops.MANIFEST:
            return name, data
        m = json.loads(data)
        m["tables"][Ticket._meta.db_table]["rows"] += 1
        return name, json.dumps(m).encode()

    def extra_member(name, data):
        return ("media/../../etc/cron.d/evil", b"x") if name == media_name else (name, data)

    def no_manifest(name, data):
        return None if name == ops.MANIFEST else (name, data)

    cases = {
        "photo": (other_photo, "sha256 与清单不符"),
        "manifest": (more_rows, "签名不符"),
        "extra": (extra_member, "清单未列出"),
        "no-manifest": (no_manifest, "缺少 manifest.json"),
    }
    for key, (change, expected) in cases.items():
        bad = rewrite(result.path, tmp_path / f"{key}.tar.gz", change)
        for args in (
            ["restore", str(bad), "--force"],
            ["restore", "--check", str(bad)],
            ["backup", "--verify", str(bad)],
        ):
            with pytest.raises(CommandError, match=expected):
                call_command(*args)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(result.path.read_bytes()[: result.path.stat().st_size // 2])
    with pytest.raises(CommandError, match="不完整或已损坏"):
        call_command("restore", str(truncated), "--force")
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"))

    # Signed, but for the other engine: refused by engine, not by hash.
    here, there = ("postgresql", "sqlite") if POSTGRES else ("sqlite", "postgresql")
    swapped = {**manifest, "engine": there, "dump": {**manifest["dump"], "name": ops.DUMP_NAMES[there]}}
    swapped_bytes, swapped_sig = resigned(swapped)

    def other_engine(name, data):
        return {
            ops.MANIFEST: (name, swapped_bytes),
            ops.SIGNATURE: (name, swapped_sig),
            ops.DUMP_NAMES[here]: (ops.DUMP_NAMES[there], data),
        }.get(name, (name, data))

    with pytest.raises(CommandError, match=f"备份来自 {ops.ENGINE_LABELS[there]} 数据库"):
        call_command(
            "restore", str(rewrite(result.path, tmp_path / "engine.tar.gz", other_engine)), "--force"
        )

    assert fingerprints() == state
    assert (media_root() / photo.file.name).read_bytes() == photo_bytes
    assert not AuditEvent.objects.filter(event_type="ops.restored").exists()


# These two only need a database a backup can read: a test transaction (rolled back, cheaper than the
# flush after a transactional test) is enough — the backup's own connection just does not see its rows.
@pytest.mark.django_db
def test_archive_from_another_data_key_refused(tmp_path, settings):
    result = ops.backup_create(output=tmp_path)
    settings.GONGZHI_DATA_KEY = "another-data-key-" + "k" * 32
    with pytest.raises(CommandError, match="GONGZHI_DATA_KEY"):
        call_command("restore", str(result.path))
    out = io.StringIO()
    call_command("restore", "--check", str(result.path), stdout=out)  # checkable, with a warning
    assert "GONGZHI_DATA_KEY" in out.getvalue()


@pytest.mark.django_db
def test_keep_prunes_older_archives_and_records_show_in_admin(tmp_path):
    for _ in range(3):
        call_command("backup", "--output", str(tmp_path), "--keep", "2", stdout=io.StringIO())
    archives = sorted(p.name for p in tmp_path.glob("gongzhi-backup-*.tar.gz"))
    assert len(archives) == 2
    assert BackupRecord.objects.filter(kind=BackupKind.BACKUP).count() == 3
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="root-Passw0rd-x"))
    page = client.get("/admin/ops/backuprecord/")
    assert page.status_code == 200 and archives[-1] in page.content.decode()
    assert client.get("/admin/ops/backuprecord/add/").status_code == 403
    with pytest.raises(CommandError, match="MEDIA_ROOT"):
        call_command("backup", "--output", str(media_root() / "backups"))
    (tmp_path / "unrelated.tar.gz").write_bytes(b"")
    ops.prune(tmp_path, 1)
    assert (tmp_path / "unrelated.tar.gz").exists() and len(list(tmp_path.glob("gongzhi-*"))) == 1
