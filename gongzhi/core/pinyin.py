"""Pinyin keys for search and sort: 张伟 → "zhangwei" and initials "zw"."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def full(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def initials(text: str) -> str:
    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if p).lower()
