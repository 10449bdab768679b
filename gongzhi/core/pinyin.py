"""Pinyin keys for search and sort: 张伟 → "zhangwei" and initials "zw"."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import lazy_pinyin


@lru_cache(maxsize=65536)
def keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) from one conversion; names repeat, so the cache saves most of them."""
    syllables = [s for s in lazy_pinyin(text, errors="ignore") if s]
    return "".join(syllables).lower(), "".join(s[0] for s in syllables).lower()


def full(text: str) -> str:
    return keys(text)[0]


def initials(text: str) -> str:
    return keys(text)[1]
