"""Duplicate finding: are two reports the same problem?

The score mixes the text (character-bigram Jaccard of the normalised texts, and again with the place words
taken out so that "3号楼楼道漏水" and "3号楼楼道灯不亮" — same place, different problem — stay apart), the
classifier's small class (same class or not), the distance between the two points and the same household or
building. ``MinHashIndex`` (banded MinHash, numpy) finds the candidates among many texts without comparing
every pair; candidates are then scored exactly."""

from __future__ import annotations

import math
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from gongzhi.routing.lexicon import LEXICON
from gongzhi.routing.normalise import normalise

# Place words: numbers with their unit (3号楼, 2单元, 501室), estate/road suffixes and the like.
_PLACE = re.compile(
    r"[0-9一二三四五六七八九十百]+(?:号楼|号院|号|栋|幢|单元|楼|层|室|户|路|街|巷|弄|米)"
    r"|[\u4e00-\u9fa5]{1,4}(?:小区|花园|家园|新村|社区|公寓|大街|大道|路口|广场|公园)"
)
_NOISE = re.compile(r"[\s,.;:!?()、，。；：！？（）“”\"'…—\-]+")
_STOP = set("的了在是我有和就不人都一也很到说要去你会着没看好自这那他她它们吗呢吧啊呀哦")
THRESHOLD = 0.5
_KEYWORDS = frozenset(w for kws, _ in LEXICON.values() for w in kws.split() if len(w) >= 2)
_KEYWORD_LENGTHS = sorted({len(w) for w in _KEYWORDS})


def keywords_in(text: str) -> set[str]:
    """The lexicon keywords found in the text: its substrings of a keyword's length looked up in the set
    (a few hundred lookups for a report, instead of a substring search per keyword)."""
    n = len(text)
    return {
        text[i : i + k] for k in _KEYWORD_LENGTHS for i in range(n - k + 1) if text[i : i + k] in _KEYWORDS
    }


def bigrams(text: str) -> set[str]:
    t = _NOISE.sub("", text)
    return {t[i : i + 2] for i in range(len(t) - 1) if not (t[i] in _STOP and t[i + 1] in _STOP)}


def shingles(text: str) -> tuple[set[str], set[str], set[str]]:
    """(all bigrams, bigrams of the text without its place words, lexicon keywords) of the normalised
    text."""
    norm = normalise(text)
    content = _PLACE.sub(" ", norm)
    return bigrams(norm), bigrams(content), keywords_in(content)


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(a: set[str], b: set[str]) -> float:
    """Share of the smaller set found in the larger (a short report inside a long letter)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lng1, lat1 = map(math.radians, a)
    lng2, lat2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(min(1.0, h)))


@dataclass
class Report:
    """What the score reads of one report."""

    key: str
    text: str
    code: str = ""  # the small class (the ticket's, else the classifier's)
    point: tuple[float, float] | None = None
    household_id: int | None = None
    building: str = ""
    _sh: tuple[set[str], set[str], set[str]] | None = None

    @property
    def sh(self) -> tuple[set[str], set[str], set[str]]:
        if self._sh is None:
            self._sh = shingles(self.text)
        return self._sh


def score(a: Report, b: Report) -> tuple[float, dict[str, float]]:
    """0..1 and its parts. Text carries most; place and class confirm or weaken it."""
    full = jaccard(a.sh[0], b.sh[0])
    content = max(jaccard(a.sh[1], b.sh[1]), 0.8 * containment(a.sh[1], b.sh[1]))
    words = jaccard(a.sh[2], b.sh[2]) if len(a.sh[2] | b.sh[2]) >= 2 else 0.0
    text = max(0.35 * full + 0.65 * content, 0.8 * words)
    parts = {"text": round(text, 3)}
    s = text
    if a.code and b.code:
        same = 1.0 if a.code == b.code else (0.5 if a.code[:3] == b.code[:3] else 0.0)
        parts["category"] = same
        s = 0.7 * s + 0.3 * same
    if a.point and b.point:
        d = metres(a.point, b.point)
        near = 1.0 if d <= 50 else max(0.0, 1 - (d - 50) / 450)
        parts["distance_m"] = round(d)
        s = 0.8 * s + 0.2 * near
    if (a.household_id and a.household_id == b.household_id) or (a.building and a.building == b.building):
        parts["same_building"] = 1.0
        s = min(1.0, s + 0.1)
    return round(s, 3), parts


# --- banded MinHash ------------------------------------------------------------------------------------

_P = (1 << 61) - 1


class MinHashIndex:
    """Banded MinHash over character bigrams: ``bands`` × ``rows`` permutations; two texts whose bigram
    Jaccard is s share a band with probability 1 − (1 − s^rows)^bands (32 × 2 = 64 permutations: s = 0.3 →
    0.95, s = 0.15 → 0.52). Low on purpose: candidates are re-scored exactly."""

    def __init__(self, *, bands: int = 32, rows: int = 2, seed: int = 24) -> None:
        rng = np.random.default_rng(seed)
        self.bands, self.rows = bands, rows
        n = bands * rows
        self._a = rng.integers(1, _P, size=n, dtype=np.uint64)
        self._b = rng.integers(0, _P, size=n, dtype=np.uint64)
        self._buckets: list[dict[bytes, list[str]]] = [defaultdict(list) for _ in range(bands)]
        self.size = 0

    def signature(self, grams: Iterable[str]) -> np.ndarray:
        h = np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64)
        if h.size == 0:
            h = np.zeros(1, dtype=np.uint64)
        # (a·h + b) mod 2^64, then the low 32 bits: a cheap universal family, fine for bucketing.
        values = (np.outer(self._a, h) + self._b[:, None]) & np.uint64(0xFFFFFFFF)
        return values.min(axis=1)

    def _bands(self, sig: np.ndarray) -> Iterable[tuple[int, bytes]]:
        for i in range(self.bands):
            yield i, sig[i * self.rows : (i + 1) * self.rows].tobytes()

    def add(self, key: str, grams: Iterable[str]) -> None:
        for i, band in self._bands(self.signature(grams)):
            self._buckets[i][band].append(key)
        self.size += 1

    def query(self, grams: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for i, band in self._bands(self.signature(grams)):
            found.update(self._buckets[i].get(band, ()))
        return found


def similar_pairs(reports: list[Report], *, threshold: float = THRESHOLD) -> list[tuple[str, str, float]]:
    """Every pair of the reports judged the same problem, (a, b, score) with a before b in the input."""
    index = MinHashIndex()
    order = {r.key: i for i, r in enumerate(reports)}
    by_key = {r.key: r for r in reports}
    out = []
    for r in reports:
        grams = r.sh[1] or r.sh[0]
        for other in index.query(grams):
            s, _ = score(by_key[other], r)
            if s >= threshold:
                out.append((other, r.key, s))
        index.add(r.key, grams)
    out.sort(key=lambda p: (order[p[0]], order[p[1]]))
    return out
