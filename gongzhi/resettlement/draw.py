"""The draw (摇号) that fixes the order in which households choose — an algorithm anyone can re-run.

The protocol, in the order things happen:

1. **The canonical list.** One line per eligible household, sorted by its key (the project number, e.g.
   ``DZ-001``), UTF-8, fields separated by ``|``, lines by ``\\n``, no trailing newline::

       <key>|<former village>|<entitled area, 2 decimals>|<flats>|<storage rooms>|<parking spaces>

   No name is in it, so it can be published. ``list_sha256`` = SHA-256 of these bytes.
2. **The commitment**, published before the draw: ``commitment`` = SHA-256 of
   ``b"gongzhi-draw-v1\\n" + seed + b"\\n" + canonical list``. The seed is kept secret (encrypted at rest)
   until the draw; changing the seed or the list afterwards changes the commitment.
3. **The witnesses** are recorded (at least ``MIN_WITNESSES``).
4. **The order**: each key's score is HMAC-SHA256(key = the seed's UTF-8 bytes, message = the household key's
   UTF-8 bytes), as lowercase hex; households are sorted by (score, key) and numbered from 1. Only
   ``hmac``/``hashlib`` are used — never Python's ``random``, whose generator may change between versions.
5. **The result**: the seed is published with the order; ``result_sha256`` = SHA-256 of the lines
   ``<position>|<key>`` joined by ``\\n``. Anyone holding the seed and the canonical list re-runs step 4
   (``python manage.py resettlement_draw_verify --seed … --list …``) and checks steps 1, 2 and 5.

The same seed and list give the same order on any database, machine or Python version.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from decimal import Decimal

ALGORITHM = "HMAC-SHA256-sort/v1"
COMMITMENT_PREFIX = b"gongzhi-draw-v1\n"
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
SEED_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class ListError(ValueError):
    """A canonical list that cannot be read (a bad line, a duplicate key)."""


def new_seed() -> str:
    """A fresh seed: 32 random bytes from the operating system, as 64 hex digits."""
    return secrets.token_hex(32)


def canonical_line(key: str, village: str, area: Decimal, flats: int, storage: int, parking: int) -> str:
    return f"{key}|{village}|{Decimal(area).quantize(Decimal('0.01'))}|{flats}|{storage}|{parking}"


def canonical_list(rows: Iterable[tuple[str, str, Decimal, int, int, int]]) -> str:
    lines = sorted((canonical_line(*row) for row in rows), key=lambda line: line.split("|", 1)[0])
    return "\n".join(lines)


def keys_of(canonical: str) -> list[str]:
    """The household keys of a canonical list, checked: six fields a line, valid and unique keys."""
    keys: list[str] = []
    for n, line in enumerate(canonical.splitlines(), start=1):
        parts = line.split("|")
        if len(parts) != 6 or not KEY_RE.match(parts[0]):
            raise ListError(f"第{n}行格式不对：{line[:60]}")
        keys.append(parts[0])
    if len(set(keys)) != len(keys):
        raise ListError("名单中有重复的安置编号")
    return keys


def sha256_hex(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def commitment_of(seed: str, canonical: str) -> str:
    return hashlib.sha256(
        COMMITMENT_PREFIX + seed.encode("utf-8") + b"\n" + canonical.encode("utf-8")
    ).hexdigest()


def score(seed: str, key: str) -> str:
    return hmac.new(seed.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()


def order(seed: str, keys: Iterable[str]) -> list[str]:
    """The keys in draw order (position 1 first)."""
    return sorted(keys, key=lambda k: (score(seed, k), k))


def result_lines(ordered: list[str]) -> str:
    return "\n".join(f"{i}|{k}" for i, k in enumerate(ordered, start=1))


def result_sha256(ordered: list[str]) -> str:
    return sha256_hex(result_lines(ordered))
