"""The classifier: multinomial naive Bayes over character 2- and 3-grams of the normalised text plus the
lexicon's keywords, with three heads — the small class (which gives the top-level class), the level and
the department type. Trained in seconds by ``train``; stored as gzip'd JSON of sparse counts; scored with a
dense numpy matrix built at load (well under a millisecond a text).

Level and department type mix their own head with what the small-class posterior implies (each small
class has a usual level and department in ``taxonomy``), so a district's corrections can move either."""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gongzhi.routing.lexicon import LEXICON
from gongzhi.routing.normalise import normalise
from gongzhi.routing.taxonomy import BY_CODE, DEPARTMENT_TYPES, LEVELS, TOP_CLASSES

SHIPPED_MODEL = Path(__file__).resolve().parent / "data" / "model.json.gz"
ALPHA = 0.1
KEYWORD_WEIGHT = 3.0
MIN_COUNT = 2  # features seen fewer times than this in training are dropped from the stored model
_PUNCT = re.compile(r"[\s,.;:!?()\[\]{}'\"<>/\\|、，。；：！？（）【】《》“”‘’…—\-_~`@#$%^&*+=]+")
_DIGITS = re.compile(r"\d+")


@dataclass
class Example:
    text: str
    code: str
    level: str
    department_type: str
    weight: float = 1.0


def _keywords(extra: dict[str, list[str]] | None = None) -> list[str]:
    words = {w for kws, _ in LEXICON.values() for w in kws.split()}
    for more in (extra or {}).values():
        words.update(more)
    return sorted(words, key=lambda w: (-len(w), w))


def features(text: str, keywords: Sequence[str]) -> dict[str, float]:
    """n-grams of the normalised text (digits folded to 0, punctuation as a break) and keyword hits."""
    norm = normalise(text)
    out: dict[str, float] = defaultdict(float)
    for chunk in _PUNCT.split(_DIGITS.sub("0", norm)):
        for n in (2, 3):
            for i in range(len(chunk) - n + 1):
                out[chunk[i : i + n]] += 1.0
        if len(chunk) == 1:
            out[chunk] += 1.0
    for w in keywords:
        if w in norm:
            out["k:" + w] += KEYWORD_WEIGHT
    return out


