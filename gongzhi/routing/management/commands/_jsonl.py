"""Reading the JSON-lines input of ``tickets_classify`` and ``tickets_similar``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from django.core.management.base import CommandError

MAX_TEXT = 4000


def read_lines(path: str) -> Iterator[dict[str, Any]]:
    """Each non-empty line ``{"id", "title" (optional), "text"}``; "-" reads standard input. A bad line
    stops the run with its line number."""
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8-sig")  # noqa: SIM115
    try:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"第{n}行不是合法的JSON：{exc.msg}") from exc
            if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                raise CommandError(f'第{n}行缺少 "id" 或 "text"')
            title = row.get("title") or ""
            yield {"id": row["id"], "title": str(title)[:200], "text": row["text"][:MAX_TEXT]}
    except FileNotFoundError as exc:
        raise CommandError(f"找不到文件：{path}") from exc
    finally:
        if stream is not sys.stdin:
            stream.close()


def joined(row: dict[str, Any]) -> str:
    title, text = row["title"], row["text"]
    return f"{title}。{text}" if title and title not in text else text
