"""The archive itself: its format, the key id and the manifest's signature, media files, the tar members,
and reading an archive back (``archive_check``, ``archive_verify``, ``compare_tables``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings

from gongzhi.ops.backup.database import Database, _run_tool, pg_tool
from gongzhi.ops.backup.errors import BackupError
from gongzhi.ops.backup.fingerprints import table_fingerprints

FORMAT = "gongzhi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
DUMP_NAMES = {"sqlite": "db/gongzhi.sqlite3", "postgresql": "db/gongzhi.pgdump"}
MEDIA_PREFIX = "media/"
CHUNK = 1 << 20


# --- keys -----------------------------------------------------------------------------------------------


def _data_key() -> bytes:
    return str(getattr(settings, "GONGZHI_DATA_KEY", "") or "").encode()


def data_key_id() -> str:
    """Names the personal-data key without revealing it: a backup is only readable under the same key."""
    return hmac.new(_data_key(), b"gongzhi-backup:key-id", hashlib.sha256).hexdigest()[:16]


def _signature(manifest_bytes: bytes) -> str:
    key = hmac.new(_data_key(), b"gongzhi-backup:manifest", hashlib.sha256).digest()
    return hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()


# --- files ----------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _walk_media(media_root: Path) -> Iterator[tuple[str, Path]]:
    if not media_root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not path.is_symlink() and path.is_file():
                yield path.relative_to(media_root).as_posix(), path


def _media_files(media_root: Path) -> dict[str, dict[str, Any]]:
    return {rel: {"sha256": _sha256_file(p), "bytes": p.stat().st_size} for rel, p in _walk_media(media_root)}


def _safe_rel(rel: Any) -> bool:
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        return False
    p = PurePosixPath(rel)
    return not p.is_absolute() and ".." not in p.parts and p.as_posix() == rel


class _HashingReader:
    def __init__(self, f: IO[bytes]):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.digest.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), mtime, 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path, meta: dict[str, Any]) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = meta["bytes"], 0o600
    try:
        info.mtime = path.stat().st_mtime
        with path.open("rb") as f:
            reader = _HashingReader(f)
            tar.addfile(info, reader)
    except OSError as exc:
        raise BackupError(f"文件在备份过程中被修改或删除：{name}（请重新备份）") from exc
    if reader.digest.hexdigest() != meta["sha256"]:
        raise BackupError(f"文件在备份过程中被修改：{name}（请重新备份）")


# --- reading and checking an archive --------------------------------------------------------------------


@dataclass
class Checked:
    archive: Path
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    key_matches: bool = True


def _check_manifest_shape(m: Any) -> dict[str, Any]:
    bad = BackupError("manifest.json 内容不完整或格式不对，不是有效的共治备份")
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise bad
    version = m.get("format_version")
    if not isinstance(version, int):
        raise bad
    if version > FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {version} 比当前程序支持的（{FORMAT_VERSION}）新，请先升级程序")
    if m.get("engine") not in DUMP_NAMES:
        raise BackupError(f"备份的数据库类型“{m.get('engine')}”不受支持")
    dump, tables, media = m.get("dump"), m.get("tables"), m.get("media")
    if not (isinstance(dump, dict) and dump.get("name") == DUMP_NAMES[m["engine"]] and "sha256" in dump):
        raise bad
    if not isinstance(tables, dict) or not all(
        isinstance(t, dict) and isinstance(t.get("rows"), int) and isinstance(t.get("sha256"), str)
        for t in tables.values()
    ):
        raise bad
    if not isinstance(media, dict) or not all(
        _safe_rel(rel) and isinstance(meta, dict) and isinstance(meta.get("sha256"), str)
        for rel, meta in media.items()
    ):
        raise bad
    if not isinstance(m.get("migrations", {}), dict):
        raise bad
    return m


def archive_check(
    archive: str | Path, *, extract_to: Path | None = None, allow_other_key: bool = False
) -> Checked:
    """Reads the whole archive once: the manifest first, then every member hashed against it.

    With ``extract_to`` the dump and media land there (nothing outside it is touched). Raises BackupError
    on anything missing, extra, unreadable or with a different hash.
    """
    path = Path(archive)
    if not path.exists():
        raise BackupError(f"备份文件不存在：{path}")
    if not path.is_file():
        raise BackupError(f"不是文件：{path}")
    expected: dict[str, str] = {}
    seen: set[str] = set()
    problems: list[str] = []
    manifest: dict[str, Any] | None = None
    signature = ""
    manifest_bytes = b""
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            for i, member in enumerate(tar):
                name = member.name
                if i == 0:
                    if name != MANIFEST or not member.isreg():
                        raise BackupError("备份文件中缺少 manifest.json，不是共治备份")
                    manifest_bytes = _read_member(tar, member)
                    try:
                        manifest = _check_manifest_shape(json.loads(manifest_bytes))
                    except ValueError as exc:
                        raise BackupError("manifest.json 不是有效的 JSON，备份已损坏") from exc
                    expected[manifest["dump"]["name"]] = manifest["dump"]["sha256"]
                    for rel, meta in manifest["media"].items():
                        expected[MEDIA_PREFIX + rel] = meta["sha256"]
                    continue
                if name == SIGNATURE and not signature and member.isreg():
                    signature = _read_member(tar, member).decode(errors="replace").strip()
                    continue
                if name not in expected or name in seen or not member.isreg():
                    problems.append(f"备份中有清单未列出的内容：{name}")
                    continue
                seen.add(name)
                digest = _copy_member(tar, member, extract_to / name if extract_to else None)
                if digest != expected[name]:
                    problems.append(f"{name}：sha256 与清单不符")
    except BackupError:
        raise
    except (tarfile.ReadError, zlib.error, EOFError, OSError) as exc:
        if manifest is None:
            raise BackupError(f"不是有效的备份文件（无法作为 tar.gz 读取）：{path}") from exc
        raise BackupError(f"备份文件不完整或已损坏：{path}（{exc}）") from exc
    if manifest is None:
        raise BackupError("备份文件中缺少 manifest.json，不是共治备份")
    problems.extend(f"{name}：备份中缺少该文件" for name in expected if name not in seen)
    key_matches = manifest.get("data_key_id") == data_key_id()
    if key_matches and not hmac.compare_digest(signature, _signature(manifest_bytes)):
        problems.append("manifest.json 的签名不符：清单在备份之后被改动过")
    if problems:
        raise BackupError("备份文件未通过检查，未做任何改动：", details=problems)
    checked = Checked(archive=path, manifest=manifest, key_matches=key_matches)
    if not key_matches:
        message = (
            "备份时使用的个人信息加密密钥（GONGZHI_DATA_KEY）与当前配置不同：恢复后身份证号码、电话号码将无法解密，"
            "清单签名也无法核对"
        )
        if not allow_other_key:
            raise BackupError(message + "。请配置备份时的密钥；确认仍要恢复请加 --force")
        checked.notes.append(message)
    return checked


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.size > 256 * 1024 * 1024:
        raise BackupError(f"{member.name} 过大，不是有效的备份")
    f = tar.extractfile(member)
    return f.read() if f else b""


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path | None) -> str:
    digest = hashlib.sha256()
    src = tar.extractfile(member)
    out: IO[bytes] | None = None
    if dest is not None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        out = dest.open("wb")
    try:
        while src is not None and (chunk := src.read(CHUNK)):
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest()


def _dump_readable(engine: str, dump: Path) -> str | None:
    """A light look inside the dump; returns a note when it cannot be looked at here."""
    if engine == "sqlite":
        try:
            conn = sqlite3.connect(str(dump))
            try:
                result = conn.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise BackupError(f"数据库快照无法打开：{exc}") from exc
        if result != "ok":
            raise BackupError(f"数据库快照检查未通过：{result}")
        return None
    try:
        pg_restore = pg_tool("pg_restore")
    except BackupError:
        return "未检查转储内容：本机找不到 pg_restore"
    _run_tool([pg_restore, "--list", str(dump)], dict(os.environ), "读取 PostgreSQL 转储")
    return None


def archive_verify(archive: str | Path) -> Checked:
    """``backup --verify`` / ``restore --check``: everything short of restoring, nothing touched.

    For SQLite the snapshot's tables are hashed too, so the dump itself is checked against the manifest.
    """
    with tempfile.TemporaryDirectory(prefix="gongzhi-verify-") as tmp:
        root = Path(tmp)
        checked = archive_check(archive, extract_to=root, allow_other_key=True)
        m = checked.manifest
        dump = root / m["dump"]["name"]
        note = _dump_readable(m["engine"], dump)
        if note:
            checked.notes.append(note)
        if m["engine"] == "sqlite":
            conn = sqlite3.connect(str(dump))
            try:
                diffs = compare_tables(m["tables"], table_fingerprints(Database("sqlite", str(dump)), conn))
            finally:
                conn.close()
            if diffs:
                raise BackupError("数据库快照与清单不符：", details=diffs)
    return checked


def compare_tables(want: dict[str, dict[str, Any]], have: dict[str, dict[str, Any]]) -> list[str]:
    diffs: list[str] = []
    for table, meta in sorted(want.items()):
        got = have.get(table)
        if got is None:
            diffs.append(f"表 {table}：恢复后不存在")
        elif got["rows"] != meta["rows"]:
            diffs.append(f"表 {table}：行数应为 {meta['rows']}，实为 {got['rows']}")
        elif got["sha256"] != meta["sha256"]:
            diffs.append(f"表 {table}：内容哈希不一致（行数相同）")
    diffs.extend(f"表 {table}：不在备份中，却在数据库里" for table in sorted(set(have) - set(want)))
    return diffs
