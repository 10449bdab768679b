"""What the backup and restore commands print about an archive, in Chinese."""

from __future__ import annotations

from typing import Any

from gongzhi.ops.backup import ENGINE_LABELS


def size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def summary(manifest: dict[str, Any]) -> list[str]:
    tables = manifest["tables"]
    media = manifest["media"]
    return [
        f"  备份时间：{manifest.get('created_at', '')}（UTC）",
        f"  数据库：{ENGINE_LABELS[manifest['engine']]}，{len(tables)} 张表，"
        f"{sum(t['rows'] for t in tables.values())} 行，转储 {size(manifest['dump']['bytes'])}",
        f"  媒体文件：{len(media)} 个，共 {size(sum(m.get('bytes', 0) for m in media.values()))}",
    ]