@dataclass
class Head:
    labels: list[str]
    prior: list[float]  # log prior per label
    total: list[float]  # summed feature counts per label
    counts: dict[str, dict[int, float]]  # feature → label index → count

    def to_json(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "prior": [round(p, 5) for p in self.prior],
            "total": [round(t, 3) for t in self.total],
            "counts": {f: [[i, round(c, 3)] for i, c in sorted(d.items())] for f, d in self.counts.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Head:
        return cls(
            labels=list(data["labels"]),
            prior=list(data["prior"]),
            total=list(data["total"]),
            counts={f: {int(i): float(c) for i, c in pairs} for f, pairs in data["counts"].items()},
        )


def _train_head(labels: list[str], rows: Iterable[tuple[dict[str, float], str, float]]) -> Head:
    index = {label: i for i, label in enumerate(labels)}
    counts: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    docs = [0.0] * len(labels)
    for feats, label, weight in rows:
        i = index[label]
        docs[i] += weight
        for f, v in feats.items():
            counts[f][i] += v * weight
    kept = {f: dict(d) for f, d in counts.items() if sum(d.values()) >= MIN_COUNT}
    total = [0.0] * len(labels)
    for d in kept.values():
        for i, c in d.items():
            total[i] += c
    n = sum(docs) or 1.0
    # Labels never seen keep a small prior so that a district's correction can still bring them in.
    prior = [math.log((d + 0.5) / (n + 0.5 * len(labels))) for d in docs]
    return Head(labels=labels, prior=prior, total=total, counts=kept)


class _Scorer:
    """A head as arrays: log P(feature | label) bonuses over the smoothing floor, per feature."""

    def __init__(self, head: Head) -> None:
        self.labels = head.labels
        vocab = len(head.counts) or 1
        denom = np.array([t + ALPHA * vocab for t in head.total], dtype=np.float64)
        self.prior = np.array(head.prior, dtype=np.float64)
        self.floor = math.log(ALPHA) - np.log(denom)  # log P(f|c) for a feature never seen with c
        self.index = {f: i for i, f in enumerate(head.counts)}
        matrix = np.zeros((len(head.counts), len(self.labels)), dtype=np.float32)
        for r, d in enumerate(head.counts.values()):
            for c, n in d.items():
                matrix[r, c] = math.log((n + ALPHA) / ALPHA)
        self.matrix = matrix

    def scores(self, feats: dict[str, float]) -> tuple[np.ndarray, int]:
        rows, weights = [], []
        for f, v in feats.items():
            r = self.index.get(f)
            if r is not None:
                rows.append(r)
                weights.append(v)
        w = np.array(weights, dtype=np.float32)
        total = float(w.sum())
        s = self.prior + total * self.floor
        if rows:
            s = s + w @ self.matrix[rows]
        return s, len(rows)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = (scores - scores.max()) / temperature
    e = np.exp(z)
    return e / e.sum()


@dataclass
class Suggestion:
    code: str  # the best small class
    category: str  # its top-level class
    category_top3: list[dict[str, Any]]  # [{"category", "code", "name", "confidence"}] of three top classes
    level: str
    department_type: str
    confidence: float  # of the top-level class
    margin: float  # confidence of the first minus the second top-level class
    level_confidence: float = 0.0
    department_confidence: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "category_top3": self.category_top3,
            "code": self.code,
            "level": self.level,
            "department_type": self.department_type,
            "confidence": round(self.confidence, 3),
        }


@dataclass
class Model:
    heads: dict[str, Head]
    keywords_extra: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._keywords = _keywords(self.keywords_extra)
        self._scorers = {name: _Scorer(head) for name, head in self.heads.items()}
        cls = self._scorers["class"]
        self._top_index = [TOP_CLASSES.index(BY_CODE[c].top) if c in BY_CODE else 14 for c in cls.labels]
        lv, dp = self._scorers["level"].labels, self._scorers["department"].labels
        self._class_level = np.zeros((len(cls.labels), len(lv)))
        self._class_dept = np.zeros((len(cls.labels), len(dp)))
        for i, c in enumerate(cls.labels):
            small = BY_CODE.get(c)
            if small:
                self._class_level[i, lv.index(small.level)] = 1.0
                self._class_dept[i, dp.index(small.department_type)] = 1.0

    # -- scoring -----------------------------------------------------------------------------------------

    def suggest(self, text: str) -> Suggestion:
        feats = features(text, self._keywords)
        cls = self._scorers["class"]
        raw, seen = cls.scores(feats)
        temperature = max(2.0, math.sqrt(max(seen, 1)) * 1.5)
        p = _softmax(raw, temperature)
        tops = np.zeros(len(TOP_CLASSES))
        np.add.at(tops, self._top_index, p)
        order = np.argsort(-tops)[:3]
        best_code_of_top: dict[int, int] = {}
        for i in np.argsort(-p):
            t = self._top_index[int(i)]
            best_code_of_top.setdefault(t, int(i))
            if len(best_code_of_top) == len(TOP_CLASSES):
                break
        top3: list[dict[str, Any]] = []
        for t in order:
            ci = best_code_of_top.get(int(t))
            code = cls.labels[ci] if ci is not None else "306001"
            top3.append(
                {
                    "category": TOP_CLASSES[int(t)],
                    "code": code,
                    "name": BY_CODE[code].name if code in BY_CODE else code,
                    "confidence": round(float(tops[t]), 3),
                }
            )
        level_p = self._mix("level", feats, p @ self._class_level)
        dept_p = self._mix("department", feats, p @ self._class_dept)
        lv, dp = self._scorers["level"].labels, self._scorers["department"].labels
        return Suggestion(
            code=str(top3[0]["code"]),
            category=str(top3[0]["category"]),
            category_top3=top3,
            level=lv[int(level_p.argmax())],
            department_type=dp[int(dept_p.argmax())],
            confidence=float(tops[order[0]]),
            margin=float(tops[order[0]] - tops[order[1]]),
            level_confidence=float(level_p.max()),
            department_confidence=float(dept_p.max()),
        )

    def _mix(self, name: str, feats: dict[str, float], implied: np.ndarray) -> np.ndarray:
        raw, seen = self._scorers[name].scores(feats)
        own = _softmax(raw, max(2.0, math.sqrt(max(seen, 1)) * 1.5))
        return 0.35 * own + 0.65 * implied

    # -- storage -----------------------------------------------------------------------------------------

    def dumps(self) -> bytes:
        body = {
            "format": "gongzhi-routing-nb/1",
            "meta": self.meta,
            "keywords_extra": self.keywords_extra,
            "heads": {name: head.to_json() for name, head in self.heads.items()},
        }
        return gzip.compress(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), mtime=0)

    @classmethod
    def loads(cls, blob: bytes) -> Model:
        body = json.loads(gzip.decompress(blob))
        if body.get("format") != "gongzhi-routing-nb/1":
            raise ValueError("not a routing model")
        return cls(
            heads={name: Head.from_json(h) for name, h in body["heads"].items()},
            keywords_extra={k: list(v) for k, v in body.get("keywords_extra", {}).items()},
            meta=body.get("meta", {}),
        )


def train(
    examples: Iterable[Example], *, keywords_extra: dict[str, list[str]] | None = None, meta: Any = None
) -> Model:
    keywords = _keywords(keywords_extra)
    rows = [(features(e.text, keywords), e) for e in examples]
    class_labels = sorted(BY_CODE)
    heads = {
        "class": _train_head(class_labels, ((f, e.code, e.weight) for f, e in rows if e.code in BY_CODE)),
        "level": _train_head(list(LEVELS), ((f, e.level, e.weight) for f, e in rows if e.level in LEVELS)),
        "department": _train_head(
            list(DEPARTMENT_TYPES),
            ((f, e.department_type, e.weight) for f, e in rows if e.department_type in DEPARTMENT_TYPES),
        ),
    }
    return Model(heads=heads, keywords_extra=dict(keywords_extra or {}), meta=dict(meta or {}))


def corpus_examples(*, per_class: int = 60, seed: int = 24) -> list[Example]:
    from gongzhi.routing.corpus import generate

    return [
        Example(s.text, s.code, s.level, s.department_type) for s in generate(per_class=per_class, seed=seed)
    ]


_shipped: Model | None = None


def shipped_model() -> Model:
    """The model that ships in the repository (``manage.py routing_build_model`` writes it)."""
    global _shipped
    if _shipped is None:
        _shipped = Model.loads(SHIPPED_MODEL.read_bytes())
    return _shipped


def accuracy(model: Model, examples: Sequence[Example]) -> dict[str, float]:
    """Top-1 accuracy of the top-level class, the level and the department type."""
    if not examples:
        return {"category": 0.0, "level": 0.0, "department_type": 0.0, "n": 0}
    cat = lvl = dep = 0
    for e in examples:
        s = model.suggest(e.text)
        cat += s.category == BY_CODE[e.code].top if e.code in BY_CODE else s.category == e.code
        lvl += s.level == e.level
        dep += s.department_type == e.department_type
    n = len(examples)
    return {"category": cat / n, "level": lvl / n, "department_type": dep / n, "n": n}
